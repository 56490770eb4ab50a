"""Z3 encoding of seating specs (SMT-LIB text), and the spine's solver API.

Person ``i`` has an Int seat ``p{i}``; attribute value ``v`` of category ``c`` has an Int
seat ``a{c}_{v}`` (the seat of the person who has it); in the mixed variants person ``i``
has a Bool ``f{i}`` (north / facing the centre). The frame and the left/right rule are
those of :mod:`verifiers.specs.seating`; this module is the one place that encodes them
for Z3. On a round table person 0 is fixed at seat 0 (all clues are rotation-free).
"""

from __future__ import annotations

from ..answers import Answer
from ..specs.seating import Clue, SeatingSpec
from . import session
from .session import Encoding, Proof

FACING_WORDS = {("line", True): "north", ("line", False): "south"}
FACING_WORDS.update({("circle", True): "centre", ("circle", False): "outward"})


def seat(spec: SeatingSpec, e: int) -> str:
    n = spec.n
    return f"p{e}" if e < n else f"a{e // n}_{e % n}"


def face(spec: SeatingSpec, e: int) -> str:
    """A Bool term: entity ``e`` faces north (line, rows) or the centre (circle)."""
    if spec.layout == "rows":
        return f"(>= {seat(spec, e)} {spec.n // 2})"
    if spec.mixed:
        if e >= spec.n:
            raise ValueError("mixed-facing variants do not use attributes")
        return f"f{e}"
    return "true" if spec.facing[0] else "false"


def _left(spec: SeatingSpec, e: int, k: int) -> str:
    """The seat offset of "k-th to the left of e" (negative k: to the right)."""
    toward = face(spec, e)
    west_when_toward = spec.layout != "circle"  # north/row: left is west; centre: clockwise
    a, b = (-k, k) if west_when_toward else (k, -k)
    if toward in ("true", "false"):
        return str(a if toward == "true" else b)
    return f"(ite {toward} {a} {b})"


def _same_row(spec: SeatingSpec, *es: int) -> str:
    m = spec.n // 2
    rows = [f"(div {seat(spec, e)} {m})" for e in es]
    return f"(= {' '.join(rows)})"


def _shift(spec: SeatingSpec, sa: str, sb: str, d: str) -> str:
    """Seat ``sa`` is seat ``sb`` moved by ``d`` along the row / clockwise."""
    if spec.layout == "circle":
        return f"(= {sa} (mod (+ {sb} {d}) {spec.n}))"
    return f"(= {sa} (+ {sb} {d}))"


def _next(spec: SeatingSpec, a: int, b: int) -> str:
    sa, sb = seat(spec, a), seat(spec, b)
    core = f"(or {_shift(spec, sa, sb, '1')} {_shift(spec, sb, sa, '1')})"
    return f"(and {_same_row(spec, a, b)} {core})" if spec.layout == "rows" else core


def clue_term(spec: SeatingSpec, c: Clue) -> str:
    """The SMT-LIB term of one clue."""
    n, lay = spec.n, spec.layout
    m = n // 2
    k = c.kind
    if k == "at":
        sa = seat(spec, c.a)
        if c.where == "end":
            ends = (0, n - 1) if lay == "line" else (0, m - 1, m, n - 1)
            t = f"(or {' '.join(f'(= {sa} {s})' for s in ends)})"
        elif c.where == "seat":
            t = f"(= {sa} {c.seat})"
        elif c.where == "middle":
            t = f"(= {sa} {n // 2})"
        else:
            t = f"(= (div {sa} {m}) {c.seat})"
    elif k == "side":
        sign = 1 if c.side == "left" else -1
        t = _shift(spec, seat(spec, c.a), seat(spec, c.b), _left(spec, c.b, sign * c.k))
        if lay == "rows":
            t = f"(and {_same_row(spec, c.a, c.b)} {t})"
    elif k == "order":
        t = f"(< {seat(spec, c.a)} {seat(spec, c.b)})"
    elif k == "next":
        t = _next(spec, c.a, c.b)
    elif k == "between":
        sa, sb, sc = seat(spec, c.a), seat(spec, c.b), seat(spec, c.c)
        if c.immediate:
            t = f"(and {_next(spec, c.a, c.b)} {_next(spec, c.a, c.c)} (distinct {sb} {sc}))"
        else:
            t = f"(or (< {sb} {sa} {sc}) (< {sc} {sa} {sb}))"
            if lay == "rows":
                t = f"(and {_same_row(spec, c.a, c.b, c.c)} {t})"
    elif k == "gap":
        sa, sb = seat(spec, c.a), seat(spec, c.b)
        if lay == "circle":
            d = f"(mod (- {sa} {sb}) {n})"
            t = f"(or (= {d} {c.k + 1}) (= {d} {n - c.k - 1}))"
        else:
            t = f"(or (= {sa} (+ {sb} {c.k + 1})) (= {sb} (+ {sa} {c.k + 1})))"
            if lay == "rows":
                t = f"(and {_same_row(spec, c.a, c.b)} {t})"
    elif k == "opposite":
        sa, sb = seat(spec, c.a), seat(spec, c.b)
        if lay == "circle":
            t = f"(= (mod (- {sa} {sb}) {n}) {m})"
        else:
            t = f"(or (= {sa} (+ {sb} {m})) (= {sb} (+ {sa} {m})))"
    elif k == "facing":
        f = face(spec, c.a)
        t = f if c.toward else f"(not {f})"
    elif k == "same_facing":
        t = f"(= {face(spec, c.a)} {face(spec, c.b)})"
        if not c.same:
            t = f"(not {t})"
    elif k == "is":
        t = f"(= {seat(spec, c.a)} {seat(spec, c.b)})"
    else:
        raise ValueError(f"unknown clue kind {k!r}")
    return f"(not {t})" if getattr(c, "neg", False) else t


def encode(spec: SeatingSpec) -> Encoding:
    """SMT-LIB declarations and assertions for ``spec``."""
    n = spec.n
    decls, asserts, names = [], [], []
    groups = [list(range(n))] + [
        [c * n + v for v in range(n)] for c in range(1, len(spec.attributes) + 1)
    ]
    for group in groups:
        vs = [seat(spec, e) for e in group]
        names += vs
        decls += [f"(declare-const {v} Int)" for v in vs]
        asserts += [f"(assert (and (<= 0 {v}) (< {v} {n})))" for v in vs]
        asserts.append(f"(assert (distinct {' '.join(vs)}))")
    if spec.mixed:
        fs = [f"f{i}" for i in range(n)]
        names += fs
        decls += [f"(declare-const {f} Bool)" for f in fs]
    if spec.layout == "circle":
        asserts.append("(assert (= p0 0))")
    asserts += [f"(assert {clue_term(spec, c)})" for c in spec.clues]
    return Encoding("".join(decls), "".join(asserts), tuple(names))


def pair_label(spec: SeatingSpec, a: int, b: int) -> str:
    return f"{spec.people[a]} and {spec.people[b]}"


def answer_literal(spec: SeatingSpec, answer: Answer) -> str:
    """A term that holds exactly when a model agrees with ``answer`` on the question."""
    q = spec.question
    n = spec.n
    idx = {name: i for i, name in enumerate(spec.people)}
    v = answer.value
    if q.kind == "arrangement":
        seq = [idx[x] for x in v]  # type: ignore[union-attr]
        if spec.layout == "circle":
            anchor = seat(spec, seq[0])
            lits = [
                f"(= (mod (- {seat(spec, p)} {anchor}) {n}) {j if q.k == 0 else (n - j) % n})"
                for j, p in enumerate(seq)
            ]
        else:
            lits = [
                f"(= {seat(spec, p)} {j if q.k == 0 else n - 1 - j})" for j, p in enumerate(seq)
            ]
        return f"(and {' '.join(lits)})"
    if q.kind == "who_at":
        return f"(= {seat(spec, idx[v])} {q.seat})"
    if q.kind == "who_side":
        from ..specs.seating import Side

        return clue_term(spec, Side(a=idx[v], b=q.a, k=q.k, side=q.side))
    if q.kind == "opposite":
        from ..specs.seating import Opposite

        return clue_term(spec, Opposite(a=idx[v], b=q.a))
    if q.kind == "who_has":
        return f"(= {seat(spec, idx[v])} {seat(spec, q.a)})"
    if q.kind == "attr_of":
        cat = spec.attributes[q.cat - 1]
        return f"(= {seat(spec, q.cat * n + cat.values.index(v))} {seat(spec, q.a)})"
    if q.kind == "count_between":  # the shorter way round, on a round table
        from ..specs.seating import Gap

        return clue_term(spec, Gap(a=q.a, b=q.b, k=int(v)))  # type: ignore[arg-type]
    if q.kind == "facing":
        f = face(spec, q.a)
        return f if v in ("north", "centre") else f"(not {f})"
    if q.kind == "pair":
        for a, b in q.pairs:
            if v in (pair_label(spec, a, b), pair_label(spec, b, a)):
                return _next(spec, a, b)
        raise ValueError(f"answer {v!r} is not one of the listed pairs")
    if q.kind == "statement":
        return clue_term(spec, q.options[int(str(v).removeprefix("s"))])
    raise ValueError(f"unknown question kind {q.kind!r}")


def decode(spec: SeatingSpec, model: dict[str, str]) -> tuple[list[int], list[bool]]:
    """(seat per person, facing per person) from a Z3 model."""
    seats = [int(model[f"p{i}"]) for i in range(spec.n)]
    if spec.mixed:
        facing = [model[f"f{i}"] == "true" for i in range(spec.n)]
    elif spec.layout == "rows":
        facing = [s >= spec.n // 2 for s in seats]
    else:
        facing = [spec.facing[0]] * spec.n
    return seats, facing


def count_solutions(spec: SeatingSpec, cap: int = 2) -> int:
    """Number of arrangements (with facings and attributes) allowed by the clues, up to ``cap``."""
    return len(session.models(encode(spec), cap))


def prove_unique(
    spec: SeatingSpec, answer: Answer, distractors: list[Answer] = (), rlimit: int | None = None
) -> Proof:
    """Prove ``answer`` is forced by ``spec`` and refute each distractor."""
    lits = [answer_literal(spec, d) for d in distractors]
    return session.prove(
        encode(spec), answer_literal(spec, answer), lits, rlimit or session.DEFAULT_RLIMIT
    )


def check(spec: SeatingSpec, seats: list[int], facing: list[bool] | None = None) -> bool:
    """Whether the arrangement ``seats`` (and ``facing``) is consistent with the clues."""
    lits = [f"(= p{i} {s})" for i, s in enumerate(seats)]
    if spec.mixed and facing is not None:
        lits += [f"f{i}" if f else f"(not f{i})" for i, f in enumerate(facing)]
    script = session._header(encode(spec), session.DEFAULT_RLIMIT)
    return session.run(script + f"(assert (and {' '.join(lits)}))(check-sat)")[0] == "sat"
