"""Build into an fsspec URL (``s3://``, ``gs://``, ``file://``...): parts on the URL, the
assembly staged locally and uploaded.

The shard jobs (local processes, or Ray tasks on a cluster that can reach the URL) write
their parts to ``<url>/.parts/<config digest>/`` through temporary names, so a rerun from
any machine resumes from the URL. The driver then downloads the parts, assembles the
folder in a local temporary folder with the usual ``build()``, and uploads it: data files
first and the card (``README.md``) last; then it deletes files of an earlier build that
this one lacks, and the parts.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ConfigError
from .engines import EngineError, prepare, run_jobs

if TYPE_CHECKING:
    from .build import BuildSummary
    from .config import SuiteConfig


def is_url(out: object) -> bool:
    """True for an fsspec URL such as ``s3://bucket/suite`` (a plain path is not one)."""
    return isinstance(out, str) and "://" in out


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) of ``url``, or a one-line error naming the fix."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as e:
        raise ConfigError(
            f"--out {url}: {str(e).splitlines()[0]}; install the fsspec backend of this "
            "scheme (e.g. pip install s3fs) or give a local folder"
        ) from None
    return fs, path.rstrip("/")


def upload_atomic(local: Path, url: str) -> None:
    """Copy ``local`` to ``url`` through a temporary name and a move: never half a file."""
    fs, path = filesystem(url)
    parent = posixpath.dirname(path)
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.{posixpath.basename(path)}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        fs.put_file(str(local), tmp)
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


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
    from .build import BuildSummary, _progress, build, jobs_for

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
