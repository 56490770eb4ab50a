"""The written derivation of a seating puzzle: facts a reader can check line by line.

A reader knows, for each entity, a set of places and (in the mixed variants) a set of
facings; every fact narrows one of them and names its reason:

- ``clue``: clue ``src`` together with what is already known of the entities it mentions;
- ``taken``: entity ``src`` already sits in a place of the same group (one person per place);
- ``only``: no one else of the group can still take place ``src``.

Case splits pick an entity that some clue mentions (never an unmentioned one), with the
fewest places left. Every fact, conflict and conclusion records the facts it rests on; only
the facts that some conclusion needs are kept (no filler lines), so the written trace is
short and each line follows from the cited clue and the lines above it in its case.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from verifiers.seating.spec import Clue, entities

from .deducer import Budget, Deducer, _span_keep, bits
from .logic import Frame, to_int

MAX_NODES = 20  # case-analysis nodes of one derivation (each adds two lines or more)


@dataclass(frozen=True)
class Line:
    """One event of the derivation.

    ``kind``: fact | split | assume | conflict | holds. A fact or an assumption sets
    ``entity``'s domain to ``dom`` (bit ``2*seat + facing``); ``why`` and ``src`` give a
    fact's or a conflict's reason (clue index, placed entity, or place; a placed entity's
    place is ``options[0]``); a split lists the domains of its cases in ``options``.
    """

    kind: str
    depth: int
    entity: int = -1
    dom: int = 0
    why: str = ""
    src: int = -1
    options: tuple[int, ...] = ()


@dataclass
class Trace:
    lines: list[Line]
    splits: int = 0
    max_depth: int = 0


class _Conflict(Exception):
    pass


class _TooLong(Exception):
    """The written derivation already has more lines than the caller's ``max_lines``."""


@dataclass
class _Run:
    ded: Deducer
    goal: list[Clue]
    events: list[Line] = field(default_factory=list)
    deps: list[tuple[int, ...]] = field(default_factory=list)
    splits: int = 0
    max_depth: int = 0
    nodes: int = 0
    max_lines: int | None = None
    need: set[int] = field(default_factory=set)  # facts that the kept events rest on
    kept: int = 0  # lines so far: every non-fact event and the facts of ``need``
    owed: int = 0  # lines still to come, at least: two for each case not yet begun


def derive(
    fr: Frame, n_cats: int, clues: list[Clue], goal: list[Clue], max_lines: int | None = None
) -> Trace | None:
    """The derivation of ``goal`` from ``clues``, or None when it needs more than MAX_NODES
    case-analysis nodes or does not reach the goal, or (given ``max_lines``) when it would
    have more than ``max_lines`` lines.

    The written lines are the non-fact events and the facts they rest on (transitively);
    both only grow as events are emitted, so the count so far is a lower bound of the
    final one and the derivation stops as soon as it passes ``max_lines``.
    """
    ded = Deducer(fr, n_cats, clues)
    run = _Run(ded, goal, max_lines=max_lines)
    mentioned: dict[int, int] = {}
    for c in clues:
        for e in entities(c):
            mentioned[e] = mentioned.get(e, 0) + 1
    dom = list(ded.init)
    if fr.layout == "circle":  # the numbering puts person 0 in seat 0: no one else sits there
        dom[1 : fr.n] = [d & ~3 for d in dom[1 : fr.n]]
    try:
        ok = _node(run, dom, [-1] * ded.n_ent, 0, mentioned)
    except (Budget, _TooLong):
        return None
    if not ok:
        return None
    need: set[int] = set()
    todo = [i for i, ev in enumerate(run.events) if ev.kind != "fact"]
    while todo:
        i = todo.pop()
        for j in run.deps[i]:
            if j >= 0 and j not in need:
                need.add(j)
                todo.append(j)
    lines = [ev for i, ev in enumerate(run.events) if ev.kind != "fact" or i in need]
    return Trace(lines, run.splits, run.max_depth)


def _emit(run: _Run, ev: Line, deps) -> int:
    run.events.append(ev)
    run.deps.append(tuple(d for d in deps if d >= 0))
    i = len(run.events) - 1
    if run.max_lines is not None and ev.kind != "fact":
        _count(run, i)
    return i


def _count(run: _Run, i: int) -> None:
    """Count non-fact event ``i`` and the facts it rests on that are not counted yet; raise
    :class:`_TooLong` past ``run.max_lines``."""
    need, todo, events = run.need, [i], run.events
    run.kept += 1
    while todo:
        for j in run.deps[todo.pop()]:
            if j not in need:
                need.add(j)
                if events[j].kind == "fact":  # a non-fact one was counted when emitted
                    run.kept += 1
                    todo.append(j)
    if run.kept + run.owed > run.max_lines:
        raise _TooLong()


def _hull(d: int, init: int, even: int) -> int:
    """What a reader can state: the places of ``d`` times its facings (within ``init``)."""
    seats = (d | (d >> 1)) & even
    out = 0
    if d & even:
        out |= seats
    if d & (even << 1):
        out |= seats << 1
    return out & init


def _keep(sup: tuple[int, ...], dx: int, dy: int) -> int:
    out = 0
    for u in bits(dx):
        if sup[u] & dy:
            out |= 1 << u
    return out


def _narrow(ded: Deducer, rel, es: tuple[int, ...], doms: list[int], j: int) -> int:
    """What propagator ``rel`` over ``es`` allows entity ``es[j]``, given ``doms``."""
    init, even = ded.init[es[j]], ded.even
    if len(es) == 1:
        return doms[0] & rel
    if len(es) == 2:
        return _hull(_keep(rel[j], doms[j], doms[1 - j]), init, even)
    if isinstance(rel, str):
        r = _span_keep(*doms)
        return 0 if r is None else r[j]
    vs = [((d >> np.arange(ded.v)) & 1).astype(bool) for d in doms]
    box = rel & vs[0][:, None, None] & vs[1][None, :, None] & vs[2][None, None, :]
    return _hull(to_int(box.any(tuple(x for x in range(3) if x != j))), init, even)


def _revise(run: _Run, k: int, dom: list[int], last: list[int], depth: int) -> list[int]:
    """Narrow the entities of propagator ``k``, one after the other; each fact cites its
    clue and rests on what is known of the other entities (and of its own entity only where
    the clue with the others does not give the new places alone)."""
    ded = run.ded
    i, es, rel = ded.cons[k]
    changed = []
    for j, e in enumerate(es):
        doms = [dom[x] for x in es]
        nd = _narrow(ded, rel, es, doms, j) & dom[e]
        if not nd:
            _emit(run, Line("conflict", depth, why="clue", src=i), [last[x] for x in es])
            raise _Conflict()
        if nd == dom[e]:
            continue
        doms[j] = ded.init[e]
        deps = [last[x] for x in es if x != e]
        if _narrow(ded, rel, es, doms, j) != nd:
            deps.append(last[e])
        dom[e] = nd
        last[e] = _emit(run, Line("fact", depth, e, nd, "clue", i), deps)
        changed.append(e)
    return changed


def _alldiff(run: _Run, group: list[int], dom: list[int], last: list[int], depth: int) -> list[int]:
    """One person per place: placed entities block their place; a place only one can take."""
    ded = run.ded
    even = ded.even
    changed = []
    progress = True
    while progress:
        progress = False
        for e in group:
            sm = (dom[e] | (dom[e] >> 1)) & even
            if sm & (sm - 1):
                continue
            pair = sm | (sm << 1)
            for o in group:
                if o != e and dom[o] & pair:
                    nd = dom[o] & ~pair
                    seat = (sm.bit_length() - 1) // 2
                    if not nd:
                        ev = Line("conflict", depth, o, why="both", src=e, options=(seat,))
                        _emit(run, ev, (last[o], last[e]))
                        raise _Conflict()
                    dom[o] = nd
                    ev = Line("fact", depth, o, nd, "taken", e, (seat,))
                    last[o] = _emit(run, ev, (last[o], last[e]))
                    changed.append(o)
                    progress = True
        if progress:
            continue
        everyone = [last[x] for x in group]
        for s in range(ded.fr.n):
            pair = 3 << (2 * s)
            who = [x for x in group if dom[x] & pair]
            if not who:
                _emit(run, Line("conflict", depth, why="noone", src=s), everyone)
                raise _Conflict()
            o = who[0]
            if len(who) == 1 and dom[o] & ~pair:
                dom[o] &= pair
                last[o] = _emit(run, Line("fact", depth, o, dom[o], "only", s), everyone)
                changed.append(o)
                progress = True
                break
    return changed


def _propagate(
    run: _Run, dom: list[int], last: list[int], depth: int, base: list[int] | None = None
) -> None:
    """Narrow ``dom`` to the reader's fixpoint, emitting each fact.

    ``base``: the parent node's fixpoint, which ``dom`` narrows (a case). Every propagator
    and every group is a no-op there (each one last ran without a change, and nothing it
    reads changed since), and each one reads only its own entities' domains; so a revision
    or group whose entities all still have their ``base`` domains is skipped: it would
    emit nothing and change nothing, and the events are the same, in the same order.
    """
    ded = run.ded
    cons = ded.cons
    queue = deque(range(len(cons)))
    queued = set(queue)
    while True:
        while queue:
            k = queue.popleft()
            queued.discard(k)
            if base is not None and all(dom[x] == base[x] for x in cons[k][1]):
                continue
            moved = _revise(run, k, dom, last, depth)
            _wake(ded, moved, queue, queued)
        moved = []
        for g in ded.groups:
            if base is not None and all(dom[x] == base[x] for x in g):
                continue
            moved += _alldiff(run, g, dom, last, depth)
        if not moved:
            return
        _wake(ded, moved, queue, queued)


def _wake(ded: Deducer, moved: list[int], queue: deque, queued: set[int]) -> None:
    for e in moved:
        for w in ded.watch[e]:
            if w not in queued:
                queued.add(w)
                queue.append(w)


def _seats(d: int, even: int) -> int:
    return bin((d | (d >> 1)) & even).count("1")


def _node(
    run: _Run,
    dom: list[int],
    last: list[int],
    depth: int,
    mentioned: dict,
    base: list[int] | None = None,
) -> bool:
    """One case: propagate from ``dom`` (``base``: the parent's fixpoint, see
    :func:`_propagate`), then stop or split."""
    run.nodes += 1
    if run.nodes > MAX_NODES:
        raise Budget()
    ded = run.ded
    try:
        _propagate(run, dom, last, depth, base)
    except _Conflict:
        return True
    if ded.status(run.goal, dom) is True:
        ents = sorted({e for c in run.goal for e in entities(c)})
        _emit(run, Line("holds", depth), [last[e] for e in ents])
        return True
    even = ded.even
    cands = [e for e in mentioned if _seats(dom[e], even) > 1]
    if cands:
        e = min(cands, key=lambda x: (_seats(dom[x], even), -mentioned[x], x))
        parts = tuple(dom[e] & (3 << (2 * s)) for s in range(ded.fr.n) if dom[e] >> (2 * s) & 3)
    else:
        cands = [e for e in mentioned if dom[e] & (dom[e] - 1)]
        if not cands:
            return False
        e = min(cands)
        parts = (dom[e] & (even << 1), dom[e] & even)
    run.splits += 1
    run.max_depth = max(run.max_depth, depth + 1)
    # each case adds two lines at least: its assumption, and its conflict, conclusion or split
    run.owed += 2 * len(parts)
    _emit(run, Line("split", depth, e, dom[e], options=parts), [last[e]])
    for part in parts:
        run.owed -= 2
        d2, l2 = list(dom), list(last)
        d2[e] = part
        l2[e] = _emit(run, Line("assume", depth + 1, e, part), [])
        if not _node(run, d2, l2, depth + 1, mentioned, dom):
            return False
    return True
