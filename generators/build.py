"""`build`: shard jobs over all cores, resumable parts, then a Hub-layout dataset folder.

A build is a set of independent shard jobs (family, index range). Each job writes one
part file atomically under ``<out>/.parts/<config digest>/``; a rerun skips finished
parts, so an interrupted build resumes and loses nothing. Assembly then splits rows by
canonical hash, drops duplicates inside a split, and writes
``data/<family>/<split>-NNNNN-of-NNNNN.parquet`` plus the dataset card (``assembly``). The same config,
seed and version give byte-identical files.

``--out`` may also be an fsspec URL (``s3://``, ``gs://``, ``file://``...): the shard jobs
(local processes, or Ray tasks on a cluster that can reach the URL) write their parts to
``<url>/.parts/<config digest>/``, so a rerun from any machine resumes from the URL; the
driver then downloads the parts, assembles the folder locally and uploads it, data files
first and the card last (:func:`build_url`).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifiers.record import SPLITS

from .assembly import assemble
from .config import ConfigError, SuiteConfig
from .engines import prepare, run_jobs
from .jobs import EngineError, jobs_for
from .outdir import locked, pause_point, staging, swap_in
from .progress import progress as _progress_bar
from .urls import filesystem, is_url, upload_atomic


@dataclass
class BuildSummary:
    out: Path
    rows: Counter = field(default_factory=Counter)  # (family, variant, level) -> rows kept
    splits: Counter = field(default_factory=Counter)  # (family, split) -> rows
    dropped: Counter = field(default_factory=Counter)  # reason -> items
    notes: Counter = field(default_factory=Counter)  # augmentation and labelling counters
    status: Counter = field(default_factory=Counter)  # (family, status) -> rows
    composition: dict = field(
        default_factory=dict
    )  # family -> {(variant, level): (planned, actual)}
    capped: dict = field(default_factory=dict)  # family -> {(variant, level): (target, planned)}
    duplicates: int = 0
    items: int = 0
    seconds: float = 0.0
    resumed_parts: int = 0

    @property
    def rate(self) -> float:
        return sum(self.rows.values()) / self.seconds if self.seconds else 0.0


def check_out_dir(out: Path) -> None:
    """Fail early, in one line, on an output folder that cannot be written."""
    parent = out.resolve().parent
    if not parent.is_dir():
        raise ConfigError(f"--out {out}: parent folder {parent} does not exist; create it first")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: exists and is not a folder; choose another path")
    target = out if out.exists() else parent
    if not os.access(target, os.W_OK | os.X_OK):
        raise ConfigError(
            f"--out {out}: folder {target} is not writable; fix its permissions or choose another path"
        )


def build(
    cfg: SuiteConfig,
    out: Path | str,
    workers: int | None = None,
    jsonl: bool = False,
    progress: bool = True,
    max_jobs: int | None = None,
    engine: str = "local",
    address: str | None = None,
) -> BuildSummary:
    """Build the suite into ``out`` (a folder, or an fsspec URL: see :func:`build_url`) with
    ``engine`` (``local`` processes or ``ray`` tasks, see ``engines``). ``max_jobs`` stops
    after that many new shards (for tests)."""
    if is_url(out):
        return build_url(cfg, str(out), workers, jsonl, progress, max_jobs, engine, address)
    prepare(engine, address, workers)  # a bad engine or address: nothing is created
    return _build_folder(cfg, Path(out), workers, jsonl, progress, max_jobs, engine, address)


@locked  # one build per folder: a second one fails at once
def _build_folder(
    cfg: SuiteConfig,
    out: Path,
    workers: int | None,
    jsonl: bool,
    progress: bool,
    max_jobs: int | None,
    engine: str,
    address: str | None,
) -> BuildSummary:
    check_out_dir(out)
    out.mkdir(exist_ok=True)
    parts = out / ".parts" / cfg.digest()
    parts.mkdir(parents=True, exist_ok=True)
    for stale in (out / ".parts").iterdir():
        if stale != parts:
            shutil.rmtree(stale, ignore_errors=True)
    jobs = jobs_for(cfg)
    done = {p.stem for p in parts.glob("*.json")}
    todo = [j for j in jobs if j.name not in done]
    if max_jobs is not None:
        todo = todo[:max_jobs]
    summary = BuildSummary(
        out=out, resumed_parts=len(jobs) - len([j for j in jobs if j.name not in done])
    )
    workers = max(1, workers or os.cpu_count() or 1)
    t0 = time.perf_counter()
    bar = _progress(sum(j.end - j.start for j in todo), progress)
    run_jobs(
        todo, cfg, parts, workers, lambda st: bar.update(st["items"]), engine, address, _preload
    )
    bar.close()
    if max_jobs is not None and len(todo) < len([j for j in jobs if j.name not in done]):
        summary.seconds = time.perf_counter() - t0
        return summary  # partial, by request
    stage = staging(out)  # the new files beside the old, then swapped in (see outdir)
    assemble(cfg, stage, parts, jobs, summary, jsonl)
    pause_point("assemble")
    swap_in(stage, out)
    summary.seconds = time.perf_counter() - t0
    shutil.rmtree(out / ".parts", ignore_errors=True)
    return summary


def _preload() -> None:
    from cards.histogram import preload

    preload()  # while the workers run, so that the card's histogram starts drawing at once


def _progress(total: int, enabled: bool):
    return _progress_bar(total, enabled, unit="puzzle", desc="build")


def format_summary(s: BuildSummary) -> str:
    """The end-of-build table: rows by family/variant/level, splits, drops and rate."""
    lines = [
        "",
        f"{'family':<16} {'variant':<24} {'L1':>6} {'L2':>6} {'L3':>6} {'L4':>6} {'total':>7}",
    ]
    keys = sorted({(f, v) for f, v, _ in s.rows})
    for f, v in keys:
        counts = [s.rows.get((f, v, lv), 0) for lv in (1, 2, 3, 4)]
        lines.append(
            f"{f:<16} {v:<24} " + " ".join(f"{c:>6}" for c in counts) + f" {sum(counts):>7}"
        )
    total = sum(s.rows.values())
    lines.append(f"{'':<16} {'total':<24} {'':>27} {total:>7}")
    fams = sorted({f for f, _ in s.splits})
    lines.append("")
    lines.append(
        "splits: "
        + "; ".join(
            f"{f} " + "/".join(str(s.splits.get((f, sp), 0)) for sp in SPLITS) for f in fams
        )
        + " (train/validation/test)"
    )
    for fam, comp in sorted(s.composition.items()):
        worst = max((abs(a - t) for t, a in comp.values()), default=0.0)
        lines.append(
            f"composition {fam}: max deviation from the planned mix {worst * 100:.1f}% over {len(comp)} variant x level cells"
            + (
                f" ({len(s.capped[fam])} small cells capped at what they hold)"
                if s.capped.get(fam)
                else ""
            )
        )
    if any(st != "unique" for _, st in s.status):
        lines.append(
            "status: " + ", ".join(f"{f}/{st}={n}" for (f, st), n in sorted(s.status.items()))
        )
    aug = {k: v for k, v in s.notes.items() if k.startswith("augmented:")}
    if aug:
        lines.append(
            f"augmented rows: {sum(aug.values())} ("
            + ", ".join(f"{k.split(':', 1)[1]}: {v}" for k, v in sorted(aug.items()))
            + ")"
        )
    failed = {k: v for k, v in s.notes.items() if not k.startswith("augmented:")}
    if failed:
        lines.append("not kept: " + ", ".join(f"{k}: {v}" for k, v in sorted(failed.items())))
    drops = ", ".join(f"{k}: {v}" for k, v in sorted(s.dropped.items())) or "none"
    lines.append(
        f"dropped items: {sum(s.dropped.values())} ({drops}); duplicates removed: {s.duplicates}"
    )
    lines.append(
        f"{total} rows from {s.items} items in {s.seconds:.1f}s = {s.rate:.0f} puzzles/s -> {s.out}"
    )
    return "\n".join(lines)


# --- an fsspec URL as --out ---------------------------------------------------------------


def build_url(
    cfg: SuiteConfig,
    url: str,
    workers: int | None = None,
    jsonl: bool = False,
    progress: bool = True,
    max_jobs: int | None = None,
    engine: str = "local",
    address: str | None = None,
) -> BuildSummary:
    """``build()`` into the fsspec URL ``url``; the summary's ``out`` is the URL."""
    fs, root = filesystem(url)
    try:
        is_file = fs.isfile(root)
    except Exception as e:  # the backend's own errors: credentials, network, no bucket
        raise EngineError(
            f"--out {url}: cannot reach it ({type(e).__name__}: {_line(e)}); check "
            "the URL and the backend's credentials, then rerun",
            3,
        ) from None
    if is_file:
        raise ConfigError(f"--out {url}: exists and is not a folder; choose another URL")
    prepare(engine, address, workers)
    t0 = time.perf_counter()
    digest = cfg.digest()
    parts = f"{root}/.parts/{digest}"
    fs.makedirs(parts, exist_ok=True)
    for stale in fs.ls(f"{root}/.parts", detail=False):
        if stale.rstrip("/") != parts:
            fs.rm(stale, recursive=True)
    jobs = jobs_for(cfg)
    done = _finished(fs, parts)
    todo = [j for j in jobs if j.name not in done]
    left = len(todo)
    if max_jobs is not None:
        todo = todo[:max_jobs]
    bar = _progress(sum(j.end - j.start for j in todo), progress)
    workers = max(1, workers or os.cpu_count() or 1)
    run_jobs(
        todo, cfg, fs.unstrip_protocol(parts), workers, lambda s: bar.update(s["items"]), engine
    )
    bar.close()
    if len(todo) < left:  # partial, by request
        return BuildSummary(out=url, resumed_parts=len(jobs) - left)  # type: ignore[arg-type]
    missing = [j.name for j in jobs if j.name not in _finished(fs, parts)]
    if missing:
        raise EngineError(
            f"shard {missing[0]}: its part is not in {url}/.parts/ ({len(missing)} missing); "
            "every worker must be able to write to the --out URL"
        )
    with tempfile.TemporaryDirectory(prefix="logic_suite_stage_") as tmp:
        stage = Path(tmp) / "out"
        local_parts = stage / ".parts" / digest
        local_parts.mkdir(parents=True)
        names = [f"{j.name}{s}" for j in jobs for s in (".parquet", ".json")]
        fs.get([f"{parts}/{n}" for n in names], [str(local_parts / n) for n in names])
        summary = build(cfg, stage, workers=1, jsonl=jsonl, progress=False)
        _upload(stage, fs, root)
    fs.rm(f"{root}/.parts", recursive=True)
    summary.out = url  # type: ignore[assignment]
    summary.resumed_parts = len(jobs) - left
    summary.seconds = time.perf_counter() - t0
    return summary


def _line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:200]


def _finished(fs: Any, parts: str) -> set[str]:
    return {posixpath.basename(p)[: -len(".json")] for p in fs.glob(f"{parts}/*.json")}


def _upload(stage: Path, fs: Any, root: str) -> None:
    """Upload the staged folder (dot-files such as ``.parts`` stay behind): data files
    first, the card last; then delete the URL's data files that this build lacks."""
    files = sorted(
        p
        for p in stage.rglob("*")
        if p.is_file() and not any(x.startswith(".") for x in p.relative_to(stage).parts)
    )
    files.sort(key=lambda p: (p.name == "README.md", p.parts[len(stage.parts)] != "data"))
    for p in files:
        upload_atomic(p, fs.unstrip_protocol(f"{root}/{p.relative_to(stage).as_posix()}"))
    keep = {f"{root}/{p.relative_to(stage).as_posix()}" for p in files}
    for old in fs.glob(f"{root}/data/*/*"):
        if old not in keep:
            fs.rm(old)
