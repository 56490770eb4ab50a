"""``python -m benchmarks quality DIR``: scan a built dataset for writing defects (issue 14).

Each family that has checks provides ``benchmarks.quality.<family>`` with

- ``CLASSES``: the defect classes it can report, in table order;
- ``defects(row) -> set[str]``: the classes one row shows (``row`` is a record as read from
  the parquet files: ``spec``, ``answer_json`` and ``difficulty`` are JSON strings).

Checks are pure Python over the published columns (no z3, no generators), so they judge
what a reader sees. The common text checks in :mod:`benchmarks.quality.text` run on every
family. A class's rate is the share of the family's rows that show it. Every class must
read 0 on the default build, except ``ALLOWED`` (a ceiling, not zero).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

from . import text

# Defect classes allowed above zero on a default build, with their ceiling (issue 14).
ALLOWED = {"single_clue_distractor": 0.05}
COLUMNS = (
    "id", "family", "variant", "level", "question", "choices", "answer_label", "answer",
    "solution", "status", "spec", "answer_json", "difficulty", "augmentation", "prompt",
)  # fmt: skip


class QualityError(ValueError):
    """The folder holds no dataset to scan."""


def family_checks(family: str):
    """The family's check module, or None where it has none."""
    try:
        return import_module(f"{__name__}.{family}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{family}":
            raise
        return None


def rows(root: Path, limit: int | None = None) -> Iterator[dict]:
    """Every record under ``root/data`` (each split and family), read a batch at a time."""
    import pyarrow.parquet as pq

    files = sorted(Path(root).glob("data/*/*.parquet"))
    if not files:
        raise QualityError(f"{root}: no data/*/*.parquet files; pass a built dataset folder")
    seen = 0
    for f in files:
        pf = pq.ParquetFile(f)
        cols = [c for c in COLUMNS if c in pf.schema_arrow.names]
        for batch in pf.iter_batches(batch_size=2048, columns=cols):
            for row in batch.to_pylist():
                row["split"] = f.name.split("-")[0]
                yield row
                seen += 1
                if limit is not None and seen >= limit:
                    return


def row_defects(row: dict) -> set[str]:
    """All defect classes one row shows: the family's own and the common text ones."""
    found = set(text.defects(row))
    mod = family_checks(row["family"])
    if mod is not None:
        found |= set(mod.defects(row))
    return found


def scan(root: Path, limit: int | None = None, examples: int = 2) -> dict:
    """Rates of every defect class per family, trace lengths per level, and a few examples."""
    totals: Counter = Counter()
    hits: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    lines: dict[tuple[str, int], list[int]] = defaultdict(list)
    for row in rows(root, limit):
        fam = row["family"]
        totals[fam] += 1
        lines[(fam, row["level"])].append(len(row["solution"].strip().splitlines()))
        for cls in row_defects(row):
            hits[fam][cls] += 1
            if len(shown[fam][cls]) < examples:
                shown[fam][cls].append(row["id"])
    families = {}
    for fam in sorted(totals):
        mod = family_checks(fam)
        classes = list(text.CLASSES) + list(getattr(mod, "CLASSES", ()))
        classes += sorted(set(hits[fam]) - set(classes))
        families[fam] = {
            "rows": totals[fam],
            "checked": mod is not None,
            "rates": {c: hits[fam][c] / totals[fam] for c in classes},
            "examples": {c: ids for c, ids in shown[fam].items()},
            "trace_lines": {
                f"L{lv}": _spread(v) for (f, lv), v in sorted(lines.items()) if f == fam
            },
        }
    return {"root": str(root), "families": families, "allowed": ALLOWED}


def _spread(values: list[int]) -> dict[str, float]:
    values = sorted(values)
    return {
        "median": statistics.median(values),
        "p90": values[min(len(values) - 1, int(0.9 * len(values)))],
        "max": values[-1],
    }


def failures(result: dict) -> list[str]:
    """The (family, class) pairs above their ceiling, as ``family/class=rate`` strings."""
    bad = []
    for fam, info in result["families"].items():
        for cls, rate in info["rates"].items():
            if rate > ALLOWED.get(cls, 0.0):
                bad.append(f"{fam}/{cls}={rate:.3f}")
    return bad


def table(result: dict) -> str:
    """A plain-text table: one block per family, one line per class, then trace lengths."""
    out = []
    for fam, info in result["families"].items():
        note = "" if info["checked"] else " (common text checks only)"
        out.append(f"{fam}: {info['rows']} rows{note}")
        for cls, rate in info["rates"].items():
            ceiling = ALLOWED.get(cls, 0.0)
            flag = "ok" if rate <= ceiling else "FAIL"
            out.append(f"  {cls:<28} {rate:8.2%}  (max {ceiling:.0%})  {flag}")
        spans = ", ".join(
            f"{lv} {s['median']:g}/{s['p90']:g}/{s['max']:g}"
            for lv, s in info["trace_lines"].items()
        )
        out.append(f"  trace lines median/p90/max: {spans}")
    return "\n".join(out)


def main(root: Path, out: Path | None, limit: int | None, check: bool) -> int:
    """Print the table, write JSON when asked; with ``check``, exit 1 on any failing class."""
    result = scan(root, limit)
    print(table(result))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {out}")
    bad = failures(result)
    if bad:
        print("above ceiling: " + ", ".join(bad))
    return 1 if (check and bad) else 0
