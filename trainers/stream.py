"""Streamed SFT data: unique puzzles generated on the fly by worker processes, packed into rows.

Worker ``k`` of ``n`` makes items ``k, k+n, k+2n, ...`` of every family of a generator config
through :func:`generators.generate` (so the stream is a pure function of config, seed and worker
count), keeps only puzzles whose split (a function of the canonical hash, as in a build) is in
``splits`` (``train`` by default: validation and test puzzles stay unseen), formats them as in
:func:`trainers.data.sft_example` and tokenizes them as TRL's SFTTrainer does (prompt tokens
masked out of the loss). The trainer process drops repeats by record id (each puzzle is seen once)
and packs whole puzzles into rows of ``max_length`` tokens without cutting one across rows; the
rest of a row is padding that carries no loss. With ``replay``, a packer that finds no fresh
puzzle waiting takes an earlier one again from a :class:`ReplayPool` instead of waiting, so the
GPU trains at its own pace on as many unique puzzles as the CPU cores make. Workers run
at ``nice`` (os.nice) so the training process keeps the CPU it needs, and off ``spare_cores``
physical cores (:func:`worker_cpus`): niceness does not stop a worker on the SMT sibling of the
training thread's CPU from slowing it. ``StreamStats``
counts what was seen, how often, and how long the trainer waited for data.

``generators`` (and so z3) is imported only inside the worker processes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .data import chat_ids, sft_example

SPLITS = ("train", "validation")


def tokenize_example(tok, example: dict[str, Any]) -> tuple[list[int], list[int]]:
    """(input_ids, labels) of a conversational prompt-completion example, as TRL tokenizes it:
    the chat template over prompt + completion, loss only after the prompt (labels -100)."""
    prompt = chat_ids(tok.apply_chat_template(example["prompt"], add_generation_prompt=True))
    full = chat_ids(tok.apply_chat_template(example["prompt"] + example["completion"]))
    n = 0
    while n < min(len(prompt), len(full)) and prompt[n] == full[n]:
        n += 1
    return full, [-100] * n + full[n:]


def _worker(
    k: int,
    n: int,
    families: list[str],
    config: str,
    seed: int,
    splits: tuple[str, ...],
    tokenizer: str,
    max_tokens: int,
    out: mp.Queue,
    nice: int = 0,
    cpus: set[int] | None = None,
    name_pool: str | None = None,
    batch: int = 8,
) -> None:
    os.nice(nice)
    if cpus:
        os.sched_setaffinity(0, cpus)
    from transformers import AutoTokenizer

    from generators import generate
    from generators.config import load_config
    from generators.pipeline import HELD_OUT, make_item

    cfg = load_config(config)
    if name_pool:
        cfg = cfg.model_copy(update={"name_pool": name_pool})
    tok = AutoTokenizer.from_pretrained(tokenizer)
    cfgs = [generate(f, cfg, seed, count=0).cfg for f in families]
    buf: list[tuple] = []
    i = k
    while True:
        for fam, fcfg in zip(families, cfgs, strict=True):
            # a held-out draft is dropped before it is rendered and proven
            item = make_item(fcfg, fam, i, splits=splits)
            rec = item.record
            if rec is None:
                buf.append((HELD_OUT if item.dropped == HELD_OUT else "dropped", fam))
                continue
            ids, labels = tokenize_example(tok, sft_example(rec.model_dump()))
            if len(ids) > max_tokens:
                buf.append(("too_long", fam))
                continue
            buf.append(("row", rec.id, rec.canonical_hash, fam, rec.level, ids, labels))
        if len(buf) >= batch:
            out.put(buf)
            buf = []
        i += n


def _siblings(cpu: int) -> set[int]:
    """The logical CPUs sharing ``cpu``'s physical core (Linux sysfs; just ``cpu`` elsewhere)."""
    path = f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list"
    try:
        text = open(path).read().strip()
    except OSError:
        return {cpu}
    out: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def worker_cpus(spare_cores: int, allowed=None, siblings=_siblings) -> set[int] | None:
    """The CPUs the puzzle workers may run on: those this process may use (``allowed``), less
    the first ``spare_cores`` physical cores, each with its SMT siblings, which are left to the
    training process. None (no pinning) when nothing would be spared or nothing would remain."""
    if spare_cores <= 0 or not hasattr(os, "sched_getaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0) if allowed is None else allowed)
    spare: set[int] = set()
    for cpu in allowed:
        if spare_cores == 0:
            break
        if cpu not in spare:
            spare |= siblings(cpu)
            spare_cores -= 1
    rest = {c for c in allowed if c not in spare}
    return rest or None


@dataclass
class StreamStats:
    """What the stream delivered and how long the consumer waited for it. Counts include the
    few rows made ahead (prefetched) but not yet trained on when a run stops."""

    workers: int = 0
    worker_cpus: list[int] = field(default_factory=list)  # empty: not pinned
    unique_puzzles: int = 0
    unique_canonical: int = 0
    repeats_dropped: int = 0
    skipped: Counter = field(default_factory=Counter)
    per_family: Counter = field(default_factory=Counter)
    per_level: Counter = field(default_factory=Counter)
    rows: int = 0
    docs: int = 0  # puzzles packed, repeats included
    replayed: int = 0  # of those, earlier puzzles packed again (``replay``)
    tokens: int = 0
    loss_tokens: int = 0
    wait_s: float = 0.0
    rows_waited: int = 0
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> dict[str, Any]:
        up = time.monotonic() - self.started
        return {
            "workers": self.workers,
            "worker_cpus": self.worker_cpus,
            "unique_puzzles": self.unique_puzzles,
            "unique_canonical_specs": self.unique_canonical,
            "repeats_dropped": self.repeats_dropped,
            "skipped": dict(self.skipped),
            "per_family": dict(self.per_family),
            "per_level": {str(k): v for k, v in sorted(self.per_level.items())},
            "rows": self.rows,
            "puzzles_packed": self.docs,
            "replayed": self.replayed,
            "views_per_puzzle": round(self.docs / max(1, self.unique_puzzles), 3),
            "tokens": self.tokens,
            "loss_tokens": self.loss_tokens,
            "fill": round(self.tokens / max(1, self.rows * self._length), 4),
            "data_wait_s": round(self.wait_s, 2),
            "rows_that_waited": self.rows_waited,
            "stream_uptime_s": round(up, 2),
            "puzzles_per_s": round(self.unique_puzzles / max(up, 1e-9), 1),
        }

    _length: int = 1


class PuzzleStream:
    """Worker processes making puzzles, and an iterator of packed rows over what they make."""

    def __init__(
        self,
        tokenizer: str,
        max_length: int,
        config: str = "default",
        seed: int = 0,
        families: list[str] | None = None,
        workers: int | None = None,
        splits: tuple[str, ...] = ("train",),
        window: int = 64,
        replay: bool = False,
        replay_min: int = 4096,
        nice: int = 0,
        spare_cores: int | None = None,
        name_pool: str | None = None,
        poll_s: float = 5.0,
    ):
        bad = [s for s in splits if s not in SPLITS]
        if bad or not splits:
            raise ValueError(
                f"stream.splits={list(splits)}: only {' and '.join(SPLITS)} puzzles may be streamed "
                "(the test split's held-out names and templates must stay unseen)"
            )
        from generators.config import load_config  # here, not at import: only streaming pays

        suite = load_config(config)  # a bad name or file fails here, in one line
        if families is None:
            families = list(suite.families)
        unknown = [f for f in families if f not in suite.families]
        if unknown:
            raise ValueError(
                f"stream.families: {unknown} not in generator config {config!r} "
                f"(it has {', '.join(suite.families)})"
            )
        self.args = (families, config, seed, tuple(splits), tokenizer, max_length)
        self.nice, self.name_pool = nice, name_pool
        if spare_cores is None:  # one core for the trainer on machines of 8+ CPUs
            spare_cores = int((os.cpu_count() or 1) >= 8)
        self.cpus = worker_cpus(spare_cores)
        if workers is None:  # every CPU left to the workers (all but one when not pinned)
            workers = len(self.cpus) if self.cpus else max(1, (os.cpu_count() or 2) - 1)
        self.max_length, self.window, self.n = max_length, window, workers
        self.stats = StreamStats(
            workers=workers, worker_cpus=sorted(self.cpus or ()), _length=max_length
        )
        self.procs: list = []
        # across iterators: TRL peeks at one row before training, with an iterator of its own
        self.seen_ids: set[str] = set()
        self.seen_canonical: set[str] = set()
        self.pool = ReplayPool(seed) if replay else None
        self.replay_min = replay_min
        self.poll_s = poll_s  # how often a blocked or replaying reader looks for dead workers
        self.pad_id: int | None = None
        self.tokenizer = tokenizer

    def start(self) -> PuzzleStream:
        if self.procs:
            return self
        from transformers import AutoTokenizer

        self.pad_id = AutoTokenizer.from_pretrained(self.tokenizer).pad_token_id
        ctx = mp.get_context("spawn")
        self.queue = ctx.Queue(maxsize=4096)
        for k in range(self.n):
            p = ctx.Process(
                target=_worker,
                args=(k, self.n, *self.args, self.queue, self.nice, self.cpus, self.name_pool),
                daemon=True,
            )
            p.start()
            self.procs.append(p)
        self.stats.started = time.monotonic()
        return self

    def close(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.join(timeout=5)
        self.procs = []

    def _docs(self) -> Iterator[tuple[list[int], list[int]]]:
        seen, canon, st, pool = self.seen_ids, self.seen_canonical, self.stats, self.pool
        checked = time.monotonic()
        while True:
            try:
                items = self.queue.get_nowait()
            except queue.Empty:
                if pool is not None and len(pool) >= self.replay_min:
                    # replay never blocks, so a dead worker must be looked for here
                    if time.monotonic() - checked > self.poll_s:
                        checked = time.monotonic()
                        self._check_workers()
                    st.replayed += 1
                    yield pool.take()
                    continue
                items = self._get_blocking()
            for it in items:
                if it[0] != "row":
                    st.skipped[it[0]] += 1
                    continue
                _, rid, chash, fam, level, ids, labels = it
                if rid in seen:
                    st.repeats_dropped += 1
                    continue
                seen.add(rid)
                canon.add(chash)
                st.unique_puzzles, st.unique_canonical = len(seen), len(canon)
                st.per_family[fam] += 1
                st.per_level[int(level)] += 1
                if pool is not None:
                    pool.add(ids, labels)
                yield ids, labels

    def _get_blocking(self):
        while True:
            try:
                return self.queue.get(timeout=self.poll_s)
            except queue.Empty:
                self._check_workers()

    def _check_workers(self) -> None:
        """Raise a one-line error if a worker has exited."""
        dead = [p.exitcode for p in self.procs if not p.is_alive()]
        if dead:
            raise RuntimeError(
                f"stream: {len(dead)} puzzle worker(s) exited (codes {dead}); "
                "check stream.config and the model's tokenizer"
            )

    def rows(self) -> Iterator[dict[str, list[int]]]:
        """Packed rows of exactly ``max_length`` tokens (see :func:`pack`)."""
        self.start()
        st = self.stats
        return prefetch(pack(self._docs(), self.max_length, self.pad_id, st, self.window), st)

    def dataset(self):
        """A ``datasets.IterableDataset`` over :meth:`rows` (for TRL's SFTTrainer)."""
        return iterable_dataset(self.rows)


class ReplayPool:
    """Puzzles already streamed, to pack again while the workers catch up. Taken round by round:
    each round is a fresh permutation (drawn from ``seed``) of the pool as it stood when the
    round began, so replays spread over the whole pool rather than the newest puzzles. Token
    ids are kept as int32 arrays (a few hundred bytes a puzzle for a 500k-puzzle run)."""

    def __init__(self, seed: int = 0):
        self.ids: list = []
        self.masked: list[int] = []  # prompt tokens (labels -100) at the start of each
        self.order: list[int] = []
        self.rng = random.Random(f"replay:{seed}")

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: list[int], labels: list[int]) -> None:
        import numpy as np

        self.ids.append(np.asarray(ids, dtype=np.int32))
        self.masked.append(labels.count(-100))

    def take(self) -> tuple[list[int], list[int]]:
        if not self.order:
            self.order = list(range(len(self.ids)))
            self.rng.shuffle(self.order)
        i = self.order.pop()
        ids, n = self.ids[i].tolist(), self.masked[i]
        return ids, [-100] * n + ids[n:]


def pack(
    docs: Iterator[tuple[list[int], list[int]]],
    length: int,
    pad: int,
    stats: StreamStats,
    window: int = 64,
) -> Iterator[dict[str, Any]]:
    """Rows of exactly ``length`` tokens (int64 numpy arrays): whole documents, best fit from a
    window of pending ones (none is cut across rows; longer ones must be dropped before), the
    rest padding with labels -100. Ends when ``docs`` does."""
    import numpy as np

    pending: list[tuple[list[int], list[int]]] = []
    done = False
    while True:
        while not done and len(pending) < window:
            d = next(docs, None)
            if d is None:
                done = True
            else:
                pending.append(d)
        if not pending:
            return
        ids = np.full(length, pad, dtype=np.int64)
        labels = np.full(length, -100, dtype=np.int64)
        used = 0
        while True:
            room = length - used
            fit = [j for j, d in enumerate(pending) if len(d[0]) <= room]
            if not fit:
                break
            d = pending.pop(max(fit, key=lambda j: len(pending[j][0])))
            n = len(d[0])
            ids[used : used + n] = d[0]
            labels[used : used + n] = d[1]
            used += n
            stats.docs += 1
            stats.loss_tokens += n - d[1].count(-100)
        if not used:
            raise ValueError(f"a document of {len(pending[0][0])} tokens is longer than {length}")
        stats.rows += 1
        stats.tokens += used
        yield {"input_ids": ids, "labels": labels}


def prefetch(rows: Iterator, stats: StreamStats, depth: int = 32) -> Iterator:
    """``rows`` made ahead in a background thread: packing (pure Python) then overlaps the GPU's
    work, during which the training thread waits outside the GIL. The time the consumer (the
    training loop, so the GPU) waits for a row is added to ``stats.wait_s``."""
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    end = object()

    def fill():
        try:
            for r in rows:
                q.put(r)
        except BaseException as e:  # surfaced in the consumer
            q.put(e)
        q.put(end)

    threading.Thread(target=fill, daemon=True).start()
    while True:
        try:
            r = q.get_nowait()
        except queue.Empty:
            t0 = time.monotonic()
            r = q.get()
            stats.wait_s += time.monotonic() - t0
            stats.rows_waited += 1
        if r is end:
            return
        if isinstance(r, BaseException):
            raise r
        yield r


def collate(rows: list[dict]) -> dict:
    """Stack packed rows (all ``max_length`` long) into tensors, as TRL's collator would, in one
    numpy copy per field. The all-ones ``attention_mask`` is what TRL counts tokens with; the
    fast path drops it before the forward (see ``trainers.sft``)."""
    import numpy as np
    import torch

    ids = torch.from_numpy(np.stack([np.asarray(r["input_ids"], dtype=np.int64) for r in rows]))
    labels = torch.from_numpy(np.stack([np.asarray(r["labels"], dtype=np.int64) for r in rows]))
    return {"input_ids": ids, "labels": labels, "attention_mask": torch.ones_like(ids)}


def iterable_dataset(rows):
    """A ``datasets.IterableDataset`` of packed rows from the callable ``rows``. No declared
    features: rows pass through as numpy arrays, with no per-example casting."""
    import datasets

    def gen():
        yield from rows()

    return datasets.IterableDataset.from_generator(gen)


_TOK: Any = None


def _tok_init(tokenizer: str) -> None:
    global _TOK
    from transformers import AutoTokenizer

    _TOK = AutoTokenizer.from_pretrained(tokenizer)


def _tok_rows(rows: list[dict]) -> list[tuple[list[int], list[int]]]:
    return [tokenize_example(_TOK, sft_example(r)) for r in rows]


def tokenize_rows(rows: list[dict], tokenizer: str, workers: int = 1) -> list:
    """``tokenize_example`` of every row, in order; ``workers`` > 1 forks a pool (a 200k-row
    split tokenizes in well under a minute on 16 cores instead of ~10 serial minutes)."""
    if workers <= 1 or len(rows) < 2000:
        _tok_init(tokenizer)
        return _tok_rows(rows)
    chunks = [rows[i : i + 500] for i in range(0, len(rows), 500)]
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_tok_init, initargs=(tokenizer,)) as pool:
        return [d for part in pool.imap(_tok_rows, chunks) for d in part]


class BuiltPack:
    """The packed-row fast path over a built split: rows tokenized once (in ``workers``
    processes), then cycled epoch by epoch, each epoch in a fresh order drawn from ``seed``
    (a built split is stored family by family; unshuffled, every epoch would train on one
    family after another)."""

    def __init__(
        self,
        rows,
        tokenizer: str,
        max_length: int,
        window: int = 64,
        seed: int = 0,
        workers: int = 1,
    ):
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(tokenizer)
        self.pad_id, self.max_length, self.window = tok.pad_token_id, max_length, window
        self.seed = seed
        docs = tokenize_rows(list(rows), tokenizer, workers)
        self.docs = [d for d in docs if len(d[0]) <= max_length]
        if not self.docs:
            raise ValueError(f"data: no row fits train.max_length={max_length} tokens; raise it")
        self.stats = StreamStats(workers=0, _length=max_length)
        self.stats.skipped["too_long"] = len(docs) - len(self.docs)
        self.stats.unique_puzzles = len(self.docs)

    def rows(self) -> Iterator[dict[str, list[int]]]:
        def cycle():
            order = list(range(len(self.docs)))
            epoch = 0
            while True:
                random.Random(f"{self.seed}:{epoch}").shuffle(order)
                yield from (self.docs[i] for i in order)
                epoch += 1

        st = self.stats
        return prefetch(pack(cycle(), self.max_length, self.pad_id, st, self.window), st)

    def dataset(self):
        return iterable_dataset(self.rows)

    def close(self) -> None:
        pass
