"""Build at scale: duplicates skipped before their proof, streamed assembly, job order, and
the card's features block."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from generators import assembly, jobs
from generators.build import build
from generators.config import parse_config
from generators.engines import Schedule
from generators.jobs import ShardJob, run_shard
from generators.shards import SCHEMA, data_files, read_rows, table, write_atomic

# Level-1 liar chains have few distinct puzzles, so a few dozen items repeat some.
DUPS = {
    "name": "dups",
    "seed": 5,
    "shard_size": 20,
    "families": {
        "truth_teller": {
            "count": 60,
            "variants": {"knights_knaves": 0.5, "liar_chain": 0.5},
            "levels": {1: 1.0},
        }
    },
}


def _bytes(root):
    return {p.name: p.read_bytes() for p in data_files(root)} | {
        "build_info.json": (root / "build_info.json").read_bytes()
    }


def test_duplicates_are_skipped_before_the_proof_with_the_same_data(tmp_path, monkeypatch):
    cfg = parse_config(DUPS)
    jobs._EMITTED.clear()
    st = run_shard(ShardJob("truth_teller", 0, 60), tmp_path / "p1", cfg)
    monkeypatch.setattr(jobs, "MEMO_CAP", 0)  # remember nothing: every item is proven
    jobs._EMITTED.clear()
    plain = run_shard(ShardJob("truth_teller", 0, 60), tmp_path / "p2", cfg)
    assert st["duplicates"] > 0 and plain["duplicates"] == 0
    assert plain["rows"] == st["rows"] + st["duplicates"]
    # The rows skipped are exactly the later copies of a canonical hash: the first of each
    # hash is in both parts, in the same order.
    kept = read_rows(tmp_path / "p1" / "truth_teller-000000000-000000060.parquet")
    every = read_rows(tmp_path / "p2" / "truth_teller-000000000-000000060.parquet")
    hashes: set[str] = set()
    first = [
        r for r in every if not (r["canonical_hash"] in hashes or hashes.add(r["canonical_hash"]))
    ]
    assert [r["id"] for r in kept] == [r["id"] for r in first]
    assert len(kept) < len(every)

    # Whole builds, in-process with one worker: the same data files and build_info.json.
    jobs._EMITTED.clear()
    build(cfg, tmp_path / "plain", workers=1, progress=False)
    monkeypatch.setattr(jobs, "MEMO_CAP", 200_000)
    jobs._EMITTED.clear()
    build(cfg, tmp_path / "skip", workers=1, progress=False)
    assert _bytes(tmp_path / "skip") == _bytes(tmp_path / "plain")


def test_a_later_shard_skips_what_a_finished_earlier_part_emitted(tmp_path):
    """A fresh process (empty memory) reads the finished parts that lie before its job."""
    cfg = parse_config(DUPS)
    parts = tmp_path / "parts"
    jobs._EMITTED.clear()
    run_shard(ShardJob("truth_teller", 0, 30), parts, cfg)
    jobs._EMITTED.clear()
    later = run_shard(ShardJob("truth_teller", 30, 60), parts, cfg)
    jobs._EMITTED.clear()
    alone = run_shard(ShardJob("truth_teller", 30, 60), tmp_path / "alone", cfg)
    assert later["duplicates"] > alone["duplicates"]


def test_streamed_files_match_whole_writes_and_split_into_row_groups(tmp_path, monkeypatch):
    cfg = parse_config({**DUPS, "rows_per_file": 7})
    whole = tmp_path / "whole"
    build(cfg, whole, workers=1, progress=False, jsonl=True)
    monkeypatch.setattr(assembly, "ROW_GROUP", 3)
    streamed = tmp_path / "streamed"
    build(cfg, streamed, workers=1, progress=False, jsonl=True)
    a, b = data_files(whole), data_files(streamed)
    assert [p.name for p in a] == [p.name for p in b] and len(a) > 3
    for pa_, pb in zip(a, b, strict=True):
        assert read_rows(pa_) == read_rows(pb)
        assert pa_.with_suffix(".jsonl").read_text() == pb.with_suffix(".jsonl").read_text()
        groups = [
            pq.ParquetFile(pb).metadata.row_group(k).num_rows
            for k in range(pq.ParquetFile(pb).num_row_groups)
        ]
        assert all(g <= 3 for g in groups) and sum(groups) <= 7
        # a file of at most ROW_GROUP rows has the bytes of writing it whole
        if sum(groups) <= 3:
            assert pb.read_bytes() == pa_.read_bytes()
    # and the whole files are what writing each file's rows at once gives
    for p in a:
        again = tmp_path / "again.parquet"
        write_atomic(table(read_rows(p)), again)
        assert again.read_bytes() == p.read_bytes()
    info = json.loads((streamed / "build_info.json").read_text())
    n = sum(pq.read_metadata(p).num_rows for p in b)
    assert sum(info["splits"].values()) == n


def test_schedule_runs_untimed_families_first_then_the_longest():
    jobs_ = [ShardJob("a", 0, 10), ShardJob("a", 10, 20), ShardJob("a", 20, 25)]
    jobs_ += [ShardJob("b", 0, 10), ShardJob("b", 10, 20)]
    s = Schedule(jobs_)
    first = s.next()
    assert first == ShardJob("a", 0, 10)
    s.done(first, {"seconds": 1.0, "items": 10})  # a: 0.1 s an item
    assert s.next() == ShardJob("b", 0, 10)  # b untimed
    s.done(ShardJob("b", 0, 10), {"seconds": 5.0, "items": 10})  # b: 0.5 s an item
    order = [s.next() for _ in range(3)]
    assert order == [ShardJob("b", 10, 20), ShardJob("a", 10, 20), ShardJob("a", 20, 25)]
    assert not s


def test_card_features_block_is_what_datasets_writes():
    from datasets import DatasetInfo, Features

    from cards import features_yaml

    want = DatasetInfo(features=Features.from_arrow_schema(SCHEMA))._to_yaml_dict()["features"]
    assert features_yaml(SCHEMA) == want


def test_a_pool_build_writes_the_card_that_its_files_give(tmp_path):
    """The card's numbers are tallied during assembly and the histogram drawn in a forked
    process; rendering the card again from the files alone gives the same bytes."""
    import shutil

    from cards import HISTOGRAM, write_card

    out = tmp_path / "o"
    build(parse_config(DUPS), out, workers=2, progress=False)
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / HISTOGRAM).unlink()
    write_card(copy)
    for name in ("README.md", HISTOGRAM):
        assert (copy / name).read_bytes() == (out / name).read_bytes(), name
