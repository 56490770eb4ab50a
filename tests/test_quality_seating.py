"""Data quality for seating and the cross-family truth_teller variant seating_claims:
transforms re-proven by Z3, purity, labelled items, an independent brute force, validate."""

from __future__ import annotations

import itertools
import json
import random

import pytest
from validate_cli import assert_validates

from generators import seating
from generators import truth_teller as tt
from generators.build import build
from generators.config import load_config, parse_config
from generators.family import RenderContext, TraceMismatch
from generators.pipeline import _prove_unique, make_item, name_pool
from generators.seating.augment import answer_value
from generators.shards import data_files, read_rows
from generators.validate import check_record
from verifiers import score
from verifiers.answers import AMBIGUOUS, UNSOLVABLE, Answer, parse
from verifiers.registry import load_spec
from verifiers.solver import seating as seat_solver
from verifiers.solver import session
from verifiers.solver import truth_teller as tt_solver
from verifiers.truth_teller.seating_claims import SeatingClaimsSpec
from verifiers.truth_teller.spec import TruthTellerSpec

CFG = parse_config({**load_config("robustness").model_dump(mode="json")})


def seating_drafts(count: int, seed: int, levels=(1, 2, 3)) -> list:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        d = seating.draft(rng.choice(seating.VARIANTS), rng.choice(levels), rng, {})
        if d is not None:
            out.append(d)
    return out


def finalize(mod, d, names: list[str]):
    ctx = RenderContext(
        rng=random.Random(0), names=name_pool(False), pin={"names": names, "template": None}
    )
    return mod.finalize(d, ctx)


@pytest.fixture(scope="module")
def drafts():
    return seating_drafts(130, 11)


@pytest.mark.parametrize("name", ["reword", "reorder", "distract", "scale", "perturb"])
def test_seating_transforms_keep_or_change_the_answer_proven_by_z3(drafts, name):
    fn = seating.TRANSFORMS[name]
    names = name_pool(False)[:12]
    kept = 0
    for i, d in enumerate(drafts):
        new = fn(d, random.Random(i))
        if new is None:
            continue
        parent = finalize(seating, d, names)
        try:
            child = finalize(seating, new, names)
        except TraceMismatch:  # objects: a clue kind its bank does not word; the pipeline redraws
            assert new.spec.variant == "objects", name
            continue
        proof = _prove_unique(seating.FAMILY, child, CFG)
        assert proof.ok, (name, proof.status)
        before, after = answer_value(d.spec), answer_value(new.spec)
        if name == "perturb":
            assert before != after
            # Z3: the parent's answer is refuted in the perturbed puzzle.
            if d.spec.question.kind not in ("pair", "statement", "attr_of", "facing"):
                lit = seat_solver.answer_literal(child.spec, parent.answer)
                assert session.satisfiable(seat_solver.encode(child.spec), lit) == "unsat"
        elif name == "scale":
            assert abs(new.spec.n - d.spec.n) == 1
            assert abs(seating.level_of(new.metrics) - seating.level_of(d.metrics)) == 1
        else:
            assert before == after and child.answer.key() == parent.answer.key(), name
        if name == "reorder":
            assert new.spec.canonical_hash() == d.spec.canonical_hash()
        if name == "distract":
            assert len(new.spec.clues) == len(d.spec.clues) + 1
        kept += 1
    assert kept >= {"scale": 15}.get(name, 80), (name, kept)


def test_seating_labelled_variants_are_proven_by_z3(drafts):
    n = {"unsolvable": 0, "ambiguous": 0}
    for i, d in enumerate(drafts[:60]):
        for kind in n:
            m = seating.mislabel(d, kind, random.Random(i))
            if m is None:
                continue
            lab, alt = m
            names = name_pool(False)[:12]
            fin = finalize(seating, lab, names)
            enc = seat_solver.encode(fin.spec)
            if kind == "unsolvable":
                assert session.prove_label(enc) == "unsolvable"
            else:
                a, b = fin.answer, finalize(seating, alt, names).answer
                assert a.key() != b.key()
                for x in (a, b):
                    lit = seat_solver.answer_literal(fin.spec, x)
                    assert session.satisfiable(enc, lit) == "sat"
            n[kind] += 1
    assert min(n.values()) >= 45, n


# --- seating_claims: an independent brute force from the documented conventions -----------


def bf_claim(e: dict, roles: tuple, chair: tuple) -> bool:
    """Chairs 0..n-1 from left to right, everyone facing the same way (left = chair 0)."""
    k = e["kind"]
    if k == "is":
        return roles[e["person"]] == e["role"]
    if k in ("and", "or"):
        vals = [bf_claim(a, roles, chair) for a in e["args"]]
        return all(vals) if k == "and" else any(vals)
    c = e["clue"]
    a, b = chair[c["a"]], chair[c["b"]] if "b" in c else None
    n = len(chair)
    if c["kind"] == "at":
        t = a in (0, n - 1) if c["where"] == "end" else a == c["seat"]
    elif c["kind"] == "next":
        t = abs(a - b) == 1
    elif c["kind"] == "side":  # a is k-th to the left (right) of b
        t = a == b - c["k"] if c["side"] == "left" else a == b + c["k"]
    elif c["kind"] == "order":
        t = a < b
    elif c["kind"] == "gap":
        t = abs(a - b) - 1 == c["k"]
    else:
        raise AssertionError(c["kind"])
    return t != c.get("neg", False)


def bf_answers(spec: dict) -> set:
    n = len(spec["people"])
    q = spec["question"]["person"]
    out = set()
    for roles in itertools.product(("knight", "knave"), repeat=n):
        for chair in itertools.permutations(range(n)):
            if all(
                bf_claim(s["claim"], roles, chair) == (roles[s["speaker"]] == "knight")
                for s in spec["statements"]
            ):
                out.add((roles, chair[q]))
    return out


def claims_cfg(count: int) -> dict:
    cfg = load_config("robustness").model_dump(mode="json")
    tt_cfg = {**cfg["families"]["truth_teller"], "variants": {"seating_claims": 1.0}}
    cfg["families"] = {
        "truth_teller": {**tt_cfg, "count": count},
        "seating": {**cfg["families"]["seating"], "count": count},
    }
    cfg["shard_size"] = 30
    return cfg


def test_seating_claims_are_unique_under_z3_and_an_independent_brute_force():
    cfg = parse_config(claims_cfg(60))
    levels, statuses = set(), set()
    for i in range(60):
        out = make_item(cfg, "truth_teller", i)
        rec = out.record
        assert rec is not None and rec.variant == "seating_claims", out.dropped
        spec = load_spec("truth_teller", rec.spec)
        assert isinstance(spec, SeatingClaimsSpec) and spec.model_dump_json() == rec.spec
        assert check_record(rec.model_dump()) == []
        raw = json.loads(rec.spec)
        found = bf_answers(raw)
        gold = Answer.model_validate_json(rec.answer_json)
        if rec.status == "unique":
            q = spec.people[spec.question.person]
            assert found == {(tuple(spec.truth), spec.seats[spec.question.person])}
            assert gold.value[f"{q}'s seat"] == str(spec.seats[spec.question.person] + 1)
            assert rec.solution.splitlines()[-1] == f"Answer: {rec.answer}"
            # every MCQ option parses back; only the gold one scores
            for letter, text in zip("ABCDEFG", rec.choices, strict=False):
                assert parse(text, gold) is not None
                good = score(rec, f"<answer>{text}</answer>")["acc"]
                assert good == float(letter == rec.answer_label)
        elif rec.status == "unsolvable":
            assert found == set() and gold.outcome == UNSOLVABLE
        else:
            assert len(found) >= 2 and gold.outcome == AMBIGUOUS
        for extra in out.extra:  # augmented rows re-proven, answers as named
            assert check_record(extra.model_dump()) == []
            child = json.loads(extra.spec)
            if extra.augmentation != ["perturb"]:
                assert bf_answers(child) == found
            else:
                assert len(bf_answers(child)) == 1 and bf_answers(child) != found
        levels.add(rec.level)
        statuses.add(rec.status)
    assert levels == {1, 2, 3, 4} and statuses == {"unique", "unsolvable", "ambiguous"}


def test_truth_teller_spec_unchanged_for_classic_variants():
    rec = make_item(CFG, "truth_teller", 0).record
    spec = load_spec("truth_teller", rec.spec)
    if rec.variant != "seating_claims":
        assert type(spec) is TruthTellerSpec
    assert "seating_claims" in tt.VARIANTS and "seating_claims" in tt.VARIANT_DOCS
    assert tt_solver.encode(spec).decls


def test_a_small_robustness_build_with_seating_and_seating_claims_validates(tmp_path):
    out = tmp_path / "ds"
    summary = build(parse_config(claims_cfg(60)), out, workers=1, progress=False)
    rows = [r for f in data_files(out) for r in read_rows(f)]
    fams = {(r["family"], r["variant"]) for r in rows}
    assert ("truth_teller", "seating_claims") in fams and any(f == "seating" for f, _ in fams)
    seat_aug = {t for r in rows if r["family"] == "seating" for t in r["augmentation"]}
    assert {"reword", "reorder", "distract", "perturb", "rename", "reskin"} <= seat_aug
    assert {r["status"] for r in rows if r["family"] == "seating"} == {
        "unique",
        "unsolvable",
        "ambiguous",
    }
    assert summary is not None
    assert_validates(out)
