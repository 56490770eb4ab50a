"""verifiers.seating.worlds, the exact partial-world search, cross-checked: its clue semantics
against the generator's, and what clues force / allow against Z3."""

from __future__ import annotations

import random

import pytest

from benchmarks.quality.seating import option_value
from generators import seating as gen
from generators.family import RenderContext
from generators.pipeline import name_pool
from generators.seating.augment import goal_of
from generators.seating.logic import frame_of, holds_world
from generators.seating.sample import clue_kinds, pick, propose, sample_world
from verifiers.seating import worlds
from verifiers.seating.spec import At
from verifiers.solver import seating as solver
from verifiers.solver import session


@pytest.mark.parametrize("variant", gen.VARIANTS)
def test_clue_semantics_agree_with_the_generator(variant):
    rng = random.Random(variant)
    checked = 0
    for _ in range(40):
        n = rng.choice((4, 6) if variant == "parallel_rows" else (4, 5, 6))
        n_attr = rng.choice((0, 1)) if variant in ("linear", "circular", "ordering") else 0
        w = sample_world(variant, n, n_attr, rng)
        other = sample_world(variant, n, n_attr, rng)
        g = worlds.Geometry(n, w.fr.layout, w.fr.mixed, w.fr.facing0)
        kinds = clue_kinds(w)
        for _ in range(10):
            c = propose(w, pick(kinds, rng), rng)
            if c is None:
                continue
            for world in (w, other):
                if world.fr.facing0 != w.fr.facing0:
                    continue
                want = holds_world(c, world.seats, world.facing, world.owners, w.fr)
                assert world.holds(c) == want, (variant, c)  # read off the clue's propagators

                def seat(e, world=world):
                    return world.seat(e)

                def face(e, world=world, rows=g.layout == "rows", m=n // 2):
                    return world.seat(e) >= m if rows else world.face(e)

                assert worlds.holds(c, seat, face, g) == want, (variant, c)
                checked += 1
    assert checked > 200


def _drafts(count: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        v = rng.choice(gen.VARIANTS)
        d = gen.draft(v, rng.choice((1, 2, 3)), rng, {})
        if d is not None:
            out.append(d)
    return out


def test_forces_and_survives_agree_with_z3():
    """Two clues force the answer exactly when Z3 finds no model of them without it; a wrong
    option survives a clue exactly when Z3 finds a model of both."""
    forced = free = alive = dead = 0
    for i, d in enumerate(_drafts(24, 5)):
        ctx = RenderContext(rng=random.Random(i), names=name_pool(False))
        fin = gen.finalize(d, ctx)
        spec = fin.spec
        lit = solver.answer_literal(spec, fin.answer)
        rng = random.Random(i)
        for _ in range(3):
            pair = rng.sample(spec.clues, min(2, len(spec.clues)))
            sub = spec.model_copy(update={"clues": pair})
            z3 = session.satisfiable(solver.encode(sub), f"(not {lit})") == "unsat"
            ours = worlds.forces(spec, pair)
            assert ours == z3, (spec.question.kind, pair)
            forced += ours
            free += not ours
        for wrong in fin.distractors:
            v = option_value(spec, wrong.text(fin.words), fin.answer)
            assert v is not None and v != worlds.hidden_value(spec)
            wl = solver.answer_literal(spec, wrong)
            for c in spec.clues:
                one = spec.model_copy(update={"clues": [c]})
                z3 = session.satisfiable(solver.encode(one), wl) == "sat"
                ours = worlds.survives(spec, c, v)
                assert ours == z3, (spec.question.kind, c, wrong.value)
                alive += ours
                dead += not ours
    assert free and alive  # both outcomes occur (forced pairs are rare: redundancy is dropped)
    del forced, dead


def test_every_attribute_value_is_in_a_clue_or_the_question():
    rng = random.Random(3)
    seen = 0
    while seen < 12:
        d = gen.draft("linear", 4, rng, {"n": 5, "attributes": 2})
        if d is None:
            continue
        spec = d.spec
        named = {e for c in spec.clues for e in worlds.entities(c)}
        if spec.question.kind == "who_has":
            named.add(spec.question.a)
        assert set(range(spec.n, spec.n * 3)) <= named
        assert goal_of(spec) is not None and frame_of(spec).n == spec.n
        seen += 1


@pytest.mark.parametrize("variant", gen.VARIANTS)
def test_consistency_cached_by_shape_agrees_with_the_search(variant):
    """consistent_clues answers clue sets renamed alike from one search: each answer, cached
    or not, matches a fresh search of the clues as they are (clues of two worlds, so that
    some pairs contradict)."""
    rng = random.Random(f"shape-{variant}")
    worlds._CONSISTENT.clear()
    asked = 0
    answers = set()
    while asked < 400:
        n = rng.choice((4, 6) if variant == "parallel_rows" else (4, 5, 6))
        n_attr = rng.choice((0, 1, 2)) if variant in ("linear", "circular", "ordering") else 0
        w = sample_world(variant, n, n_attr, rng)
        other = sample_world(variant, n, n_attr, rng)
        if other.fr != w.fr:
            continue
        g = worlds.Geometry(n, w.fr.layout, w.fr.mixed, w.fr.facing0)
        kinds = clue_kinds(w)
        pool = [propose(x, pick(kinds, rng), rng) for x in (w, other) for _ in range(8)]
        pool = [c for c in pool if c is not None]
        for _ in range(20):
            pair = rng.sample(pool, 2)
            want = worlds.consistent(g, [t for c in pair for t in worlds.clue_tests(c, g)])
            assert worlds.consistent_clues(g, pair) == want, (variant, pair)
            assert worlds.consistent_clues(g, pair) == want  # now from the cache
            asked += 1
            answers.add(want)
    assert answers == {True, False}
    assert len(worlds._CONSISTENT) < asked  # some answers came from renamed clues
    # two people in one seat cannot be, a person and a value can: groups are kept apart
    g = worlds.Geometry(4, "line", False, True)
    one = At(a=0, where="seat", seat=0)
    for other, want in (
        (At(a=1, where="seat", seat=0), False),
        (At(a=4, where="seat", seat=0), True),
    ):
        assert worlds.consistent_clues(g, (one, other)) is want
