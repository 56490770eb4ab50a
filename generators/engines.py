"""Engines that run a build's pending shard jobs: local processes (default) or Ray tasks.

``build()`` calls :func:`prepare` before it writes anything and :func:`run_jobs` once with
the jobs still to do; everything else (resume, assembly, the card) is the same for every
engine, so an engine only decides where ``run_shard`` runs. Parts go to a local folder or,
for an fsspec ``--out`` URL, to ``<url>/.parts/<digest>/`` (see ``build.build_url``).
"""

from __future__ import annotations

import multiprocessing as mp
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import SuiteConfig
from .jobs import EngineError, ShardJob, init_worker, put_shard, put_shard_star

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
) -> None:
    """Run every job of ``todo`` (each writes its part under ``parts``); ``on_done(stats)``
    is called as each one finishes, in completion order."""
    if engine == "ray":
        from .ray_engine import run_ray

        run_ray(todo, cfg, str(parts), workers, on_done)
        return
    if workers == 1 or len(todo) <= 1:
        for j in todo:
            on_done(put_shard(j, str(parts), cfg))
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=init_worker, initargs=(cfg.model_dump_json(),)) as pool:
        for st in pool.imap_unordered(put_shard_star, [(j, str(parts)) for j in todo]):
            on_done(st)
