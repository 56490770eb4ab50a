"""The GRPO reward curve: a table, CSV and PNG from a ``grpo_summary.json`` (``python -m trainers grpo``).

One row per generation round that TRL logged (the rows that carry ``reward``): the combined
reward, its components, completion length, the share of groups with no reward variance (no
learning signal), and the curriculum's level and rolling accuracy.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

COLUMNS = {
    "step": "step",
    "reward": "reward",
    "reward_std": "reward_std",
    "accuracy": "rewards/accuracy/mean",
    "format": "rewards/format_reward/mean",
    "process": "rewards/process_reward/mean",
    "mean_length": "completions/mean_length",
    "clipped": "completions/clipped_ratio",
    "zero_std_groups": "frac_reward_zero_std",
    "level": "curriculum/level",
    "rolling_acc": "curriculum/rolling_accuracy",
}


class CurveError(ValueError):
    """A summary file that holds no GRPO reward log."""


def curve_rows(summary: Path) -> list[dict]:
    """The logged reward rows of a GRPO summary (a dict with ``log_history``, or the list itself)."""
    try:
        data = json.loads(Path(summary).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise CurveError(f"{summary}: not a readable JSON file ({err})") from None
    hist = data.get("log_history", []) if isinstance(data, dict) else data
    rows = [{k: h.get(src) for k, src in COLUMNS.items()} for h in hist if "reward" in h]
    if not rows:
        raise CurveError(f"{summary}: no logged rewards; pass the grpo_summary.json of a GRPO run")
    return rows


def write_curve(summary: Path, out: Path | None = None) -> str:
    """Write ``<out>.csv`` and ``<out>.png`` (default: ``reward_curve`` beside the summary); return the table."""
    rows = curve_rows(summary)
    stem = Path(out) if out else Path(summary).with_name("reward_curve")
    with open(stem.with_suffix(".csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    steps = [r["step"] for r in rows]
    for key in ("reward", "accuracy", "format", "process"):
        ax.plot(steps, [r[key] for r in rows], marker="o", label=key)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("mean over the round's completions")
    ax.set_title("GRPO rewards (combined = 0.2 format + 0.3 process + 0.5 accuracy by default)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(stem.with_suffix(".png"), dpi=120)
    plt.close(fig)

    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS)
    body = ["| " + " | ".join(_cell(r[k]) for k in COLUMNS) + " |" for r in rows]
    return "\n".join([head, *body])


def _cell(v: object) -> str:
    return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
