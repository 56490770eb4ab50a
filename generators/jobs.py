"""The shard jobs of a build: one (family, index range) each, run anywhere.

A job writes one part (rows, then the stats file that marks it complete) through temporary
names, into a local folder or an fsspec URL; the same job gives the same bytes wherever it
runs, so engines (``engines``: local processes or Ray tasks) only decide where.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .config import SuiteConfig, parse_config
from .pipeline import make_item
from .shards import table, write_atomic, write_text_atomic
from .urls import is_url, upload_atomic


class EngineError(Exception):
    """A build the engine cannot finish; ``exit_code`` 2 = fix the input, 3 = retry later."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class ShardJob:
    family: str
    start: int
    end: int

    @property
    def name(self) -> str:
        return f"{self.family}-{self.start:09d}-{self.end:09d}"


def jobs_for(cfg: SuiteConfig) -> list[ShardJob]:
    jobs = []
    for fam, fc in cfg.families.items():
        for start in range(0, fc.count, cfg.shard_size):
            jobs.append(ShardJob(fam, start, min(fc.count, start + cfg.shard_size)))
    return jobs


_CFG: SuiteConfig | None = None


def init_worker(cfg_json: str) -> None:
    global _CFG
    _CFG = parse_config(json.loads(cfg_json))


def run_shard(job: ShardJob, parts: Path, cfg: SuiteConfig | None = None) -> dict:
    """Generate one shard and write its part (rows + stats) atomically; return the stats."""
    cfg = cfg or _CFG
    rows, drops, notes = [], Counter(), Counter()
    t0 = time.perf_counter()
    for i in range(job.start, job.end):
        out = make_item(cfg, job.family, i)
        notes.update(out.notes)
        if out.record is None:
            drops[out.dropped] += 1
        else:
            rows.append(out.record.model_dump(mode="json"))
            rows.extend(r.model_dump(mode="json") for r in out.extra)
    stats = {
        "job": job.name,
        "items": job.end - job.start,
        "rows": len(rows),
        "dropped": dict(drops),
        "notes": dict(notes),
        "seconds": time.perf_counter() - t0,
    }
    write_atomic(table(rows), parts / f"{job.name}.parquet")
    write_text_atomic(
        json.dumps(stats), parts / f"{job.name}.json"
    )  # written last: marks the part complete
    return stats


def put_shard(job: ShardJob, parts: str, cfg: SuiteConfig | None = None) -> dict:
    """``run_shard`` into ``parts``, a local folder or an fsspec URL; return its stats.

    For a URL the part is built in a local temporary folder and uploaded: rows first, then
    the stats file that marks the part complete, each through a temporary name.
    """
    if not is_url(parts):
        return run_shard(job, Path(parts), cfg)
    with tempfile.TemporaryDirectory(prefix="logic_suite_part_") as tmp:
        stats = run_shard(job, Path(tmp), cfg)
        for suffix in (".parquet", ".json"):
            upload_atomic(Path(tmp) / f"{job.name}{suffix}", f"{parts}/{job.name}{suffix}")
    return stats


def put_shard_star(args: tuple[ShardJob, str]) -> dict:
    return put_shard(*args)
