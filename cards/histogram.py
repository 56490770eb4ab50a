"""The card's difficulty histogram: a PNG written next to README.md (matplotlib, Agg).

Drawing takes a second or two, so a build draws it in a forked process
(:func:`draw_in_background`) while it writes the data files, with matplotlib imported
ahead (:func:`preload`) while the shard jobs run.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .facts import LEVELS, Facts

HISTOGRAM = "difficulty_histogram.png"
_COLORS = {1: "#4c9f70", 2: "#3b7dd8", 3: "#e0a030", 4: "#c8453c"}


def write_histogram(facts: Facts, out: Path) -> Path | None:
    """Draw a difficulty histogram per family, stacked by level; None if there are no rows.

    Uses the object API with the Agg canvas (no pyplot state), fixed size and no
    timestamp metadata, so the same data gives the same bytes.
    """
    fams = [f for f in facts.families if facts.hist.get(f)]
    if not fams:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2 * len(fams), 3.2), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(fams), squeeze=False)[0]
    for ax, fam in zip(axes, fams, strict=True):
        metric, by_level = facts.hist[fam]
        log = metric.startswith("z3_")  # solver work spans orders of magnitude
        vals = {
            lv: [math.log10(1 + v) if log else v for v in by_level.get(lv, [])] for lv in LEVELS
        }
        flat = [x for xs in vals.values() for x in xs]
        lo, hi = min(flat), max(flat)
        bins = [lo + (hi - lo + 1e-9) * i / 20 for i in range(21)]
        present = [lv for lv in LEVELS if vals[lv]]
        ax.hist(
            [vals[lv] for lv in present],
            bins=bins,
            stacked=True,
            color=[_COLORS[lv] for lv in present],
            label=[f"L{lv} ({len(vals[lv])})" for lv in present],
        )
        ax.set_title(fam)
        ax.set_xlabel(f"log10(1 + {metric})" if log else metric)
        ax.set_ylabel("rows")
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / HISTOGRAM
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fig.savefig(tmp, format="png", metadata={"Software": None})
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def preload() -> None:
    """Import what drawing needs (a build does this in a thread while its workers run)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def _draw_child(facts: Facts, out: Path) -> None:
    write_histogram(facts, out)


def draw_in_background(facts: Facts, out: Path) -> Callable[[], Path | None]:
    """Start :func:`write_histogram` in a forked process; return a ``wait()`` that joins it
    and returns the PNG's path (None if there were no rows). Where fork is unavailable, or
    the child fails, ``wait()`` draws in this process instead (so an error surfaces here)."""
    if not any(facts.hist.get(f) for f in facts.families):
        return lambda: None
    if sys.platform != "linux":
        return lambda: write_histogram(facts, out)
    child = mp.get_context("fork").Process(target=_draw_child, args=(facts, out), daemon=True)
    child.start()

    def wait() -> Path | None:
        child.join()
        if child.exitcode == 0:
            return out / HISTOGRAM
        return write_histogram(facts, out)

    return wait
