"""Z3 encoding of ``seating_claims`` specs (SMT-LIB text).

Person ``i`` has a Bool ``k{i}`` (knight) and one Bool ``x{i}_{s}`` per chair ``s``
(exactly one chair per person, one person per chair); seating atoms are encoded by the
seating family's encoder in its ``line`` frame, everyone facing north (left = chair 0).
"""

from __future__ import annotations

from ..answers import Answer
from ..seating.spec import Question, SeatingSpec
from ..truth_teller.seating_claims import SeatingClaimsSpec, SExpr, seat_key
from . import seating
from .session import Encoding


def _row(spec: SeatingClaimsSpec) -> SeatingSpec:
    n = spec.n
    return SeatingSpec(
        variant="linear",
        people=spec.people,
        seats=list(range(n)),
        facing=[True] * n,
        clues=[],
        question=Question(kind="arrangement"),
    )


def _expr(e: SExpr, row: SeatingSpec) -> str:
    k = e.kind
    if k == "is":
        return f"k{e.person}" if e.role == "knight" else f"(not k{e.person})"
    if k == "seat":
        return seating.clue_term(row, e.clue)
    return f"({k} {' '.join(_expr(a, row) for a in e.args)})"


def encode(spec: SeatingClaimsSpec) -> Encoding:
    """SMT-LIB declarations and assertions for ``spec``."""
    n = spec.n
    row = _row(spec)
    ones = " ".join("1" for _ in range(n))
    decls = [f"(declare-const k{i} Bool)" for i in range(n)]
    names = [f"k{i}" for i in range(n)]
    asserts = []
    for i in range(n):
        vs = [seating.x(i, s) for s in range(n)]
        names += vs
        decls += [f"(declare-const {v} Bool)" for v in vs]
        asserts.append(f"(assert ((_ pbeq 1 {ones}) {' '.join(vs)}))")
    for s in range(n):
        asserts.append(
            f"(assert ((_ pbeq 1 {ones}) {' '.join(seating.x(i, s) for i in range(n))}))"
        )
    for st in spec.statements:
        asserts.append(f"(assert (= k{st.speaker} {_expr(st.claim, row)}))")
    return Encoding("".join(decls), "".join(asserts), tuple(names))


def answer_literal(spec: SeatingClaimsSpec, answer: Answer) -> str:
    """A term that holds exactly when a model agrees with ``answer`` (roles and the chair)."""
    idx = {name: i for i, name in enumerate(spec.people)}
    q = spec.question.person
    lits = []
    for key, v in answer.value.items():  # type: ignore[union-attr]
        if key == seat_key(spec.people[q]):
            lits.append(seating.x(q, int(v) - 1))
        else:
            lits.append(f"k{idx[key]}" if v == "knight" else f"(not k{idx[key]})")
    return f"(and {' '.join(lits)})"
