"""Z3 encoding of seating specs (SMT-LIB text), and the spine's solver API.

Entity ``e`` (person ``e < n``, or attribute value ``e % n`` of category ``e // n``) has one
Bool ``x{e}_{s}`` per seat ``s`` (exactly one per entity, one per seat and category); in
the mixed variants person ``i`` has a Bool ``f{i}`` (north / facing the centre). The frame
and the left/right rule are those of :mod:`verifiers.seating.spec`; this module is the one
place that encodes them for Z3 (see ``_left_step``). On a round table person 0 is fixed at seat 0 (all clues are rotation-free).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ..answers import Answer
from ..seating.spec import Clue, Gap, Is, Next, Opposite, SeatingSpec, Side
from . import session
from .session import Encoding


def x(e: int, s: int) -> str:
    """The Bool "entity ``e`` sits in seat ``s``"."""
    return f"x{e}_{s}"


def _or(terms: list[str]) -> str:
    if not terms:
        return "false"
    return terms[0] if len(terms) == 1 else f"(or {' '.join(terms)})"


def _and(terms: list[str]) -> str:
    if not terms:
        return "true"
    return terms[0] if len(terms) == 1 else f"(and {' '.join(terms)})"


def face(spec: SeatingSpec, e: int) -> str:
    """A Bool term: entity ``e`` faces north (line, rows) or the centre (circle)."""
    n = spec.n
    if spec.layout == "rows":
        return _or([x(e, s) for s in range(n // 2, n)])
    if spec.mixed:
        if e >= n:
            raise ValueError("mixed-facing variants do not use attributes")
        return f"f{e}"
    return "true" if spec.facing[0] else "false"


# -- the frame, once: seat arithmetic and the left/right rule --------------------------------


def _row(spec: SeatingSpec, s: int) -> int:
    return s // (spec.n // 2) if spec.layout == "rows" else 0


def _adjacent(spec: SeatingSpec, sa: int, sb: int) -> bool:
    d = sa - sb
    if spec.layout == "circle":
        return d % spec.n in (1, spec.n - 1)
    return abs(d) == 1 and _row(spec, sa) == _row(spec, sb)


def _left_step(spec: SeatingSpec, sb: int, toward: bool) -> int:
    """+1 or -1: the seat step towards the left hand of a person in seat ``sb``.

    Row: facing north, left is west (seat - 1). Round table: facing the centre, left is
    clockwise (seat + 1). Parallel rows: the north row faces south, the south row north.
    """
    if spec.layout == "rows":
        toward = sb >= spec.n // 2
    if spec.layout == "circle":
        return 1 if toward else -1
    return -1 if toward else 1


def _side_seat(spec: SeatingSpec, sb: int, toward: bool, k: int, side: str) -> int | None:
    t = sb + _left_step(spec, sb, toward) * (k if side == "left" else -k)
    if spec.layout == "circle":
        return t % spec.n
    if not 0 <= t < spec.n or _row(spec, t) != _row(spec, sb):
        return None
    return t


def _gap(spec: SeatingSpec, sa: int, sb: int, k: int) -> bool:
    d = sa - sb
    if spec.layout == "circle":
        return d % spec.n in (k + 1, spec.n - k - 1)
    return abs(d) == k + 1 and _row(spec, sa) == _row(spec, sb)


def _opposite(spec: SeatingSpec, sa: int, sb: int) -> bool:
    m = spec.n // 2
    return (sa - sb) % spec.n == m if spec.layout == "circle" else abs(sa - sb) == m


def _at(spec: SeatingSpec, c) -> list[int]:
    n, m = spec.n, spec.n // 2
    if c.where == "end":
        return [0, n - 1] if spec.layout == "line" else [0, m - 1, m, n - 1]
    if c.where == "seat":
        return [c.seat]
    if c.where == "middle":
        return [n // 2]
    return [s for s in range(n) if s // m == c.seat]


def _binary(spec: SeatingSpec, a: int, b: int, ok) -> str:
    """``a`` and ``b`` in seats with ``ok(sa, sb, toward_b)``: one implication per seat of b."""
    n = spec.n
    parts = []
    fb = face(spec, b) if spec.mixed else None
    for sb in range(n):
        if fb is None:
            toward = spec.facing[0] if spec.layout != "rows" else sb >= n // 2
            allowed = _or([x(a, sa) for sa in range(n) if ok(sa, sb, toward)])
        else:
            yes = _or([x(a, sa) for sa in range(n) if ok(sa, sb, True)])
            no = _or([x(a, sa) for sa in range(n) if ok(sa, sb, False)])
            allowed = yes if yes == no else f"(ite {fb} {yes} {no})"
        if allowed != "true":
            parts.append(f"(=> {x(b, sb)} {allowed})")
    return _and(parts)


class _Frame(NamedTuple):
    """The parts of a spec that a clue's term depends on (a hashable cache key)."""

    n: int
    layout: str
    mixed: bool
    facing: tuple[bool, ...]  # the common facing, first only


def _frame(spec: SeatingSpec) -> _Frame:
    return _Frame(spec.n, spec.layout, spec.mixed, tuple(spec.facing[:1]))


def clue_term(spec: SeatingSpec, c: Clue) -> str:
    """The SMT-LIB term of one clue."""
    return _clue_term(_frame(spec), c)


@lru_cache(maxsize=65536)
def _clue_term(spec: _Frame, c: Clue) -> str:
    n = spec.n
    k = c.kind
    if k == "at":
        t = _or([x(c.a, s) for s in _at(spec, c)])
    elif k == "side":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: sa == _side_seat(spec, sb, f, c.k, c.side))
    elif k == "order":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: sa < sb)
    elif k == "next":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: _adjacent(spec, sa, sb))
    elif k == "between":
        parts = []
        for sa in range(n):
            pairs = []
            for sb in range(n):
                for sc in range(n):
                    if c.immediate:
                        good = sb != sc and _adjacent(spec, sa, sb) and _adjacent(spec, sa, sc)
                    else:
                        good = (sb < sa < sc or sc < sa < sb) and (
                            _row(spec, sa) == _row(spec, sb) == _row(spec, sc)
                        )
                    if good:
                        pairs.append(f"(and {x(c.b, sb)} {x(c.c, sc)})")
            parts.append(f"(=> {x(c.a, sa)} {_or(pairs)})")
        t = _and(parts)
    elif k == "gap":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: _gap(spec, sa, sb, c.k))
    elif k == "opposite":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: _opposite(spec, sa, sb))
    elif k == "facing":
        f = face(spec, c.a)
        t = f if c.toward else f"(not {f})"
    elif k == "same_facing":
        t = f"(= {face(spec, c.a)} {face(spec, c.b)})"
        if not c.same:
            t = f"(not {t})"
    elif k == "is":
        t = _binary(spec, c.a, c.b, lambda sa, sb, f: sa == sb)
    else:
        raise ValueError(f"unknown clue kind {k!r}")
    return f"(not {t})" if getattr(c, "neg", False) else t


def encode(spec: SeatingSpec) -> Encoding:
    """SMT-LIB declarations and assertions for ``spec``."""
    decls, frame, names = _frame_smt(spec.n, len(spec.attributes), spec.mixed, spec.layout)
    clues = "".join(f"(assert {clue_term(spec, c)})" for c in spec.clues)
    return Encoding(decls, frame + clues, names)


@lru_cache(maxsize=256)
def _frame_smt(n: int, n_cats: int, mixed: bool, layout: str) -> tuple[str, str, tuple[str, ...]]:
    """Declarations, the one-seat-each assertions and the variable names of a frame."""
    decls, asserts, names = [], [], []
    ones = " ".join("1" for _ in range(n))
    for g in range(1 + n_cats):
        group = range(g * n, (g + 1) * n)
        for e in group:
            vs = [x(e, s) for s in range(n)]
            names += vs
            decls += [f"(declare-const {v} Bool)" for v in vs]
            asserts.append(f"(assert ((_ pbeq 1 {ones}) {' '.join(vs)}))")
        for s in range(n):
            asserts.append(f"(assert ((_ pbeq 1 {ones}) {' '.join(x(e, s) for e in group)}))")
    if mixed:
        fs = [f"f{i}" for i in range(n)]
        names += fs
        decls += [f"(declare-const {f} Bool)" for f in fs]
    if layout == "circle":
        asserts.append(f"(assert {x(0, 0)})")  # unique up to rotation: fix person 0
    return "".join(decls), "".join(asserts), tuple(names)


def pair_label(spec: SeatingSpec, a: int, b: int) -> str:
    return f"{spec.people[a]} and {spec.people[b]}"


def answer_literal(spec: SeatingSpec, answer: Answer) -> str:
    """A term that holds exactly when a model agrees with ``answer`` on the question."""
    q = spec.question
    n = spec.n
    idx = {name: i for i, name in enumerate(spec.people)}
    v = answer.value
    if q.kind == "arrangement":
        seq = [idx[p] for p in v]  # type: ignore[union-attr]
        if spec.layout == "circle":
            step = 1 if q.k == 0 else -1
            lits = [
                _or([f"(and {x(seq[0], s)} {x(p, (s + step * j) % n)})" for s in range(n)])
                for j, p in enumerate(seq[1:], start=1)
            ]
        else:
            lits = [x(p, j if q.k == 0 else n - 1 - j) for j, p in enumerate(seq)]
        return _and(lits)
    if q.kind == "who_at":
        return x(idx[v], q.seat)
    if q.kind == "who_side":
        return clue_term(spec, Side(a=idx[v], b=q.a, k=q.k, side=q.side))
    if q.kind == "opposite":
        return clue_term(spec, Opposite(a=idx[v], b=q.a))
    if q.kind == "who_has":
        return clue_term(spec, Is(a=idx[v], b=q.a))
    if q.kind == "attr_of":
        cat = spec.attributes[q.cat - 1]
        return clue_term(spec, Is(a=q.cat * n + cat.values.index(v), b=q.a))
    if q.kind == "count_between":  # the shorter way round, on a round table
        return clue_term(spec, Gap(a=q.a, b=q.b, k=int(v)))  # type: ignore[arg-type]
    if q.kind == "facing":
        f = face(spec, q.a)
        return f if v in ("north", "centre") else f"(not {f})"
    if q.kind == "pair":
        for a, b in q.pairs:
            if v in (pair_label(spec, a, b), pair_label(spec, b, a)):
                return clue_term(spec, Next(a=a, b=b))
        raise ValueError(f"answer {v!r} is not one of the listed pairs")
    if q.kind == "statement":
        return clue_term(spec, q.options[int(str(v).removeprefix("s"))])
    raise ValueError(f"unknown question kind {q.kind!r}")


def decode(spec: SeatingSpec, model: dict[str, str]) -> tuple[list[int], list[bool]]:
    """(seat per person, facing per person) from a Z3 model."""
    n = spec.n
    seats = [next(s for s in range(n) if model[x(i, s)] == "true") for i in range(n)]
    if spec.mixed:
        facing = [model[f"f{i}"] == "true" for i in range(n)]
    elif spec.layout == "rows":
        facing = [s >= n // 2 for s in seats]
    else:
        facing = [spec.facing[0]] * n
    return seats, facing


def count_solutions(spec: SeatingSpec, cap: int = 2) -> int:
    """Number of arrangements (with facings and attributes) allowed by the clues, up to ``cap``."""
    return len(session.models(encode(spec), cap))


def check(spec: SeatingSpec, seats: list[int], facing: list[bool] | None = None) -> bool:
    """Whether the arrangement ``seats`` (and ``facing``) is consistent with the clues."""
    lits = [x(i, s) for i, s in enumerate(seats)]
    if spec.mixed and facing is not None:
        lits += [f"f{i}" if f else f"(not f{i})" for i, f in enumerate(facing)]
    script = session._header(encode(spec), session.DEFAULT_RLIMIT)
    return session.run(script + f"(assert (and {' '.join(lits)}))(check-sat)")[0] == "sat"
