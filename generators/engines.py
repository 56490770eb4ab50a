"""Engines that run a build's pending shard jobs: local processes (default) or Ray tasks.

``build()`` calls :func:`prepare` before it writes anything and :func:`run_jobs` once with
the jobs still to do; everything else (resume, assembly, the card) is the same for every
engine, so an engine only decides where ``run_shard`` runs. Parts go to a local folder or,
for an fsspec ``--out`` URL, to ``<url>/.parts/<digest>/`` (see ``build.build_url``).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import re
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import SuiteConfig
from .jobs import EngineError, ShardJob, init_worker, put_shard

ENGINES = ("local", "ray")
_ADDRESS = re.compile(r"^(local|auto|ray://[\w.\-]+:\d+|[\w.\-]+:\d+)$")


def prepare(engine: str, address: str | None, workers: int | None) -> None:
    """Check the engine and connect to it, before the build writes anything."""
    if engine not in ENGINES:
        raise EngineError(f"--engine {engine}: unknown engine; use one of {', '.join(ENGINES)}")
    if engine == "local":
        if address is not None:
            raise EngineError("--address needs --engine ray")
        return
    if address is not None and not _ADDRESS.match(address):
        raise EngineError(
            f"--address {address}: not a Ray address; use local, auto, HOST:PORT or ray://HOST:PORT"
        )
    from .ray_engine import connect

    connect(address, workers)


def run_jobs(
    todo: Sequence[ShardJob],
    cfg: SuiteConfig,
    parts: Path | str,
    workers: int,
    on_done: Callable[[dict], None],
    engine: str = "local",
    address: str | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Run every job of ``todo`` (each writes its part under ``parts``); ``on_done(stats)``
    is called as each one finishes, in completion order. ``meanwhile``: work for this
    process while worker processes run the jobs (in a thread; not with one worker)."""
    if engine == "ray":
        from .ray_engine import run_ray

        thread = _in_thread(meanwhile)
        run_ray(todo, cfg, str(parts), workers, on_done)
        _join(thread)
        return
    if workers == 1 or len(todo) <= 1:
        for j in todo:
            on_done(put_shard(j, str(parts), cfg))
        return
    run_pool(todo, cfg, str(parts), workers, on_done, meanwhile)


def _in_thread(fn: Callable[[], None] | None) -> threading.Thread | None:
    if fn is None:
        return None
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def _join(thread: threading.Thread | None) -> None:
    """Wait for ``meanwhile``: the build forks again later, and a thread caught mid-import
    would leave that child an import lock that nobody releases."""
    if thread is not None:
        thread.join()


def _context() -> mp.context.BaseContext:
    """fork where it is safe (Linux, one thread): the workers start with every module this
    process imported, instead of importing them again; spawn elsewhere."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


class Schedule:
    """The order of a build's jobs: longest expected first, so the last job to start is a
    short one and no worker idles long at the end. A job's expected time is its items times
    its family's seconds per item so far; families not yet timed go first."""

    def __init__(self, todo: Sequence[ShardJob]):
        self.left = list(todo)
        self.seconds: dict[str, float] = {}
        self.items: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self.left)

    def done(self, job: ShardJob, stats: dict) -> None:
        self.seconds[job.family] = self.seconds.get(job.family, 0.0) + stats["seconds"]
        self.items[job.family] = self.items.get(job.family, 0) + stats["items"]

    def expected(self, job: ShardJob) -> float:
        n = self.items.get(job.family)
        if not n:
            return float("inf")
        return (job.end - job.start) * self.seconds[job.family] / n

    def next(self) -> ShardJob:
        best = max(range(len(self.left)), key=lambda k: (self.expected(self.left[k]), -k))
        return self.left.pop(best)


def run_pool(
    todo: Sequence[ShardJob],
    cfg: SuiteConfig,
    parts: str,
    workers: int,
    on_done: Callable[[dict], None],
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """The jobs on a pool of ``workers`` local processes, one job each at a time, handed
    out in :class:`Schedule` order; a job's exception is raised here."""
    sched = Schedule(todo)
    results: queue.SimpleQueue = queue.SimpleQueue()
    with _context().Pool(
        workers, initializer=init_worker, initargs=(cfg.model_dump_json(),)
    ) as pool:
        thread = _in_thread(meanwhile)  # after the workers' fork (see _join)

        def submit() -> None:
            job = sched.next()
            pool.apply_async(
                put_shard,
                (job, parts),
                callback=lambda st: results.put((job, st)),
                error_callback=lambda e: results.put((job, e)),
            )

        running = 0
        while sched and running < workers:
            submit()
            running += 1
        while running:
            job, st = results.get()
            running -= 1
            if isinstance(st, BaseException):
                raise st
            sched.done(job, st)
            on_done(st)
            if sched:
                submit()
                running += 1
        _join(thread)
