"""The propagation solver over seating specs: per-entity domains with case splits.

A domain is a bitmask over (seat, facing) values, bit ``2*seat + facing``. :class:`Deducer`
measures ``case_splits`` and ``deduction_depth``, writes the steps that become the
human-readable solution, and is the search engine for puzzles too large to tabulate
(attributes, many people); :class:`Search` is its incremental state while clues are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from verifiers.seating.spec import Clue, Is, Next, entities

from .logic import Frame, holds, to_int


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


_BITS: dict[int, tuple[int, ...]] = {}


def bits(x: int) -> tuple[int, ...]:
    """Positions of the set bits of ``x`` (cached: domains repeat a lot)."""
    t = _BITS.get(x)
    if t is None:
        out = []
        y = x
        while y:
            low = y & -y
            out.append(low.bit_length() - 1)
            y ^= low
        t = tuple(out)
        if len(_BITS) < 1_000_000:
            _BITS[x] = t
    return t


def _table(c: Clue, fr: Frame) -> np.ndarray:
    ents = entities(c)
    r = len(ents)
    v = 2 * fr.n
    grids = np.meshgrid(*([np.arange(v)] * r), indexing="ij")
    pos = dict(zip(ents, range(r), strict=False))
    table = holds(c, lambda e: grids[pos[e]] // 2, lambda e: (grids[pos[e]] % 2) == 1, fr)
    return np.broadcast_to(table, (v,) * r)


def _pack(rows: np.ndarray) -> tuple[int, ...]:
    """Each row of a 2-D bool array as an int bitmask."""
    w = np.left_shift(np.int64(1), np.arange(rows.shape[1], dtype=np.int64))
    return tuple((rows.astype(np.int64) @ w).tolist())


_BY_ID: dict[int, tuple[Clue, Frame, tuple]] = {}  # id(clue) -> (clue, frame, relation)


def relation(c: Clue, fr: Frame) -> tuple:
    """:func:`_relation`, first looked up by the clue object's identity (the search asks
    again and again for the same objects, and hashing a clue costs more than the lookup)."""
    hit = _BY_ID.get(id(c))
    if hit is not None and hit[0] is c and (hit[1] is fr or hit[1] == fr):
        return hit[2]
    out = _relation(c, fr)
    if len(_BY_ID) > _MEMO_MAX:
        _BY_ID.clear()
    _BY_ID[id(c)] = (c, fr, out)  # holds ``c``, so its id is not reused while cached
    return out


def _relation(c: Clue, fr: Frame) -> tuple:
    """A clue as propagators over (seat, facing) values: ((entities, support), ...).

    Unary support: the allowed mask. Binary: (sup_ab, sup_ba, memo), the masks of values of
    the other entity that support each value, and a cache of revisions (a pure function
    (da, db) -> (na, nb)). Ternary: a bool array. An immediate "between" splits into exact
    binary parts (two neighbour relations and different seats).

    The supports depend on the entities only through their places in the clue, so they are
    built once per clue shape (entities renamed 0, 1, 2) and shared; the shapes are looked
    up by their field values (cheaper than hashing a renamed clue).
    """
    ents = entities(c)
    if len(set(ents)) < len(ents):
        return _shaperelation(c, fr)
    names = dict(zip("abc", range(len(ents)), strict=False))
    key = (type(c), tuple([names.get(k, v) for k, v in c.__dict__.items()]), fr)
    rels = _SHAPES.get(key)
    if rels is None:
        rels = _shaperelation(c.model_copy(update=names), fr)
        if len(_SHAPES) > _MEMO_MAX:
            _SHAPES.clear()
        _SHAPES[key] = rels
    return tuple((tuple(ents[x] for x in es), rel) for es, rel in rels)


_SHAPES: dict[tuple, tuple] = {}  # (clue type, renamed field values, frame) -> relation


@lru_cache(maxsize=4096)
def _shaperelation(c: Clue, fr: Frame) -> tuple:
    """:func:`relation` of a clue as it is (entities not renamed)."""
    ents = entities(c)
    if c.kind == "between" and c.immediate:
        a, b, cc = ents
        parts = []
        for x, y, t in ((a, b, "next"), (a, cc, "next"), (b, cc, "diff")):
            if t == "next":
                tab = _table(Next(a=x, b=y), fr)
            else:
                tab = _table(Is(a=x, b=y, neg=True), fr)
            parts.append(((x, y), (_pack(tab), _pack(tab.T), {})))
        return tuple(parts)
    if c.kind == "between" and fr.layout == "line":
        return ((ents, "span"),)  # "somewhere between" in a row: exact support by bounds
    table = _table(c, fr)
    if len(ents) == 1:
        return ((ents, to_int(table)),)
    if len(ents) == 2:
        return ((ents, (_pack(table), _pack(table.T), {})),)
    return ((ents, np.ascontiguousarray(table)),)


_MEMO_MAX = 1 << 16  # entries per cache before it is cleared (results never depend on it)
_STATUS = 1 << 96  # a binary propagator's memo also keeps its status (:meth:`Deducer.status_of`)
_MISS = object()


def _revise2(sup_ab: tuple[int, ...], sup_ba: tuple[int, ...], da: int, db: int) -> tuple[int, int]:
    """Arc consistency of one binary relation: (na, nb); nb is 0 when a domain empties."""
    na = 0
    for u in bits(da):
        if sup_ab[u] & db:
            na |= 1 << u
    if not na:
        return 0, 0
    nb = 0
    for u in bits(db):
        if sup_ba[u] & na:
            nb |= 1 << u
    return na, nb


_SPAN: dict[tuple[int, int, int], tuple[int, int, int] | None] = {}


def _span_keep(da: int, db: int, dc: int) -> tuple[int, int, int] | None:
    """``a`` strictly between ``b`` and ``c`` in a row: the supported domains, None if one empties.

    On seat masks (seat s: bit 2s): ``a`` keeps the seats strictly inside (min b, max c) or
    (min c, max b); ``b`` keeps a seat s when some kept seat x of ``a`` has s < x < max c
    (s is below the largest kept x under max c) or min c < x < s (s is above the smallest
    kept x over min c); ``c`` likewise with ``b``'s bounds. ``b`` and ``c`` are not empty."""
    sa, sb, sc = ((d | (d >> 1)) & _EVEN for d in (da, db, dc))
    minb, maxb, minc, maxc = _low(sb), _high(sb), _low(sc), _high(sc)
    ka = sa & (_inside(minb, maxc) | _inside(minc, maxb))
    if not ka:
        return None
    kb = sb & (_below(_high(ka & _below(maxc))) | _above(_low(ka & ~_below(minc + 1))))
    kc = sc & (_below(_high(ka & _below(maxb))) | _above(_low(ka & ~_below(minb + 1))))
    na, nb, nc = da & (ka | ka << 1), db & (kb | kb << 1), dc & (kc | kc << 1)
    if not (na and nb and nc):
        return None
    return na, nb, nc


_EVEN = int("01" * 64, 2)  # the seat bits of a domain (bit 2s: seat s), up to 64 seats


def _low(m: int) -> int:
    """The lowest seat of seat mask ``m`` (-1 when empty)."""
    return ((m & -m).bit_length() - 1) // 2 if m else -1


def _high(m: int) -> int:
    """The highest seat of seat mask ``m`` (-1 when empty)."""
    return (m.bit_length() - 1) // 2 if m else -1


def _below(s: int) -> int:
    """The seats below seat ``s``."""
    return _EVEN & ((1 << (2 * s)) - 1) if s > 0 else 0


def _above(s: int) -> int:
    """Seat mask: the seats above seat ``s`` that the seat bits of a domain can hold."""
    return _EVEN & ~((1 << (2 * s + 2)) - 1) if s >= 0 else 0


def _inside(lo: int, hi: int) -> int:
    """The seats strictly between seats ``lo`` and ``hi``."""
    return _below(hi) & ~_below(lo + 1)


_ALLDIFF: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]] | None] = {}


def _alldiff_calc(
    d: list[int], v: int, even: int
) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """One person per seat over the domains ``d`` of a group: (new domains, positions changed
    in the order they changed, repeats included), or None on a contradiction.

    A placed entity blocks its seat for the others once: domains only shrink, so blocking it
    again (in a later pass) changes nothing. A seat only one entity can take narrows that
    entity, unless it is placed there already (then it is a no-op)."""
    changed: list[int] = []
    idx = range(len(d))
    blocked = 0  # bit e: entity e's place is already blocked for the others
    progress = True
    while progress:
        progress = False
        once = twice = placed = 0
        for e in idx:
            sm = (d[e] | (d[e] >> 1)) & even
            if sm & (sm - 1) == 0:  # placed: nobody else sits there
                placed |= sm
                if not blocked >> e & 1:
                    blocked |= 1 << e
                    pair = sm | (sm << 1)
                    for o in idx:
                        if o != e and d[o] & pair:
                            d[o] &= ~pair
                            if not d[o]:
                                return None
                            changed.append(o)
                            progress = True
            twice |= once & sm
            once |= sm
        if progress:
            continue
        if once != even:
            return None  # a seat nobody can take
        single = once & ~twice & ~placed
        while single:
            bit = single & -single
            single ^= bit
            pair = bit | (bit << 1)
            for e in idx:
                if d[e] & pair:
                    if d[e] & ~pair:
                        d[e] &= pair
                        changed.append(e)
                        progress = True
                    break
    return tuple(d), tuple(changed)


def _vec(d: int, v: int) -> np.ndarray:
    return ((d >> np.arange(v)) & 1).astype(bool)


def holds_at(es: tuple[int, ...], rel, vals: list[int]) -> bool:
    """Whether propagator ``(es, rel)`` (:func:`relation`) holds where entity ``e`` takes
    value ``vals[e]`` (bit ``2*seat + facing``)."""
    if len(es) == 1:
        return bool(rel >> vals[es[0]] & 1)
    if len(es) == 2:
        return bool(rel[0][vals[es[0]]] >> vals[es[1]] & 1)
    if isinstance(rel, str):  # "somewhere between" in a row
        sa, sb, sc = (vals[e] >> 1 for e in es)
        return sb < sa < sc or sc < sa < sb
    return bool(rel[vals[es[0]], vals[es[1]], vals[es[2]]])


class Deducer:
    """Domain propagation with case splits.

    ``groups`` are the all-different groups (the people; each attribute category).
    Each clue becomes one or more propagators (``cons``: (clue index, entities, support)).
    """

    def __init__(self, fr: Frame, n_cats: int, clues: list[Clue], anchor: bool = True):
        self.fr = fr
        n = fr.n
        self.v = 2 * n
        self.n_ent = n * (1 + n_cats)
        self.groups = [list(range(c * n, (c + 1) * n)) for c in range(1 + n_cats)]
        self.clues: list[Clue] = []
        self.cons: list[tuple[int, tuple[int, ...], Any]] = []
        self.fast: list[tuple | None] = []  # per propagator: (clue, a, b, rel) if binary
        self.watch: list[list[int]] = [[] for _ in range(self.n_ent)]
        for c in clues:
            self.add(c)
        self.even = sum(1 << (2 * s) for s in range(n))
        self.init = self._initial(anchor)
        self.steps: list[Step] = []
        self.splits = 0
        self.max_depth = 0
        self.nodes = 0
        self.leaf: list[int] | None = None  # where the last proof found the goal failing
        self._allowed: set[int] | None = None  # propagators in use (all when None)
        self._off: set[int] | None = None  # the others, while ``_allowed`` is set
        self._wl: list[list[int]] | None = None  # ``watch`` filtered to ``_allowed`` (proofs)
        self._goal_src: tuple[Clue, ...] = ()  # the last goal of :meth:`relations`
        self._goal_rels: list[tuple] = []
        self._todo: list[int] | None = None  # the same, as the first queue of each node

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

    def add(self, c: Clue) -> list[int]:
        """Add a clue; returns the indices of its propagators."""
        i = len(self.clues)
        self.clues.append(c)
        out = []
        for es, rel in relation(c, self.fr):
            k = len(self.cons)
            self.cons.append((i, es, rel))
            self.fast.append((i, es[0], es[1], rel) if len(es) == 2 else None)
            for e in set(es):
                self.watch[e].append(k)
            out.append(k)
        return out

    def pop(self) -> None:
        """Remove the last clue added."""
        i = len(self.clues) - 1
        self.clues.pop()
        while self.cons and self.cons[-1][0] == i:
            k = len(self.cons) - 1
            _, es, _ = self.cons.pop()
            self.fast.pop()
            for e in set(es):
                self.watch[e].remove(k)

    def seats(self, d: int) -> int:
        """Seat set of a domain, as bits at even positions."""
        return (d | (d >> 1)) & self.even

    # -- propagation --------------------------------------------------------------------

    def _revise(self, k: int, dom: list[int]) -> list[int]:
        i, es, rel = self.cons[k]
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
            da, db = dom[a], dom[b]
            memo = rel[2]
            key = da << 32 | db
            r = memo.get(key)
            if r is None:
                r = _revise2(rel[0], rel[1], da, db)
                if len(memo) > _MEMO_MAX:
                    memo.clear()
                memo[key] = r
            na, nb = r
            if not nb:
                raise Conflict(i)
            changed = []
            if na != da:
                dom[a] = na
                changed.append(a)
            if nb != db:
                dom[b] = nb
                changed.append(b)
            return changed
        if isinstance(rel, str):
            return self._span(i, es, dom)
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

    def _span(self, i: int, es: tuple[int, ...], dom: list[int]) -> list[int]:
        """``a`` strictly between ``b`` and ``c`` in a row: keep the supported places."""
        key = (dom[es[0]], dom[es[1]], dom[es[2]])
        r = _SPAN.get(key, 0)
        if r == 0:
            r = _span_keep(*key)
            if len(_SPAN) > _MEMO_MAX:
                _SPAN.clear()
            _SPAN[key] = r
        if r is None:
            raise Conflict(i)
        changed = []
        for e, nd in zip(es, r, strict=True):
            if nd != dom[e]:
                dom[e] = nd
                changed.append(e)
        return changed

    def _alldiff(self, group: list[int], dom: list[int]) -> list[int]:
        lo = group[0]  # a group is the entities lo, lo + 1, ..., lo + n - 1
        hi = lo + len(group)
        key = tuple(dom[lo:hi])
        r = _ALLDIFF.get(key, 0)
        if r == 0:
            r = _alldiff_calc(list(key), self.v, self.even)
            if len(_ALLDIFF) > _MEMO_MAX:
                _ALLDIFF.clear()
            _ALLDIFF[key] = r
        if r is None:
            raise Conflict(-1)
        new, changed = r
        if not changed:
            return []
        dom[lo:hi] = new
        return [lo + j for j in changed]

    def propagate(
        self,
        dom: list[int],
        depth: int,
        log: bool,
        todo: list[int] | None = None,
        groups: tuple[int, ...] | None = None,
    ) -> None:
        """Narrow ``dom`` to a fixpoint; raise :class:`Conflict` on a contradiction.

        ``todo`` limits the first round to these propagators (all of them when None), and
        without a log ``groups`` the all-different groups (all when None; fewer only
        where ``dom`` is already a fixpoint of the others).
        """
        if not log:
            return self._propagate_quiet(dom, todo, groups)
        n = self.fr.n
        cons = self.cons
        queue = list(range(len(cons))) if todo is None else sorted(todo)
        queued = set(queue)
        dirty = set(range(len(self.groups)))
        allowed = self._allowed
        while queue or dirty:
            while queue:
                k = queue.pop()
                queued.discard(k)
                es = cons[k][1]
                before = [dom[e] for e in es] if log else None
                try:
                    changed = self._revise(k, dom)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, cons[k][0]))
                    raise
                for e in changed:
                    for w in self.watch[e]:
                        if w not in queued and (allowed is None or w in allowed):
                            queued.add(w)
                            queue.append(w)
                    dirty.add(e // n)
                if changed and log:
                    self._log_changes(depth, cons[k][0], es, before, dom)
            for g in sorted(dirty):
                group = self.groups[g]
                before = [dom[e] for e in group] if log else None
                try:
                    changed = self._alldiff(group, dom)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, -1))
                    raise
                for e in changed:
                    for w in self.watch[e]:
                        if w not in queued and (allowed is None or w in allowed):
                            queued.add(w)
                            queue.append(w)
                if changed and log:
                    self._log_changes(depth, -1, group, before, dom)
            dirty = set()

    def _propagate_quiet(
        self, dom: list[int], todo: list[int] | None, groups: tuple[int, ...] | None = None
    ) -> None:
        """:meth:`propagate` without a log, binary revisions inlined.

        A propagator is not queued again for its own changes (each one reaches its own
        fixpoint in one call). That changes the order of the revisions but not the result:
        every propagator only narrows and is monotone, so the fixpoint (and whether some
        domain empties) is the same in any order. The logged path keeps the exact order
        that the written derivation follows. Propagators not in use count as queued for
        good, so that waking one is a single set lookup.
        """
        n = self.fr.n
        fast = self.fast
        queue = list(range(len(fast))) if todo is None else sorted(todo)
        queued = set(queue)
        if self._wl is not None:
            watch = self._wl
        else:
            watch = self.watch
            if self._off:
                queued |= self._off
        dirty = set(range(len(self.groups))) if groups is None else set(groups)
        pop, push, mark, unmark = queue.pop, queue.append, queued.add, queued.discard
        while queue or dirty:
            while queue:
                k = queue[-1]  # stays queued while it wakes the others: never itself
                f = fast[k]
                if f is not None:
                    i, a, b, rel = f
                    da, db = dom[a], dom[b]
                    memo = rel[2]
                    key = da << 32 | db
                    r = memo.get(key)
                    if r is None:
                        r = _revise2(rel[0], rel[1], da, db)
                        if len(memo) > _MEMO_MAX:
                            memo.clear()
                        memo[key] = r
                    na, nb = r
                    if not nb:
                        raise Conflict(i)
                    if na != da:
                        dom[a] = na
                        if nb != db:
                            dom[b] = nb
                            changed = (a, b)
                        else:
                            changed = (a,)
                    elif nb != db:
                        dom[b] = nb
                        changed = (b,)
                    else:
                        pop()
                        unmark(k)
                        continue
                else:
                    changed = self._revise(k, dom)
                pop()
                for e in changed:
                    for w in watch[e]:
                        if w not in queued:
                            mark(w)
                            push(w)
                    dirty.add(e // n)
                unmark(k)
            for g in sorted(dirty):
                for e in self._alldiff(self.groups[g], dom):
                    for w in watch[e]:
                        if w not in queued:
                            mark(w)
                            push(w)
            dirty = set()

    def _log_changes(self, depth: int, src: int, es, before: list[int], dom: list[int]) -> None:
        for e, b in zip(es, before, strict=True):
            if dom[e] != b:
                self.steps.append(Step("derive", depth, src, e, dom[e]))

    # -- answers and case analysis --------------------------------------------------------

    def relations(self, goal: list[Clue]) -> list[tuple]:
        """The propagators of ``goal``'s clues, as :meth:`status_of` takes them (kept for
        the last goal asked: callers ask again and again with the same clue objects)."""
        last = self._goal_src
        if len(last) == len(goal) and all(a is b for a, b in zip(last, goal, strict=True)):
            return self._goal_rels
        rels = [r for c in goal for r in relation(c, self.fr)]
        self._goal_src, self._goal_rels = tuple(goal), rels
        return rels

    def status(self, goal: list[Clue], dom: list[int]) -> bool | None:
        """True if every clue of ``goal`` holds in every completion of ``dom`` (over the
        product of domains), False if one holds in none, else None."""
        return self.status_of(self.relations(goal), dom)

    def status_of(self, rels: list[tuple], dom: list[int]) -> bool | None:
        """:meth:`status` of the propagators ``rels`` (:meth:`relations`)."""
        out: bool | None = True
        for es, rel in rels:
            if len(es) == 1:
                d = dom[es[0]]
                t = True if d & rel == d else (False if not d & rel else None)
            elif len(es) == 2:
                da, db = dom[es[0]], dom[es[1]]
                memo = rel[2]
                key = _STATUS | da << 32 | db  # beside the revisions' keys (below 2**64)
                t = memo.get(key, _MISS)
                if t is _MISS:
                    sup = rel[0]
                    alls = all(sup[u] & db == db for u in bits(da))
                    anys = any(sup[u] & db for u in bits(da))
                    t = True if alls else (False if not anys else None)
                    if len(memo) > _MEMO_MAX:
                        memo.clear()
                    memo[key] = t
            elif isinstance(rel, str):  # "somewhere between" in a row
                sa, sb, sc = ({u >> 1 for u in bits(dom[e])} for e in es)
                hits = [x < y < z or z < y < x for y in sa for x in sb for z in sc]
                t = True if all(hits) else (False if not any(hits) else None)
            else:
                vs = [_vec(dom[e], self.v) for e in es]
                box = vs[0][:, None, None] & vs[1][None, :, None] & vs[2][None, None, :]
                t = True if not (box & ~rel).any() else (False if not (box & rel).any() else None)
            if t is False:
                return False
            if t is None:
                out = None
        return out

    def satisfied(self, vals: list[int]) -> int:
        """The clues that hold in the world where entity ``e`` takes value ``vals[e]``, as
        a bitmask of their indices."""
        out = (1 << len(self.clues)) - 1
        for i, es, rel in self.cons:
            if out >> i & 1 and not holds_at(es, rel, vals):
                out ^= 1 << i
        return out

    def props_of(self, clue_ids: list[int]) -> list[int]:
        """The propagators of clues ``clue_ids``, in order."""
        keep = set(clue_ids)
        return [k for k, con in enumerate(self.cons) if con[0] in keep]

    def fixpoint(
        self,
        dom: list[int],
        clue_ids: list[int] | None = None,
        todo: list[int] | None = None,
        groups: tuple[int, ...] | None = None,
    ) -> bool:
        """Narrow ``dom`` in place with clues ``clue_ids`` (all when None), first queueing
        propagators ``todo`` (all of those clues' when None) and all-different ``groups``
        (all when None); False on a contradiction.

        The fixpoint is the same from any ``dom`` between it and ``init`` (every
        propagator only narrows, is monotone and reaches its own fixpoint in one call), so
        a caller may start from the fixpoint of fewer clues and queue only the propagators
        of the others (and no group).
        """
        if clue_ids is not None:
            props = self.props_of(clue_ids)
            self._allowed = set(props)
            self._off = set(range(len(self.cons))).difference(self._allowed)
            if todo is None:
                todo = props
        try:
            self._propagate_quiet(dom, todo, groups)
        except Conflict:
            return False
        finally:
            self._allowed = self._off = None
        return True

    def prove(
        self,
        goal: list[Clue],
        dom: list[int] | None = None,
        log: bool = True,
        budget: int = 400,
        clue_ids: list[int] | None = None,
        first: list[int] | None = None,
    ) -> bool:
        """Whether ``goal`` holds in every solution, by propagation and case splits, using
        only clues ``clue_ids`` (all when None). ``first``: the propagators that the root
        node queues (all in use when None); given, ``dom`` must be a fixpoint of the others
        and of the all-different groups (which the root then does not queue)."""
        self.nodes = 0
        self.leaf = None
        self._budget = budget
        self._goal = self.relations(goal)
        dom = list(self.init if dom is None else dom)
        groups = None if first is None else ()
        if clue_ids is None:
            return self._prove(goal, dom, 0, log, first, groups)
        self._todo = self.props_of(clue_ids)
        allowed = self._allowed = set(self._todo)
        if not log:
            self._wl = [[w for w in ws if w in allowed] for ws in self.watch]
        todo = self._todo if first is None else first
        try:
            return self._prove(goal, dom, 0, log, todo, groups)
        finally:
            self._todo = self._allowed = self._wl = None

    def _prove(
        self,
        goal: list[Clue],
        dom: list[int],
        depth: int,
        log: bool,
        todo: list[int] | None,
        groups: tuple[int, ...] | None = None,
    ) -> bool:
        """One node: propagate (queueing ``todo`` and ``groups``; all when None), split.

        Without a log, a case's propagation queues only the propagators that watch the
        entity it narrowed, and that entity's group: the node's domains are a fixpoint of
        all the others, so the case reaches the same fixpoint as from all of them (and the
        search the same tree)."""
        self.nodes += 1
        if self.nodes > self._budget:
            raise Budget()
        try:
            if log:
                self.propagate(dom, depth, log, todo, groups)
            else:
                self._propagate_quiet(dom, todo, groups)
        except Conflict:
            return True
        if self.status_of(self._goal, dom) is True:
            if log:
                self.steps.append(Step("holds", depth))
            return True
        # Split on a place first (the first entity with the fewest places left, if one
        # has more than one); else on the facing of the first open entity.
        even = self.even
        e, fewest, first_open = -1, self.fr.n + 1, -1
        for x, d in enumerate(dom):
            if d & (d - 1):
                if first_open < 0:
                    first_open = x
                places = ((d | (d >> 1)) & even).bit_count()
                if 1 < places < fewest:
                    e, fewest = x, places
        if first_open < 0:
            self.leaf = dom  # a world of the clues in use where the goal fails
            return False
        if e >= 0:
            parts = [dom[e] & (3 << (2 * s)) for s in range(self.fr.n) if dom[e] >> (2 * s) & 3]
        else:
            e = first_open
            parts = [1 << u for u in bits(dom[e])]
        self.splits += 1
        self.max_depth = max(self.max_depth, depth + 1)
        if log:
            self.steps.append(Step("split", depth, -2, e, dom[e], tuple(parts)))
            sub, grp = self._todo, None
        else:
            sub = self.watch[e] if self._wl is None else self._wl[e]
            grp = (e // self.fr.n,)
        for part in parts:
            trial = list(dom)
            trial[e] = part
            if log:
                self.steps.append(Step("assume", depth + 1, -2, e, part))
            if not self._prove(goal, trial, depth + 1, log, sub, grp):
                return False
        return True

    def forced(
        self,
        goal: list[Clue],
        clue_ids: list[int] | None = None,
        dom: list[int] | None = None,
        first: list[int] | None = None,
    ) -> bool:
        """Propagation only (no splits): does ``goal`` hold, using only clues ``clue_ids``?
        ``dom`` and ``first`` as in :meth:`prove` (``dom`` is narrowed in place)."""
        dom = list(self.init) if dom is None else dom
        if not self.fixpoint(dom, clue_ids, first):
            return False
        return self.status(goal, dom) is True


@dataclass
class Search:
    """Running state of the incremental propagation search (large puzzles)."""

    ded: Deducer
    dom: list[int] = field(default_factory=list)

    def add(self, c: Clue) -> bool:
        """Add a clue; False (and no change) when it narrows nothing."""
        trial = list(self.dom)
        ks = self.ded.add(c)
        try:
            self.ded._propagate_quiet(trial, ks)
        except Conflict:
            self.ded.pop()
            raise
        if trial == self.dom:
            self.ded.pop()
            return False
        self.dom = trial
        return True
