"""Engines that run a build's pending shard jobs: local processes (default) or Ray tasks.

``build()`` calls :func:`prepare` before it writes anything and :func:`run_jobs` once with
the jobs still to do; everything else (resume, assembly, the card) is the same for every
engine, so an engine only decides where ``run_shard`` runs. Parts go to a local folder or,
for an fsspec ``--out`` URL, to ``<url>/.parts/<digest>/`` (see ``build.build_url``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
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


# A local worker whose resident memory (MiB) is past this after a job is replaced by a fresh
# one: the families' caches grow with the items a process has made, so without it a build's
# peak memory grows with its size. ``LOGIC_SUITE_WORKER_MIB`` overrides it.
WORKER_MIB = 360
WORKER_MIB_ENV = "LOGIC_SUITE_WORKER_MIB"


def worker_budget() -> int:
    """The resident memory (MiB) past which a local worker is replaced after its job."""
    raw = os.environ.get(WORKER_MIB_ENV)
    if raw is None:
        return WORKER_MIB
    if not raw.strip().isdigit() or int(raw) < 1:
        raise EngineError(
            f"{WORKER_MIB_ENV}={raw}: not a whole number of MiB >= 1; fix or unset it"
        )
    return int(raw)


def rss_mib() -> float:
    """This process's resident memory in MiB (its peak where /proc is missing)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _die_with_parent() -> None:
    """Linux: this worker gets SIGKILL when the build's process dies, so a killed build
    leaves no worker behind holding the folder's lock."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _serve(conn: Connection, cfg_json: str, parts: str, budget: int) -> None:
    """A worker: run the jobs it is sent until None, or until it is past ``budget`` MiB."""
    _die_with_parent()
    init_worker(cfg_json)
    while (job := conn.recv()) is not None:
        try:
            st = put_shard(job, parts)
        except BaseException as e:  # raised again in the parent
            try:
                conn.send(("error", e, True))
            except Exception:  # an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}"), True))
            return
        retire = rss_mib() > budget
        conn.send(("done", {**st, "pid": os.getpid()}, retire))
        if retire:
            return


class _Worker:
    """One local worker process and the job it runs (None when idle)."""

    def __init__(self, ctx: mp.context.BaseContext, args: tuple):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, *args), daemon=True)
        self.proc.start()
        child.close()
        self.job: ShardJob | None = None

    def give(self, job: ShardJob) -> None:
        self.job = job
        self.conn.send(job)

    def result(self) -> tuple[str, object, bool]:
        """The finished job's message, or an EngineError if the process died without one."""
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.proc.join()
            name = self.job.name if self.job else "?"
            return (
                "error",
                EngineError(
                    f"shard {name}: its worker process died (exit code {self.proc.exitcode}, "
                    "e.g. killed for memory); rerun the build to resume from the finished parts",
                    3,
                ),
                True,
            )

    def stop(self) -> None:
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_pool(
    todo: Sequence[ShardJob],
    cfg: SuiteConfig,
    parts: str,
    workers: int,
    on_done: Callable[[dict], None],
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """The jobs on ``workers`` local processes, one job each at a time, handed out in
    :class:`Schedule` order; a job's exception is raised here. A worker past
    :func:`worker_budget` after a job is replaced by a fresh fork, so memory stays flat
    however large the build (which process ran a job never changes its part)."""
    sched = Schedule(todo)
    ctx = _context()
    args = (cfg.model_dump_json(), parts, worker_budget())
    pool = [_Worker(ctx, args) for _ in range(min(workers, len(todo)))]
    thread = _in_thread(meanwhile)  # after the workers' fork (see _join)
    try:
        for w in pool:
            w.give(sched.next())
        while any(w.job is not None for w in pool):
            busy = [w for w in pool if w.job is not None]
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy]))
            for k, w in enumerate(pool):
                if w.job is None or not (w.conn in ready or w.proc.sentinel in ready):
                    continue
                kind, st, retire = w.result()
                if kind == "error":
                    raise st  # type: ignore[misc]
                job, w.job = w.job, None
                sched.done(job, st)  # type: ignore[arg-type]
                on_done(st)  # type: ignore[arg-type]
                if retire and sched:
                    w.stop()
                    _join(thread)  # no fork while the thread may hold an import lock
                    thread = None
                    w = pool[k] = _Worker(ctx, args)
                if sched:
                    w.give(sched.next())
        _join(thread)
    finally:
        for w in pool:
            w.stop()
