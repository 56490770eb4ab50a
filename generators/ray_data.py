"""Puzzles inside a Ray Data pipeline: a batch function for ``map_batches``.

>>> import ray
>>> from generators.ray_data import puzzle_batches
>>> ds = ray.data.range(1000).map_batches(puzzle_batches("truth_teller", "tiny", seed=0))
>>> ds.take(1)[0]["question"]

Each input row's ``id`` is an item index; the output batch holds the records of those
items (the dataset's columns and Arrow schema) in input order, leaving out the rare item
that was dropped, so ``range(n)`` gives the same records as ``generators.generate(...)``.
Nothing here imports Ray: the function runs on whichever Ray worker gets the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from .api import generate
from .config import SuiteConfig
from .shards import table


def puzzle_batches(
    family: str,
    config: SuiteConfig | dict[str, Any] | str | Path | None = None,
    seed: int | None = None,
    **family_overrides: Any,
) -> Callable[[dict[str, Any]], pa.Table]:
    """A ``map_batches`` function: a batch with an ``id`` column of item indices -> an Arrow
    table of those records. Arguments as for ``generators.generate``."""
    puzzles = generate(family, config, seed, **family_overrides)

    def records(batch: dict[str, Any]) -> pa.Table:
        rows = []
        for i in batch["id"]:
            try:
                rows.append(puzzles[int(i)].model_dump(mode="json"))
            except LookupError:  # dropped within its solver budget
                continue
        return table(rows)

    return records
