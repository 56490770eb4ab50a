"""The planned mix: small cells capped at what they hold, the rest in proportion; the
table of capacities matches a fresh measurement; a build that asks a small cell for many
items repeats fewer puzzles."""

from __future__ import annotations

import json
import random

import pytest

from generators import composition
from generators.build import build
from generators.composition import CAPACITY, SHARE, estimate, measure, planned_mix
from generators.config import load_config, parse_config


def test_planned_mix_caps_small_cells_and_keeps_the_rest_in_proportion():
    cfg = load_config("default").model_dump(mode="json")
    cfg["families"]["blood_relations"]["count"] *= 50
    fc = parse_config(cfg).families["blood_relations"]
    target, plan = fc.mix(), planned_mix(fc, "blood_relations")
    assert list(plan) == list(target) and sum(plan.values()) == pytest.approx(1.0)
    small = [c for c in target if c in CAPACITY["blood_relations"]]
    capped = [c for c in target if plan[c] < target[c] - 1e-12]
    assert capped and set(capped) <= set(small)
    for c in capped:  # asked for SHARE x what it holds
        assert plan[c] * fc.count == pytest.approx(SHARE * CAPACITY["blood_relations"][c])
    free = [c for c in target if c not in capped]
    ratios = {round(plan[c] / target[c], 9) for c in free}
    assert len(ratios) == 1 and ratios.pop() > 1  # the surplus, in proportion to the weights
    # a small build asks no cell for more than it holds: the target itself
    tiny = parse_config({**cfg, "families": {"truth_teller": {"count": 40}}})
    tt = tiny.families["truth_teller"]
    assert planned_mix(tt, "truth_teller") == tt.mix()
    # an open-ended stream (generators.generate(..., count=0)) has no count to cap against
    fc.count = 0
    assert planned_mix(fc, "blood_relations") == fc.mix()


def test_estimate_recovers_the_size_of_a_uniform_pool():
    rng = random.Random(1)
    for n in (30, 200):
        draws = [rng.randrange(n) for _ in range(300)]
        est = estimate(300, len(set(draws)))
        assert est is not None and 0.7 * n <= est <= 1.3 * n
    assert estimate(50, 50) is None  # every draw distinct: no cap


def test_the_capacity_table_is_what_measure_gives():
    """Seeded draft-only samples: the table is exactly a fresh measurement (rerun
    ``python -m generators.composition`` when a family changes its drafts)."""
    options = load_config("default").families["blood_relations"].options
    cell = ("chain", 1)
    assert measure("blood_relations", cell, options) == CAPACITY["blood_relations"][cell]


SMALL_CELL = {
    "name": "small_cell",
    "seed": 11,
    "shard_size": 100,
    "families": {
        "blood_relations": {
            "count": 200,
            "variants": {"chain": 1.0},
            "levels": {1: 0.5, 2: 0.5},
        }
    },
}


def test_a_build_that_asks_a_small_cell_for_many_items_repeats_less(tmp_path, monkeypatch):
    cfg = parse_config(SMALL_CELL)
    planned = build(cfg, tmp_path / "planned", workers=1, progress=False)
    assert ("chain", 1) in planned.capped["blood_relations"]
    info = json.loads((tmp_path / "planned" / "build_info.json").read_text())
    assert info["capped"]["blood_relations"]["chain/L1"]["planned"] < 0.5
    monkeypatch.setattr(composition, "CAPACITY", {})  # the configured mix, drawn dry
    drawn = build(cfg, tmp_path / "drawn", workers=1, progress=False)
    assert not drawn.capped["blood_relations"]
    assert planned.duplicates < drawn.duplicates
    assert sum(planned.rows.values()) > sum(drawn.rows.values())
