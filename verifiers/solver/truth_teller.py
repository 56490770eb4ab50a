"""Z3 encoding of truth-teller specs, and the spine's solver API.

Each person i has Boolean ``k{i}`` (knight) and, where normals exist, ``m{i}`` (normal);
a knave is neither. A knight's claim holds, a knave's claim fails, a normal's is free.
"""

from __future__ import annotations

from ..answers import Answer
from ..truth_teller.spec import Expr, TruthTellerSpec
from . import session
from .session import Encoding


def _role(i: int, role: str, normals: bool) -> str:
    if role == "knight":
        return f"(and k{i} (not m{i}))" if normals else f"k{i}"
    if role == "normal":
        return f"m{i}"
    return f"(and (not k{i}) (not m{i}))" if normals else f"(not k{i})"


def _expr(e: Expr, normals: bool) -> str:
    k = e.kind
    if k == "is":
        return _role(e.person, e.role, normals)
    if k == "not":
        return f"(not {_expr(e.arg, normals)})"
    if k in ("and", "or"):
        return f"({k} {' '.join(_expr(a, normals) for a in e.args)})"
    if k == "implies":
        return f"(=> {_expr(e.a, normals)} {_expr(e.b, normals)})"
    if k == "iff":
        return f"(= {_expr(e.a, normals)} {_expr(e.b, normals)})"
    if k == "count":
        lits = " ".join(_role(p, e.role, normals) for p in e.people)
        ones = " ".join("1" for _ in e.people)
        op = {"exactly": "pbeq", "at_least": "pbge", "at_most": "pble"}[e.op]
        if op == "pble":
            return f"(not ((_ pbge {e.k + 1} {ones}) {lits}))"
        return f"((_ {op} {e.k} {ones}) {lits})"
    if k == "same":
        if normals:
            eq = f"(and (= k{e.a} k{e.b}) (= m{e.a} m{e.b}))"
        else:
            eq = f"(= k{e.a} k{e.b})"
        return eq if e.same else f"(not {eq})"
    raise ValueError(f"unknown expression kind {k!r}")


def encode(spec: TruthTellerSpec) -> Encoding:
    """SMT-LIB declarations and assertions for ``spec``."""
    if spec.variant == "seating_claims":  # truth-tellers making seating claims
        from . import seating_claims

        return seating_claims.encode(spec)
    n = len(spec.people)
    normals = "normal" in spec.roles
    decls = [f"(declare-const k{i} Bool)" for i in range(n)]
    asserts: list[str] = []
    if normals:
        decls += [f"(declare-const m{i} Bool)" for i in range(n)]
        asserts += [f"(assert (not (and k{i} m{i})))" for i in range(n)]
    for f in spec.facts:
        asserts.append(f"(assert {_expr(f, normals)})")
    for s in spec.statements:
        c = _expr(s.claim, normals)
        i = s.speaker
        if normals:
            asserts.append(f"(assert (=> {_role(i, 'knight', True)} {c}))")
            asserts.append(f"(assert (=> {_role(i, 'knave', True)} (not {c})))")
        else:
            asserts.append(f"(assert (= k{i} {c}))")
    names = tuple(f"k{i}" for i in range(n)) + (tuple(f"m{i}" for i in range(n)) if normals else ())
    return Encoding("".join(decls), "".join(asserts), names)


def answer_literal(spec: TruthTellerSpec, answer: Answer) -> str:
    """A term that holds exactly when a model agrees with ``answer`` on the question."""
    if spec.variant == "seating_claims":
        from . import seating_claims

        return seating_claims.answer_literal(spec, answer)
    normals = "normal" in spec.roles
    idx = {name: i for i, name in enumerate(spec.people)}
    if answer.type == "assignment":
        lits = [_role(idx[p], r, normals) for p, r in answer.value.items()]  # type: ignore[union-attr]
        return f"(and {' '.join(lits)})"
    n = len(spec.people)
    if answer.type == "set":  # the liars: exactly the named people are knaves
        inside = set(answer.value)
        lits = [
            _role(i, "knave", normals) if p in inside else f"(not {_role(i, 'knave', normals)})"
            for i, p in enumerate(spec.people)
        ]
        return f"(and {' '.join(lits)})"
    if spec.question.kind == "count":  # exactly k knights
        lits = " ".join(_role(i, "knight", normals) for i in range(n))
        return f"((_ pbeq {int(answer.value)} {' '.join('1' for _ in range(n))}) {lits})"
    person = spec.question.person
    if spec.question.kind == "truthful":
        lit = _role(person, "knight", normals)
        return lit if answer.value == "yes" else f"(not {lit})"
    return _role(person, str(answer.value), normals)


def world_of(spec: TruthTellerSpec, model: dict[str, str]) -> list[str]:
    """Roles per person from a Z3 model."""
    out = []
    for i in range(len(spec.people)):
        if model.get(f"m{i}") == "true":
            out.append("normal")
        else:
            out.append("knight" if model.get(f"k{i}") == "true" else "knave")
    return out


def count_solutions(spec: TruthTellerSpec, cap: int = 2) -> int:
    """Number of consistent worlds, counted up to ``cap``."""
    return len(session.models(encode(spec), cap))


def check(spec: TruthTellerSpec, candidate: list[str]) -> bool:
    """Whether the full world ``candidate`` (a role per person) is consistent with ``spec``."""
    normals = "normal" in spec.roles
    lits = " ".join(_role(i, r, normals) for i, r in enumerate(candidate))
    return (
        session.run(
            session._header(encode(spec), session.DEFAULT_RLIMIT)
            + f"(assert (and {lits}))(check-sat)"
        )[0]
        == "sat"
    )
