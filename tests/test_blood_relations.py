"""Blood relations: gold labels against an independent calculator, the classic traps, Z3 proofs,
ambiguity, distractors, dataset round-trip and determinism.

The calculator below walks the hidden world as a plain graph (up to a parent, down to a
child, across to a spouse) and names each simple walk from X to Y with its own table. It
shares no code with the generator, the vocabulary module or the Z3 encoder.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter

import pytest
from br_calculator import WORDS, relations_by_walk, walks  # noqa: F401

from benchmarks.quality.blood_relations import reference_world
from generators import blood_relations as br
from generators.blood_relations import world as br_world
from generators.blood_relations.distractors import survives
from generators.blood_relations.photo import solve_riddle
from generators.blood_relations.terms import compose
from generators.blood_relations.text import BANK, INVERSE, article, plural, poss, unique
from generators.config import parse_config
from generators.family import RenderContext
from generators.pipeline import make_item, name_pool
from generators.validate import check_record
from templates import render_string
from templates.phrases import entries, is_reserved
from verifiers.answers import Answer
from verifiers.blood_relations.relations import ANSWER_TERMS, TERMS, answer_space
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    HiddenWorld,
    Of,
    Question,
    Ref,
    Rel,
    SexFact,
    expr_text,
    stated_sexes,
)
from verifiers.solver import blood_relations as S
from verifiers.solver import session


def _ctx(rng: random.Random, held: bool = False) -> RenderContext:
    return RenderContext(rng=rng, names=name_pool(held), n_choices=4)


def _drafts(variant: str, n: int, seed: int = 0):
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        d = br.draft(variant, 1 + len(out) % 4, rng, {})
        if d is not None:
            out.append((d, br.finalize(d, _ctx(rng))))
    return out


def _resolve(d, w: HiddenWorld) -> int:
    if d.kind == "ref":
        return d.person
    p = _resolve(d.of, w)
    return {"father": w.father, "mother": w.mother}.get(d.step, w.spouse)[p]


@pytest.mark.parametrize(
    ("variant", "n"), [("chain", 1500), ("coded", 700), ("photo", 500), ("family_puzzle", 500)]
)
def test_gold_labels_agree_with_an_independent_calculator(variant, n):
    for _d, fin in _drafts(variant, n):
        spec, q, w = fin.spec, fin.spec.question, fin.spec.world
        gold = str(fin.answer.value)
        if q.kind == "count":
            a = q.a.person
            kids = [c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c])]
            want = "M" if q.term == "son" else "F"
            assert gold == str(sum(w.sex[c] == want for c in kids)), fin.question
            continue
        x, y = _resolve(q.a, w), _resolve(q.b, w)
        if q.kind == "expression":
            # the gold expression holds in the world, hop by hop, and names the target
            opt = next(o for o in q.options if expr_text(spec, o) == gold)
            for a, op, b in zip(opt.people, opt.ops, opt.people[1:], strict=False):
                assert spec.codes[op] in relations_by_walk(w, a, b), fin.question
            assert q.term in relations_by_walk(w, x, y), fin.question
            continue
        got = relations_by_walk(w, x, y, q.qualified)
        if q.qualified:
            got = {g for g in got if g.startswith(("paternal", "maternal"))} or got
        assert got == {gold}, (fin.question, gold, got)


def test_traces_end_with_the_answer_and_walk_hop_by_hop():
    for d, fin in _drafts("chain", 200, seed=5):
        last = fin.solution.splitlines()[-1]
        assert last == f"Answer: {fin.answer.text()}"
        if d.metrics["hops"] > 1:
            assert fin.solution.count(", so ") >= d.metrics["hops"] - 1


# --- the two reasoning-gym failure classes ------------------------------------------------


def _spec(people, facts, a, b, **q) -> BloodRelationsSpec:
    n = len(people)
    world = HiddenWorld(sex=("M",) * n, father=(-1,) * n, mother=(-1,) * n, spouse=(-1,) * n)
    return BloodRelationsSpec(
        variant="chain",
        people=people,
        facts=facts,
        question=Question(kind="relation", a=Ref(person=a), b=Ref(person=b), **q),
        world=world,
    )


def _r(a: int, t: str, b: int, only: bool = False) -> Rel:
    return Rel(a=Ref(person=a), term=t, b=Ref(person=b), only=only)


def _label(v: str) -> Answer:
    return Answer(type="label", value=v, space=answer_space(True))


def test_in_law_direction_regression():
    """A is the father of C and C is the wife of B: A is B's father-in-law, B is A's son-in-law."""
    facts = [_r(0, "father", 2), _r(2, "wife", 1)]
    fwd = _spec(["A", "B", "C"], facts, 0, 1)
    proof = session.prove_unique(S, fwd, _label("father-in-law"), [_label("son-in-law")])
    assert proof.status == "unique" and proof.refuted == [True]
    back = _spec(["A", "B", "C"], facts, 1, 0)
    proof = session.prove_unique(S, back, _label("son-in-law"), [_label("father-in-law")])
    assert proof.status == "unique" and proof.refuted == [True]
    assert compose("father", "wife") == "father-in-law"
    assert compose("husband", "daughter") == "son-in-law"
    assert compose("sister", "husband") == "sister-in-law"  # spouse's sister
    assert compose("wife", "brother") == "sister-in-law"  # brother's wife


def test_niece_nephew_take_the_younger_persons_sex():
    """A is the daughter of B, B is the brother of C: A is C's niece whatever C's sex."""
    facts = [_r(0, "daughter", 1), _r(1, "brother", 2), SexFact(a=Ref(person=2), sex="M")]
    spec = _spec(["A", "B", "C"], facts, 0, 2)
    proof = session.prove_unique(S, spec, _label("niece"), [_label("nephew"), _label("uncle")])
    assert proof.status == "unique" and proof.refuted == [True, True]
    assert compose("daughter", "brother") == "niece"
    # and the other way round C's sex decides uncle/aunt: unknown here, so not forced
    spec = _spec(["A", "B", "C"], facts[:2], 2, 0)
    assert session.prove_unique(S, spec, _label("uncle")).status == "ambiguous"


def test_unknown_sex_is_detected_ambiguous_and_never_labelled():
    """'A is the child of B': son or daughter? Z3 finds both; a genuine second world exists."""
    spec = _spec(["A", "B"], [_r(0, "child", 1)], 0, 1)
    assert session.prove_unique(S, spec, _label("son")).status == "ambiguous"
    assert session.prove_unique(S, spec, _label("daughter")).status == "ambiguous"
    assert S.count_solutions(spec, 3) >= 2
    # both sexes are realised by concrete families that satisfy the facts
    for sex in ("M", "F"):
        w = HiddenWorld(
            sex=(sex, "M", "F"), father=(1, -1, -1), mother=(2, -1, -1), spouse=(-1, 2, 1)
        )
        assert S.check(spec.model_copy(update={"world": w, "people": ["A", "B"]}))


@pytest.mark.parametrize(("speaker_sex", "answer"), [("M", "nephew"), ("F", "son")])
def test_photo_only_daughter_of_my_mother(speaker_sex, answer):
    """'His mother is the only daughter of my mother': nephew for a man, son for a woman."""
    mother = lambda p: Of(step="mother", of=Ref(person=p))  # noqa: E731
    facts = [
        SexFact(a=Ref(person=0), sex=speaker_sex),
        SexFact(a=Ref(person=1), sex="M"),
        Rel(a=mother(1), term="daughter", b=mother(0), only=True),
    ]
    spec = _spec(["Ravi", "the man"], facts, 1, 0)
    other = "son" if answer == "nephew" else "nephew"
    proof = session.prove_unique(S, spec, _label(answer), [_label(other)])
    assert proof.status == "unique" and proof.refuted == [True]
    solved = solve_riddle("M", ["mother"], speaker_sex, ["mother"], "daughter", True)
    assert solved is not None and solved[0] == answer


def test_my_fathers_only_son():
    """'He is the son of the only son of my father's father' (speaker a woman): her brother."""
    ff = Of(step="father", of=Of(step="father", of=Ref(person=0)))
    facts = [
        SexFact(a=Ref(person=0), sex="F"),
        SexFact(a=Ref(person=1), sex="M"),
        Rel(a=Of(step="father", of=Ref(person=1)), term="son", b=ff, only=True),
    ]
    spec = _spec(["Kavya", "the man"], facts, 1, 0)
    proof = session.prove_unique(S, spec, _label("brother"), [_label("cousin")])
    assert proof.status == "unique" and proof.refuted == [True]


# --- Z3: the composition table and the emitted records --------------------------------------


def test_composition_table_entries_are_proven_by_z3():
    from generators.blood_relations.tablegen import compose_entry, exclusive_entry
    from generators.blood_relations.tables import COMPOSE, EXCLUSIVE

    rng = random.Random(3)
    keys = sorted(COMPOSE)
    forced = [k for k in keys if COMPOSE[k] not in (None, "CONTRADICTION")]
    for k in rng.sample(forced, 12) + rng.sample(keys, 6):
        assert compose_entry(k) == (k, COMPOSE[k])
    for pair in rng.sample(sorted(EXCLUSIVE), 6):
        assert exclusive_entry(pair) == (pair, True)


def _cfg(variant: str, count: int = 12, **extra):
    fam = {"count": count, "variants": {variant: 1.0}, **extra}
    return parse_config({"name": "t", "seed": 11, "families": {"blood_relations": fam}})


def test_a_wrong_option_is_caught_by_validate():
    rec = make_item(_cfg("chain", 4), "blood_relations", 0).record
    row = rec.model_dump(mode="json")
    wrong = next(c for i, c in enumerate(row["choices"]) if chr(65 + i) != row["answer_label"])
    row["answer_json"] = json.dumps({**json.loads(row["answer_json"]), "value": wrong})
    row["answer"] = wrong
    assert check_record(row)


def test_hops_option_forces_chain_length():
    rng = random.Random(1)
    hops = Counter()
    for i in range(200):
        d = br.draft("chain", 2 + i % 2, rng, {"hops": 3})
        if d is not None:
            hops[d.metrics["hops"]] += 1
    assert set(hops) == {3} and sum(hops.values()) > 60


def test_levels_follow_documented_scores_and_worlds_obey_the_axioms():
    rng = random.Random(2)
    for variant in br.VARIANTS:
        seen = Counter()
        for i in range(160):
            d = br.draft(variant, 1 + i % 4, rng, {})
            if d is None:
                continue
            seen[br.level_of(d.metrics)] += 1
            assert br_world.is_valid(d.spec.world.world())
            if i % 10 == 0:
                assert S.check(d.spec), variant  # the hidden world satisfies every fact
        assert len(seen) >= 3, (variant, seen)
    assert "| chain |" in br.LEVELS_DOC


# --- spec, dataset, determinism ---------------------------------------------------------------


def test_load_dataset_round_trip(tmp_path):
    import datasets

    from generators.build import build

    cfg = parse_config(
        {
            "name": "br",
            "seed": 4,
            "shard_size": 16,
            "families": {
                "blood_relations": {
                    "count": 32,
                    "variants": {"chain": 0.4, "coded": 0.2, "photo": 0.2, "family_puzzle": 0.2},
                }
            },
        }
    )
    out = tmp_path / "ds"
    summary = build(cfg, out, workers=1, progress=False)
    n = sum(summary.splits.values())
    assert n >= 28
    ds = datasets.load_dataset(str(out), "blood_relations")
    assert sum(len(ds[s]) for s in ds) == n
    row = ds["train"][0]
    spec = BloodRelationsSpec.model_validate_json(row["spec"])
    assert spec.canonical_hash() == row["canonical_hash"]
    assert set(ds["train"]["variant"]) <= set(br.VARIANTS)


def test_single_clue_check_agrees_with_z3():
    """The distractor picker's own check (the Z3-derived tables): whenever it calls an option
    consistent with one clue alone, Z3 finds a family where both hold."""
    rng = random.Random(7)
    clue_terms = [t for t in TERMS if t not in ("pibling", "nibling") and not TERMS[t].side]
    dummy = HiddenWorld(sex=("M",) * 3, father=(-1,) * 3, mother=(-1,) * 3, spouse=(-1,) * 3)
    checked = 0
    for _ in range(120):
        opt, t = rng.choice(ANSWER_TERMS), rng.choice(clue_terms)
        a, b = rng.choice([(0, 2), (2, 0), (1, 2), (2, 1), (0, 1), (1, 0)])
        if not survives(opt, 0, 1, (a, t, b)):
            continue
        spec = BloodRelationsSpec(
            variant="check",
            people=["X", "Y", "P"],
            facts=[Rel(a=Ref(person=a), term=t, b=Ref(person=b))],
            question=Question(kind="relation", a=Ref(person=0), b=Ref(person=1), offered=(opt,)),
            world=dummy,
        )
        lit = S.answer_literal(spec, Answer(type="label", value=opt))
        assert session.satisfiable(S.encode(spec), lit) == "sat", (opt, (a, t, b))
        checked += 1
    assert checked > 40


def test_name_pools_are_tagged_by_sex_and_held_out_apart():
    from templates import data
    from verifiers.blood_relations.names import blocks, name_sexes, tagged

    train = [nt for b in blocks(False) for nt in tagged(b)]
    broad = [nt for b in blocks(False, broad=True) for nt in tagged(b)][len(train) :]
    held = [nt for b in blocks(True) for nt in tagged(b)]
    names = [n for n, _ in train + broad + held]
    assert len(names) == len(set(names)) == len(name_sexes())  # no name twice, in any pool
    assert len(broad) > 10_000 and {t for _, t in broad} == {"F", "M"}
    per_sex = Counter(t for _, t in train)
    assert per_sex["F"] >= 500 and per_sex["M"] >= 500 and per_sex["N"] >= 40
    assert len(data("names.yaml")["pools"]) >= 15  # many cultures
    assert {t for _, t in held} == {"F", "M", "N"}
    assert name_pool(False) == [n for n, _ in train] and name_pool(True) == [n for n, _ in held]
    assert name_pool(False, True) == [n for n, _ in train + broad]


@pytest.mark.parametrize("mode", ["by_sex", "mismatched"])
def test_names_fit_the_stated_sex_unless_asked_otherwise(mode):
    from verifiers.blood_relations.names import name_sexes
    from verifiers.blood_relations.spec import stated_sexes

    cfg = parse_config(
        {
            "name": "names",
            "seed": 3,
            "families": {
                "blood_relations": {
                    "count": 40,
                    "variants": {"chain": 0.5, "family_puzzle": 0.5},
                    "options": {"names": mode},
                }
            },
        }
    )
    tags, clash = name_sexes(), 0
    for i in range(40):
        rec = make_item(cfg, "blood_relations", i).record
        if rec is None:
            continue
        spec = BloodRelationsSpec.model_validate_json(rec.spec)
        known = stated_sexes(spec)
        if spec.question.kind == "relation":  # the proven answer word gives the asked sex
            known[spec.question.a.person] = "?"
        for p, name in enumerate(spec.people):
            tag = tags[name]
            if mode == "by_sex":
                assert tag == (spec.world.sex[p] if p in known else "N")
            clash += tag in "FM" and tag != spec.world.sex[p]
    assert (clash == 0) == (mode == "by_sex")


def test_a_bad_names_option_is_a_clear_error(tmp_path):
    ctx = RenderContext(rng=random.Random(0), names=name_pool(False), options={"names": "x"})
    d = br.draft("chain", 2, random.Random(1), {})
    while d is None:
        d = br.draft("chain", 2, random.Random(2), {})
    with pytest.raises(ValueError, match="options.names: 'x' is not a naming mode; use one of"):
        br.FAMILY.finalize(d, ctx)
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(
        "name: bad\nseed: 1\nfamilies:\n  blood_relations:\n    count: 2\n"
        "    variants: {chain: 1.0}\n    options: {names: bogus}\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "generators", "build", "--config", str(cfg), "--out",
         str(tmp_path / "out"), "--workers", "1", "--no-progress"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "options.names: 'bogus' is not a naming mode" in out.stderr
    assert not list((tmp_path / "out").glob("data/*/*.parquet"))


def test_sides_are_asked_only_where_every_family_forces_them():
    """A paternal/maternal question only for a grandparent (an uncle by blood on one side can
    be an uncle by marriage on the other); Z3 refutes the other side for every one of them."""
    rng, asked = random.Random(11), 0
    for _ in range(400):
        d = br.draft("chain", 3, rng, {"qualified": 1.0})
        if d is None or not d.spec.question.qualified:
            continue
        fin = br.finalize(d, _ctx(rng))
        term = TERMS[str(fin.answer.value)]
        assert term.side and term.base == "grandparent"
        other = ("maternal " if term.side == "paternal" else "paternal ") + term.unqualified
        assert other in [str(x.value) for x in fin.distractors]
        lits = [S.answer_literal(fin.spec, x) for x in fin.distractors]
        proof = session.prove(S.encode(fin.spec), S.answer_literal(fin.spec, fin.answer), lits)
        assert proof.ok
        asked += 1
    assert asked >= 5


# --- phrasings ------------------------------------------------------------------------------


@pytest.mark.parametrize("t", sorted(INVERSE))
def test_a_converse_says_exactly_what_the_fact_says(t):
    """'X is the t of Y' rendered as 'Y is the INVERSE[t] of X': Z3 proves each entails the
    other, both state the same sexes, and on a five-generation family the vocabulary and the
    independent calculator find them true of the same pairs."""
    inv = INVERSE[t]
    dummy = HiddenWorld(sex=("M",) * 2, father=(-1,) * 2, mother=(-1,) * 2, spouse=(-1,) * 2)
    for (a, s, b), (qa, qt, qb) in (((0, t, 1), (1, inv, 0)), ((1, inv, 0), (0, t, 1))):
        spec = BloodRelationsSpec(
            variant="check",
            people=["X", "Y"],
            facts=[Rel(a=Ref(person=a), term=s, b=Ref(person=b))],
            question=Question(kind="relation", a=Ref(person=qa), b=Ref(person=qb), offered=(qt,)),
            world=dummy,
        )
        enc = S.encode(spec)
        assert session.satisfiable(enc) == "sat"
        lit = S.answer_literal(spec, Answer(type="label", value=qt))
        assert session.satisfiable(enc, f"(not {lit})") == "unsat", (s, qt)
    fact = Rel(a=Ref(person=0), term=t, b=Ref(person=1))
    turned = Rel(a=Ref(person=1), term=inv, b=Ref(person=0))
    spec = BloodRelationsSpec(
        variant="check",
        people=["X", "Y"],
        facts=[fact],
        question=Question(kind="relation", a=Ref(person=0), b=Ref(person=1)),
        world=dummy,
    )
    assert stated_sexes(spec) == stated_sexes(spec, [turned])
    w = reference_world()
    n = len(w.sex)
    pairs = [(x, y) for x in range(n) for y in range(n) if w.holds(t, x, y)]
    assert pairs and all(w.holds(inv, y, x) for x, y in pairs)
    assert sum(w.holds(inv, y, x) for x in range(n) for y in range(n)) == len(pairs)

    def by_walk(term: str, x: int, y: int) -> bool:
        return any(TERMS[r].base == TERMS[term].base for r in relations_by_walk(w, x, y)) and (
            TERMS[term].sex in (None, w.sex[x])
        )

    rng = random.Random(t)
    near = [(x, y) for x, y in pairs] + [(rng.randrange(n), rng.randrange(n)) for _ in range(60)]
    for x, y in rng.sample(near, min(80, len(near))):
        if x != y:
            assert by_walk(t, x, y) == by_walk(inv, y, x), (t, x, y)


def test_fact_phrasings_fit_their_terms():
    """Every phrasing reads right for the terms it is used with: 'the father of', never 'a
    father of' or 'one of her fathers'; the rest take 'an aunt of' and 'one of Ben's aunts'."""
    terms = [x for x in TERMS if x not in ("pibling", "nibling")]
    for t in terms:
        key = "rel.one" if unique(t) else "rel.some"
        for _, src in entries(BANK, key):
            text = render_string(
                src, a="Ann", t=t, ts=plural(t), art=article(t), b="Ben", bp=poss("Ben")
            )
            said = t in text or plural(t) in text
            assert "Ann" in text and "Ben" in text and said and "  " not in text, text
            if unique(t):
                assert f"a {t}" not in text and f"an {t}" not in text and "one of" not in text
    assert plural("sister-in-law") == "sisters-in-law" and plural("child") == "children"
    assert unique("father") and unique("wife") and unique("paternal grandmother")
    assert not unique("grandmother") and not unique("parent") and not unique("brother")


@pytest.mark.parametrize("variant", br.VARIANTS)
def test_phrasings_are_recorded_reserved_only_when_held_out_and_pinned_by_the_key(variant):
    rng = random.Random(3)
    d = None
    while d is None:
        d = br.draft(variant, 2, rng, {})
    train = br.finalize(d, _ctx(random.Random(1)))
    held = br.finalize(d, RenderContext(random.Random(1), name_pool(True), held_out_templates=True))
    assert train.phrase_ids and not any(is_reserved(p) for p in train.phrase_ids)
    assert held.phrase_ids and all(is_reserved(p) for p in held.phrase_ids)
    assert train.template_id.startswith(f"blood_relations/{variant}/train/rules")
    assert held.template_id.startswith(f"blood_relations/{variant}/heldout/rulest")
    key = train.render_key["template"]
    again = br.finalize(d, RenderContext(random.Random(9), name_pool(False), pin={"template": key}))
    assert again.phrase_ids == train.phrase_ids and again.template_id == train.template_id
    other = br.finalize(
        d, RenderContext(random.Random(9), name_pool(False), avoid={"template": key})
    )
    assert other.template_id != train.template_id
    hkey = held.render_key["template"]
    reskinned = br.finalize(
        d,
        RenderContext(
            random.Random(9), name_pool(True), held_out_templates=True, avoid={"template": hkey}
        ),
    )
    assert reskinned.template_id != held.template_id  # the test split has two rules phrasings


def test_photo_statements_name_the_person_pictured_first():
    """The spoken statement may take any fitting phrasing, but it opens with the person
    pictured ("He ...", "His mother ...", "It is his mother who ..."), so that "his" cannot point to a man the speaker
    names; the test split's riddles read only reserved phrasings."""
    rng = random.Random(11)
    seen = set()
    for i in range(40):
        d = None
        while d is None:
            d = br.draft("photo", 1 + i % 4, rng, {})
        held = i % 2 == 1
        fin = br.finalize(
            d, RenderContext(random.Random(i), name_pool(held), held_out_templates=held)
        )
        said = fin.question.split('"')[1].removeprefix("It is ")
        assert said.split()[0].lower() in ("he", "she", "his", "her"), said
        assert " of me" not in said and "me's" not in said, said
        assert all(is_reserved(p) for p in fin.phrase_ids) == held, fin.phrase_ids
        seen.update(p.rpartition("#")[0] for p in fin.phrase_ids)
    assert {"blood_relations:rel.one", "blood_relations:rel.some"} <= seen


def test_surnames_are_pooled_by_culture_and_held_out_apart():
    """A family name is never a first name (it would read as a person), the test split's
    pool shares none with the training pools, and a held-out build names its families from it."""
    from templates import data
    from verifiers.blood_relations.names import name_sexes

    pools = data("names.yaml")["surnames"]
    train = [s for p in pools["pools"].values() for s in p]
    held = pools["heldout"]
    assert len(pools["pools"]) >= 15 and all(len(p) >= 8 for p in pools["pools"].values())
    assert len(set(train)) == len(train) and len(held) >= 15
    assert not set(train) & set(held) and not (set(train) | set(held)) & set(name_sexes())
    rng = random.Random(2)
    seen = {False: set(), True: set()}
    for i in range(30):
        d = None
        while d is None:
            d = br.draft("family_puzzle", 1 + i % 4, rng, {})
        held_out = i % 2 == 1
        ctx = RenderContext(random.Random(i), name_pool(held_out), held_out_templates=held_out)
        ctx.held_out_names = held_out
        intro = br.finalize(d, ctx).question.split("\n")[0]
        seen[held_out] |= {w for w in intro.split() if w in train or w in held}
    assert seen[False] and seen[False] <= set(train)
    assert seen[True] and seen[True] <= set(held)
    from generators.blood_relations.text import surname

    for culture, block in data("names.yaml")["pools"].items():  # named for a member's culture
        member = block["female"][0]
        assert surname(random.Random(0), False, member) in pools["pools"][culture], culture
