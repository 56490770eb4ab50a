"""``seating_claims``: truth-tellers and liars who make claims about where they sit.

A variant of the ``truth_teller`` family (``family="truth_teller"``) whose spec extends
the truth-teller spec with a seating world: ``n`` people sit in a row of chairs numbered
``0..n-1`` from left to right, all facing the same way (the seating family's ``line``
frame with everyone facing north, so "left" is towards chair 0). Each person is a knight
(every claim true) or a knave (every claim false). A claim is a role atom
(:class:`verifiers.truth_teller.spec.Is`), a seating atom (:class:`Seat` wrapping a
seating clue, e.g. ``Next``), or ``and`` / ``or`` of two claims.

Answer format (an ``assignment``): every person's role, plus one extra key
``"<name>'s seat"`` whose value is the chair number (1-based) of the queried person, e.g.
``{"Ann": "knight", "Bo": "knave", "Cy": "knight", "Cy's seat": "2"}``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..hashing import stable_hash
from ..seating.spec import Clue, normal
from .spec import Is, Role


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Seat(_Node):
    """A seating fact about the row (a seating-family clue in the ``line`` frame)."""

    kind: Literal["seat"] = "seat"
    clue: Clue


class And(_Node):
    kind: Literal["and"] = "and"
    args: tuple[SExpr, ...]


class Or(_Node):
    kind: Literal["or"] = "or"
    args: tuple[SExpr, ...]


SExpr = Annotated[Is | Seat | And | Or, Field(discriminator="kind")]
for _m in (And, Or):
    _m.model_rebuild()


class ClaimStatement(_Node):
    speaker: int
    claim: SExpr


class SeatQuestion(_Node):
    """Everyone's role and the chair of ``person``."""

    kind: Literal["roles_and_seat"] = "roles_and_seat"
    person: int


class SeatingClaimsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: Literal["truth_teller"] = "truth_teller"
    variant: Literal["seating_claims"] = "seating_claims"
    people: list[str]
    roles: list[Role] = ["knight", "knave"]
    statements: list[ClaimStatement]
    question: SeatQuestion
    truth: list[Role]
    seats: list[int]  # seats[i]: the chair of person i (hidden), 0 = leftmost

    @property
    def n(self) -> int:
        return len(self.people)

    def canonical(self) -> dict:
        """Names dropped, statements sorted: a rename or a reorder has the same form."""
        return {
            "family": self.family,
            "variant": self.variant,
            "n": self.n,
            "roles": self.roles,
            "statements": sorted(_canon(s).model_dump_json() for s in self.statements),
            "question": self.question.model_dump(),
        }

    def canonical_hash(self) -> str:
        return stable_hash(self.canonical())


def _canon(s: ClaimStatement) -> ClaimStatement:
    def go(e):
        if e.kind == "seat":
            return Seat(clue=normal(e.clue))
        if e.kind in ("and", "or"):
            return e.model_copy(update={"args": tuple(go(a) for a in e.args)})
        return e

    return ClaimStatement(speaker=s.speaker, claim=go(s.claim))


def seat_key(name: str) -> str:
    """The answer key of the queried person's chair."""
    return f"{name}'s seat"


def seat_holds(c, seats: list[int]) -> bool:
    """Truth of a seating clue in a row where everyone faces the same way (left = chair 0)."""
    k = c.kind
    s = seats
    if k == "at":
        t = (s[c.a] in (0, len(s) - 1)) if c.where == "end" else s[c.a] == c.seat
    elif k == "side":
        t = s[c.a] == s[c.b] + (-c.k if c.side == "left" else c.k)
    elif k == "order":
        t = s[c.a] < s[c.b]
    elif k == "next":
        t = abs(s[c.a] - s[c.b]) == 1
    elif k == "gap":
        t = abs(s[c.a] - s[c.b]) == c.k + 1
    elif k == "between":
        t = s[c.b] < s[c.a] < s[c.c] or s[c.c] < s[c.a] < s[c.b]
        if c.immediate:
            t = t and abs(s[c.a] - s[c.b]) == 1 and abs(s[c.a] - s[c.c]) == 1
    else:
        raise ValueError(f"seating_claims does not use clue kind {k!r}")
    return t != getattr(c, "neg", False)


def evaluate(e: SExpr, roles: list[str], seats: list[int]) -> bool:
    """Truth of claim ``e`` in the world (roles, seats)."""
    k = e.kind
    if k == "is":
        return roles[e.person] == e.role
    if k == "seat":
        return seat_holds(e.clue, seats)
    if k == "and":
        return all(evaluate(a, roles, seats) for a in e.args)
    if k == "or":
        return any(evaluate(a, roles, seats) for a in e.args)
    raise ValueError(f"unknown claim kind {k!r}")


def consistent(spec: SeatingClaimsSpec, roles: list[str], seats: list[int]) -> bool:
    """Whether every knight's claim holds and every knave's claim fails."""
    return all(
        evaluate(s.claim, roles, seats) == (roles[s.speaker] == "knight") for s in spec.statements
    )
