"""The search for a seating clue set, and one draft attempt.

Method: sample a hidden world (seats, facings, attribute owners), pose a question, then
propose true clues and keep each one that narrows the possible worlds, until the answer
is forced; then drop clues that are redundant, in a random order. The search is exact on
a table of every world when that table is small (:class:`generators.seating.logic.Table`)
and otherwise uses the propagation solver. A clue that forces the answer on its own is
never used. A level-4 puzzle must need a case split: the propagation search drops the
clues that a short case analysis does without (below level 4, those that propagation does
without, so such puzzles are solvable by propagation alone), and a level-4 clue set that
propagation alone still solves is redrawn; level 4 also proposes pinning clues (a place, an
end, a facing) half as often. Z3 proves the final puzzle in the pipeline.
"""

from __future__ import annotations

import math
import random
from typing import Any

from verifiers.seating.spec import Clue, Next, Order, Question, SeatingSpec, entities

from ..family import Draft
from .deducer import Budget, Conflict, Deducer, Search
from .logic import Frame, Table, implies, table_size, to_int
from .sample import (
    ABSOLUTE,
    L4_PINNING_WEIGHT,
    PINNING,
    World,
    attribute_categories,
    clue_kinds,
    fresh_clues,
    pick,
    propose,
    question_for,
    question_mix,
    sample_world,
    size,
)

TABLE_MAX = 400_000  # worlds: above this, search by propagation
PROVE_NODES = 40  # case-analysis nodes when the propagation search drops a clue
DROP_ORDERS = 3  # orders of dropping clues tried for a level-4 puzzle that needs a case split


# --- search -----------------------------------------------------------------------------


def gives_away(c: Clue, goal: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether ``c`` on its own forces the answer (never allowed as a clue).

    Exact on a table of worlds; otherwise exact over the entities both mention, plus what
    propagation from that one clue (with one person per place) reaches.
    """
    if not n_cats and table_size(fr) <= TABLE_MAX:
        tab = Table(fr)
        return not _full_mask(tab, c) & _bad_mask(tab, goal)
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


def _search_table(world, goal, kinds, rng, fr, need_split=False) -> list[Clue] | None:
    """Add clues until the goal holds in every world of the table, then drop redundant ones.

    Sets of worlds are int bitmasks over the table's rows (bit r: world r).
    """
    tab = Table(fr)
    truth = tab.row_of(world.seats, world.facing)
    bad = _bad_mask(tab, goal)  # the worlds where the goal fails
    alive = (1 << tab.size) - 1
    clues: list[Clue] = []
    masks: list[int] = []
    fresh = fresh_clues(world, kinds, rng, 40 * fr.n + 60, set())
    while alive & bad:
        c = next(fresh, None)
        if c is None:
            return None
        mask = _full_mask(tab, c)
        if not mask & bad:  # it gives the answer away on its own
            continue
        if alive & mask == alive:
            continue
        alive &= mask
        clues.append(c)
        masks.append(mask)
    assert alive >> truth & 1

    def enough(rest: list[int]) -> bool:  # no goal-breaking world comes back in
        if not rest:
            return False
        acc = masks[rest[0]]
        for j in rest[1:]:
            acc &= masks[j]
        return not acc & bad

    return _drop_redundant(clues, enough, goal, fr, 0, rng, need_split)


_MASKS: dict = {}


def _full_mask(tab: Table, c: Clue) -> int:
    """The worlds of ``tab`` where ``c`` holds, as an int bitmask (cached)."""
    key = (tab.fr, c)
    m = _MASKS.get(key)
    if m is None:
        if len(_MASKS) > 20000:
            _MASKS.clear()
        m = to_int(tab.eval(c))
        _MASKS[key] = m
    return m


def _bad_mask(tab: Table, goal: list[Clue]) -> int:
    """The worlds of ``tab`` where some clue of ``goal`` fails."""
    good = (1 << tab.size) - 1
    for g in goal:
        good &= _full_mask(tab, g)
    return good ^ ((1 << tab.size) - 1)


def _search_prop(world, goal, kinds, rng, fr, need_split=False) -> list[Clue] | None:
    """Add clues until propagation alone forces the goal, then drop redundant ones: those
    that propagation does without, or with ``need_split`` a short case analysis
    (PROVE_NODES nodes)."""
    n_cats = len(world.owners)
    s = Search(Deducer(fr, n_cats, []))
    s.dom = list(s.ded.init)
    if not add_until_forced(s, world, goal, kinds, rng, 60 * fr.n * (1 + n_cats) + 60, set()):
        return None
    clues = list(s.ded.clues)
    ded = s.ded

    def enough(rest: list[int]) -> bool:  # propagation, else a short case analysis, proves it
        if ded.forced(goal, rest):
            return True
        if not need_split:
            return False
        try:
            return ded.prove(goal, log=False, budget=PROVE_NODES, clue_ids=rest)
        except Budget:
            return False

    return _drop_redundant(clues, enough, goal, fr, n_cats, rng, need_split)


def add_until_forced(
    s: Search, world: World, goal: list[Clue], kinds, rng, tries: int, seen: set[Clue]
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


def _drop_redundant(
    clues: list[Clue], enough, goal: list[Clue], fr: Frame, n_cats: int, rng, need_split: bool
) -> list[Clue] | None:
    """Drop clues, in a random order, while ``enough(indices)`` still holds.

    With ``need_split`` the kept clues must not force the goal by propagation alone (so that
    the proof needs a case split): up to DROP_ORDERS orders are tried, else None.
    """
    for _ in range(DROP_ORDERS if need_split else 1):
        keep = list(range(len(clues)))
        order = keep[:]
        rng.shuffle(order)
        for i in order:
            rest = [j for j in keep if j != i]
            if enough(rest):
                keep = rest
        out = [clues[j] for j in keep]
        if not need_split or not Deducer(fr, n_cats, out).forced(goal):
            return out
    return None


# --- draft ------------------------------------------------------------------------------


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed.

    ``options["n"]`` forces the number of people and ``options["attributes"]`` the number
    of attribute categories (0–3; ignored by the mixed-facing variants); a forced size
    keeps the planned level.
    """
    forced = "n" in options or "attributes" in options
    n, n_attr = size(variant, level, rng, options)
    world = sample_world(variant, n, n_attr, rng)
    fr = world.fr
    qg = question_for(world, rng, question_mix(world, options))
    if qg is None:
        return None
    q, goal = qg
    kinds = clue_kinds(world)
    use_table = not n_attr and table_size(fr) <= TABLE_MAX
    need_split = level == 4 and not forced  # a level-4 proof needs a case split
    if need_split:
        kinds = {k: w * (L4_PINNING_WEIGHT if k in PINNING else 1) for k, w in kinds.items()}
    search = _search_table if use_table else _search_prop
    clues = search(world, goal, kinds, rng, fr, need_split)
    if clues is None:
        return None
    rng.shuffle(clues)
    if q.kind in ("pair", "statement"):
        q = _options(q, world, clues, rng, fr)
        if q is None:
            return None
    cats = attribute_categories(world, rng)
    spec = SeatingSpec(
        variant=variant,
        people=[f"P{i}" for i in range(n)],
        seats=world.seats,
        facing=world.facing,
        attributes=cats,
        clues=clues,
        question=q,
    )
    ded = Deducer(fr, n_attr, clues)
    try:
        proved = ded.prove(goal, budget=300 if use_table else 60)
    except Budget:
        return None
    if not proved or (need_split and not ded.splits):
        return None
    metrics = metrics_of(spec, ded, use_table)
    if forced:
        metrics.update(forced_size=True, target_level=level)
    return Draft(spec, metrics, trace=(ded.steps, goal))


def _options(q: Question, world: World, clues: list[Clue], rng, fr: Frame) -> Question | None:
    """Listed options for pair/statement questions: one true (not a clue), three false."""
    n = fr.n
    if q.kind == "pair":
        true, false = [], []
        for a in range(n):
            for b in range(a + 1, n):
                (true if world.holds(Next(a=a, b=b)) else false).append((a, b))
        true = [p for p in true if not _told(Next(a=p[0], b=p[1]), clues, fr, len(world.owners))]
        if not true or len(false) < 3:
            return None
        pairs = [rng.choice(true), *rng.sample(false, 3)]
        rng.shuffle(pairs)
        return q.model_copy(update={"pairs": pairs})
    kinds = clue_kinds(world)
    kinds = {k: w for k, w in kinds.items() if k not in ("is", "not_is")}
    true_c = None
    for _ in range(40):
        c = propose(world, pick(kinds, rng), rng)
        if (
            c is not None
            and all(e < n for e in entities(c))
            and not _told(c, clues, fr, len(world.owners))
        ):
            true_c = c
            break
    if true_c is None:
        return None
    false: list[Clue] = []
    for _ in range(200):
        if len(false) == 3:
            break
        c = propose(world, pick(kinds, rng), rng)
        if c is None or any(e >= n for e in entities(c)):
            continue
        c = _flip(c, world, rng)
        if c is not None and not world.holds(c) and c not in false:
            false.append(c)
    if len(false) < 3:
        return None
    opts = [true_c, *false]
    rng.shuffle(opts)
    return q.model_copy(update={"options": opts})


def _told(fact: Clue, clues: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether one clue alone already says ``fact`` (so it would hand over the answer)."""
    return any(c == fact or gives_away(c, [fact], fr, n_cats) for c in clues)


def _flip(c: Clue, world: World, rng: random.Random) -> Clue | None:
    """A false variant of a true clue."""
    k = c.kind
    if hasattr(c, "neg"):
        return c.model_copy(update={"neg": not c.neg})
    if k == "order":
        return Order(a=c.b, b=c.a)
    if k == "gap":
        return c.model_copy(update={"k": c.k + rng.choice((-1, 1)) if c.k > 1 else c.k + 1})
    if k == "between":
        return c.model_copy(update={"immediate": not c.immediate}) if not c.immediate else None
    if k == "facing":
        return c.model_copy(update={"toward": not c.toward})
    if k == "same_facing":
        return c.model_copy(update={"same": not c.same})
    return None


def metrics_of(spec: SeatingSpec, ded: Deducer, table: bool) -> dict[str, Any]:
    """The difficulty metrics of a proven spec (``ded`` has proven it; ``table``: searched
    on a table of worlds)."""
    n = spec.n
    fr = ded.fr
    kinds = [c.kind for c in spec.clues]
    rel = sum(k not in ABSOLUTE and k != "is" for k in kinds)
    absolute = sum(k in ABSOLUTE for k in kinds)
    space = math.log2(table_size(fr)) + len(spec.attributes) * math.log2(math.factorial(n))
    return {
        "variant": spec.variant,
        "n_people": n,
        "n_attributes": len(spec.attributes),
        "n_clues": len(spec.clues),
        "question": spec.question.kind,
        "log2_search_space": round(space, 3),
        "clues_per_person": round(len(spec.clues) / n, 3),
        "relative_share": round(rel / max(rel + absolute, 1), 3),
        "case_splits": ded.splits,
        "deduction_depth": ded.max_depth,
        "search": "table" if table else "propagation",
    }
