"""Seating arrangements: rows, round tables, facing rows and orderings, with attributes.

One draft attempt. Method: sample a hidden world (seats, facings, attribute owners), pose a
question, then propose true clues and keep each one that narrows the possible worlds, until
the answer is forced; then drop clues that are redundant, in a random order
(:mod:`generators.seating.search`). A level-4 puzzle must need a case split: the
propagation search drops the clues that a short case analysis does without (below level 4,
those that propagation does without, so such puzzles are solvable by propagation alone),
and a level-4 clue set that propagation alone still solves is redrawn; level 4 also
proposes pinning clues (a place, an end, a facing) half as often. Z3 proves the final
puzzle in the pipeline. (The dataset card takes this docstring's first line as the
family's summary.)
"""

from __future__ import annotations

import math
import random
from typing import Any

from verifiers.seating.spec import Clue, Next, Order, Question, SeatingSpec, entities

from ..family import Draft
from .deducer import Budget, Deducer
from .logic import Frame, table_size
from .sample import (
    ABSOLUTE,
    L4_PINNING_WEIGHT,
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
from .search import by_propagation, by_table, fits_table, told


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
    use_table = fits_table(fr, n_attr)
    need_split = level == 4 and not forced  # a level-4 proof needs a case split
    if need_split:
        kinds = {k: w * (L4_PINNING_WEIGHT if k in PINNING else 1) for k, w in kinds.items()}
    search = by_table if use_table else by_propagation
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
        true = [p for p in true if not told(Next(a=p[0], b=p[1]), clues, fr, len(world.owners))]
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
        if c is not None and not world.holds(c) and c not in false:
            false.append(c)
    if len(false) < 3:
        return None
    opts = [true_c, *false]
    rng.shuffle(opts)
    return q.model_copy(update={"options": opts})


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
