"""Blood relations: an item's record and difficulty metrics (Z3's counters among them) do not
depend on what the process proved before it."""

from __future__ import annotations

import json

from test_sat_path import _items  # builds jobs in order in one fresh process

from generators.config import load_config
from generators.pipeline import label_kind, plan


def test_blood_items_alone_and_mid_shard_have_the_same_records_and_metrics():
    """Each target item built alone in its own fresh process equals the same item built after
    other families' and other blood items' proofs, in reverse order: same record bytes, same
    difficulty (z3_conflicts, z3_decisions, z3_propagations included)."""
    cfg, first = load_config("default"), {}
    for i in range(10, 400):  # the first unique item of each variant and level past index 10
        key = plan(cfg, "blood_relations", i)
        if label_kind(cfg, "blood_relations", i) == "unique" and key[1] in (1, 4):
            first.setdefault(key, i)
    targets = [("blood_relations", i) for i in sorted(first.values())]
    before = [(f, i) for i in range(8) for f in ("blood_relations", "seating", "truth_teller")]
    mid = _items(before + targets[::-1])
    variants, with_stats = set(), 0
    for t in targets:
        key = f"{t[0]}:{t[1]}"
        alone = _items([t])[key]
        assert mid[key] == alone, key
        dropped, rec, _extra = alone
        assert dropped is None and rec, key
        row = json.loads(rec)
        variants.add(row["variant"])
        d = json.loads(row["difficulty"])
        with_stats += all(f"z3_{k}" in d for k in ("conflicts", "decisions", "propagations"))
    assert with_stats == len(targets) and len(variants) == 4, (with_stats, variants)
