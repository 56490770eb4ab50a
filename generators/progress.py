"""Progress for long commands: a tqdm bar on a terminal, plain periodic lines in logs.

When stderr is not a TTY (CI, ``nohup``, a pipe) a bar's carriage returns make one endless
line, so :func:`progress` prints ``<desc>: 120/500 puzzle (24%), 3.1/s, ETA 2m03s`` every
``LOGIC_SUITE_PROGRESS_EVERY`` seconds (default 30) and once at the end instead.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

EVERY_ENV = "LOGIC_SUITE_PROGRESS_EVERY"


def _duration(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class LineProgress:
    """tqdm's ``update`` / ``close`` as plain lines with rate and ETA, for logs."""

    def __init__(self, total: int, unit: str, desc: str, every: float):
        self.total, self.unit, self.desc, self.every = total, unit, desc, every
        self.n = 0
        self.t0 = self.last = time.monotonic()

    def _line(self) -> str:
        dt = max(time.monotonic() - self.t0, 1e-9)
        rate = self.n / dt
        pct = f" ({100 * self.n / self.total:.0f}%)" if self.total else ""
        left = self.total - self.n
        eta = f", ETA {_duration(left / rate)}" if rate > 0 and left > 0 else ""
        return f"{self.desc}: {self.n}/{self.total} {self.unit}{pct}, {rate:.1f}/s{eta}"

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            print(self._line(), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.total:
            print(
                self._line() + f" in {_duration(time.monotonic() - self.t0)}",
                file=sys.stderr,
                flush=True,
            )


class _Off:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress(total: int, enabled: bool = True, unit: str = "item", desc: str = "") -> Any:
    """A progress reporter with ``update(n)`` and ``close()`` (see the module docstring)."""
    if not enabled or total <= 0:
        return _Off()
    if sys.stderr.isatty():
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: a build forks its workers after this
        return tqdm(
            total=total,
            unit=unit,
            desc=desc or None,
            file=sys.stderr,
            dynamic_ncols=True,
            smoothing=0.1,
        )
    every = float(os.environ.get(EVERY_ENV) or 30)
    return LineProgress(total, unit, desc, every)
