"""Sampling a seating puzzle: the hidden world, its size, the question, and clue proposals.

A proposal is a random clue of a weighted kind that is true in the hidden world; the
search (:mod:`generators.seating.search`) keeps those that narrow the possible worlds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from templates import data
from verifiers.seating.spec import (
    MIXED,
    VARIANT_LAYOUT,
    At,
    Between,
    Category,
    Clue,
    Facing,
    Gap,
    Is,
    Next,
    Opposite,
    Order,
    Question,
    SameFacing,
    Side,
    normal,
)

from .deducer import holds_at, relation
from .logic import Frame, holds_world
from .variants import BY_NAME, SeatingVariant

# --- the size ---------------------------------------------------------------------------


def size(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> tuple[int, int]:
    """(people, attribute categories) for a puzzle of ``variant`` aimed at ``level``.

    ``options["n"]`` forces the number of people and ``options["attributes"]`` the number
    of attribute categories (0–3; ignored by the variants without attributes).
    """
    v = BY_NAME[variant]
    if "attributes" in options:
        n_attr = int(options["attributes"])
    else:  # a forced size means no attributes unless they are forced too
        n_attr = 0 if "n" in options else _attr_count(v, level, rng)
    if not v.attributes:
        n_attr = 0
    n_attr = max(0, min(n_attr, 3))
    n = int(options["n"]) if "n" in options else _n_for(v, level, rng, n_attr)
    lo, hi = v.sizes
    n = max(lo, min(hi, n))
    if variant == "parallel_rows" and n % 2:
        n += 1 if n < hi else -1
    return n, n_attr


def _n_for(v: SeatingVariant, level: int, rng: random.Random, n_attr: int) -> int:
    lo, hi = v.sizes
    if n_attr:
        lo, hi = max(lo, 4), min(hi, 7 if n_attr >= 2 else 8)
    bounds = (lo - 1, *v.level_sizes, hi)
    a, b = max(lo, bounds[level - 1] + 1), min(hi, bounds[level])
    if a > b:
        a, b = lo, min(hi, bounds[level])
    cands = [x for x in range(a, b + 1) if v.name != "parallel_rows" or x % 2 == 0]
    return rng.choice(cands or [4])


def _attr_count(v: SeatingVariant, level: int, rng: random.Random) -> int:
    if not v.attributes:
        return 0
    if level == 3 and rng.random() < 0.3:
        return 1
    if level == 4 and rng.random() < 0.45:
        return rng.choice((1, 2, 2, 3))
    return 0


# --- the hidden world -------------------------------------------------------------------


class World:
    """The hidden arrangement and helpers to read it."""

    def __init__(self, fr: Frame, seats: list[int], facing: list[bool], owners: list[list[int]]):
        self.fr, self.seats, self.facing, self.owners = fr, seats, facing, owners
        n = fr.n
        self.at = [0] * n
        for p, s in enumerate(seats):
            self.at[s] = p
        self.n_ent = n * (1 + len(owners))
        m = n // 2
        rows = fr.layout == "rows"
        self.values = [  # entity e's value 2*seat + facing (the solver's domain bits)
            2 * self.seat(e) + (self.seat(e) >= m if rows else self.face(e))
            for e in range(self.n_ent)
        ]

    def person(self, e: int) -> int:
        n = self.fr.n
        return e if e < n else self.owners[e // n - 1][e % n]

    def seat(self, e: int) -> int:
        return self.seats[self.person(e)]

    def face(self, e: int) -> bool:
        return self.facing[self.person(e)]

    def ents_at(self, s: int) -> list[int]:
        p = self.at[s]
        n = self.fr.n
        return [p] + [(c + 1) * n + own.index(p) for c, own in enumerate(self.owners)]

    def holds(self, c: Clue) -> bool:
        """Whether ``c`` holds here (as :func:`holds_world`, read off the clue's
        propagators: its truth over the values of the entities it names)."""
        vals = self.values
        return all(holds_at(es, rel, vals) for es, rel in relation(c, self.fr))

    def side_target(self, b: int, k: int, side: str) -> int | None:
        fr, n = self.fr, self.fr.n
        toward = self.face(b)
        if fr.layout == "circle":
            step = 1 if toward else -1
        else:
            step = -1 if toward else 1
        t = self.seat(b) + step * (k if side == "left" else -k)
        if fr.layout == "circle":
            return t % n
        if fr.layout == "rows":
            m = n // 2
            return t if 0 <= t < n and t // m == self.seat(b) // m else None
        return t if 0 <= t < n else None


def sample_world(variant: str, n: int, n_attr: int, rng: random.Random) -> World:
    layout = VARIANT_LAYOUT[variant]
    seats = list(range(n))
    rng.shuffle(seats)
    if layout == "circle":
        shift = seats[0]
        seats = [(s - shift) % n for s in seats]
    if variant in MIXED:
        facing = [rng.random() < 0.5 for _ in range(n)]
        if all(facing) or not any(facing):
            facing[rng.randrange(n)] ^= True
        facing0 = facing[0]
    elif layout == "rows":
        facing = [s >= n // 2 for s in seats]
        facing0 = True
    else:
        facing0 = (
            True
            if variant in ("ordering", "objects")
            else rng.random() < (0.7 if layout == "line" else 0.8)
        )
        facing = [facing0] * n
    owners = []
    for _ in range(n_attr):
        o = list(range(n))
        rng.shuffle(o)
        owners.append(o)
    fr = Frame(n, layout, variant in MIXED, facing0)
    return World(fr, seats, facing, owners)


def attribute_categories(world: World, rng: random.Random) -> list[Category]:
    """A category (name and values) for each of ``world``'s owner lists."""
    cats = []
    if world.owners:
        pool = data("seating/attributes.yaml")
        for k, cat in enumerate(rng.sample(pool, len(world.owners))):
            vals = rng.sample(cat["values"], world.fr.n)
            cats.append(Category(name=cat["name"], values=vals, owner=world.owners[k]))
    return cats


# --- clue proposals ---------------------------------------------------------------------

KIND_WEIGHTS = {
    "line": {"at_end": 1.0, "at_seat": 1.2, "middle": 0.3, "not_at": 0.5, "side": 3.0,
             "not_side": 0.5, "order": 1.2, "next": 1.5, "not_next": 1.0, "between1": 1.0,
             "between": 0.8, "gap": 1.2},
    "circle": {"side": 4.0, "not_side": 0.6, "next": 1.5, "not_next": 1.0, "between1": 1.5,
               "gap": 1.5, "opposite": 1.5, "not_opposite": 0.6},
    "rows": {"at_end": 0.8, "at_seat": 0.8, "row": 1.0, "side": 3.0, "not_side": 0.4,
             "next": 1.2, "not_next": 0.8, "between1": 0.8, "gap": 0.8, "opposite": 2.0,
             "not_opposite": 0.6},
}  # fmt: skip
# the objects variant (things in one order): the clue kinds its phrase bank words
OBJECT_WEIGHTS = {"at_end": 0.8, "at_seat": 1.0, "not_at": 1.2, "side1": 2.0, "order": 2.5,
                  "next": 1.0, "not_next": 0.8, "between": 0.8}  # fmt: skip
MIXED_WEIGHTS = {"facing": 1.2, "same_facing": 1.2}
ATTR_WEIGHTS = {"is": 2.5, "not_is": 1.2}
ABSOLUTE = ("at", "facing")
PINNING = ("at_end", "at_seat", "middle", "not_at", "row", "facing")  # proposals of ABSOLUTE
L4_PINNING_WEIGHT = 0.5  # level 4 prefers relative clues: pinning proposals weigh less
# kinds whose proposal mentions a given entity (used to bring every attribute value in)
COVER_KINDS = ("at_seat", "row", "not_at", "side", "not_side", "order", "next", "not_next",
               "between1", "gap", "opposite", "not_opposite", "is", "not_is")  # fmt: skip


def clue_kinds(world: World) -> dict[str, float]:
    """The clue kinds to propose in ``world``, with their weights."""
    fr = world.fr
    w = dict(KIND_WEIGHTS[fr.layout])
    if fr.mixed:
        w.update(MIXED_WEIGHTS)
        w.pop("order", None)
        w.pop("between", None)
    if fr.layout == "circle" and fr.n % 2:
        w.pop("opposite")
        w.pop("not_opposite")
    if fr.layout == "line" and fr.n % 2 == 0:
        w.pop("middle")
    if world.owners:
        w.update(ATTR_WEIGHTS)
    return w


def pick(weights: dict[str, float], rng: random.Random) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _ent(world: World, rng: random.Random) -> int:
    if world.owners and rng.random() < 0.55:
        return rng.randrange(world.fr.n, world.n_ent)
    return rng.randrange(world.fr.n)


def _at(world: World, s: int, rng: random.Random) -> int:
    es = world.ents_at(s)
    return es[0] if len(es) == 1 or rng.random() < 0.45 else rng.choice(es[1:])


@lru_cache(maxsize=1024)
def _neighbours(fr: Frame, sa: int) -> tuple[int, ...]:
    """The seats next to seat ``sa``, in order."""
    return tuple(
        s for s in range(fr.n) if holds_world(Next(a=0, b=1), [s, sa], [True, True], [], fr)
    )


def propose(world: World, kind: str, rng: random.Random, a: int | None = None) -> Clue | None:
    """A random clue of ``kind`` that is true in ``world`` (None if none was found); ``a``:
    an entity the clue must mention (kinds in COVER_KINDS honour it)."""
    fr, n = world.fr, world.fr.n
    m = n // 2
    if a is None:
        a = _ent(world, rng)
    sa = world.seat(a)
    if kind == "at_end":
        ends = [0, n - 1] if fr.layout == "line" else [0, m - 1, m, n - 1]
        return At(a=_at(world, rng.choice(ends), rng), where="end")
    if kind == "at_seat":
        return At(a=a, where="seat", seat=sa)
    if kind == "middle":
        return At(a=_at(world, n // 2, rng), where="middle")
    if kind == "row":
        return At(a=a, where="row", seat=sa // m)
    if kind == "not_at":
        s = rng.randrange(n)
        c = At(a=a, where="seat", seat=s, neg=True)
        if rng.random() < 0.5:
            c = At(a=a, where="end", neg=True)
        return c if world.holds(c) else None
    if kind in ("side", "not_side", "side1"):
        k = 1 if kind == "side1" else rng.choice((1, 1, 1, 2, 2, 3))
        side = rng.choice(("left", "right"))
        if kind != "not_side":
            t = world.side_target(a, k, side)
            return None if t is None else Side(a=_at(world, t, rng), b=a, k=k, side=side)
        b = _ent(world, rng)
        if world.seat(b) == sa:
            return None
        c = Side(a=b, b=a, k=k, side=side, neg=True)
        return c if world.holds(c) else None
    if kind == "order":
        b = _ent(world, rng)
        sb = world.seat(b)
        if sb == sa:
            return None
        return Order(a=a, b=b) if sa < sb else Order(a=b, b=a)
    if kind in ("next", "not_next"):
        if kind == "next":
            cands = _neighbours(fr, sa)
            return normal(Next(a=a, b=_at(world, rng.choice(cands), rng))) if cands else None
        b = _ent(world, rng)
        c = normal(Next(a=a, b=b, neg=True))
        return c if world.seat(b) != sa and world.holds(c) else None
    if kind == "between1":
        cands = _neighbours(fr, sa)
        if len(cands) < 2:
            return None
        s1, s2 = rng.sample(cands, 2)
        return normal(Between(a=a, b=_at(world, s1, rng), c=_at(world, s2, rng), immediate=True))
    if kind == "between":
        b, c = _ent(world, rng), _ent(world, rng)
        lo, hi = sorted((world.seat(b), world.seat(c)))
        if hi - lo < 2 or (fr.layout == "rows" and lo // m != hi // m):
            return None
        x = _at(world, rng.randrange(lo + 1, hi), rng)
        return normal(Between(a=x, b=b, c=c, immediate=False))
    if kind == "gap":
        b = _ent(world, rng)
        sb = world.seat(b)
        d = abs(sa - sb)
        if fr.layout == "circle":
            d = min(d, n - d)
        if d < 2 or (fr.layout == "rows" and sa // m != sb // m):
            return None
        return normal(Gap(a=a, b=b, k=d - 1))
    if kind == "opposite":
        t = (sa + m) % n if fr.layout == "circle" else (sa + m if sa < m else sa - m)
        return normal(Opposite(a=a, b=_at(world, t, rng)))
    if kind == "not_opposite":
        b = _ent(world, rng)
        c = normal(Opposite(a=a, b=b, neg=True))
        return c if world.seat(b) != sa and world.holds(c) else None
    if kind == "facing":
        p = rng.randrange(n)
        return Facing(a=p, toward=world.facing[p])
    if kind == "same_facing":
        p, q = rng.sample(range(n), 2)
        return normal(SameFacing(a=p, b=q, same=world.facing[p] == world.facing[q]))
    if kind == "is":
        e = a if a >= n else rng.randrange(n, world.n_ent)
        others = [x for x in world.ents_at(world.seat(e)) if x // n != e // n]
        return normal(Is(a=e, b=rng.choice(others)))
    if kind == "not_is":
        e = a if a >= n else rng.randrange(n, world.n_ent)
        b = _ent(world, rng)
        if b // n == e // n or world.seat(b) == world.seat(e):
            return None
        return normal(Is(a=e, b=b, neg=True))
    raise ValueError(kind)


def fresh_clues(
    world: World, kinds: dict[str, float], rng: random.Random, tries: int, seen: set[Clue]
) -> Iterator[Clue]:
    """Proposals of ``kinds`` true in ``world`` and not in ``seen`` (which grows), from at
    most ``tries`` proposals."""
    for _ in range(tries):
        c = propose(world, pick(kinds, rng), rng)
        if c is not None and c not in seen:
            seen.add(c)
            yield c


# --- questions --------------------------------------------------------------------------

QUESTION_MIX = {
    "line": {"who_at": 0.2, "who_side": 0.2, "count_between": 0.1, "pair": 0.1,
             "statement": 0.1, "arrangement": 0.3},
    "circle": {"who_side": 0.3, "count_between": 0.1, "opposite": 0.15, "pair": 0.1,
               "statement": 0.1, "arrangement": 0.25},
    "rows": {"who_at": 0.15, "who_side": 0.2, "opposite": 0.2, "count_between": 0.05,
             "pair": 0.1, "statement": 0.1, "arrangement": 0.2},
}  # fmt: skip


def question_for(
    world: World, rng: random.Random, mix: dict[str, float]
) -> tuple[Question, list[Clue]] | None:
    """A question about ``world`` and its goal: clues that hold exactly when the answer does."""
    fr, n = world.fr, world.fr.n
    m = n // 2
    kind = pick(mix, rng)
    x = rng.randrange(n)
    if kind == "who_at":
        s = rng.randrange(n)
        return Question(kind="who_at", seat=s), [At(a=world.at[s], where="seat", seat=s)]
    if kind == "who_side":
        k, side = rng.choice((1, 1, 2, 2, 3)), rng.choice(("left", "right"))
        t = world.side_target(x, k, side)
        if t is None:
            return None
        return Question(kind="who_side", a=x, k=k, side=side), [
            Side(a=world.at[t], b=x, k=k, side=side)
        ]
    if kind == "opposite":
        t = (world.seats[x] + m) % n if fr.layout == "circle" else (world.seats[x] + m) % n
        return Question(kind="opposite", a=x), [normal(Opposite(a=world.at[t], b=x))]
    if kind == "count_between":
        y = rng.randrange(n)
        sx, sy = world.seats[x], world.seats[y]
        if x == y or (fr.layout == "rows" and sx // m != sy // m):
            return None
        d = abs(sx - sy)
        if fr.layout == "circle":
            d = min(d, n - d)
        return Question(kind="count_between", a=x, b=y), [normal(Gap(a=x, b=y, k=d - 1))]
    if kind == "facing":
        return Question(kind="facing", a=x), [Facing(a=x, toward=world.facing[x])]
    if kind == "who_has":
        e = rng.randrange(n, world.n_ent)
        return Question(kind="who_has", a=e), [normal(Is(a=e, b=world.person(e)))]
    if kind == "attr_of":
        c = rng.randrange(len(world.owners))
        v = world.owners[c].index(x)
        return Question(kind="attr_of", a=x, cat=c + 1), [normal(Is(a=(c + 1) * n + v, b=x))]
    k = 0
    if kind == "arrangement" and fr.layout != "rows":
        k = int(rng.random() < 0.3) if fr.layout == "circle" or fr.mixed else int(not fr.facing0)
    q = Question(kind=kind, a=x if fr.layout == "circle" else -1, k=k)
    goal: list[Clue] = [At(a=p, where="seat", seat=world.seats[p]) for p in range(n)]
    if fr.mixed and kind != "arrangement":  # listed options may speak of facings
        goal += [Facing(a=p, toward=world.facing[p]) for p in range(n)]
    return q, goal


OBJECT_QUESTIONS = {"who_at": 0.3, "arrangement": 0.3, "statement": 0.4}


def question_mix(world: World, options: dict[str, Any]) -> dict[str, float]:
    """The question kinds to pose in ``world``, with their weights (``options["questions"]``)."""
    mix = dict(options.get("questions") or QUESTION_MIX[world.fr.layout])
    if world.fr.mixed:
        mix.setdefault("facing", 0.15)
    if world.owners and not options.get("questions"):
        mix = {"who_has": 0.5, "attr_of": 0.5}  # so that the attributes matter
    if world.fr.layout == "circle" and world.fr.n % 2:
        mix.pop("opposite", None)
    return {k: v for k, v in mix.items() if v > 0}
