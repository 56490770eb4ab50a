"""The family contract, checked once for every registered family (generators.registry).

What every family must satisfy, whatever its world: each variant and level is proven by Z3
again from the record alone; specs round-trip through JSON and their canonical hash ignores
names and clue order; item i is a pure function of (config, seed, i), alone or mid-shard;
transforms are pure functions of their seed and keep the puzzle proven; deliberately
labelled items are proven by Z3. Family-specific checks (brute-force calculators, wording)
live in the family's own test module.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from generators import registry
from generators.config import load_config, parse_config
from generators.pipeline import HELD_OUT, make_item, split_of
from generators.validate import check_record
from verifiers.registry import BUILTIN, load_spec

ROOT = Path(__file__).resolve().parents[1]
BASE = load_config("default").model_dump(mode="json")
CASES = [(f, v.name) for f in BUILTIN for v in registry.get(f).variants]


def _cfg(family: str, variant: str, level: int | None = None, **extra) -> object:
    fc = {**BASE["families"][family], "variants": {variant: 1.0}, "variant_levels": {}}
    if level is not None:
        fc["levels"] = {level: 1.0}
    return parse_config({**BASE, **extra, "families": {family: fc}})


def _records(family: str, variant: str, level: int | None, n: int, **extra) -> list:
    cfg = _cfg(family, variant, level, **extra)
    return [o.record for i in range(n) if (o := make_item(cfg, family, i)).record is not None]


@pytest.mark.parametrize(("family", "variant"), CASES)
def test_every_level_is_proven_again_from_the_record(family, variant):
    for level in registry.get(family).variant(variant).levels:
        recs = _records(family, variant, level, 5)
        assert len(recs) >= 3, (family, variant, level)
        for rec in recs:
            assert (rec.family, rec.variant, rec.level) == (family, variant, level)
            assert json.loads(rec.difficulty)["level"] == level
            assert check_record(rec.model_dump()) == []  # validate's own Z3 proof
            assert rec.solution.splitlines()[-1] == f"Answer: {rec.answer}"
            assert rec.choices[ord(rec.answer_label) - 65] == rec.answer
            assert len(set(rec.choices)) == len(rec.choices)


@pytest.mark.parametrize(("family", "variant"), CASES)
def test_specs_round_trip_and_the_hash_ignores_names_and_order(family, variant):
    fam = registry.get(family)
    for rec in _records(family, variant, None, 4):
        spec = load_spec(family, rec.spec)
        assert spec.model_dump_json() == rec.spec
        assert spec.canonical_hash() == rec.canonical_hash
        if hasattr(spec, "people"):
            renamed = spec.model_copy(update={"people": [f"Q{i}" for i in range(len(spec.people))]})
            assert renamed.canonical_hash() == spec.canonical_hash()
        draft = _draft_of(fam, rec)
        if draft is not None and "reorder" in fam.transforms:
            moved = fam.transforms["reorder"](draft, random.Random(1))
            if moved is not None:
                assert moved.spec.canonical_hash() == draft.spec.canonical_hash()


def _draft_of(fam, rec):
    """A fresh draft of the record's variant and level (the transforms work on drafts)."""
    rng = random.Random(rec.id)
    for _ in range(40):
        d = fam.draft(rec.variant, rec.level, rng, {})
        if d is not None:
            return d
    return None


@pytest.mark.parametrize("family", BUILTIN)
def test_item_i_is_the_same_alone_mid_shard_and_in_a_fresh_process(family):
    cfg = load_config("tiny")
    mid_shard = [make_item(cfg, family, i).record for i in range(8)]
    alone = make_item(cfg, family, 7).record
    code = (
        "import sys; from generators.config import load_config; "
        "from generators.pipeline import make_item; "
        f"r = make_item(load_config('tiny'), {family!r}, 7).record; "
        "sys.stdout.write(r.model_dump_json() if r else 'null')"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert alone is not None and mid_shard[7] == alone
    assert fresh == alone.model_dump_json()  # difficulty metrics included


@pytest.mark.parametrize("family", BUILTIN)
def test_wanted_splits_skip_held_out_drafts_and_keep_the_same_records(family):
    cfg = load_config("tiny")
    kept = held = 0
    for i in range(24):
        plain = make_item(cfg, family, i).record
        out = make_item(cfg, family, i, splits=("train",))
        if out.record is None:
            held += out.dropped == HELD_OUT
            assert out.dropped == HELD_OUT or plain is None
        else:
            kept += 1
            assert out.record == plain and split_of(plain.canonical_hash, cfg) == "train"
    assert kept and held  # both happen in 24 items of an 80/10/10 split


@pytest.mark.parametrize(("family", "variant"), CASES)
def test_transforms_are_pure_functions_of_their_seed(family, variant):
    fam = registry.get(family)
    rng = random.Random(4)
    drafts = [d for _ in range(30) if (d := fam.draft(variant, 2, rng, {})) is not None][:6]
    assert drafts or 2 not in fam.variant(variant).levels
    for name, fn in fam.transforms.items():
        for d in drafts:
            before = d.spec.model_dump_json()
            a, b = fn(d, random.Random(9)), fn(d, random.Random(9))
            assert d.spec.model_dump_json() == before, name  # the input is not changed
            assert (a is None) == (b is None), name
            if a is not None:
                assert a.spec.model_dump_json() == b.spec.model_dump_json(), name
                assert a.metrics == b.metrics, name
    if fam.mislabel is not None:
        for kind in ("unsolvable", "ambiguous"):
            for d in drafts:
                a, b = (
                    fam.mislabel(d, kind, random.Random(3)),
                    fam.mislabel(d, kind, random.Random(3)),
                )
                assert (a is None) == (b is None), kind
                if a is not None:
                    assert a[0].spec == b[0].spec and a[0].label == kind


@pytest.mark.parametrize("family", BUILTIN)
def test_augmented_and_labelled_items_are_proven(family):
    """The robustness settings: every kept augmentation and every label re-proven by Z3."""
    cfg = load_config("robustness")
    seen = {"unique": 0, "unsolvable": 0, "ambiguous": 0, "augmented": 0}
    for i in range(60):
        out = make_item(cfg, family, i)
        for rec in [out.record, *out.extra] if out.record else []:
            assert check_record(rec.model_dump()) == [], (family, i, rec.augmentation)
            seen[rec.status] += not rec.augmentation
            seen["augmented"] += bool(rec.augmentation)
    assert all(n >= 3 for n in seen.values()), seen
