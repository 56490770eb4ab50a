"""Data quality: augmentations re-proven, labelled items, leak-free splits, canary, composition, levels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from validate_cli import assert_validates

from generators.build import build
from generators.config import load_config, parse_config
from generators.pipeline import make_item, name_pool
from generators.shards import data_files, read_rows
from generators.stats import compute, monotone_table
from generators.truth_teller.logic import Worlds
from generators.validate import check_record, check_splits
from verifiers import score
from verifiers.answers import AMBIGUOUS, UNSOLVABLE
from verifiers.record import CANARY
from verifiers.truth_teller.spec import TruthTellerSpec

ROOT = Path(__file__).resolve().parents[1]


def robustness(count: int = 160, **families) -> dict:
    cfg = load_config("robustness").model_dump(mode="json")
    tt = cfg["families"]["truth_teller"]
    # The classic variants (seating_claims has its own spec model: test_quality_seating.py).
    variants = {v: w for v, w in tt["variants"].items() if v != "seating_claims"}
    cfg["families"] = {"truth_teller": {**tt, "variants": variants, "count": count}}
    cfg["shard_size"] = 40
    return cfg


@pytest.fixture(scope="module")
def robust_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "ds"
    summary = build(parse_config(robustness()), out, workers=1, progress=False)
    return out, summary


def rows_of(out: Path) -> list[dict]:
    return [dict(r, split=f.name.split("-")[0]) for f in data_files(out) for r in read_rows(f)]


def answer_on_people(spec: TruthTellerSpec) -> tuple:
    """The proven answer by person index (names dropped), as the question asks it."""
    q = spec.question
    if q.kind == "all":
        return tuple(spec.truth)
    return (q.person, spec.truth[q.person])


def test_robustness_build_has_every_kind_and_validates(robust_build):
    out, summary = robust_build
    rows = rows_of(out)
    kinds = {r["status"] for r in rows}
    assert kinds == {"unique", "unsolvable", "ambiguous"}
    transforms = {t for r in rows for t in r["augmentation"]}
    assert {"rename", "reskin", "reword", "reorder", "distract", "scale", "perturb"} <= transforms
    assert_validates(out)


def test_transforms_keep_or_change_the_answer_as_named(robust_build):
    out, _ = robust_build
    rows = rows_of(out)
    by_id = {r["id"]: r for r in rows}
    checked = {
        t: 0 for t in ("rename", "reskin", "reword", "reorder", "distract", "scale", "perturb")
    }
    for r in rows:
        if not r["parent_id"]:
            continue
        parent = by_id[r["parent_id"]]
        assert r["split"] == parent["split"] and r["canonical_hash"]
        ps = TruthTellerSpec.model_validate_json(parent["spec"])
        cs = TruthTellerSpec.model_validate_json(r["spec"])
        (t,) = r["augmentation"]
        a, b = answer_on_people(ps), answer_on_people(cs)
        if t == "perturb":
            assert a != b, "perturb must change the answer"
        elif t == "scale":
            assert len(cs.people) == len(ps.people) + 1
            assert b[: len(a)] == a or ps.variant == "liar_chain" or ps.question.kind != "all"
        else:
            assert a == b, f"{t} changed the answer"
        if t in ("rename", "reorder", "reskin"):
            assert r["canonical_hash"] == parent["canonical_hash"]
        if t == "rename":
            assert set(cs.people).isdisjoint(ps.people) or cs.people != ps.people
        if t == "reskin":
            assert cs.people == ps.people and r["template_id"] != parent["template_id"]
        checked[t] += 1
    assert all(n >= 3 for n in checked.values()), checked


def test_labelled_items_are_proven_by_z3(robust_build):
    out, _ = robust_build
    n = {"unsolvable": 0, "ambiguous": 0}
    for r in rows_of(out):
        if r["status"] == "unique":
            continue
        spec = TruthTellerSpec.model_validate_json(r["spec"])
        w = Worlds(len(spec.people), tuple(spec.roles))
        sols = w.solutions(spec)
        gold = json.loads(r["answer_json"])
        if r["status"] == "unsolvable":
            assert sols == 0 and gold["outcome"] == UNSOLVABLE and r["answer"] == UNSOLVABLE
        else:
            assert bin(sols).count("1") >= 2 and gold["outcome"] == AMBIGUOUS
        assert check_record({k: v for k, v in r.items() if k != "split"}) == []
        good = score(r, f"<reasoning>x</reasoning><answer>{r['answer']}</answer>")
        assert good["acc"] == 1.0
        n[r["status"]] += 1
    assert n["unsolvable"] >= 8 and n["ambiguous"] >= 8


def test_a_wrong_label_is_caught():
    cfg = parse_config(robustness())
    rec = next(
        o.record
        for i in range(40)
        if (o := make_item(cfg, "truth_teller", i)).record and o.record.status == "unique"
    )
    row = rec.model_dump()
    row["status"] = "ambiguous"
    assert check_record(row)
    row["status"] = "unsolvable"
    assert check_record(row)


def test_unique_items_in_a_robustness_build_offer_both_outcomes(robust_build):
    out, _ = robust_build
    for r in rows_of(out):
        assert UNSOLVABLE in r["choices"] and AMBIGUOUS in r["choices"]
        assert "cannot be determined" in r["prompt"][0]["content"]
        if r["status"] == "unique":
            wrong = score(r, "<reasoning>x</reasoning><answer>cannot be determined</answer>")
            assert wrong["acc"] == 0.0


def test_splits_leak_free_and_canary_only_in_test(robust_build):
    out, _ = robust_build
    assert check_splits(data_files(out)) == []
    for r in rows_of(out):
        assert (r["canary"] == CANARY) == (r["split"] == "test")
    assert CANARY in (out / "README.md").read_text()


def test_test_split_holds_out_names_and_templates(robust_build):
    from templates import data

    out, _ = robust_build
    held_names = set(name_pool(True))
    held_personas = {p["id"] for p in data("truth_teller/personas.yaml") if p.get("heldout")}
    for r in rows_of(out):
        spec = TruthTellerSpec.model_validate_json(r["spec"])
        persona = r["template_id"].split("/")[1]
        in_test = r["split"] == "test"
        assert set(spec.people) <= held_names if in_test else not (set(spec.people) & held_names)
        if spec.variant != "liar_chain":
            assert (persona in held_personas) == in_test, r["template_id"]


def test_composition_within_two_percent(robust_build):
    _, summary = robust_build
    comp = summary.composition["truth_teller"]
    assert max(abs(a - t) for t, a in comp.values()) <= 0.02
    letters = {}
    for r in rows_of(robust_build[0]):
        if len(r["choices"]) == 4:
            letters[r["answer_label"]] = letters.get(r["answer_label"], 0) + 1
    total = sum(letters.values())
    assert all(abs(n / total - 0.25) <= 0.05 for n in letters.values()), letters


def test_levels_are_monotone_on_metrics_that_do_not_define_them(tmp_path):
    cfg = load_config("default").model_dump(mode="json")
    fams = cfg["families"]
    cfg["families"] = {
        "truth_teller": {**fams["truth_teller"], "count": 600},
        "seating": {**fams["seating"], "count": 160},
        "blood_relations": {**fams["blood_relations"], "count": 200},
    }
    cfg["shard_size"] = 600
    build(parse_config(cfg), tmp_path / "m", workers=1, progress=False)
    table = monotone_table(compute(tmp_path / "m"))
    checked = {(fam, m): ok for fam, m, _, ok in table}
    medians = {(fam, m): vals for fam, m, vals, _ in table}
    for fam in ("truth_teller", "seating", "blood_relations"):
        for metric in ("z3_conflicts", "z3_decisions", "n_clues"):
            assert checked[(fam, metric)], table
        # level 4 is the hardest for the solver, not only the largest
        assert medians[(fam, "z3_conflicts")][3] > medians[(fam, "z3_conflicts")][2], table
    assert checked[("seating", "relative_share")], table  # the share of relative clues rises
    r = subprocess.run(
        [sys.executable, "-m", "generators", "stats", str(tmp_path / "m")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "monotone" in r.stdout and "truth_teller z3_conflicts" in r.stdout
    assert "seating z3_conflicts" in r.stdout


def test_curriculum_export_orders_train_easy_to_hard(robust_build, tmp_path):
    out, _ = robust_build
    target = tmp_path / "cur.parquet"
    r = subprocess.run(
        [sys.executable, "-m", "generators", "curriculum", str(out), "--out", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    rows = read_rows(target)
    levels = [x["level"] for x in rows]
    assert levels == sorted(levels) and len(rows) == sum(
        1 for x in rows_of(out) if x["split"] == "train"
    )


def test_variant_levels_override_the_level_mix():
    from collections import Counter

    from generators.config import ConfigError
    from generators.pipeline import plan

    cfg = robustness()
    cfg["families"]["truth_teller"]["variant_levels"] = {"liar_chain": {4: 1.0}}
    parsed = parse_config(cfg)
    cells = Counter(plan(parsed, "truth_teller", i) for i in range(2000))
    assert not any(v == "liar_chain" and lv != 4 for v, lv in cells)
    mix = parsed.families["truth_teller"].mix()
    assert abs(sum(mix.values()) - 1) < 1e-9
    for cell, share in mix.items():
        assert abs(cells[cell] / 2000 - share) < 0.01
    cfg["families"]["truth_teller"]["variant_levels"] = {"sudoku": {1: 1.0}}
    with pytest.raises(ConfigError, match="unknown variant 'sudoku'"):
        parse_config(cfg)
