"""The seating clue semantics and exact tables of worlds, without Z3.

- :func:`holds` is the clue semantics as numpy expressions over seats and facings; it
  evaluates one world, a table of worlds or a grid of seat values alike (the truth_teller
  variant ``seating_claims`` uses it too, with :class:`Frame`).
- :class:`Table` holds every world of a small puzzle (each permutation of seats, times each
  facing vector in the mixed variants; person 0 fixed at seat 0 on a round table), so the
  search adds a clue with one vectorised filter. Exact; used when the table is small.

The propagation solver for larger puzzles is :mod:`generators.seating.deducer`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from verifiers.seating.spec import Clue, SeatingSpec, entities


@dataclass(frozen=True)
class Frame:
    """What the clue semantics need to know about a puzzle's geometry."""

    n: int
    layout: str  # line | circle | rows
    mixed: bool
    facing0: bool  # the common facing when not mixed


def frame_of(spec: SeatingSpec) -> Frame:
    """The :class:`Frame` of a spec's puzzle."""
    return Frame(spec.n, spec.layout, spec.mixed, spec.facing[0])


def holds(c: Clue, seat, face, fr: Frame):
    """Truth of clue ``c`` given ``seat(e)`` and ``face(e)`` (ints or numpy arrays)."""
    n, lay = fr.n, fr.layout
    m = n // 2
    k = c.kind

    def same_row(*es):
        r = seat(es[0]) // m
        out = True
        for e in es[1:]:
            out = out & (seat(e) // m == r)
        return out

    def nxt(a, b):
        d = seat(a) - seat(b)
        if lay == "circle":
            d = d % n
            return (d == 1) | (d == n - 1)
        t = (d == 1) | (d == -1)
        return t & same_row(a, b) if lay == "rows" else t

    if k == "at":
        s = seat(c.a)
        if c.where == "end":
            col = s % m if lay == "rows" else s
            last = m - 1 if lay == "rows" else n - 1
            t = (col == 0) | (col == last)
        elif c.where == "seat":
            t = s == c.seat
        elif c.where == "middle":
            t = s == n // 2
        else:
            t = s // m == c.seat
    elif k == "side":
        toward = face(c.b)
        step = np.where(toward, 1, -1) if lay == "circle" else np.where(toward, -1, 1)
        d = step * (c.k if c.side == "left" else -c.k)
        target = seat(c.b) + d
        if lay == "circle":
            target = target % n
        t = seat(c.a) == target
        if lay == "rows":
            t = t & same_row(c.a, c.b)
    elif k == "order":
        t = seat(c.a) < seat(c.b)
    elif k == "next":
        t = nxt(c.a, c.b)
    elif k == "between":
        if c.immediate:
            t = nxt(c.a, c.b) & nxt(c.a, c.c) & (seat(c.b) != seat(c.c))
        else:
            sa, sb, sc = seat(c.a), seat(c.b), seat(c.c)
            t = ((sb < sa) & (sa < sc)) | ((sc < sa) & (sa < sb))
            if lay == "rows":
                t = t & same_row(c.a, c.b, c.c)
    elif k == "gap":
        d = seat(c.a) - seat(c.b)
        if lay == "circle":
            d = d % n
            t = (d == c.k + 1) | (d == n - c.k - 1)
        else:
            t = (d == c.k + 1) | (d == -c.k - 1)
            if lay == "rows":
                t = t & same_row(c.a, c.b)
    elif k == "opposite":
        d = seat(c.a) - seat(c.b)
        t = (d % n == m) if lay == "circle" else ((d == m) | (d == -m))
    elif k == "facing":
        f = face(c.a)
        t = f if c.toward else ~np.asarray(f, dtype=bool)
    elif k == "same_facing":
        t = np.asarray(face(c.a), dtype=bool) == np.asarray(face(c.b), dtype=bool)
        if not c.same:
            t = ~t
    elif k == "is":
        t = seat(c.a) == seat(c.b)
    else:
        raise ValueError(f"unknown clue kind {k!r}")
    t = np.asarray(t, dtype=bool)
    return ~t if getattr(c, "neg", False) else t


def holds_world(c: Clue, seats: list[int], facing: list[bool], owners: list[list[int]], fr: Frame):
    """Truth of ``c`` in one concrete world (``owners[c-1][v]``: person with value v)."""
    n = fr.n

    def person(e: int) -> int:
        return e if e < n else owners[e // n - 1][e % n]

    def face(e: int) -> bool:
        if fr.layout == "rows":
            return seats[person(e)] >= n // 2
        return facing[person(e)]

    return bool(holds(c, lambda e: seats[person(e)], face, fr))


def implies(c: Clue, fact: Clue, fr: Frame) -> bool:
    """Whether clue ``c`` alone forces ``fact`` (exact, over the entities they mention)."""
    ents = sorted(set(entities(c)) | set(entities(fact)))
    if len(ents) > 4:
        return False
    n, v = fr.n, 2 * fr.n
    grids = np.meshgrid(*([np.arange(v)] * len(ents)), indexing="ij")
    pos = {e: i for i, e in enumerate(ents)}
    seat = lambda e: grids[pos[e]] // 2  # noqa: E731
    face = lambda e: (grids[pos[e]] % 2) == 1  # noqa: E731
    ok = np.ones(grids[0].shape, dtype=bool)
    for e in ents:
        if fr.layout == "rows":
            ok &= face(e) == (seat(e) >= n // 2)
        elif not fr.mixed:
            ok &= face(e) == fr.facing0
    for a, b in itertools.combinations(ents, 2):
        if a // n == b // n:
            ok &= seat(a) != seat(b)
    if fr.layout == "circle" and 0 in pos:
        ok &= seat(0) == 0
    bad = ok & holds(c, seat, face, fr) & ~holds(fact, seat, face, fr)
    return not bad.any()


# --- exact tables ---------------------------------------------------------------------------


def world_table(fr: Frame) -> tuple[np.ndarray, np.ndarray | None]:
    """(P, F): P[w, i] the seat of person i in world w; F[w, i] their facing (mixed only).

    Cached on (n, layout, mixed) only: the common facing does not change the worlds, and
    keying on the whole frame rebuilt the table for every facing (read-only arrays, shared).
    """
    return _world_table(fr.n, fr.layout, fr.mixed)


def permutations(k: int) -> np.ndarray:
    """Every permutation of ``range(k)``, one a row, in the order of
    ``itertools.permutations`` (lexicographic): for each first value ``i`` in turn, the
    permutations of the others, which are those of ``range(k - 1)`` with values ``>= i``
    moved up by one."""
    out = np.zeros((1, 0), dtype=np.int8)
    for j in range(1, k + 1):
        out = np.concatenate(
            [np.hstack([np.full((len(out), 1), i, np.int8), out + (out >= i)]) for i in range(j)]
        )
    return out


@lru_cache(maxsize=64)  # every (n, layout, mixed) that fits TABLE_MAX: about 30
def _world_table(n: int, layout: str, mixed: bool) -> tuple[np.ndarray, np.ndarray | None]:
    if layout == "circle":  # person 0 in seat 0, the others in every order
        rest = permutations(n - 1) + 1
        perms = np.hstack([np.zeros((len(rest), 1), np.int8), rest]).astype(np.int8)
    else:
        perms = permutations(n)
    perms.setflags(write=False)
    if not mixed:
        return perms, None
    faces = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    P = np.repeat(perms, len(faces), axis=0)
    F = np.tile(faces, (len(perms), 1))
    P.setflags(write=False)
    F.setflags(write=False)
    return P, F


def value_masks(fr: Frame) -> list[list[int]]:
    """``out[e][u]``: the worlds of the table of ``fr`` (an int bitmask over its rows) where
    person ``e`` takes value ``u = 2*seat + facing``, as the table's worlds face."""
    return _value_masks(fr.n, fr.layout, fr.mixed, fr.facing0 if not fr.mixed else False)


@lru_cache(maxsize=64)
def _value_masks(n: int, layout: str, mixed: bool, facing0: bool) -> list[list[int]]:
    P, F = _world_table(n, layout, mixed)
    out = []
    for e in range(n):
        row = [0] * (2 * n)
        faces = None if F is None else (to_int(~F[:, e]), to_int(F[:, e]))
        for s in range(n):
            seat = to_int(P[:, e] == s)
            if faces is not None:
                row[2 * s], row[2 * s + 1] = seat & faces[0], seat & faces[1]
            else:
                row[2 * s + (s >= n // 2 if layout == "rows" else facing0)] = seat
        out.append(row)
    return out


def table_size(fr: Frame) -> int:
    perms = 1
    for i in range(2, fr.n + (0 if fr.layout == "circle" else 1)):
        perms *= i
    return perms * (2**fr.n if fr.mixed else 1)


class Table:
    """All worlds of a frame; clues become boolean masks over rows (no attributes)."""

    def __init__(self, fr: Frame):
        self.fr = fr
        self.P, self.F = world_table(fr)
        self.size = len(self.P)

    def eval(self, c: Clue, rows: np.ndarray | None = None) -> np.ndarray:
        """The mask of ``c`` over ``rows`` (all rows when None)."""
        P = self.P if rows is None else self.P[rows]
        fr = self.fr
        if fr.layout == "rows":

            def face(e):
                return P[:, e] >= fr.n // 2
        elif fr.mixed:
            F = self.F if rows is None else self.F[rows]

            def face(e):
                return F[:, e]
        else:

            def face(e):
                return fr.facing0

        return np.broadcast_to(holds(c, lambda e: P[:, e], face, fr), (len(P),))

    def row_of(self, seats: list[int], facing: list[bool]) -> int:
        """The index of the world (seats, facing): the lexicographic rank of the seats (the
        order of ``itertools.permutations``) times the facing vectors, plus the facing's index."""
        fixed = 1 if self.fr.layout == "circle" else 0  # person 0 at seat 0
        rest = list(seats[fixed:])
        rank = 0
        for i, s in enumerate(rest):
            rank = rank * (len(rest) - i) + sum(t < s for t in rest[i + 1 :])
        if self.F is None:
            return rank
        return rank * 2**self.fr.n + sum(1 << i for i, f in enumerate(facing) if f)


def to_int(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
