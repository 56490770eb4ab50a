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
from .pipeline import DUPLICATE, make_item
from .shards import read_column, table, write_atomic, write_text_atomic
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


# Canonical hashes a process remembers per family (about 100 bytes each), for skipping
# duplicates before their proof; past the cap, new hashes are not remembered.
MEMO_CAP = 200_000


class Emitted:
    """The canonical hashes that a family's items emitted, each with the lowest index known
    to bound an emission of it from above (the item's own index, or the last index of a
    finished part that holds it).

    An item whose hash an earlier item emitted is a duplicate that assembly drops (the
    split is a function of the hash; rows are assembled in index order), so its proof can
    be skipped. Whichever shards a process happens to run, only earlier items count, so
    what is skipped changes the work, never the assembled data.
    """

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.merged: set[str] = set()

    def before(self, chash: str, index: int) -> bool:
        j = self.first.get(chash)
        return j is not None and j < index

    def add(self, chash: str, index: int) -> None:
        j = self.first.get(chash)
        if j is not None:
            self.first[chash] = min(j, index)
        elif len(self.first) < MEMO_CAP:
            self.first[chash] = index

    def merge_parts(self, parts: Path, job: ShardJob) -> None:
        """Add the originals of the finished parts of ``parts`` that lie wholly before ``job``."""
        for stats in parts.glob(f"{job.family}-*.json"):
            name = stats.stem
            end = int(name.rsplit("-", 1)[1])
            if name in self.merged or end > job.start:
                continue
            self.merged.add(name)
            hashes, parents = read_column(parts / f"{name}.parquet", "canonical_hash", "parent_id")
            for h, p in zip(hashes, parents, strict=True):
                if not p:
                    self.add(h, end - 1)  # emitted at some index in [start, end)


_EMITTED: dict[tuple[str, str], Emitted] = {}


def _emitted(cfg: SuiteConfig, family: str) -> Emitted | None:
    """This process's memory of ``family``'s emitted hashes under ``cfg`` (one config at a
    time); None when augmentation is on (a duplicate's augmented rows may still be kept)."""
    if cfg.augment.per_item:
        return None
    key = (cfg.digest(), family)
    if key not in _EMITTED:
        for k in [k for k in _EMITTED if k[0] != key[0]]:
            del _EMITTED[k]
        _EMITTED[key] = Emitted()
    return _EMITTED[key]


def run_shard(job: ShardJob, parts: Path, cfg: SuiteConfig | None = None) -> dict:
    """Generate one shard and write its part (rows + stats) atomically; return the stats.

    Items that repeat an earlier item's puzzle (:class:`Emitted`) are counted as
    ``duplicates`` and not proven; assembly would drop them anyway.
    """
    cfg = cfg or _CFG
    rows, drops, notes = [], Counter(), Counter()
    duplicates = 0
    t0 = time.perf_counter()
    memo = _emitted(cfg, job.family)
    if memo is not None:
        memo.merge_parts(parts, job)
    for i in range(job.start, job.end):
        seen = None if memo is None else (lambda h, i=i: memo.before(h, i))
        out = make_item(cfg, job.family, i, seen)
        notes.update(out.notes)
        if out.dropped == DUPLICATE:
            duplicates += 1
        elif out.record is None:
            drops[out.dropped] += 1
        else:
            if memo is not None:
                memo.add(out.record.canonical_hash, i)
            rows.append(out.record.model_dump(mode="json"))
            rows.extend(r.model_dump(mode="json") for r in out.extra)
    stats = {
        "job": job.name,
        "items": job.end - job.start,
        "rows": len(rows),
        "dropped": dict(drops),
        "duplicates": duplicates,
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
