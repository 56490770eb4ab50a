"""Truth-teller family: generator, own solvers and Z3 agree; every emitted puzzle is proven."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from generators import generate, truth_teller
from generators.config import load_config
from generators.pipeline import make_item
from generators.truth_teller.logic import Deducer, Worlds
from generators.validate import check_record
from verifiers.answers import Answer
from verifiers.solver import session
from verifiers.solver import truth_teller as tts
from verifiers.truth_teller.spec import (
    And,
    Count,
    Iff,
    Implies,
    Is,
    Not,
    Or,
    Question,
    Same,
    Statement,
    TruthTellerSpec,
    consistent,
)

CFG = load_config("default")
# The classic variants; seating_claims (another spec model) is tested in test_quality_seating.py.
CLASSIC = {"knights_knaves": 0.5, "liar_chain": 0.2, "knights_knaves_normals": 0.3}


def brute_force(spec: TruthTellerSpec) -> list[list[str]]:
    """Every consistent world, by plain enumeration (independent of masks and Z3)."""
    return [
        list(w)
        for w in itertools.product(spec.roles, repeat=len(spec.people))
        if consistent(spec, list(w))
    ]


def random_spec(rng: random.Random) -> TruthTellerSpec:
    """A random (not necessarily unique or even satisfiable) spec exercising every node type."""
    n = rng.randint(2, 5)
    roles = ["knight", "knave", "normal"] if rng.random() < 0.3 else ["knight", "knave"]

    def atom():
        r = rng.random()
        if r < 0.5:
            return Is(person=rng.randrange(n), role=rng.choice(roles))
        if r < 0.75:
            return Count(
                op=rng.choice(["exactly", "at_least", "at_most"]),
                k=rng.randint(0, n),
                role=rng.choice(roles),
                people=tuple(rng.sample(range(n), rng.randint(1, n))),
            )
        a, b = rng.sample(range(n), 2)
        return Same(a=a, b=b, same=rng.random() < 0.5)

    def expr(d):
        if d == 0:
            return atom()
        a, b = expr(d - 1), expr(rng.randint(0, d - 1))
        return rng.choice(
            [And(args=(a, b)), Or(args=(a, b)), Implies(a=a, b=b), Iff(a=a, b=b), Not(arg=a)]
        )

    st = [
        Statement(speaker=rng.randrange(n), claim=expr(rng.randint(0, 2)))
        for _ in range(rng.randint(1, n + 1))
    ]
    facts = [expr(0)] if rng.random() < 0.3 else []
    truth = [rng.choice(roles) for _ in range(n)]
    return TruthTellerSpec(
        variant="knights_knaves",
        people=[f"P{i}" for i in range(n)],
        roles=roles,
        statements=st,
        facts=facts,
        question=Question(kind="all"),
        truth=truth,
    )


def test_masks_and_z3_agree_with_brute_force():
    """The bitmask enumerator and the Z3 encoding count the same worlds as plain enumeration."""
    rng = random.Random(11)
    for _ in range(300):
        spec = random_spec(rng)
        expected = brute_force(spec)
        w = Worlds(len(spec.people), tuple(spec.roles))
        sols = w.solutions(spec)
        assert bin(sols).count("1") == len(expected)
        assert sorted(w.decode(i) for i in range(w.full.bit_length()) if sols >> i & 1) == sorted(
            expected
        )
        models = session.models(tts.encode(spec), cap=len(expected) + 1)
        assert len(models) == len(expected)
        assert sorted(tts.world_of(spec, m) for m in models) == sorted(expected)


def test_deducer_is_sound_and_complete_on_unique_puzzles():
    """On uniquely solvable specs the propagation solver derives exactly the solution."""
    rng = random.Random(5)
    checked = 0
    while checked < 150:
        spec = random_spec(rng)
        sols = brute_force(spec)
        if len(sols) != 1:
            continue
        spec = spec.model_copy(update={"truth": sols[0]})
        dom = Deducer(spec).solve(list(range(len(spec.people))), log=False)
        assert [next(iter(d)) for d in dom] == sols[0]
        checked += 1


@pytest.mark.parametrize("variant", CLASSIC)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_emitted_puzzle_is_proven(variant, level):
    """A sample per variant and level re-proves unique, refutes its distractors and its trace ends in the answer."""
    cfg = CFG.model_copy(
        update={
            "families": {
                "truth_teller": CFG.families["truth_teller"].model_copy(
                    update={
                        "variants": {variant: 1.0},
                        "levels": {level: 1.0},
                        "variant_levels": {},
                    }
                )
            }
        }
    )
    n = 0
    for i in range(40):
        out = make_item(cfg, "truth_teller", i)
        if out.record is None:
            continue
        rec = out.record
        assert rec.variant == variant and rec.level == level
        assert check_record(rec.model_dump()) == []
        spec = TruthTellerSpec.model_validate_json(rec.spec)
        assert brute_force(spec) == [spec.truth] or spec.question.kind != "all"
        assert rec.solution.splitlines()[-1] == f"Answer: {rec.answer}"
        assert rec.choices[ord(rec.answer_label) - 65] == rec.answer
        assert len(set(rec.choices)) == len(rec.choices)
        n += 1
    assert n >= 36  # drops are rare


def test_single_person_answers_are_forced_even_when_world_is_not_unique():
    rng_hits = 0
    for i in range(200):
        rec = generate("truth_teller", seed=3, variants=CLASSIC)[i]
        spec = TruthTellerSpec.model_validate_json(rec.spec)
        if spec.question.person is None:  # a question about everyone: the world is unique
            assert len(spec.people) > 8 or brute_force(spec) == [spec.truth]
            continue
        p = spec.question.person
        values = {w[p] for w in brute_force(spec)} if len(spec.people) <= 8 else None
        if values is not None:
            assert values == {spec.truth[p]}
            rng_hits += 1
    assert rng_hits > 20


def test_prove_unique_detects_ambiguity_and_contradiction():
    base = dict(
        variant="knights_knaves",
        people=["A", "B"],
        roles=["knight", "knave"],
        question=Question(kind="all"),
        truth=["knight", "knight"],
    )
    # "A: B is a knight" alone: A and B same kind, two worlds.
    amb = TruthTellerSpec(
        statements=[Statement(speaker=0, claim=Is(person=1, role="knight"))], **base
    )
    ans = Answer(type="assignment", value={"A": "knight", "B": "knight"}, space=["knight", "knave"])
    assert tts.count_solutions(amb, cap=5) == 2
    assert session.prove_unique(tts, amb, ans).status == "ambiguous"
    # "A: I am a knave" is a paradox: no world.
    par = TruthTellerSpec(
        statements=[Statement(speaker=0, claim=Is(person=0, role="knave"))], **base
    )
    assert tts.count_solutions(par) == 0
    assert session.prove_unique(tts, par, ans).status == "unsolvable"
    # "A: B is a knave. B: A and I are the same kind" -> A knave? check with brute force.
    uniq = TruthTellerSpec(
        statements=[
            Statement(speaker=0, claim=Is(person=1, role="knave")),
            Statement(speaker=1, claim=Same(a=0, b=1)),
        ],
        **base,
    )
    (world,) = brute_force(uniq)
    good = Answer(
        type="assignment", value=dict(zip("AB", world, strict=True)), space=["knight", "knave"]
    )
    assert session.prove_unique(tts, uniq, good).status == "unique"
    assert tts.check(uniq, world) and not tts.check(uniq, ["knight", "knight"])


def test_solver_budget_is_a_resource_limit():
    """A tiny rlimit makes the proof 'unknown' (dropped), never a wrong verdict."""
    rec = generate("truth_teller", seed=1, levels={4: 1.0}, variants={"knights_knaves": 1.0})[0]
    spec = TruthTellerSpec.model_validate_json(rec.spec)
    gold = Answer.model_validate_json(rec.answer_json)
    assert session.prove_unique(tts, spec, gold, rlimit=1).status == "unknown"
    assert session.prove_unique(tts, spec, gold).status == "unique"


def test_levels_follow_documented_thresholds():
    for i in range(60):
        rec = generate("truth_teller")[i]
        d = json.loads(rec.difficulty)
        assert truth_teller.level_of(d) == rec.level == d["level"]
        assert {
            "n_people",
            "n_statements",
            "max_depth",
            "log2_search_space",
            "z3_conflicts",
            "z3_decisions",
            "z3_propagations",
            "deduction_depth",
        } <= set(d)


def test_mcq_letters_are_balanced():
    from collections import Counter

    letters: Counter = Counter()
    puzzles = generate("truth_teller")
    for i in range(400):
        rec = puzzles[i]
        if len(rec.choices) == 4:
            letters[rec.answer_label] += 1
    assert set(letters) == set("ABCD")
    assert max(letters.values()) - min(letters.values()) <= 0.1 * sum(letters.values())


def test_solution_traces_stay_within_the_step_budget():
    """Refutation by cases can blow up; drafts past MAX_TRACE_STEPS are rejected, not emitted."""
    from generators.truth_teller.logic import TooLong

    puzzles = generate(
        "truth_teller", seed=11, variants={"knights_knaves_normals": 1.0}, levels={4: 1.0}
    )
    hard = None
    for i in range(40):
        rec = puzzles[i]
        assert rec.solution.count("\n") <= truth_teller.MAX_TRACE_STEPS + 1
        spec = TruthTellerSpec.model_validate_json(rec.spec)
        if json.loads(rec.difficulty)["case_splits"] >= 2:
            hard = spec
    assert hard is not None
    with pytest.raises(TooLong):
        Deducer(hard, max_steps=1).solve(
            list(range(len(hard.people))) if hard.question.kind == "all" else [hard.question.person]
        )


# --- issue 14: sound statements, silent share, options, liar webs, seating-claims traces ----


def _drafts(variant: str, count: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        d = truth_teller.draft(variant, rng.randint(1, 4), rng, {})
        if d is not None:
            out.append(d)
    return out


@pytest.mark.parametrize("variant", [*CLASSIC, "seating_claims"])
def test_drafts_and_their_transforms_are_sound(variant):
    """No degenerate statement, at most a third silent: in drafts and in every transform."""
    from generators.truth_teller.augment import sound
    from generators.truth_teller.seating_claims.augment import sound as sc_sound

    check = sc_sound if variant == "seating_claims" else sound
    made = 0
    for i, d in enumerate(_drafts(variant, 25, 7)):
        assert check(d.spec), d.spec
        for name, fn in truth_teller.TRANSFORMS.items():
            new = fn(d, random.Random(i))
            if new is not None:
                assert check(new.spec), (name, new.spec)
                made += 1
        for kind in ("unsolvable", "ambiguous"):
            got = truth_teller.mislabel(d, kind, random.Random(i))
            for x in got or ():
                if x is not None:
                    assert check(x.spec), (kind, x.spec)
    assert made > 20


def test_liar_webs_are_anchored_by_a_count_and_branch():
    """The stated number of liars (neither none nor all) anchors the web; people speak about
    earlier people only, some about two; the last person's role is forced."""
    branched = 0
    for d in _drafts("liar_chain", 40, 3):
        spec = d.spec
        n = len(spec.people)
        (fact,) = spec.facts
        assert fact.kind == "count" and fact.role == "knave" and 0 < fact.k < n
        for s in spec.statements:
            about = (s.claim.a, s.claim.b) if s.claim.kind == "same" else (s.claim.person,)
            assert all(p < s.speaker for p in about)
            branched += s.claim.kind == "same"
        worlds = brute_force(spec)
        assert worlds == [spec.truth]
    assert branched > 10


def test_assignment_options_are_near_misses():
    """Each wrong full assignment agrees with every stated fact and breaks one statement."""
    from verifiers.truth_teller.spec import evaluate

    seen = 0
    puzzles = generate("truth_teller", seed=6, variants={"knights_knaves_normals": 1.0})
    for i in range(30):
        rec = puzzles[i]
        spec = TruthTellerSpec.model_validate_json(rec.spec)
        if spec.question.kind != "all":
            continue
        words = {v: k for k, v in json.loads(rec.answer_json)["aliases"].items()}
        back = {v: k for k, v in words.items()}
        for j, text in enumerate(rec.choices):
            if j == ord(rec.answer_label) - 65:
                continue
            value = dict(part.rsplit(": ", 1) for part in text.split(", "))
            world = [back[value[p]] for p in spec.people]
            assert all(evaluate(f, world) for f in spec.facts)
            broken = [
                s
                for s in spec.statements
                if world[s.speaker] != "normal"
                and evaluate(s.claim, world) != (world[s.speaker] == "knight")
            ]
            assert len(broken) == 1
            seen += 1
    assert seen > 20


def test_seating_claims_derivation_is_sound_and_reaches_the_answer():
    """The seating-claims trace: every unconditional step keeps the true value, every
    refuted supposition is false, and the final domains are the unique answer (checked by
    plain enumeration of every world)."""
    from generators.truth_teller.seating_claims.deduce import SeatDeducer
    from verifiers.truth_teller.seating_claims import consistent as sc_consistent

    for d in _drafts("seating_claims", 30, 5):
        spec = d.spec
        n, q = spec.n, spec.question.person
        truth = [2 if r == "knight" else 1 for r in spec.truth] + [1 << s for s in spec.seats]
        answers = {
            (roles, seats[q])
            for roles in itertools.product(("knight", "knave"), repeat=n)
            for seats in itertools.permutations(range(n))
            if sc_consistent(spec, list(roles), list(seats))
        }
        assert answers == {(tuple(spec.truth), spec.seats[q])}
        ded = SeatDeducer(spec)
        dom = ded.solve()
        assert all(not dom[v] & (dom[v] - 1) and dom[v] == truth[v] for v in range(n))
        assert dom[n + q] == truth[n + q]
        for st in ded.steps:
            if st.kind == "derive" and st.depth == 0:
                assert int(st.role) & truth[st.person], st
            if st.kind == "conclude":
                assert int(st.role) != truth[st.person], st
        assert d.metrics["case_splits"] == ded.splits
