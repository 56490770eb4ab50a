"""Streamed SFT data (trainers.stream): real generator workers, real tokenizer, real TRL."""

from __future__ import annotations

import os

import datasets
import pytest

from trainers.cli import main
from trainers.data import sft_example
from trainers.stream import (
    BuiltPack,
    PuzzleStream,
    ReplayPool,
    StreamStats,
    pack,
    tokenize_example,
    tokenize_rows,
    worker_cpus,
)


def test_tokenization_matches_trl(tiny_model, tiny_dataset, tmp_path):
    """The stream tokenizes a row exactly as TRL's SFTTrainer prepares the built split."""
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    rows = datasets.load_dataset(str(tiny_dataset), "all", split="train").select(range(6))
    ds = rows.map(sft_example, remove_columns=rows.column_names)
    args = SFTConfig(
        output_dir=str(tmp_path), use_cpu=True, report_to="none", max_length=None, max_steps=1
    )
    trainer = SFTTrainer(model=str(tiny_model), args=args, train_dataset=ds)
    tok = AutoTokenizer.from_pretrained(tiny_model)
    for ex, r in zip(trainer.train_dataset, rows, strict=True):
        ids, labels = tokenize_example(tok, sft_example(r))
        assert ids == ex["input_ids"]
        assert labels == ex["labels"] and -100 in labels and labels[-1] == ids[-1]


def test_built_pack_tokenizes_in_parallel_and_reshuffles_every_epoch(tiny_model, tiny_dataset):
    """data.pack: a pool of workers tokenizes exactly as one process does, and each epoch is
    the whole split in a fresh order (a built split is stored family by family)."""
    rows = list(datasets.load_dataset(str(tiny_dataset), "all", split="train"))
    rows = (rows * (2000 // len(rows) + 1))[:2000]  # enough rows for the pool
    assert tokenize_rows(rows, str(tiny_model), workers=2) == tokenize_rows(rows, str(tiny_model))
    bp = BuiltPack(rows[:40], str(tiny_model), 4096, window=1, seed=3)
    firsts = [d[0][-8:] for d in bp.docs]
    got = []
    for r in bp.rows():
        ids = [t for t in r["input_ids"].tolist() if t != bp.pad_id]
        got.append(ids[-8:])
        if len(got) == 80:
            break
    epoch1, epoch2 = got[:40], got[40:]
    assert sorted(epoch1) == sorted(firsts) == sorted(epoch2)
    assert epoch1 != firsts and epoch1 != epoch2


def test_pack_keeps_documents_whole():
    docs = [([d] * n, [-100] * 2 + [d] * (n - 2)) for d, n in enumerate([5, 9, 3, 7, 12, 4, 8], 1)]
    st = StreamStats(_length=16)
    rows = list(pack(iter(docs), 16, 0, st, window=3))
    assert all(len(r["input_ids"]) == len(r["labels"]) == 16 for r in rows)
    seen = []
    for r in rows:
        r = {k: v.tolist() for k, v in r.items()}
        ids = [t for t in r["input_ids"] if t]
        runs = [ids[0]] + [b for a, b in zip(ids, ids[1:], strict=False) if b != a]
        for d in runs:  # each document is one contiguous run, with its own labels
            n = ids.count(d)
            assert n == len(docs[d - 1][0])
            i = r["input_ids"].index(d)
            assert r["labels"][i : i + n] == docs[d - 1][1]
        seen += runs
        pad = r["input_ids"].count(0)
        assert r["labels"][16 - pad :] == [-100] * pad
    assert sorted(seen) == list(range(1, 8)) and st.tokens == sum(len(d[0]) for d in docs)
    with pytest.raises(ValueError, match="longer than 16"):
        list(pack(iter([([1] * 17, [1] * 17)]), 16, 0, StreamStats()))


def test_stream_sees_train_split_puzzles_once(tiny_model, tiny_dataset, tiny_config):
    """Streamed puzzles are unique, all of the train split by canonical hash, and none of them
    is a validation or test puzzle of a build (another seed: splits follow the hash)."""
    from generators.pipeline import split_of

    stream = PuzzleStream(str(tiny_model), 1024, config="tiny", seed=7, workers=2)
    try:
        rows = stream.rows()
        for _ in range(6):
            next(rows)
    finally:
        stream.close()
    st = stream.stats.summary()
    assert st["unique_puzzles"] >= 10 and st["unique_puzzles"] == len(stream.seen_ids)
    assert set(st["per_family"]) == set(tiny_config.families)
    assert all(split_of(h, tiny_config) == "train" for h in stream.seen_canonical)
    built = datasets.load_dataset(str(tiny_dataset), "all")
    held = {h for s in ("validation", "test") for h in built[s]["canonical_hash"]}
    assert held and not (held & stream.seen_canonical)
    assert st["skipped"].get("held_out", 0) > 0  # validation/test puzzles were made and left out


def test_replay_pool_gives_back_every_puzzle_once_a_round():
    """Each round is a permutation of the pool as it stood (exact ids, prompt still masked);
    puzzles added mid-round join the next round; the same seed gives the same order."""
    docs = [([d] * (3 + d % 4), [-100] * 2 + [d] * (1 + d % 4)) for d in range(1, 9)]
    pool = ReplayPool(seed=5)
    for d in docs[:6]:
        pool.add(*d)
    round1 = [pool.take() for _ in range(6)]
    assert sorted(round1) == sorted(docs[:6]) and round1 != docs[:6]
    for d in docs[6:]:
        pool.add(*d)
    assert sorted(pool.take() for _ in range(8)) == sorted(docs)
    again = ReplayPool(seed=5)
    for d in docs[:6]:
        again.add(*d)
    assert [again.take() for _ in range(6)] == round1


def test_worker_cpus_spare_whole_physical_cores():
    """Sparing a core spares its SMT siblings too; nothing is pinned if nothing would remain."""
    smt = {0: {0, 8}, 8: {0, 8}, 1: {1, 9}, 9: {1, 9}}  # two cores, two threads each
    assert worker_cpus(1, allowed={0, 1, 8, 9}, siblings=smt.__getitem__) == {1, 9}
    assert worker_cpus(2, allowed={0, 1, 8, 9}, siblings=smt.__getitem__) is None
    assert worker_cpus(1, allowed={0, 1, 2}, siblings=lambda c: {c}) == {1, 2}
    assert worker_cpus(0, allowed={0, 1, 2}, siblings=lambda c: {c}) is None


def _replaying(tiny_model, **kw) -> PuzzleStream:
    """One real worker on the tiny config, replaying once 4 puzzles have arrived."""
    return PuzzleStream(
        str(tiny_model), 1024, config="tiny", seed=7, workers=1, replay=True, replay_min=4, **kw
    )


def test_stream_replays_earlier_puzzles_instead_of_waiting(tiny_model):
    """stream.replay: one real worker cannot keep up with a packer pulling rows as fast as it
    can, so once replay_min puzzles have arrived the packer reuses them and never blocks; the
    stats count every packed puzzle as either fresh (unique) or replayed. The worker runs at
    stream.nice above the trainer's niceness, so the training process keeps its CPU."""
    stream = _replaying(tiny_model, nice=3, spare_cores=1)
    try:
        rows = stream.rows()
        for _ in range(60):
            next(rows)
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, stream.procs[0].pid) == min(19, mine + 3)
        # and off the first physical core (unless that would leave none: then unpinned)
        want = worker_cpus(1) or os.sched_getaffinity(0)
        assert os.sched_getaffinity(stream.procs[0].pid) == want
        assert stream.stats.summary()["worker_cpus"] == sorted(worker_cpus(1) or ())
    finally:
        stream.close()
    st = stream.stats
    assert st.unique_puzzles == len(stream.seen_ids) == len(stream.pool) >= 4
    assert st.replayed > 0
    summary = st.summary()
    assert summary["views_per_puzzle"] > 1
    # rows made ahead by the prefetch thread are counted too: at least what was consumed
    assert st.docs >= 60 and st.docs <= st.unique_puzzles + st.replayed


def test_stream_reports_a_dead_worker_even_while_replaying(tiny_model):
    """With replay the reader never blocks on the workers; a worker killed mid-run is still
    reported, in one line, within poll_s, instead of the run replaying old puzzles forever."""
    import signal
    import time

    stream = _replaying(tiny_model, poll_s=0.5)
    try:
        rows = stream.rows()
        while stream.stats.replayed == 0:  # the pool is full and replaying
            next(rows)
        os.kill(stream.procs[0].pid, signal.SIGKILL)
        t0 = time.monotonic()
        with pytest.raises(RuntimeError) as e:
            while time.monotonic() - t0 < 30:
                next(rows)
    finally:
        stream.close()
    err = str(e.value)
    assert "1 puzzle worker(s) exited (codes [-9])" in err and len(err.splitlines()) == 1
    assert not stream.procs


def test_stream_rejects_test_split_and_bad_config(tiny_model, tmp_path, capsys):
    with pytest.raises(ValueError, match="test split's held-out names"):
        PuzzleStream(str(tiny_model), 512, config="tiny", splits=("train", "test"))
    base = ["sft", "--config", "sft_tiny", "--model", str(tiny_model), "--out", str(tmp_path)]
    assert main([*base, "--stream", "nosuch_config"]) == 2
    err = capsys.readouterr().err.strip()
    assert "nosuch_config" in err and len(err.splitlines()) == 1
    assert main([*base, "--stream", "tiny", "--set", "stream.splits=[test]"]) == 2
    assert "only train and validation" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_streamed_sft_run_reports_the_stream(tiny_model, tmp_path):
    """`trainers sft --stream tiny`: a real 2-step TRL run on streamed puzzles; the summary
    counts unique puzzles and the wait for data."""
    import json

    out = tmp_path / "sft"
    rc = main(
        [
            "sft",
            "--config",
            "sft_tiny",
            "--model",
            str(tiny_model),
            "--out",
            str(out),
            "--stream",
            "tiny",
            "--set",
            "stream.workers=2",
            "--set",
            "train.max_length=1024",
            "--set",
            "train.per_device_train_batch_size=2",
        ]
    )
    assert rc == 0
    data = json.loads((out / "sft_data.json").read_text())
    assert data["source"] == "stream" and data["unique_puzzles"] >= 2
    assert data["data_wait_s"] >= 0 and data["rows"] >= 2 and 0 < data["fill"] <= 1
    hist = json.loads((out / "sft_summary.json").read_text())
    assert any("stream/unique_puzzles" in h for h in hist)


def test_schedule_by_time_anneals_at_the_budget(tiny_model, tiny_dataset, tmp_path):
    """schedule_by_time: a real TRL run budgeted at a few seconds, with max_steps far out of
    reach, ends at the schedule's final learning rate; the same run scheduled by steps alone is
    cut near its peak (what happened to session 17's GPU run)."""
    import json

    def run(tag: str, by_time: bool) -> list[dict]:
        out = tmp_path / tag
        rc = main(
            [
                "sft",
                "--config",
                "sft_tiny",
                "--model",
                str(tiny_model),
                "--data",
                str(tiny_dataset),
                "--out",
                str(out),
                *("--set", "data.pack=true", "--set", "train.max_steps=100000"),
                *("--set", "train.max_length=512", "--set", "train.per_device_train_batch_size=1"),
                *("--set", "train.lr_scheduler_type=cosine_with_min_lr"),
                *("--set", "train.lr_scheduler_kwargs={min_lr_rate: 0.1}"),
                *("--set", "train.warmup_steps=2", "--set", "train.learning_rate=0.001"),
                *("--set", "stop_after_s=6", "--set", f"schedule_by_time={str(by_time).lower()}"),
            ]
        )
        assert rc == 0
        return [h for h in json.loads((out / "sft_summary.json").read_text()) if "loss" in h]

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model on a loaded 2-core box: two threads thrash
    try:
        timed, stepped = run("timed", True), run("stepped", False)
    finally:
        torch.set_num_threads(threads)
    for hist in timed, stepped:
        assert 5 < hist[-1]["step"] < 100000
    lrs = [h["learning_rate"] for h in timed]
    assert max(lrs) == pytest.approx(1e-3, rel=0.05)  # the peak after warm-up
    assert lrs[-1] <= 1.5e-4  # annealed to ~min_lr_rate x peak at the budget
    assert all(a >= b for a, b in zip(lrs[2:-1], lrs[3:], strict=True))  # falling all the way
    assert stepped[-1]["learning_rate"] >= 0.99e-3  # by steps alone: still at the peak
