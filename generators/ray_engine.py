"""The Ray engine: a build's shard jobs as Ray Core tasks, retried by Ray, with progress.

Each task runs ``engines.put_shard`` (the same ``run_shard`` as local processes), so a Ray
build writes the same parts and assembles to byte-identical files. A task that raises is
retried by Ray (``MAX_RETRIES``); Ray reports each failed attempt on the driver's stderr
under the task's name, which is the shard's. A shard that fails every attempt stops the
build with one line naming it (exit 3); the other parts stay for the rerun to resume from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .config import SuiteConfig, parse_config
from .jobs import EngineError, ShardJob, put_shard
from .urls import is_url

RAY_INSTALL = 'pip install "logic-suite[ray]"'


MAX_RETRIES = 2  # Ray re-runs a failed task this many times: 3 attempts in all
FAIL_ENV = "LOGIC_SUITE_FAIL_SHARD"  # test hook: "NAME" fails always, "NAME:K" the first K tries
MARKS_ENV = "LOGIC_SUITE_FAIL_MARKS"  # folder for its attempt marks (default: a new temp folder)
_OWNED = False  # this process started (or joined) Ray itself, rather than its caller


def require_ray() -> Any:
    """The ``ray`` module, or a one-line error that says how to install it."""
    try:
        import ray
    except ImportError:
        raise EngineError(
            f"--engine ray needs Ray, which is not installed: {RAY_INSTALL}"
        ) from None
    return ray


def connect(address: str | None, workers: int | None) -> None:
    """Join the Ray cluster at ``address`` (``auto``, ``HOST:PORT``, ``ray://HOST:PORT``), or
    start a local one with ``workers`` CPUs (``None``/``local``). A session that is already
    connected (``ray.init`` called by the caller) is used as it is."""
    ray = require_ray()
    global _OWNED
    if ray.is_initialized():
        return
    os.environ.setdefault("RAY_DISABLE_USAGE_STATS", "1")
    try:
        if address in (None, "local"):
            ray.init(
                num_cpus=workers or os.cpu_count() or 1,
                include_dashboard=False,
                logging_level=logging.ERROR,
            )
        else:
            ray.init(address=address, logging_level=logging.ERROR)
    except Exception as e:  # ConnectionError, TimeoutError, RuntimeError, ... from ray.init
        where = address or "local"
        raise EngineError(
            f"--address {where}: cannot start or reach Ray ({_first_line(e)}); start a cluster "
            "with `ray start --head` (then --address auto) or check HOST:PORT",
            3,
        ) from None
    _OWNED = True


_CFGS: dict[str, SuiteConfig] = {}


def _shard_task(job: ShardJob, cfg_json: str, parts: str, fault: tuple | None) -> dict:
    """One shard on a Ray worker (the config is parsed once per worker process)."""
    key = hashlib.sha256(cfg_json.encode()).hexdigest()
    if key not in _CFGS:
        _CFGS[key] = parse_config(json.loads(cfg_json))
    _inject(job, fault)
    return put_shard(job, parts, _CFGS[key])


def _fault_from_env() -> tuple | None:
    spec = os.environ.get(FAIL_ENV)
    if not spec:
        return None
    name, _, times = spec.partition(":")
    marks = os.environ.get(MARKS_ENV) or str(
        Path(tempfile.gettempdir()) / "logic_suite_faults" / uuid.uuid4().hex
    )
    return (name, int(times) if times else None, marks)


def _inject(job: ShardJob, fault: tuple | None) -> None:
    """The test hook: fail the named shard always, or on its first K attempts (one mark file
    per failed attempt, since a retried Ray task gets the same arguments)."""
    if fault is None or fault[0] != job.name:
        return
    name, times, marks_dir = fault
    if times is not None:
        marks = Path(marks_dir)
        marks.mkdir(parents=True, exist_ok=True)
        tried = len(list(marks.iterdir()))
        if tried >= times:
            return
        (marks / str(tried)).touch()
    raise RuntimeError(f"injected failure of {name} ({FAIL_ENV})")


def run_ray(
    todo: Sequence[ShardJob],
    cfg: SuiteConfig,
    parts: str,
    workers: int,
    on_done: Callable[[dict], None],
) -> None:
    """Run ``todo`` as Ray tasks; ``on_done(stats)`` as each finishes."""
    ray = require_ray()
    connect(None, workers)
    task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, retry_exceptions=True)(_shard_task)
    cfg_ref = ray.put(cfg.model_dump_json())
    fault = _fault_from_env()
    pending = {task.options(name=j.name).remote(j, cfg_ref, parts, fault): j for j in todo}
    refs = list(pending)
    while refs:
        ready, refs = ray.wait(refs, num_returns=min(len(refs), 64), timeout=0.5)
        for ref in ready:
            job = pending.pop(ref)
            try:
                stats = ray.get(ref)
            except ray.exceptions.RayError as e:
                _stop(ray, pending)
                cause = getattr(e, "cause", None) or e
                raise EngineError(
                    f"shard {job.name} failed on all {MAX_RETRIES + 1} attempts: "
                    f"{_first_line(cause)}; the other finished shards are kept in {parts}; "
                    "fix the cause and rerun the same command to resume",
                    3,
                ) from None
            if not is_url(parts) and not (Path(parts) / f"{job.name}.json").exists():
                _stop(ray, pending)
                raise EngineError(
                    f"shard {job.name}: its part, written by a Ray worker, is not in {parts} on "
                    "this machine; give --out a folder shared by the cluster or an fsspec URL "
                    "(s3://...)"
                )
            on_done(stats)


def _stop(ray: Any, pending: dict) -> None:
    """Cancel the tasks still queued or running and wait for them to settle, so that no
    write is cut off when the driver exits (a cancelled write removes its temporary file)."""
    refs = list(pending)
    for ref in refs:
        ray.cancel(ref)
    for ref in refs:
        try:
            ray.get(ref, timeout=60)
        except Exception:  # cancelled, failed or timed out: the part is simply not there
            pass
    if _OWNED:  # flush Ray's forwarded logs now, so that the error line comes last
        ray.shutdown()


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__
