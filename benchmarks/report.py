"""Report on lm-eval results of the logic_suite tasks: a table, Markdown and a PNG chart.

    python -m benchmarks report RESULTS.json [AFTER.json] [--out STEM] [--labels base tuned]

A results file is lm-eval's ``results_*.json`` or the JSON ``python -m trainers.evaluate
--out`` writes (greedy, open prompts; for machines without lm-eval).

Per family x level (open and MCQ): accuracy, format compliance, cell accuracy, mean output
length (characters) and the number of puzzles; per family and overall: size-weighted means;
the data provenance the tasks recorded; throughput (samples/s) from lm-eval's total time.
Given two files it adds the after-minus-before deltas. Writes ``STEM.md`` and ``STEM.png``
(default STEM: ``report`` next to the first file) and prints the Markdown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASK = re.compile(r"^logic_suite_(?P<family>[a-z_]+?)_l(?P<level>[1-4])(?P<mcq>_mcq)?$")
COLUMNS = ("acc", "format", "cell_acc", "len_chars")
PROVENANCE = ("data_source", "data_revision", "generator_version", "data_config", "data_sha256")


class ReportError(ValueError):
    """A results file cannot be reported on (the message names the file and the fix)."""


@dataclass
class Run:
    """One lm-eval results file, reduced to the logic_suite rows."""

    label: str
    path: Path
    rows: dict[tuple[str, str, int], dict[str, float]] = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    samples: int = 0
    seconds: float | None = None

    @property
    def throughput(self) -> float | None:
        return self.samples / self.seconds if self.seconds and self.samples else None


def _primary(filters: set[str]) -> str:
    for f in ("none", "first"):
        if f in filters:
            return f
    return sorted(filters)[0]


def load_run(path: Path, label: str | None = None) -> Run:
    """Read one results JSON (the file lm-eval writes with --output_path)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file; pass the results_*.json lm_eval wrote") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ReportError(
            f"{path}: not JSON ({err.__class__.__name__}); pass lm_eval's results file"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("table"), dict):
        return _evaluate_run(data, Path(path), label)
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ReportError(
            f"{path}: no 'results' object; pass lm_eval's results_*.json "
            "(or the JSON `python -m trainers.evaluate --out` wrote)"
        )
    name = label or Path(str(data.get("model_name") or path.stem)).name or path.stem
    run = Run(label=name, path=Path(path))
    filters: set[str] = set()
    repeats: dict[str, int] = {}
    for task, res in data["results"].items():
        m = TASK.match(task)
        if not m:
            continue
        for key in res:
            if "," in key and "_stderr" not in key and key.split(",")[0] in COLUMNS:
                filters.add(key.split(",", 1)[1])
        cfg = (data.get("configs") or {}).get(task) or {}
        repeats[task] = int(cfg.get("repeats") or 1)
        if not run.provenance:
            meta = cfg.get("metadata") or {}
            run.provenance = {k: meta.get(k) for k in PROVENANCE if k in meta}
    if not filters:
        raise ReportError(
            f"{path}: no logic_suite task results with metrics; run lm_eval --tasks logic_suite"
        )
    run.filters = sorted(filters, key=lambda f: (f != _primary(filters), f))
    for task, res in data["results"].items():
        m = TASK.match(task)
        if not m:
            continue
        n = int(res.get("sample_len") or 0)
        if n == 0:
            continue
        key = ("mcq" if m["mcq"] else "open", m["family"], int(m["level"]))
        row: dict[str, float] = {"n": n}
        for f in run.filters:
            for col in COLUMNS:
                v = res.get(f"{col},{f}")
                if isinstance(v, (int, float)):
                    row[f"{col},{f}"] = float(v)
        run.rows[key] = row
        run.samples += n * repeats.get(task, 1)
    try:
        run.seconds = float(data.get("total_evaluation_time_seconds"))
    except (TypeError, ValueError):
        run.seconds = None
    return run


_CELL = re.compile(r"^(?P<family>[a-z_]+)/L(?P<level>[1-4])$")


def _evaluate_run(data: dict[str, Any], path: Path, label: str | None) -> Run:
    """A run from ``python -m trainers.evaluate`` output: its per family x level cells (open
    prompts, greedy) under the filter name ``greedy``; the model folder names the run."""
    run = Run(label=label or Path(str(data.get("model") or path.stem)).name, path=path)
    run.filters = ["greedy"]
    for cell, res in data["table"].items():
        m = _CELL.match(cell)
        if not m or not res.get("n"):
            continue
        row: dict[str, float] = {"n": int(res["n"])}
        for col in COLUMNS:
            if isinstance(res.get(col), (int, float)):
                row[f"{col},greedy"] = float(res[col])
        run.rows[("open", m["family"], int(m["level"]))] = row
        run.samples += int(res["n"])
    if not run.rows:
        raise ReportError(f"{path}: its 'table' has no family/L<k> cells; rerun trainers.evaluate")
    run.provenance = {"data_source": "trainers.evaluate"}
    seconds = data.get("seconds")
    run.seconds = float(seconds) if isinstance(seconds, (int, float)) else None
    return run


def _weighted(rows: list[dict[str, float]], key: str) -> float | None:
    pairs = [(r[key], r["n"]) for r in rows if key in r]
    total = sum(n for _, n in pairs)
    return sum(v * n for v, n in pairs) / total if total else None


def table_rows(run: Run) -> list[tuple[str, dict[str, float]]]:
    """(label, row) per family x level, then per family, then overall, per mode."""
    out: list[tuple[str, dict[str, float]]] = []
    keys = [*{k: None for k in run.rows}]
    for mode in ("open", "mcq"):
        mode_rows = [run.rows[k] for k in keys if k[0] == mode]
        if not mode_rows:
            continue
        tag = "" if mode == "open" else " (MCQ)"
        families = sorted({k[1] for k in keys if k[0] == mode})
        for fam in families:
            fam_rows = []
            for lv in range(1, 5):
                r = run.rows.get((mode, fam, lv))
                if r is not None:
                    out.append((f"{fam} L{lv}{tag}", r))
                    fam_rows.append(r)
            out.append((f"{fam} all{tag}", _aggregate(fam_rows, run.filters)))
        out.append((f"overall{tag}", _aggregate(mode_rows, run.filters)))
    return out


def _aggregate(rows: list[dict[str, float]], filters: list[str]) -> dict[str, float]:
    agg: dict[str, float] = {"n": sum(r["n"] for r in rows)}
    for f in filters:
        for col in COLUMNS:
            v = _weighted(rows, f"{col},{f}")
            if v is not None:
                agg[f"{col},{f}"] = v
    return agg


def _fmt(v: float | None, col: str) -> str:
    if v is None:
        return "–"
    return f"{v:.0f}" if col == "len_chars" else f"{v:.3f}"


def _delta(a: float | None, b: float | None, col: str) -> str:
    if a is None or b is None:
        return "–"
    d = b - a
    return f"{d:+.0f}" if col == "len_chars" else f"{d:+.3f}"


def markdown(runs: list[Run]) -> str:
    """The report as Markdown (one run, or before/after with deltas)."""
    base = runs[0]
    f0 = base.filters[0]
    lines = [f"# logic_suite report: {' vs '.join(r.label for r in runs)}", ""]
    for r in runs:
        prov = ", ".join(f"{k}={v}" for k, v in r.provenance.items() if v is not None)
        tput = f"{r.throughput:.2f} samples/s" if r.throughput else "not logged"
        lines.append(
            f"- **{r.label}** (`{r.path.name}`): {prov or 'no provenance'}; throughput {tput}"
        )
    lines += ["", f"Metrics with filter `{f0}`; aggregates are means weighted by size.", ""]
    if len(runs) == 1:
        head = ["puzzles", "n", "acc", "format", "cell_acc", "mean length (chars)"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for label, row in table_rows(base):
            vals = [_fmt(row.get(f"{c},{f0}"), c) for c in COLUMNS]
            lines.append(f"| {label} | {int(row['n'])} | " + " | ".join(vals) + " |")
    else:
        after = runs[1]
        arows = dict(table_rows(after))
        head = ["puzzles", "n"]
        for c in ("acc", "format", "cell_acc", "len_chars"):
            head += [f"{c} {base.label}", f"{c} {after.label}", f"Δ {c}"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for label, row in table_rows(base):
            other = arows.get(label, {})
            na, nb = int(row["n"]), int(other.get("n", 0))
            cells = [label, str(na) if na == nb else f"{na} / {nb}"]  # sizes differ: both
            for c in COLUMNS:
                a, b = row.get(f"{c},{f0}"), other.get(f"{c},{f0}")
                cells += [_fmt(a, c), _fmt(b, c), _delta(a, b, c)]
            lines.append("| " + " | ".join(cells) + " |")
    extra = [f for f in base.filters[1:]]
    if extra:
        lines += ["", "Accuracy by filter (repeats):", ""]
        head = ["puzzles", *[f"acc {f}" for f in base.filters]]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for label, row in table_rows(base):
            lines.append(
                f"| {label} | "
                + " | ".join(_fmt(row.get(f"acc,{f}"), "acc") for f in base.filters)
                + " |"
            )
    return "\n".join(lines) + "\n"


def chart(runs: list[Run], path: Path) -> Path:
    """Grouped bars: accuracy per family x level, and format compliance, for each run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f0 = runs[0].filters[0]
    labels = [lb for lb, _ in table_rows(runs[0]) if not lb.startswith("overall")]
    fig, axes = plt.subplots(2, 1, figsize=(max(6.0, 0.55 * len(labels) + 2), 7), sharex=True)
    width = 0.8 / len(runs)
    for i, run in enumerate(runs):
        rows = dict(table_rows(run))
        xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(labels))]
        for ax, col in zip(axes, ("acc", "format"), strict=True):
            ys = [rows.get(lb, {}).get(f"{col},{f0}", 0.0) for lb in labels]
            ax.bar(xs, ys, width=width, label=run.label)
    axes[0].set_ylabel("accuracy")
    axes[1].set_ylabel("format compliance")
    for ax in axes:
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
    axes[1].set_xticks(range(len(labels)))
    axes[1].set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    axes[0].legend(fontsize=8)
    axes[0].set_title("logic_suite: " + " vs ".join(r.label for r in runs))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return path


def report(
    paths: list[Path], out: Path | None = None, labels: list[str] | None = None
) -> tuple[Path, Path]:
    """Print the table and write ``<out>.md`` and ``<out>.png``; returns both paths."""
    if labels and len(labels) != len(paths):
        raise ReportError(f"--labels: give {len(paths)} names, one per results file")
    runs = [load_run(Path(p), labels[i] if labels else None) for i, p in enumerate(paths)]
    if len(runs) == 2 and runs[0].label == runs[1].label:
        runs[0].label, runs[1].label = "before", "after"
    stem = Path(out) if out else Path(paths[0]).parent / "report"
    text = markdown(runs)
    md = stem.with_suffix(".md")
    md.parent.mkdir(parents=True, exist_ok=True)
    tmp = md.with_name(md.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(md)
    png = chart(runs, stem.with_suffix(".png"))
    print(text)
    print(f"wrote {md} and {png}")
    return md, png
