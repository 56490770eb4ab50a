"""Easy-to-hard curriculum: promote to the next level when rolling accuracy reaches a threshold.

The curriculum is fed each scored completion's level and whether it was right; it keeps a
rolling window per level and moves up once the current level's window is full and its mean
accuracy is at least ``threshold`` (0.9 by default). ``history`` records (step, level) at
every change, and the trainer logs ``curriculum/level`` at every logging step.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from typing import Any


class Curriculum:
    def __init__(
        self,
        levels: list[int],
        threshold: float = 0.9,
        window: int = 64,
        start_level: int | None = None,
    ):
        if not levels:
            raise ValueError("curriculum.levels must list at least one level")
        self.levels = sorted(levels)
        self.threshold, self.window = threshold, window
        self.index = self.levels.index(start_level) if start_level in self.levels else 0
        self.recent: deque[float] = deque(maxlen=window)
        self.step = 0
        self.history: list[tuple[int, int]] = [(0, self.level)]

    @property
    def level(self) -> int:
        return self.levels[self.index]

    def rolling_accuracy(self) -> float | None:
        return sum(self.recent) / len(self.recent) if self.recent else None

    def observe(self, level: int, correct: float) -> bool:
        """Record one completion's result; return True when this promoted the curriculum."""
        self.step += 1
        if level != self.level:
            return False  # a late result from the previous level (prefetched batch)
        self.recent.append(float(correct))
        acc = self.rolling_accuracy()
        if (
            len(self.recent) >= self.window
            and acc is not None
            and acc >= self.threshold
            and self.index + 1 < len(self.levels)
        ):
            self.index += 1
            self.recent.clear()
            self.history.append((self.step, self.level))
            return True
        return False

    def state_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "recent": list(self.recent),
            "step": self.step,
            "history": self.history,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.index, self.step = state["index"], state["step"]
        self.recent = deque(state["recent"], maxlen=self.window)
        self.history = [tuple(x) for x in state["history"]]


def offline_stream(rows: list[dict], cur: Curriculum, seed: int = 0) -> Iterator[dict]:
    """Endless rows from a built split, each drawn from the curriculum's current level."""
    by_level: dict[int, list[dict]] = {}
    for r in rows:
        by_level.setdefault(int(r["level"]), []).append(r)
    rng = random.Random(seed)
    while True:
        pool = by_level.get(cur.level) or rows
        yield pool[rng.randrange(len(pool))]


def online_stream(
    families: list[str], generator_config: str, seed: int, cur: Curriculum
) -> Iterator[dict]:
    """Endless fresh puzzles from ``generators.generate``; the curriculum picks each item's level.

    Imports ``generators`` (and so z3) lazily: only online mode pays for the solver.
    """
    from generators import generate

    streams: dict[tuple[str, int], Iterator] = {}
    i = 0
    while True:
        fam = families[i % len(families)]
        key = (fam, cur.level)
        if key not in streams:
            s = seed + 7919 * cur.level + 104729 * families.index(fam)
            streams[key] = iter(
                generate(fam, generator_config, s, count=0, levels={cur.level: 1.0})
            )
        rec = next(streams[key])
        i += 1
        yield rec.model_dump()
