"""One build per folder, and a folder that is never half old, half new.

- :func:`locked` holds an exclusive ``flock`` on ``<out>/.lock`` for a whole build: a second
  build into a folder in use fails at once with one line naming the holder's pid (written in
  the file while the build runs). The lock dies with its process, so a killed build never
  leaves a stale lock.
- :func:`staging` / :func:`swap_in`: assembly writes the new ``data/``, card, histogram and
  ``build_info.json`` into ``<out>/.staging/``; the swap then renames them into place. While
  it renames, ``<out>/BUILD_INCOMPLETE`` says so: a build killed before the swap leaves the
  old build whole, one killed during it leaves the marker, which ``validate``, ``stats``,
  ``curriculum`` and ``push`` report and which a rerun of the build clears.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

LOCK = ".lock"
STAGING = ".staging"
OLD = ".old"
INCOMPLETE = "BUILD_INCOMPLETE"
# Files and folders a build owns at the top of its folder (the card's histogram is added).
OWNED = ("data", "build_info.json", "README.md")
PAUSE_ENV = "LOGIC_SUITE_TEST_PAUSE"  # "<point>:<dir>": tests pause a build at that point

F = TypeVar("F", bound=Callable[..., Any])


class BusyError(ValueError):
    """Another build holds the folder's lock."""


def _lock(out: Path) -> int:
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise BusyError(
            f"--out {out}: another build (pid {holder}) is writing this folder; "
            "wait for it to finish or choose another --out"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def locked(fn: F) -> F:
    """Decorate ``build(cfg, out, ...)``: hold ``out``'s lock while it runs."""

    @functools.wraps(fn)
    def wrapper(cfg: Any, out: Any, *args: Any, **kwargs: Any) -> Any:
        out = Path(out)
        if not out.resolve().parent.is_dir() or (out.exists() and not out.is_dir()):
            return fn(cfg, out, *args, **kwargs)  # the build's own check names the problem
        out.mkdir(exist_ok=True)
        fd = _lock(out)
        try:
            return fn(cfg, out, *args, **kwargs)
        finally:
            os.ftruncate(fd, 0)  # the pid goes with the lock: the same build, the same bytes
            os.close(fd)

    return wrapper  # type: ignore[return-value]


def pause_point(point: str) -> None:
    """Tests only: with ``LOGIC_SUITE_TEST_PAUSE=<point>:<dir>``, create ``<dir>/paused`` and
    wait until ``<dir>/resume`` exists (so a test can kill or race a build at ``point``)."""
    spec = os.environ.get(PAUSE_ENV, "")
    if not spec.startswith(point + ":"):
        return
    where = Path(spec.split(":", 1)[1])
    (where / "paused").write_text(str(os.getpid()))
    while not (where / "resume").exists():
        time.sleep(0.05)


def staging(out: Path) -> Path:
    """An empty ``<out>/.staging/`` for the new build's files."""
    stage = out / STAGING
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def _owned() -> tuple[str, ...]:
    from cards import HISTOGRAM

    return (*OWNED, HISTOGRAM)


def swap_in(stage: Path, out: Path) -> None:
    """Move the staged build into ``out``, the old build's files aside, then delete them."""
    old = out / OLD
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir()
    (out / INCOMPLETE).write_text(
        "A build was interrupted while it replaced this folder's files; "
        "rerun the build command to repair it.\n"
    )
    names = sorted({p.name for p in stage.iterdir()} | set(_owned()))
    for i, name in enumerate(names):
        if (out / name).exists():
            os.replace(out / name, old / name)
        if (stage / name).exists():
            os.replace(stage / name, out / name)
        if i == 0:
            pause_point("swap")
    (out / INCOMPLETE).unlink()
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)


def incomplete(root: Path) -> str | None:
    """The problem line of a folder whose last build was cut off mid-swap, else None."""
    if (Path(root) / INCOMPLETE).exists():
        return (
            f"{root}: {INCOMPLETE}: a build was killed while it replaced this folder's files; "
            "rerun the same build command to repair it"
        )
    return None
