"""Exact reasoning over seating specs without Z3.

- :func:`holds` is the clue semantics as numpy expressions over seats and facings; it
  evaluates one world, a table of worlds or a grid of seat values alike.
- :class:`Table` holds every world of a small puzzle (each permutation of seats, times each
  facing vector in the mixed variants; person 0 fixed at seat 0 on a round table), so the
  search adds a clue with one vectorised filter. Exact; used when the table is small.
- :class:`Deducer` is a propagation solver over per-entity domains with case splits. A
  domain is a bitmask over (seat, facing) values, bit ``2*seat + facing``. It measures
  ``deduction_depth`` and writes the steps that become the human-readable solution, and it
  is the search engine for puzzles too large to tabulate (attributes, many people).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from verifiers.specs.seating import Clue, entities


@dataclass(frozen=True)
class Frame:
    """What the clue semantics need to know about a puzzle's geometry."""

    n: int
    layout: str  # line | circle | rows
    mixed: bool
    facing0: bool  # the common facing when not mixed


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


# --- exact tables ---------------------------------------------------------------------------


@lru_cache(maxsize=12)
def world_table(fr: Frame) -> tuple[np.ndarray, np.ndarray | None]:
    """(P, F): P[w, i] the seat of person i in world w; F[w, i] their facing (mixed only)."""
    n = fr.n
    if fr.layout == "circle":
        perms = np.array([(0, *p) for p in itertools.permutations(range(1, n))], dtype=np.int8)
    else:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.int8)
    if not fr.mixed:
        return perms, None
    faces = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    P = np.repeat(perms, len(faces), axis=0)
    F = np.tile(faces, (len(perms), 1))
    return P, F


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
        """The index of the world (seats, facing)."""
        hit = (self.P == np.array(seats, dtype=np.int8)).all(1)
        if self.F is not None:
            hit &= (self.F == np.array(facing)).all(1)
        return int(np.flatnonzero(hit)[0])


def to_int(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


# --- propagation solver ---------------------------------------------------------------------


class Conflict(Exception):
    """A domain became empty."""

    def __init__(self, source: int):
        super().__init__(source)
        self.source = source


class Budget(Exception):
    """The case analysis grew past its node budget."""


@dataclass
class Step:
    """One line of the derivation."""

    kind: str  # derive | assume | contradiction | holds | split
    depth: int
    source: int = -1  # clue index, -1 for "each seat holds one person", -2 for none
    entity: int = -1
    dom: int = 0
    options: tuple[int, ...] = ()


def _bits(x: int):
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low


@lru_cache(maxsize=65536)
def _relation(c: Clue, fr: Frame):
    """Precomputed support of a clue over (seat, facing) values.

    Unary: allowed mask. Binary: (sup_ab, sup_ba) lists of masks. Ternary: bool array.
    """
    ents = entities(c)
    r = len(ents)
    v = 2 * fr.n
    grids = np.meshgrid(*([np.arange(v)] * r), indexing="ij")
    pos = dict(zip(ents, range(r), strict=False))
    table = holds(c, lambda e: grids[pos[e]] // 2, lambda e: (grids[pos[e]] % 2) == 1, fr)
    table = np.broadcast_to(table, (v,) * r)
    if r == 1:
        return to_int(table)
    if r == 2:
        sup_ab = tuple(to_int(table[u]) for u in range(v))
        sup_ba = tuple(to_int(table[:, u]) for u in range(v))
        return sup_ab, sup_ba
    return np.ascontiguousarray(table)


def _vec(d: int, v: int) -> np.ndarray:
    return ((d >> np.arange(v)) & 1).astype(bool)


class Deducer:
    """Domain propagation with case splits.

    ``groups`` are the all-different groups (the people; each attribute category).
    """

    def __init__(self, fr: Frame, n_cats: int, clues: list[Clue], anchor: bool = True):
        self.fr = fr
        n = fr.n
        self.v = 2 * n
        self.n_ent = n * (1 + n_cats)
        self.groups = [list(range(c * n, (c + 1) * n)) for c in range(1 + n_cats)]
        self.clues = list(clues)
        self.rels = [_relation(c, fr) for c in self.clues]
        self.ents = [entities(c) for c in self.clues]
        self.watch: list[list[int]] = [[] for _ in range(self.n_ent)]
        for i, es in enumerate(self.ents):
            for e in set(es):
                self.watch[e].append(i)
        self.even = sum(1 << (2 * s) for s in range(n))
        self.init = self._initial(anchor)
        self.steps: list[Step] = []
        self.splits = 0
        self.max_depth = 0
        self.nodes = 0

    def _initial(self, anchor: bool) -> list[int]:
        fr, n = self.fr, self.fr.n
        if fr.layout == "rows":
            base = sum(1 << (2 * s + (s >= n // 2)) for s in range(n))
        elif fr.mixed:
            base = (1 << (2 * n)) - 1
        else:
            base = sum(1 << (2 * s + fr.facing0) for s in range(n))
        dom = [base] * self.n_ent
        if fr.layout == "circle" and anchor:
            dom[0] &= 3  # person 0 at seat 0: the table is unique up to rotation
        return dom

    def add(self, c: Clue) -> int:
        i = len(self.clues)
        self.clues.append(c)
        self.rels.append(_relation(c, self.fr))
        self.ents.append(entities(c))
        for e in set(self.ents[-1]):
            self.watch[e].append(i)
        return i

    def seats(self, d: int) -> int:
        """Seat set of a domain, as bits at even positions."""
        return (d | (d >> 1)) & self.even

    # -- propagation --------------------------------------------------------------------

    def _revise(self, i: int, dom: list[int]) -> list[int]:
        rel, es = self.rels[i], self.ents[i]
        if len(es) == 1:
            e = es[0]
            new = dom[e] & rel
            if new == dom[e]:
                return []
            if not new:
                raise Conflict(i)
            dom[e] = new
            return [e]
        if len(es) == 2:
            a, b = es
            sup_ab, sup_ba = rel
            changed = []
            da, db = dom[a], dom[b]
            na = 0
            for u in _bits(da):
                if sup_ab[u] & db:
                    na |= 1 << u
            if not na:
                raise Conflict(i)
            nb = 0
            for u in _bits(db):
                if sup_ba[u] & na:
                    nb |= 1 << u
            if not nb:
                raise Conflict(i)
            if na != da:
                dom[a] = na
                changed.append(a)
            if nb != db:
                dom[b] = nb
                changed.append(b)
            return changed
        v = self.v
        vs = [_vec(dom[e], v) for e in es]
        allowed = rel & vs[0][:, None, None] & vs[1][None, :, None] & vs[2][None, None, :]
        news = (allowed.any((1, 2)), allowed.any((0, 2)), allowed.any((0, 1)))
        changed = []
        for e, nv in zip(es, news, strict=True):
            nd = to_int(nv)
            if not nd:
                raise Conflict(i)
            if nd != dom[e]:
                dom[e] = nd
                changed.append(e)
        return changed

    def _alldiff(self, group: list[int], dom: list[int]) -> list[int]:
        changed = []
        progress = True
        while progress:
            progress = False
            for e in group:
                s = self.seats(dom[e])
                if s & (s - 1) == 0:
                    block = (s | (s << 1)) ^ ((1 << self.v) - 1)
                    for o in group:
                        if o != e and dom[o] & ~block:
                            dom[o] &= block
                            if not dom[o]:
                                raise Conflict(-1)
                            changed.append(o)
                            progress = True
            for s in range(self.fr.n):
                bit = 1 << (2 * s)
                holders = [e for e in group if self.seats(dom[e]) & bit]
                if not holders:
                    raise Conflict(-1)
                if len(holders) == 1:
                    e = holders[0]
                    keep = dom[e] & (3 << (2 * s))
                    if keep != dom[e]:
                        dom[e] = keep
                        changed.append(e)
                        progress = True
        return changed

    def propagate(
        self, dom: list[int], depth: int, log: bool, todo: set[int] | None = None
    ) -> None:
        """Narrow ``dom`` to a fixpoint; raise :class:`Conflict` on a contradiction."""
        queue = set(range(len(self.clues))) if todo is None else set(todo)
        dirty_groups = set(range(len(self.groups)))
        n = self.fr.n
        while queue or dirty_groups:
            while queue:
                i = min(queue)
                queue.discard(i)
                before = [dom[e] for e in self.ents[i]] if log else None
                try:
                    changed = self._revise(i, dom)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, i))
                    raise
                for e in changed:
                    queue.update(self.watch[e])
                    dirty_groups.add(e // n)
                if changed and log:
                    self._log_changes(depth, i, self.ents[i], before, dom)
            for g in sorted(dirty_groups):
                group = self.groups[g]
                before = [dom[e] for e in group] if log else None
                try:
                    changed = self._alldiff(group, dom)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, -1))
                    raise
                for e in changed:
                    queue.update(self.watch[e])
                if changed and log:
                    self._log_changes(depth, -1, group, before, dom)
            dirty_groups = set()

    def _log_changes(self, depth: int, src: int, es, before: list[int], dom: list[int]) -> None:
        for e, b in zip(es, before, strict=True):
            if dom[e] != b:
                self.steps.append(Step("derive", depth, src, e, dom[e]))

    # -- answers and case analysis --------------------------------------------------------

    def status(self, goal: list[Clue], dom: list[int]) -> bool | None:
        """True if every clue of ``goal`` holds in every completion of ``dom`` (over the
        product of domains), False if one holds in none, else None."""
        out: bool | None = True
        for c in goal:
            rel = _relation(c, self.fr)
            es = entities(c)
            if len(es) == 1:
                d = dom[es[0]]
                t = True if d & rel == d else (False if not d & rel else None)
            elif len(es) == 2:
                da, db = dom[es[0]], dom[es[1]]
                sup = rel[0]
                alls = all(sup[u] & db == db for u in _bits(da))
                anys = any(sup[u] & db for u in _bits(da))
                t = True if alls else (False if not anys else None)
            else:
                vs = [_vec(dom[e], self.v) for e in es]
                box = vs[0][:, None, None] & vs[1][None, :, None] & vs[2][None, None, :]
                t = True if not (box & ~rel).any() else (False if not (box & rel).any() else None)
            if t is False:
                return False
            if t is None:
                out = None
        return out

    def prove(
        self, goal: list[Clue], dom: list[int] | None = None, log: bool = True, budget: int = 400
    ) -> bool:
        """Whether ``goal`` holds in every solution, by propagation and case splits."""
        self.nodes = 0
        self._budget = budget
        dom = list(self.init if dom is None else dom)
        return self._prove(goal, dom, 0, log)

    def _prove(self, goal: list[Clue], dom: list[int], depth: int, log: bool) -> bool:
        self.nodes += 1
        if self.nodes > self._budget:
            raise Budget()
        try:
            self.propagate(dom, depth, log)
        except Conflict:
            return True
        if self.status(goal, dom) is True:
            if log:
                self.steps.append(Step("holds", depth))
            return True
        open_ = [e for e in range(self.n_ent) if dom[e] & (dom[e] - 1)]
        if not open_:
            return False
        e = min(open_, key=lambda x: (bin(dom[x]).count("1"), x))
        values = tuple(_bits(dom[e]))
        self.splits += 1
        self.max_depth = max(self.max_depth, depth + 1)
        if log:
            self.steps.append(Step("split", depth, -2, e, dom[e], values))
        for u in values:
            trial = list(dom)
            trial[e] = 1 << u
            if log:
                self.steps.append(Step("assume", depth + 1, -2, e, 1 << u))
            if not self._prove(goal, trial, depth + 1, log):
                return False
        return True

    def forced(self, goal: list[Clue], clue_ids: list[int] | None = None) -> bool:
        """Propagation only (no splits): does ``goal`` hold, using only ``clue_ids``?"""
        dom = list(self.init)
        saved = self.rels, self.ents, self.watch
        if clue_ids is not None:
            keep = set(clue_ids)
            self.watch = [[i for i in w if i in keep] for w in self.watch]
        try:
            self.propagate(dom, 0, False, None if clue_ids is None else set(clue_ids))
        except Conflict:
            return False
        finally:
            self.rels, self.ents, self.watch = saved
        return self.status(goal, dom) is True


@dataclass
class Search:
    """Running state of the incremental propagation search (large puzzles)."""

    ded: Deducer
    dom: list[int] = field(default_factory=list)

    def add(self, c: Clue) -> bool:
        """Add a clue; False (and no change) when it narrows nothing."""
        trial = list(self.dom)
        i = self.ded.add(c)
        self.ded.propagate(trial, 0, False, {i})
        if trial == self.dom:
            self._pop()
            return False
        self.dom = trial
        return True

    def _pop(self) -> None:
        d = self.ded
        d.clues.pop()
        d.rels.pop()
        es = d.ents.pop()
        i = len(d.clues)
        for e in set(es):
            d.watch[e].remove(i)
