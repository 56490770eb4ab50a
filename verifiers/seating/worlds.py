"""Exact checks over partial seatings, in pure Python (no numpy, no z3).

A partial world places only the entities that some tests mention. Every placement of a few
entities that is one-to-one within the people and within each attribute category (person 0
in seat 0 at a round table; facings as the layout fixes them) extends to a whole world,
because the people and each category are independent permutations of the places. So "some
world passes these tests" is decided by a search over the mentioned entities alone, and
"these clues force that answer" by finding no world of the clues where the answer fails.

The clue semantics follow the frame of :mod:`verifiers.seating.spec`, written out here on
their own (the generators' numpy version is cross-checked against this one and Z3 in tests).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

from .spec import Clue, Is, Next, Opposite, SeatingSpec, Side, entities

Seat = Callable[[int], int]
Face = Callable[[int], bool]
Test = tuple[tuple[int, ...], Callable[[Seat, Face], bool]]  # (entities, predicate)


class Geometry(NamedTuple):
    """What the clue semantics need: size, layout, mixed facings, the common facing."""

    n: int
    layout: str  # line | circle | rows
    mixed: bool
    facing0: bool


def geometry(spec: SeatingSpec) -> Geometry:
    return Geometry(spec.n, spec.layout, spec.mixed, spec.facing[0])


def holds(c: Clue, seat: Seat, face: Face, g: Geometry) -> bool:
    """Truth of clue ``c`` given ``seat(e)`` and ``face(e)``."""
    return compile_clue(c, g)(seat, face)


@lru_cache(maxsize=65536)
def compile_clue(c: Clue, g: Geometry) -> Callable[[Seat, Face], bool]:
    """Clue ``c`` as a predicate over ``seat(e)`` and ``face(e)`` (its fields read once)."""
    n, lay, m = g.n, g.layout, g.n // 2
    k = c.kind
    neg = bool(c.__dict__.get("neg", False))
    rows, circle = lay == "rows", lay == "circle"
    a = c.a
    b = c.__dict__.get("b", -1)

    def adjacent(sx: int, sy: int) -> bool:
        d = sx - sy
        if circle:
            return d % n in (1, n - 1)
        return (d == 1 or d == -1) and (not rows or sx // m == sy // m)

    if k == "at":
        where, at = c.where, c.seat
        if where == "end":
            ends = (0, m - 1) if rows else (0, n - 1)
            f = lambda seat, face: (seat(a) % m if rows else seat(a)) in ends  # noqa: E731
        elif where == "seat":
            f = lambda seat, face: seat(a) == at  # noqa: E731
        elif where == "middle":
            f = lambda seat, face: seat(a) == n // 2  # noqa: E731
        else:
            f = lambda seat, face: seat(a) // m == at  # noqa: E731
    elif k == "side":
        dist = c.k if c.side == "left" else -c.k

        def f(seat, face):
            left = 1 if face(b) else -1  # the seat step towards b's left hand
            sb = seat(b)
            t = sb + (left if circle else -left) * dist
            sa = seat(a)
            if circle:
                return sa == t % n
            return sa == t and (not rows or sa // m == sb // m)
    elif k == "order":
        f = lambda seat, face: seat(a) < seat(b)  # noqa: E731
    elif k == "next":
        f = lambda seat, face: adjacent(seat(a), seat(b))  # noqa: E731
    elif k == "between":
        cc = c.c
        if c.immediate:

            def f(seat, face):
                sa, sb, sc = seat(a), seat(b), seat(cc)
                return adjacent(sa, sb) and adjacent(sa, sc) and sb != sc
        else:

            def f(seat, face):
                sa, sb, sc = seat(a), seat(b), seat(cc)
                return (sb < sa < sc or sc < sa < sb) and (
                    not rows or sa // m == sb // m == sc // m
                )
    elif k == "gap":
        gk = c.k

        def f(seat, face):
            sa, sb = seat(a), seat(b)
            if circle:
                return (sa - sb) % n in (gk + 1, n - gk - 1)
            return abs(sa - sb) == gk + 1 and (not rows or sa // m == sb // m)
    elif k == "opposite":
        if circle:
            f = lambda seat, face: (seat(a) - seat(b)) % n == m  # noqa: E731
        else:
            f = lambda seat, face: abs(seat(a) - seat(b)) == m  # noqa: E731
    elif k == "facing":
        toward = c.toward
        f = lambda seat, face: face(a) == toward  # noqa: E731
    elif k == "same_facing":
        same = c.same
        f = lambda seat, face: (face(a) == face(b)) == same  # noqa: E731
    elif k == "is":
        f = lambda seat, face: seat(a) == seat(b)  # noqa: E731
    else:
        raise ValueError(f"unknown clue kind {k!r}")
    if neg:
        return lambda seat, face: not f(seat, face)
    return f


def clue_test(c: Clue, g: Geometry) -> Test:
    return entities(c), compile_clue(c, g)


def clue_tests(c: Clue, g: Geometry) -> list[Test]:
    """:func:`clue_test` split into tests of fewer entities where that is exact (an
    immediate "between": two neighbour tests and two different places)."""
    if c.kind == "between" and c.immediate:
        nb = compile_clue(Next(a=c.a, b=c.b), g)
        nc = compile_clue(Next(a=c.a, b=c.c), g)
        b, cc = c.b, c.c
        return [
            ((c.a, c.b), nb),
            ((c.a, c.c), nc),
            ((c.b, c.c), lambda seat, face: seat(b) != seat(cc)),
        ]
    return [clue_test(c, g)]


def negated(t: Test) -> Test:
    es, f = t
    return es, lambda seat, face: not f(seat, face)


def options(e: int, g: Geometry) -> list[tuple[int, bool]]:
    """The (seat, facing) values entity ``e`` may take before any clue."""
    n = g.n
    seats = [0] if g.layout == "circle" and e == 0 else range(n)
    if g.layout == "rows":
        return [(s, s >= n // 2) for s in seats]
    if g.mixed and e < n:
        return [(s, f) for s in seats for f in (True, False)]
    return [(s, g.facing0) for s in seats]


def find(
    g: Geometry,
    tests: Iterable[Test],
    domains: dict[int, Iterable[tuple[int, bool]]] | None = None,
) -> dict[int, tuple[int, bool]] | None:
    """A partial world (entity -> (seat, facing)) that passes every test, or None.

    Backtracking with forward checking: the entity with the fewest values left goes next,
    and a test with one entity left to place narrows that entity's values at once.
    ``domains`` narrows the values of some entities (their other values are not tried).
    """
    tests = list(tests)
    ents: set[int] = {e for es, _ in tests for e in es}
    if g.layout == "circle":
        ents.add(0)
    cands: dict[int, list[tuple[int, bool]]] = {}
    for e in ents:
        own = options(e, g)
        if domains is not None and e in domains:
            allowed = set(domains[e])
            own = [v for v in own if v in allowed]
        cands[e] = own
    by_ent: dict[int, list[Test]] = {e: [] for e in ents}
    for t in tests:
        for e in set(t[0]):
            by_ent[e].append(t)
    n = g.n
    place: dict[int, tuple[int, bool]] = {}

    def seat(e: int) -> int:
        return place[e][0]

    def face(e: int) -> bool:
        return place[e][1]

    def rec(cands: dict[int, list[tuple[int, bool]]]) -> bool:
        if not cands:
            return True
        e = min(cands, key=lambda x: (len(cands[x]), x))
        rest = {x: v for x, v in cands.items() if x != e}
        grp = e // n
        for v in cands[e]:
            place[e] = v
            nxt = dict(rest)
            ok = True
            for x in nxt:  # one entity per place within a group
                if x // n == grp:
                    nxt[x] = [w for w in nxt[x] if w[0] != v[0]]
                    if not nxt[x]:
                        ok = False
                        break
            if ok:
                for es, f in by_ent[e]:
                    left = [x for x in es if x not in place]
                    if not left:
                        if not f(seat, face):
                            ok = False
                            break
                    elif len(set(left)) == 1:
                        x = left[0]
                        keep = []
                        for w in nxt[x]:
                            place[x] = w
                            if f(seat, face):
                                keep.append(w)
                        del place[x]
                        if not keep:
                            ok = False
                            break
                        nxt[x] = keep
            if ok and rec(nxt):
                return True
            del place[e]
        return False

    # tests with no entity (constant) and single-entity tests narrow before the search
    for es, f in tests:
        if not es and not f(seat, face):
            return None
    for e in ents:
        for es, f in by_ent[e]:
            if set(es) == {e}:
                keep = []
                for w in cands[e]:
                    place[e] = w
                    if f(seat, face):
                        keep.append(w)
                place.clear()
                cands[e] = keep
        if not cands[e]:
            return None
    # each group of entities linked by tests first, alone: a part that fails alone fails
    # jointly, and the joint search (one place per person across parts) rarely backtracks
    parts = _components(list(cands), tests)
    if len(parts) > 1:
        for part in parts:
            if not rec({e: cands[e] for e in part}):
                return None
            place.clear()
    return dict(place) if rec(cands) else None


def _components(ents: list[int], tests: list[Test]) -> list[list[int]]:
    root = {e: e for e in ents}

    def top(e: int) -> int:
        while root[e] != e:
            root[e] = root[root[e]]
            e = root[e]
        return e

    for es, _ in tests:
        for x in es[1:]:
            root[top(x)] = top(es[0])
    out: dict[int, list[int]] = {}
    for e in ents:
        out.setdefault(top(e), []).append(e)
    return list(out.values())


def consistent(g: Geometry, tests: Iterable[Test], domains=None) -> bool:
    """Whether some world passes every test."""
    return find(g, tests, domains) is not None


def consistent_clues(g: Geometry, clues: Iterable[Clue]) -> bool:
    """Whether some world satisfies every clue of ``clues`` (cached by their shape).

    The answer depends on the entities only through which of them share a group, which
    are people (who may face either way in a mixed variant) and which is person 0 (seat 0
    at a round table), so clues renamed alike (:func:`shape`) share one search.
    """
    clues = tuple(clues)
    key = (g.n, g.layout, g.mixed, g.facing0, shape(clues, g.n, g.layout == "circle"))
    hit = _CONSISTENT.get(key)
    if hit is None:
        if len(_CONSISTENT) > 1 << 16:
            _CONSISTENT.clear()
        hit = consistent(g, [t for c in clues for t in clue_tests(c, g)])
        _CONSISTENT[key] = hit
    return hit


_CONSISTENT: dict[tuple, bool] = {}  # a pure function's results (never depend on the cache)
_ENTITY_FIELDS = frozenset("abc")  # the clue fields that name entities


def shape(clues: Iterable[Clue], n: int, anchored: bool) -> tuple:
    """``clues`` as tuples of their fields, the entities renamed in order of appearance:
    group by group (people stay group 0, the attribute categories numbered as they come),
    and within a group from 0 (from 1 when ``anchored``: person 0 keeps 0, the person a
    round table seats first)."""
    names: dict[int, int] = {0: 0} if anchored else {}
    groups: dict[int, int] = {0: 0}
    used: dict[int, int] = {0: int(anchored)}
    out = []
    for c in clues:
        row = []
        for k, v in c.__dict__.items():
            if k in _ENTITY_FIELDS:
                e = names.get(v)
                if e is None:
                    grp = groups.setdefault(v // n, len(groups))
                    i = used.get(grp, 0)
                    used[grp] = i + 1
                    e = names[v] = grp * n + i
                v = e
            row.append(v)
        out.append(tuple(row))
    return tuple(out)


# --- the question's answer as a test -------------------------------------------------------


def _person_of(spec: SeatingSpec, e: int) -> int:
    n = spec.n
    return e if e < n else spec.attributes[e // n - 1].owner[e % n]


def _gap_count(spec: SeatingSpec, sa: int, sb: int) -> int | None:
    n, m = spec.n, spec.n // 2
    if spec.layout == "rows" and sa // m != sb // m:
        return None
    d = abs(sa - sb)
    if spec.layout == "circle":
        d = min(d, n - d)
    return d - 1


def hidden_value(spec: SeatingSpec):
    """The answer in the spec's hidden world, in the form :func:`answer_test` takes."""
    q, n = spec.question, spec.n
    seat = lambda e: spec.seats[_person_of(spec, e)]  # noqa: E731
    if q.kind == "who_at":
        return spec.seats.index(q.seat)
    if q.kind in ("who_side", "opposite", "who_has"):
        g = geometry(spec)
        for p in range(n):
            if p != q.a and answer_test(spec, p)[1](seat, lambda e: _face_hidden(spec, e, g)):
                return p
        return None
    if q.kind == "attr_of":
        return spec.attributes[q.cat - 1].owner.index(q.a)
    if q.kind == "count_between":
        return _gap_count(spec, spec.seats[q.a], spec.seats[q.b])
    if q.kind == "facing":
        return spec.facing[q.a]
    if q.kind in ("pair", "statement"):
        g = geometry(spec)
        items = q.pairs if q.kind == "pair" else q.options
        hits = [
            i
            for i in range(len(items))
            if answer_test(spec, i)[1](seat, lambda e: _face_hidden(spec, e, g))
        ]
        return hits[0] if len(hits) == 1 else None
    return tuple(spec.seats)  # arrangement


def _face_hidden(spec: SeatingSpec, e: int, g: Geometry) -> bool:
    p = _person_of(spec, e)
    return spec.seats[p] >= g.n // 2 if g.layout == "rows" else spec.facing[p]


def answer_test(spec: SeatingSpec, value) -> Test:
    """The test "the answer is ``value``": a person index (who_at, who_side, opposite,
    who_has), a value index (attr_of), a count, a facing, an option index (pair, statement)
    or the seats of everyone (arrangement)."""
    q, n = spec.question, spec.n
    g = geometry(spec)
    k = q.kind
    if k == "who_at":
        return (value,), lambda seat, face: seat(value) == q.seat
    if k == "who_side":
        return clue_test(Side(a=value, b=q.a, k=q.k, side=q.side), g)
    if k == "opposite":
        return clue_test(Opposite(a=value, b=q.a), g)
    if k == "who_has":
        return clue_test(Is(a=value, b=q.a), g)
    if k == "attr_of":
        return clue_test(Is(a=q.cat * n + value, b=q.a), g)
    if k == "count_between":
        return (q.a, q.b), lambda seat, face: _gap_count(spec, seat(q.a), seat(q.b)) == value
    if k == "facing":
        return (q.a,), lambda seat, face: face(q.a) == value
    if k == "pair":
        a, b = q.pairs[value]
        return clue_test(Next(a=a, b=b), g)
    if k == "statement":
        return clue_test(q.options[value], g)
    seats = tuple(value)
    return tuple(range(n)), lambda seat, face: all(seat(p) == seats[p] for p in range(n))


def answer_tests(spec: SeatingSpec, value) -> list[Test]:
    """:func:`answer_test` as a conjunction of small tests (one per person for an
    arrangement), which the search checks sooner."""
    if spec.question.kind != "arrangement":
        return [answer_test(spec, value)]
    return [((p,), lambda seat, face, p=p, s=s: seat(p) == s) for p, s in enumerate(value)]


def forces(spec: SeatingSpec, clues: Iterable[Clue], value=None) -> bool:
    """Whether ``clues`` alone force the answer ``value`` (default: the hidden one)."""
    g = geometry(spec)
    v = hidden_value(spec) if value is None else value
    if v is None:
        return False
    clues = list(clues)
    if spec.question.kind == "arrangement":
        named = {e for c in clues for e in entities(c) if e < spec.n}
        free = spec.n - len(named | ({0} if g.layout == "circle" else set()))
        if free >= 2:
            return False  # two people no clue names can swap places
    tests = [t for c in clues for t in clue_tests(c, g)] + [negated(answer_test(spec, v))]
    return not consistent(g, tests)


def some_pair_forces(spec: SeatingSpec, clues: list[Clue]) -> bool:
    """Whether some two of ``clues`` alone force the hidden answer (:func:`forces` for every
    pair, sharing the work that does not depend on the pair)."""
    g = geometry(spec)
    v = hidden_value(spec)
    if v is None:
        return False
    if spec.question.kind == "arrangement":
        return any(forces(spec, [a, b], v) for a, b in itertools.combinations(clues, 2))
    neg = negated(answer_test(spec, v))
    tests = [clue_tests(c, g) for c in clues]
    return any(
        not consistent(g, [*tests[i], *tests[j], neg])
        for i, j in itertools.combinations(range(len(clues)), 2)
    )


def survives(spec: SeatingSpec, clue: Clue, value) -> bool:
    """Whether the answer ``value`` agrees with ``clue`` on its own (some world has both)."""
    g = geometry(spec)
    q = spec.question
    item = q.pairs[value] if q.kind == "pair" else q.options[value] if q.kind == "statement" else 0
    key = (g, clue, q.kind, q.a, q.b, q.k, q.side, q.seat, q.cat, item, value)
    hit = _SURVIVES.get(key)
    if hit is None:
        if len(_SURVIVES) > 1 << 16:
            _SURVIVES.clear()
        wkey = (key[:1] + key[2:], tuple(spec.seats), tuple(spec.facing),
                tuple(tuple(c.owner) for c in spec.attributes))  # fmt: skip
        w = _WITNESS.get(wkey, 0)
        if w == 0:
            if len(_WITNESS) > 1 << 14:
                _WITNESS.clear()
            w = _WITNESS[wkey] = _witness(spec, value)
        if w is not None and compile_clue(clue, g)(*w):
            hit = True  # the hidden world with the answer swapped for ``value`` has both
        elif q.kind == "arrangement":  # every place is given: only facings may be open
            doms = {e: [v for v in options(e, g) if v[0] == value[e]] for e in entities(clue)}
            hit = consistent(g, clue_tests(clue, g), doms)
        else:
            hit = consistent(g, [*clue_tests(clue, g), *answer_tests(spec, value)])
        _SURVIVES[key] = hit
    return hit


def _witness(spec: SeatingSpec, value) -> tuple[Seat, Face] | None:
    """The hidden world with the right answer's holder and ``value``'s swapped (a world
    where the answer is ``value``), as (seat, face); None where no swap does that."""
    q, n = spec.question, spec.n
    g = geometry(spec)
    right = hidden_value(spec)
    seats = list(spec.seats)
    owners = [list(c.owner) for c in spec.attributes]
    if q.kind in ("who_at", "who_side", "opposite", "who_has"):
        if g.layout == "circle" and 0 in (value, right):
            return None
        seats[value], seats[right] = seats[right], seats[value]
    elif q.kind == "attr_of":
        own = owners[q.cat - 1]
        own[value], own[right] = own[right], own[value]
    else:
        return None

    def seat(e: int) -> int:
        return seats[e if e < n else owners[e // n - 1][e % n]]

    def face(e: int) -> bool:
        if g.layout == "rows":
            return seat(e) >= n // 2
        return spec.facing[e if e < n else owners[e // n - 1][e % n]]

    if not answer_test(spec, value)[1](seat, face):
        return None
    return seat, face


_SURVIVES: dict[tuple, bool] = {}
_WITNESS: dict[
    tuple, tuple | None
] = {}  # a pure function's results (they never depend on the cache)
