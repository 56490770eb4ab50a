"""The level-4 seating search keeps the clues that a short written solution needs: its clue
sets come back with a written solution that fits and needs a case split, where the plain
drop (``fits`` left out) often ends with one too long to write; and a draft's written solution
is the derivation of its clues in the puzzle's order."""

from __future__ import annotations

import importlib
import random

from generators.seating.logic import frame_of
from generators.seating.sample import (
    L4_PINNING_WEIGHT,
    PINNING,
    clue_kinds,
    question_for,
    question_mix,
    sample_world,
)
from generators.seating.search import by_propagation, fits_table
from generators.seating.trace import derive

draft_mod = importlib.import_module("generators.seating.draft")


def _level4_searches(variant: str, seeds: range):
    """(world, goal, kinds, room, seed) of level-4 drafts that search by propagation."""
    for seed in seeds:
        rng = random.Random(f"drop-{variant}-{seed}")
        n = rng.choice((10, 11, 12))
        world = sample_world(variant, n, 0, rng)
        if fits_table(world.fr, 0):
            continue
        qg = question_for(world, rng, question_mix(world, {}))
        if qg is None:
            continue
        q, goal = qg
        kinds = {
            k: w * (L4_PINNING_WEIGHT if k in PINNING else 1) for k, w in clue_kinds(world).items()
        }
        yield world, goal, kinds, draft_mod.MAX_TRACE_LINES - draft_mod._overhead(q), seed


def test_level4_propagation_search_ends_with_a_written_solution_that_fits():
    fit_plain = fit_step = found = 0
    for variant in ("linear", "ordering"):
        for world, goal, kinds, room, seed in _level4_searches(variant, range(60)):
            fr = world.fr

            def fits(clues, fr=fr, goal=goal, room=room):
                tr = derive(fr, 0, clues, goal, room)
                return tr is not None and tr.splits > 0

            plain = by_propagation(world, goal, kinds, random.Random(seed), fr, True)
            step = by_propagation(world, goal, kinds, random.Random(seed), fr, True, fits=fits)
            fit_plain += plain is not None and fits(plain)
            if step is not None:
                found += 1
                tr = derive(fr, 0, step, goal, None)
                assert tr is not None and tr.splits > 0 and len(tr.lines) <= room
                assert all(world.holds(c) for c in step)  # true clues only
                fit_step += 1
    assert found >= 15
    assert fit_step >= fit_plain + 10, (fit_plain, fit_step)


def test_a_level4_draft_writes_the_derivation_of_its_clues_in_puzzle_order():
    rng = random.Random("drop-draft")
    checked = 0
    for _ in range(60):
        d = draft_mod.draft(rng.choice(("linear", "circular", "ordering")), 4, rng, {})
        if d is None:
            continue
        tr, goal = d.trace
        spec = d.spec
        room = draft_mod.MAX_TRACE_LINES - draft_mod._overhead(spec.question)
        again = derive(frame_of(spec), len(spec.attributes), spec.clues, goal, room)
        assert again == tr and tr.splits > 0
        assert draft_mod.trace_lines(spec, tr) <= draft_mod.MAX_TRACE_LINES
        checked += 1
    assert checked >= 10
