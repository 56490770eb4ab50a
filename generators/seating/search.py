"""The search for a seating clue set: add true clues until the answer is forced, then drop
the redundant ones.

The search is exact on a table of every world when that table is small
(:class:`generators.seating.logic.Table`; sets of worlds as int bitmasks) and otherwise
uses the propagation solver (:mod:`generators.seating.deducer`). A clue that forces the
answer on its own is never used (:func:`gives_away`).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from verifiers.seating.spec import Clue, entities

from .counter import counter_masks
from .deducer import Budget, Conflict, Deducer, Search, bits, relation
from .logic import Frame, Table, implies, table_size, to_int, value_masks
from .sample import COVER_KINDS, World, fresh_clues, pick, propose

TABLE_MAX = 400_000  # worlds: above this, search by propagation
PROVE_NODES = 40  # case-analysis nodes when the propagation search drops a clue
DROP_ORDERS = 3  # orders of dropping clues tried for a level-4 puzzle that needs a case split
COVER_TRIES = 12  # proposals for a clue that brings in an unused value and narrows the worlds


Fits = Callable[[list[Clue]], bool]


def fits_table(fr: Frame, n_cats: int) -> bool:
    """Whether the search is exact on a table of worlds (no attributes, few worlds)."""
    return not n_cats and table_size(fr) <= TABLE_MAX


def gives_away(c: Clue, goal: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether ``c`` on its own forces the answer (never allowed as a clue).

    Exact on a table of worlds; otherwise exact over the entities both mention, plus what
    propagation from that one clue (with one person per place) reaches.
    """
    if fits_table(fr, n_cats):
        tab = Table(fr)
        return not full_mask(tab, c) & bad_mask(tab, goal)
    if len(goal) == 1 and set(entities(c)) >= set(entities(goal[0])) and implies(c, goal[0], fr):
        return True
    if fr.n > 5 or len(goal) > 1:
        return False  # one clue pins at most three people: no forcing by elimination
    d = Deducer(fr, n_cats, [c])
    dom = list(d.init)
    try:
        d.propagate(dom, 0, False)
    except Conflict:
        return True
    return d.status(goal, dom) is True


def told(fact: Clue, clues: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether one clue alone already says ``fact`` (so it would hand over the answer)."""
    return any(c == fact or gives_away(c, [fact], fr, n_cats) for c in clues)


def by_table(
    world: World,
    goal: list[Clue],
    kinds: dict[str, float],
    rng: random.Random,
    fr: Frame,
    need_split: bool = False,
    fits: Fits | None = None,
) -> list[Clue] | None:
    """Add clues until the goal holds in every world of the table, then drop redundant ones.

    Sets of worlds are int bitmasks over the table's rows (bit r: world r).
    """
    tab = Table(fr)
    truth = tab.row_of(world.seats, world.facing)
    bad = bad_mask(tab, goal)  # the worlds where the goal fails
    alive = (1 << tab.size) - 1
    clues: list[Clue] = []
    masks: list[int] = []
    fresh = fresh_clues(world, kinds, rng, 40 * fr.n + 60, set())
    while alive & bad:
        c = next(fresh, None)
        if c is None:
            return None
        mask = full_mask(tab, c)
        if not mask & bad:  # it gives the answer away on its own
            continue
        if alive & mask == alive:
            continue
        alive &= mask
        clues.append(c)
        masks.append(mask)
    assert alive >> truth & 1

    def enough(rest: list[int], need: list[int]) -> bool:  # no goal-breaking world comes back
        if not rest:
            return False
        acc = masks[rest[0]]
        for j in rest[1:]:
            acc &= masks[j]
        return not acc & bad

    return _drop_redundant(clues, enough, goal, fr, 0, rng, need_split, fits, stepwise=False)


_MASKS: dict = {}
# A mask is a bit per world of the table (up to several KB); the hits that matter are a clue's
# masks reused within one draft's searches. Measured on 600 seating items of the 100k config:
# a cap of 2,000 took the same CPU time as 20,000 and left the process at 408 MiB, not 457
# (the larger cache was still growing, ~12 KB an entry).
_MASKS_MAX = 2000


def full_mask(tab: Table, c: Clue) -> int:
    """The worlds of ``tab`` where ``c`` holds, as an int bitmask (cached)."""
    key = (tab.fr, c)
    m = _MASKS.get(key)
    if m is None:
        if len(_MASKS) > _MASKS_MAX:
            _MASKS.clear()
        m = _mask_of(tab, c)
        _MASKS[key] = m
    return m


def _mask_of(tab: Table, c: Clue) -> int:
    """:func:`full_mask` from the clue's propagators (its truth over the values of the
    people it names) and the worlds where each person takes each value; a clue of three
    people that no binary parts express is evaluated on the table."""
    fr = tab.fr
    vm = value_masks(fr)
    full = (1 << tab.size) - 1
    out = full
    for es, rel in relation(c, fr):
        part = 0
        if len(es) == 1:
            part = _union(fr, vm, es[0], rel, full)
        elif len(es) == 2:
            a, b = es
            sup = rel[0]
            for u, ma in enumerate(vm[a]):
                if ma and sup[u]:
                    part |= ma & _union(fr, vm, b, sup[u], full)
        else:
            return to_int(tab.eval(c))
        out &= part
    return out


_UNIONS: dict[tuple, int] = {}


def _union(fr: Frame, vm: list[list[int]], e: int, values: int, full: int) -> int:
    """The worlds where person ``e`` takes one of ``values`` (a bitmask of values), cached;
    from the values left out where they are fewer (each world gives ``e`` one value)."""
    key = (fr, e, values)
    m = _UNIONS.get(key)
    if m is None:
        if len(_UNIONS) > 50000:
            _UNIONS.clear()
        row = vm[e]
        others = ((1 << len(row)) - 1) ^ values
        m = 0
        if bin(others).count("1") < bin(values).count("1"):
            for w in bits(others):
                m |= row[w]
            m ^= full
        else:
            for w in bits(values):
                m |= row[w]
        _UNIONS[key] = m
    return m


def bad_mask(tab: Table, goal: list[Clue]) -> int:
    """The worlds of ``tab`` where some clue of ``goal`` fails."""
    good = (1 << tab.size) - 1
    for g in goal:
        good &= full_mask(tab, g)
    return good ^ ((1 << tab.size) - 1)


def by_propagation(
    world: World,
    goal: list[Clue],
    kinds: dict[str, float],
    rng: random.Random,
    fr: Frame,
    need_split: bool = False,
    asked: frozenset[int] = frozenset(),
    fits: Fits | None = None,
) -> list[Clue] | None:
    """Add clues until propagation alone forces the goal and every attribute value not in
    ``asked`` (the entities the question names) is in some clue, then drop redundant ones:
    those that propagation does without, or with ``need_split`` a short case analysis
    (PROVE_NODES nodes), and that no value needs."""
    n_cats = len(world.owners)
    s = Search(Deducer(fr, n_cats, []))
    s.dom = list(s.ded.init)
    seen: set[Clue] = set()
    if not add_until_forced(s, world, goal, kinds, rng, 60 * fr.n * (1 + n_cats) + 60, seen):
        return None
    if not cover_values(s, world, goal, kinds, rng, seen, asked):
        return None
    clues = list(s.ded.clues)
    ded = s.ded
    values = set(range(fr.n, world.n_ent)) - set(asked)
    ents = [set(entities(c)) for c in clues]
    goal_rels = ded.relations(goal)
    root = list(ded.init)
    ded.fixpoint(root, [])  # one person per place, before any clue
    last: list = [(), root]  # the needed clues so far and the fixpoint of just those

    def start(need: list[int]) -> list[int] | None:
        key = tuple(need)
        if key != last[0]:
            prev = last[1] if key[:-1] == last[0] else None
            if prev is None:
                prev, first, groups = ded.init, None, None
            else:
                first, groups = ded.props_of(key[-1:]), ()
            dom = list(prev)
            last[:] = [key, dom if ded.fixpoint(dom, need, first, groups) else None]
        return last[1]

    # worlds where the goal fails (the clues each satisfies): one swap from the hidden world,
    # and those that a case analysis found
    counter = counter_masks(ded, world, goal_rels) if need_split else []
    known: dict[int, bool] = {}
    by_prop: dict[int, bool] = {}  # clue masks: whether propagation alone forces the goal

    def enough(rest: list[int], need: list[int]) -> bool:
        """Propagation, else a short case analysis, proves the goal from clues ``rest``.

        A known world of these clues where the goal fails rules them out at once; else
        propagation starts from the fixpoint of the clues ``need`` (all in ``rest``), which
        is the same fixpoint (:meth:`Deducer.fixpoint`), and the case analysis from
        propagation's domains, as its root node would find them."""
        if values - {e for j in rest for e in ents[j]}:
            return False  # every attribute value stays in some clue
        mask = sum(1 << j for j in rest)
        if any(not mask & ~m for m in counter):
            return False
        hit = known.get(mask)
        if hit is None:
            hit = known[mask] = _enough(rest, need)
        return hit

    def _enough(rest: list[int], need: list[int]) -> bool:
        base = start(need)
        if base is None:
            base, first, groups = ded.init, None, None
        else:
            done = set(need)
            first, groups = ded.props_of([j for j in rest if j not in done]), ()
        dom = list(base)
        if not ded.fixpoint(dom, rest, first, groups):
            return need_split  # no world at all: a case analysis's root proves anything
        mask = sum(1 << j for j in rest)
        by_prop[mask] = ded.status_of(goal_rels, dom) is True
        if by_prop[mask]:
            return True
        if not need_split:
            return False
        try:
            if ded.prove(goal, dom, False, PROVE_NODES, rest, first=[]):
                return True
        except Budget:
            return False
        counter.append(ded.satisfied([bits(d)[0] for d in ded.leaf]))
        return False

    def forced(rest: list[int]) -> bool:
        """Whether propagation alone forces the goal from clues ``rest`` (as
        :meth:`Deducer.forced` finds)."""
        hit = by_prop.get(sum(1 << j for j in rest))
        return ded.forced(goal, rest) if hit is None else hit

    return _drop_redundant(clues, enough, goal, fr, n_cats, rng, need_split, fits, forced)


def add_until_forced(
    s: Search,
    world: World,
    goal: list[Clue],
    kinds: dict[str, float],
    rng: random.Random,
    tries: int,
    seen: set[Clue],
) -> bool:
    """Add fresh true clues to ``s`` (none that gives the answer away on its own) until
    propagation forces ``goal``; False when a clue contradicts or ``tries`` proposals did
    not do it."""
    fresh = fresh_clues(world, kinds, rng, tries, seen)
    while s.ded.status(goal, s.dom) is not True:
        c = next(fresh, None)
        if c is None:
            return False
        if gives_away(c, goal, world.fr, len(world.owners)):
            continue
        try:
            s.add(c)
        except Conflict:
            return False
    return True


def cover_values(
    s: Search,
    world: World,
    goal: list[Clue],
    kinds: dict[str, float],
    rng: random.Random,
    seen: set[Clue],
    asked: frozenset[int],
) -> bool:
    """Add true clues that mention the attribute values no clue mentions yet (one that
    narrows the worlds if COVER_TRIES proposals find one, else any); False on failure."""
    fr = world.fr
    cover = {k: w for k, w in kinds.items() if k in COVER_KINDS}
    while True:
        named = {e for c in s.ded.clues for e in entities(c)} | set(asked)
        unused = [e for e in range(fr.n, world.n_ent) if e not in named]
        if not unused:
            return True
        e = rng.choice(unused)
        spare = None
        for _ in range(COVER_TRIES):
            c = propose(world, pick(cover, rng), rng, a=e)
            if c is None or c in seen or e not in entities(c):
                continue
            if gives_away(c, goal, fr, len(world.owners)):
                continue
            try:
                if s.add(c):
                    seen.add(c)
                    break
            except Conflict:
                return False
            spare = spare or c
        else:
            if spare is None:
                return False
            seen.add(spare)
            s.ded.add(spare)


def _drop_redundant(
    clues: list[Clue],
    enough: Callable[[list[int], list[int]], bool],
    goal: list[Clue],
    fr: Frame,
    n_cats: int,
    rng: random.Random,
    need_split: bool,
    fits: Fits | None = None,
    forced: Callable[[list[int]], bool] | None = None,
    stepwise: bool = True,
) -> list[Clue] | None:
    """Drop clues, in a random order, while ``enough(indices, needed)`` still holds
    (``needed``: the clues of ``indices`` already found not to be droppable in this order);
    the kept clues come back in a random puzzle order, drawn first.

    With ``need_split`` the kept clues must not force the goal by propagation alone (so that
    the proof needs a case split): up to DROP_ORDERS orders are tried, else None.

    ``fits`` (the clues in puzzle order: whether their written solution is short enough)
    must hold of the kept clues, else None. With ``need_split`` and ``stepwise`` it is also
    checked at each drop: a clue stays when without it propagation no longer forces the goal
    and the written solution would no longer fit (so a level-4 search ends with a written
    solution that fits, not with a proof too long to write and a redraw); an order that ends
    forced by propagation goes on to the next. ``forced``: whether propagation alone forces
    the goal from the given clues (a fresh :class:`Deducer` when None).
    """
    rank = list(range(len(clues)))
    rng.shuffle(rank)

    def listed(ids: list[int]) -> list[Clue]:
        return [clues[j] for j in sorted(ids, key=rank.__getitem__)]

    if forced is None:

        def forced(ids: list[int]) -> bool:
            return Deducer(fr, n_cats, [clues[j] for j in ids]).forced(goal)

    def fine(ids: list[int]) -> bool:  # propagation still forces the goal, or it fits
        return forced(ids) or fits(listed(ids))

    check = fits is not None and need_split and stepwise
    for _ in range(DROP_ORDERS if need_split else 1):
        keep = list(range(len(clues)))
        order = keep[:]
        rng.shuffle(order)
        need: list[int] = []
        for i in order:
            rest = [j for j in keep if j != i]
            if enough(rest, need) and (not check or fine(rest)):
                keep = rest
            else:
                need.append(i)
        if need_split and forced(keep):
            continue
        out = listed(keep)
        if fits is None or fits(out):
            return out
        if not check:
            return None
    return None
