"""Seating arrangements: people in a row, at a round table or in two facing rows.

The spec is written in one fixed frame, so the logic never depends on wording:

- ``line``: seats ``0..n-1`` from west to east. A person facing north (``facing=True``)
  has west on the left; facing south, east.
- ``circle``: seats ``0..n-1`` clockwise seen from above. Facing the centre
  (``facing=True``) the left hand points clockwise; facing outward, anticlockwise.
- ``rows``: two rows of ``m = n/2``; seats ``0..m-1`` are the north row (facing south),
  ``m..n-1`` the south row (facing north), each west to east; seat ``s`` faces ``s ± m``.

"Left" and "right" always follow the reference person's own facing. Entities are ints:
``e < n`` is person ``e``; ``e >= n`` is value ``e % n`` of attribute category ``e // n``
(1-based), i.e. "the person who has that value". Circular arrangements are unique up to
rotation, so encoders fix person 0 at seat 0 and every clue and question is rotation-free.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..hashing import stable_hash

Layout = Literal["line", "circle", "rows"]
VARIANT_LAYOUT: dict[str, str] = {
    "linear": "line",
    "linear_mixed": "line",
    "ordering": "line",
    "objects": "line",
    "circular": "circle",
    "circular_mixed": "circle",
    "parallel_rows": "rows",
}
MIXED = ("linear_mixed", "circular_mixed")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class At(_Node):
    """``a`` sits at an end / in seat ``seat`` / in the middle / in row ``seat`` (0 north)."""

    kind: Literal["at"] = "at"
    a: int
    where: Literal["end", "seat", "middle", "row"]
    seat: int = 0
    neg: bool = False


class Side(_Node):
    """``a`` sits ``k``-th to the ``side`` of ``b``, as ``b`` sees it (``k=1``: immediately)."""

    kind: Literal["side"] = "side"
    a: int
    b: int
    k: int = Field(ge=1)
    side: Literal["left", "right"]
    neg: bool = False


class Order(_Node):
    """``a`` sits somewhere west of ``b`` (in a row); comes before ``b`` (in an ordering)."""

    kind: Literal["order"] = "order"
    a: int
    b: int


class Next(_Node):
    """``a`` and ``b`` are neighbours (``neg``: they are not)."""

    kind: Literal["next"] = "next"
    a: int
    b: int
    neg: bool = False


class Between(_Node):
    """``a`` sits between ``b`` and ``c``: immediately (both are its neighbours) or somewhere."""

    kind: Literal["between"] = "between"
    a: int
    b: int
    c: int
    immediate: bool = True


class Gap(_Node):
    """Exactly ``k`` people sit between ``a`` and ``b`` (circle: going one of the two ways round)."""

    kind: Literal["gap"] = "gap"
    a: int
    b: int
    k: int = Field(ge=0)


class Opposite(_Node):
    """``a`` sits directly opposite ``b`` (``neg``: does not)."""

    kind: Literal["opposite"] = "opposite"
    a: int
    b: int
    neg: bool = False


class Facing(_Node):
    """``a`` faces north / the centre (``toward=True``) or south / outward."""

    kind: Literal["facing"] = "facing"
    a: int
    toward: bool


class SameFacing(_Node):
    """``a`` and ``b`` face the same way (``same``) or opposite ways."""

    kind: Literal["same_facing"] = "same_facing"
    a: int
    b: int
    same: bool = True


class Is(_Node):
    """Entities ``a`` and ``b`` are the same person (``neg``: different people)."""

    kind: Literal["is"] = "is"
    a: int
    b: int
    neg: bool = False


Clue = Annotated[
    At | Side | Order | Next | Between | Gap | Opposite | Facing | SameFacing | Is,
    Field(discriminator="kind"),
]
SYMMETRIC = ("next", "gap", "opposite", "same_facing", "is")


def entities(c: Clue) -> tuple[int, ...]:
    """The entities a clue mentions, in field order."""
    if c.kind in ("at", "facing"):
        return (c.a,)
    if c.kind == "between":
        return (c.a, c.b, c.c)
    return (c.a, c.b)


def normal(c: Clue) -> Clue:
    """Symmetric clues with ``a < b`` and between-clues with ``b < c``: one form per meaning."""
    if c.kind in SYMMETRIC and c.a > c.b:
        return c.model_copy(update={"a": c.b, "b": c.a})
    if c.kind == "between" and c.b > c.c:
        return c.model_copy(update={"b": c.c, "c": c.b})
    return c


class Category(_Node):
    """An attribute category: ``owner[v]`` is the person who has ``values[v]``."""

    name: str
    values: list[str]
    owner: list[int]


QuestionKind = Literal[
    "who_at", "who_side", "count_between", "opposite", "pair", "statement",
    "arrangement", "facing", "who_has", "attr_of",
]  # fmt: skip


class Question(_Node):
    """What is asked.

    - ``who_at``: who sits in seat ``seat``; ``who_side``: who is ``k``-th to the ``side`` of ``a``;
    - ``count_between``: how many sit between ``a`` and ``b`` (circle: the shorter way round);
    - ``opposite``: who sits opposite ``a``; ``facing``: which way ``a`` faces;
    - ``pair``: which of ``pairs`` are neighbours; ``statement``: which of ``options`` must hold;
    - ``arrangement``: everyone in order: line/rows by seat (``k=1``: reversed), circle from
      ``a`` clockwise (``k=1``: anticlockwise);
    - ``who_has``: who has entity ``a`` (an attribute value); ``attr_of``: the value of
      category ``cat`` that person ``a`` has.
    """

    kind: QuestionKind
    a: int = -1
    b: int = -1
    k: int = 0
    side: Literal["left", "right"] = "left"
    seat: int = -1
    cat: int = 0
    options: list[Clue] = []
    pairs: list[tuple[int, int]] = []


class SeatingSpec(BaseModel):
    """A seating puzzle: the hidden arrangement, the clues and the question."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["seating"] = "seating"
    variant: str
    people: list[str]
    seats: list[int]  # seats[i]: the seat of person i (hidden)
    facing: list[bool]  # facing[i]: north / the centre (hidden in the mixed variants)
    attributes: list[Category] = []
    clues: list[Clue]
    question: Question

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def layout(self) -> str:
        return VARIANT_LAYOUT[self.variant]

    @property
    def mixed(self) -> bool:
        return self.variant in MIXED

    def canonical(self) -> dict:
        """Names and attribute words dropped, clues sorted: renames and reorders hash alike."""
        q = self.question.model_dump()
        q["options"] = sorted(normal(c).model_dump_json() for c in self.question.options)
        q["pairs"] = sorted(tuple(sorted(p)) for p in self.question.pairs)
        return {
            "family": self.family,
            "variant": self.variant,
            "n": self.n,
            "facing": None if self.mixed else self.facing[:1],
            "attributes": [len(c.values) for c in self.attributes],
            "clues": sorted(normal(c).model_dump_json() for c in self.clues),
            "question": q,
        }

    def canonical_hash(self) -> str:
        return stable_hash(self.canonical())

    def entity_name(self, e: int) -> str:
        """A plain reference to entity ``e``: a name, or 'the <category> <value>' holder."""
        if e < self.n:
            return self.people[e]
        cat = self.attributes[e // self.n - 1]
        return cat.values[e % self.n]

    def seat_of(self, e: int) -> int:
        """The hidden seat of entity ``e``."""
        if e < self.n:
            return self.seats[e]
        return self.seats[self.attributes[e // self.n - 1].owner[e % self.n]]

    def facing_of(self, e: int) -> bool:
        if e < self.n:
            return self.facing[e]
        return self.facing[self.attributes[e // self.n - 1].owner[e % self.n]]
