"""Seating arrangements: rows, round tables, facing rows and orderings, with attributes.

One draft attempt. Method: sample a hidden world (seats, facings, attribute owners), pose a
question, then propose true clues and keep each one that narrows the possible worlds, until
the answer is forced; then drop clues that are redundant, in a random order
(:mod:`generators.seating.search`). A level-4 puzzle must need a case split: the
propagation search drops the clues that a short case analysis does without (below level 4,
those that propagation does without, so such puzzles are solvable by propagation alone),
and a level-4 clue set that propagation alone still solves is redrawn; level 4 also
proposes pinning clues (a place, an end, a facing) half as often. Every attribute value is in
some clue; a draft is redrawn when its written solution runs past MAX_TRACE_LINES lines
(the level-4 propagation search keeps a clue without which the written solution, once it
needs a case split, would run past them), when too few wrong options survive every single
clue on its own, or when two clues settle a level-3/4 answer. Z3 proves the final puzzle in the pipeline. (The dataset card takes this docstring's first line as the
family's summary.)
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

from verifiers.seating.spec import At, Clue, Next, Order, Question, SeatingSpec, entities
from verifiers.seating.worlds import consistent_clues, hidden_value, some_pair_forces

from ..family import Draft
from .logic import Frame, Table, frame_of, table_size
from .render import enough_distractors, wrong_values
from .sample import (
    ABSOLUTE,
    L4_PINNING_WEIGHT,
    OBJECT_QUESTIONS,
    OBJECT_WEIGHTS,
    PINNING,
    World,
    attribute_categories,
    clue_kinds,
    pick,
    propose,
    question_for,
    question_mix,
    sample_world,
    size,
)
from .search import bad_mask, by_propagation, by_table, fits_table, full_mask, told
from .trace import Trace, derive
from .variants import level_of

MAX_TRACE_LINES = 40  # a written solution longer than this is redrawn
MIN_WRONG_OPTIONS = 2  # wrong MCQ options that survive every single clue (up to 3 are shown)
SMALL_SPACE = 3  # ... or 1, when a question has at most this many wrong answers


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
    objects = variant == "objects"
    mix = (options.get("questions") or OBJECT_QUESTIONS) if objects else None
    qg = question_for(world, rng, mix or question_mix(world, options))
    if qg is None:
        return None
    q, goal = qg
    if objects and q.kind == "arrangement" and rng.random() < 0.3:
        q = q.model_copy(update={"k": 1})  # listed from the last end
    kinds = _object_kinds(q) if objects else clue_kinds(world)
    use_table = fits_table(fr, n_attr)
    need_split = level == 4 and not forced  # a level-4 proof needs a case split
    if need_split:
        kinds = {k: w * (L4_PINNING_WEIGHT if k in PINNING else 1) for k, w in kinds.items()}
    room = MAX_TRACE_LINES - _overhead(q)
    traced: dict[tuple[Clue, ...], Trace | None] = {}

    def written(clues: list[Clue]) -> bool:
        """Whether the written solution of ``clues`` (in puzzle order) fits in
        MAX_TRACE_LINES lines, with a case split where the level needs one."""
        key = tuple(clues)
        if key not in traced:
            tr = derive(fr, n_attr, clues, goal, room)
            traced[key] = tr if tr is not None and (tr.splits or not need_split) else None
        return traced[key] is not None

    if use_table:
        clues = by_table(world, goal, kinds, rng, fr, need_split, written)
    else:
        asked = frozenset([q.a] if q.kind == "who_has" else [])
        clues = by_propagation(world, goal, kinds, rng, fr, need_split, asked, written)
    if clues is None:
        return None
    tr = traced[tuple(clues)]  # the search returns clues whose written solution fits
    if q.kind in ("pair", "statement"):
        q = (_positions if objects else _options)(q, world, clues, rng, fr)
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
    metrics = metrics_of(spec, tr, use_table)
    if forced:
        metrics.update(forced_size=True, target_level=level)
    if q.kind not in ("pair", "statement"):  # their listed options are chosen to survive
        wrong = len(wrong_values(spec))
        want = min(MIN_WRONG_OPTIONS, wrong) if wrong > SMALL_SPACE else 1
        if not enough_distractors(spec, want):
            return None  # every wrong option must survive every single clue on its own
    if level_of(metrics) >= 3 and two_clue_answerable(
        spec, clues, asked_of(spec, goal), fr, use_table
    ):
        return None  # levels by solving effort: two clues must not settle an L3/L4 answer
    return Draft(spec, metrics, trace=(tr, goal))


def trace_lines(spec: SeatingSpec, tr: Trace) -> int:
    """Lines of the written solution: numbering, derivation, the attribute link, answer."""
    return _overhead(spec.question) + len(tr.lines)


def _overhead(q: Question) -> int:
    """The lines of a written solution besides the derivation's own (they depend only on
    the question's kind)."""
    return 2 + (q.kind in ("who_has", "attr_of"))


def asked_of(spec: SeatingSpec, goal: list[Clue]) -> list[Clue]:
    """What the answer says: the true listed option of a pair or statement question (whose
    goal is the whole arrangement), else the goal."""
    q = spec.question
    if q.kind == "pair":
        i = hidden_value(spec)
        return [Next(a=q.pairs[i][0], b=q.pairs[i][1])]
    if q.kind == "statement":
        return [q.options[hidden_value(spec)]]
    return goal


def two_clue_answerable(
    spec: SeatingSpec, clues: list[Clue], goal: list[Clue], fr: Frame, table: bool
) -> bool:
    """Whether some two of ``clues`` already force the answer (exact: a table of worlds, or
    a search over the entities they mention)."""
    pairs = list(itertools.combinations(range(len(clues)), 2))
    if table:
        tab = Table(fr)
        bad = bad_mask(tab, goal)
        masks = [full_mask(tab, c) for c in clues]
        return any(not masks[i] & masks[j] & bad for i, j in pairs)
    return some_pair_forces(spec, clues)


def _options(q: Question, world: World, clues: list[Clue], rng, fr: Frame) -> Question | None:
    """Listed options for pair/statement questions: one true (not a clue), three false."""
    n = fr.n
    if q.kind == "pair":
        true, false = [], []
        for a in range(n):
            for b in range(a + 1, n):
                (true if world.holds(Next(a=a, b=b)) else false).append((a, b))
        true = [p for p in true if not told(Next(a=p[0], b=p[1]), clues, fr, len(world.owners))]
        false = [p for p in false if _survives(Next(a=p[0], b=p[1]), clues, fr)]
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
            and not told(c, clues, fr, len(world.owners))
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
        if c is not None and not world.holds(c) and c not in false and _survives(c, clues, fr):
            false.append(c)
    if len(false) < 3:
        return None
    opts = [true_c, *false]
    rng.shuffle(opts)
    return q.model_copy(update={"options": opts})


def _object_kinds(q: Question) -> dict[str, float]:
    """The objects variant's clue kinds; fewer exact places under a one-option-per-object
    MCQ, whose wrong option about a placed object no single clue may refute."""
    if q.kind != "statement":
        return dict(OBJECT_WEIGHTS)
    return {**OBJECT_WEIGHTS, "at_seat": 0.25, "not_at": 0.3}


def _positions(q: Question, world: World, clues: list[Clue], rng, fr: Frame) -> Question | None:
    """The objects variant's MCQ: one statement "X is in place s" per object, true for one
    object whose place no single clue states, false for the others, each wrong one agreeing
    with every single clue on its own (on a place no other option names, where one is left)."""
    n = fr.n
    good = [
        [s for s in range(n) if s != world.seats[p] and _survives(At(a=p, where="seat", seat=s), clues, fr)]
        for p in range(n)
    ]  # fmt: skip
    stuck = [p for p in range(n) if not good[p]]  # no wrong place of p survives: p is true
    cands = stuck or range(n)
    cands = [p for p in cands if not told(At(a=p, where="seat", seat=world.seats[p]), clues, fr)]
    if len(stuck) > 1 or not cands:
        return None
    t = rng.choice(cands)
    seat = {t: world.seats[t]}
    others = [p for p in range(n) if p != t]
    rng.shuffle(others)
    for p in others:
        pool = [s for s in good[p] if s not in seat.values()] or good[p]
        seat[p] = rng.choice(pool)
    opts = [At(a=p, where="seat", seat=seat[p]) for p in range(n)]
    return q.model_copy(update={"options": opts})


def _survives(option: Clue, clues: list[Clue], fr: Frame) -> bool:
    """Whether a listed option agrees with every single clue on its own."""
    return all(consistent_clues(fr, (c, option)) for c in clues)


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


def metrics_of(spec: SeatingSpec, tr: Trace, table: bool) -> dict[str, Any]:
    """The difficulty metrics of a spec with its written derivation ``tr`` (``table``:
    searched on a table of worlds)."""
    n = spec.n
    fr = frame_of(spec)
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
        "case_splits": tr.splits,
        "deduction_depth": tr.max_depth,
        "search": "table" if table else "propagation",
    }
