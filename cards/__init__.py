"""Dataset cards: Jinja2 templates rendered through the shared sandboxed environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from verifiers.record import FAMILIES, SPLITS

ROOT = Path(__file__).resolve().parent


def _env() -> SandboxedEnvironment:
    from templates import environment

    env = environment().overlay(loader=FileSystemLoader(str(ROOT)))
    return env


def configs_block(families: list[str]) -> list[dict[str, Any]]:
    """The card's ``configs:`` entries: one per family present, plus ``all`` (the default)."""
    out = [
        {
            "config_name": "all",
            "default": True,
            "data_files": [{"split": s, "path": f"data/*/{s}-*.parquet"} for s in SPLITS],
        }
    ]
    for fam in [f for f in FAMILIES if f in families]:
        out.append(
            {
                "config_name": fam,
                "data_files": [{"split": s, "path": f"data/{fam}/{s}-*.parquet"} for s in SPLITS],
            }
        )
    return out


def front_matter(cfg, families: list[str], n_rows: int) -> dict[str, Any]:
    size = (
        "n<1K"
        if n_rows < 1000
        else "1K<n<10K"
        if n_rows < 10_000
        else "10K<n<100K"
        if n_rows < 100_000
        else "100K<n<1M"
        if n_rows < 1_000_000
        else "1M<n<10M"
    )
    return {
        "license": "apache-2.0",
        "language": ["en"],
        "pretty_name": "logic-suite",
        "task_categories": ["question-answering", "text-generation"],
        "tags": ["logic", "reasoning", "z3", "synthetic", "puzzles"],
        "size_categories": [size],
        "configs": configs_block(families),
    }


def write_card(cfg, out: Path, summary) -> None:
    """Render README.md for a built folder from its config and build summary."""
    from generators.shards import write_text_atomic

    families = sorted({f for f, _ in summary.splits})
    n_rows = sum(summary.splits.values())
    fm = yaml.safe_dump(front_matter(cfg, families, n_rows), sort_keys=False, allow_unicode=True)
    body = (
        _env()
        .get_template("dataset_card.md.j2")
        .render(
            families=families,
            splits={f"{f}/{s}": n for (f, s), n in summary.splits.items()},
            rows=sorted(summary.rows.items()),
            dropped=dict(summary.dropped),
            config=json.dumps(cfg.model_dump(mode="json"), indent=2),
            config_name=cfg.name,
            seed=cfg.seed,
            SPLITS=SPLITS,
        )
    )
    write_text_atomic(f"---\n{fm}---\n\n{body.strip()}\n", out / "README.md")
