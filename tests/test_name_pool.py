"""Suite config ``name_pool: broad``: ~12k more first names (templates/names_broad.yaml) for
the training and validation splits, each fitting the sex a puzzle states; the test split keeps
its own held-out names. Real generators, real Z3, real tokenizer and workers."""

from __future__ import annotations

import json

from benchmarks.quality.blood_relations import defects as blood_defects
from generators import generate
from generators.config import load_config
from generators.pipeline import split_of
from trainers.stream import PuzzleStream
from verifiers.blood_relations.names import flat

STD, HELD = set(flat(False)), set(flat(True))
BROAD = set(flat(False, broad=True)) - STD


def _records(family: str, cfg, n: int):
    items = generate(family, cfg, 0, count=0)
    for i in range(n):
        try:
            yield items[i]
        except LookupError:  # a dropped item
            continue


def test_broad_pool_is_large_and_disjoint_from_the_held_out_names():
    assert len(BROAD) > 10_000
    assert not BROAD & HELD and not BROAD & STD


def test_broad_pool_names_training_puzzles_and_leaves_test_names_held_out():
    cfg = load_config("tiny").model_copy(update={"name_pool": "broad"})
    for family in ("truth_teller", "seating", "blood_relations"):
        counts = {"std": 0, "broad": 0}
        splits = set()
        for rec in _records(family, cfg, 80):
            split = split_of(rec.canonical_hash, cfg)
            splits.add(split)
            people = json.loads(rec.spec)["people"]
            if split == "test":
                assert not set(people) & (STD | BROAD), (family, rec.id, people)
                continue
            assert not set(people) & HELD, (family, rec.id, people)
            counts["std"] += sum(p in STD for p in people)
            counts["broad"] += sum(p in BROAD for p in people)
            if family == "blood_relations":  # names fit the stated sex, as with the standard pool
                assert not blood_defects(rec.model_dump()) & {"name_sex_clash", "name_reveals_sex"}
        assert "test" in splits and counts["broad"] > 2 * counts["std"], (family, counts)


def test_stream_name_pool_broad_trains_on_broad_names(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny_model))
    found = {}
    for pool in ("standard", "broad"):
        stream = PuzzleStream(str(tiny_model), 2048, config="tiny", workers=1, name_pool=pool)
        try:
            rows = stream.rows()
            words = set(" ".join(tok.decode(next(rows)["input_ids"]) for _ in range(4)).split())
        finally:
            stream.close()
        words = {w.strip(".,:;!?\"'()") for w in words}
        found[pool] = (len(words & STD), len(words & BROAD))
    assert found["standard"][1] == 0 and found["standard"][0] > 0
    assert found["broad"][1] > found["broad"][0]


def test_broad_build_says_so_in_its_card(tmp_path):
    import datasets

    from generators.build import build

    cfg = load_config("tiny").model_copy(update={"name_pool": "broad"})
    build(cfg, tmp_path / "d", workers=1, progress=False)
    assert "`name_pool: broad`" in (tmp_path / "d" / "README.md").read_text()
    rows = datasets.load_dataset(str(tmp_path / "d"), "all", split="train")
    names = {p for s in rows["spec"] for p in json.loads(s)["people"]}
    assert len(names & BROAD) > len(names & STD)
