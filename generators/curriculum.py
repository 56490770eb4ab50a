"""`curriculum`: the train split ordered easy to hard, for trainers that read shards in order."""

from __future__ import annotations

import json
from pathlib import Path

from .shards import DataError, data_files, read_rows, table, write_atomic


def _hardness(row: dict) -> tuple:
    d = json.loads(row["difficulty"])
    return (
        row["level"],
        d.get("deduction_depth", 0),
        d.get("z3_conflicts", 0),
        row["family"],
        row["id"],
    )


def export(root: Path, out: Path | None = None) -> tuple[Path, int]:
    """Write ``<root>/curriculum/train-00000-of-00001.parquet``: every train row (all families),
    sorted by level, then deduction depth, then Z3 conflicts. The ``level`` column is kept."""
    rows = [r for f in data_files(root) if f.name.startswith("train-") for r in read_rows(f)]
    if not rows:
        raise DataError(
            f"{root}/data: no train rows to order (no train-*.parquet files, or all empty); "
            "build with a config whose train split is non-empty"
        )
    rows.sort(key=_hardness)
    path = out or root / "curriculum" / "train-00000-of-00001.parquet"
    write_atomic(table(rows), path)
    return path, len(rows)
