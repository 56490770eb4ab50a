"""Engines that run a build's pending shard jobs: local processes (default) or Ray tasks.

``build()`` calls :func:`prepare` before it writes anything and :func:`run_jobs` once with
the jobs still to do; everything else (resume, assembly, the card) is the same for every
engine, so an engine only decides where ``run_shard`` runs. Parts go to a local folder or,
for an fsspec ``--out`` URL, to ``<url>/.parts/<digest>/`` (see ``url_out``).
"""

from __future__ import annotations

import multiprocessing as mp
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import ShardJob
    from .config import SuiteConfig

ENGINES = ("local", "ray")
RAY_INSTALL = 'pip install "logic-suite[ray]"'
_ADDRESS = re.compile(r"^(local|auto|ray://[\w.\-]+:\d+|[\w.\-]+:\d+)$")


class EngineError(Exception):
    """A build the engine cannot finish; ``exit_code`` 2 = fix the input, 3 = retry later."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


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
    from .build import _init_worker

    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(cfg.model_dump_json(),)) as pool:
        for st in pool.imap_unordered(_put_shard_star, [(j, str(parts)) for j in todo]):
            on_done(st)


def put_shard(job: ShardJob, parts: str, cfg: SuiteConfig | None = None) -> dict:
    """``run_shard`` into ``parts``, a local folder or an fsspec URL; return its stats.

    For a URL the part is built in a local temporary folder and uploaded: rows first, then
    the stats file that marks the part complete, each through a temporary name.
    """
    from .build import run_shard
    from .url_out import is_url, upload_atomic

    if not is_url(parts):
        return run_shard(job, Path(parts), cfg)
    with tempfile.TemporaryDirectory(prefix="logic_suite_part_") as tmp:
        stats = run_shard(job, Path(tmp), cfg)
        for suffix in (".parquet", ".json"):
            upload_atomic(Path(tmp) / f"{job.name}{suffix}", f"{parts}/{job.name}{suffix}")
    return stats


def _put_shard_star(args: tuple[ShardJob, str]) -> dict:
    return put_shard(*args)
