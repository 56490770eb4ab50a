"""Dataset cards: README.md for a built folder, rendered through the shared sandboxed Jinja2
environment from the folder's own files (``build_info.json`` and the shards).

>>> from cards import write_card
>>> write_card(Path("dist/logic_suite"), repo_id="org/logic-suite", tag="v0.1.0-1a02f16fda6b")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from verifiers.record import CANARY, DEFAULT_OUT, SPLITS

from .facts import CardError, Facts, collect
from .histogram import HISTOGRAM, draw_in_background

ROOT = Path(__file__).resolve().parent
CARD = "README.md"
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
TASK_CATEGORIES = ["question-answering", "text-generation", "multiple-choice"]
TAGS = ["logic", "reasoning", "puzzles", "synthetic", "z3", "verifiable"]
FAMILY_TAGS = {
    "truth_teller": "knights-and-knaves",
    "seating": "seating-arrangement",
    "blood_relations": "blood-relations",
}

__all__ = ["CARD", "CardError", "HISTOGRAM", "card_text", "configs_block", "front_matter"]
__all__ += ["size_category", "write_card"]


def _env() -> SandboxedEnvironment:
    from templates import environment

    return environment().overlay(loader=FileSystemLoader(str(ROOT)))


def size_category(n_rows: int) -> str:
    """The Hub's ``size_categories`` bucket for ``n_rows``."""
    for bound, name in SIZE_CATEGORIES:
        if n_rows < bound:
            return name
    return "1B<n<10B"


def configs_block(families: list[str]) -> list[dict[str, Any]]:
    """The card's ``configs:`` entries: ``all`` (the default), then one per family present."""
    out = [
        {
            "config_name": "all",
            "default": True,
            "data_files": [{"split": s, "path": f"data/*/{s}-*.parquet"} for s in SPLITS],
        }
    ]
    for fam in families:
        out.append(
            {
                "config_name": fam,
                "data_files": [{"split": s, "path": f"data/{fam}/{s}-*.parquet"} for s in SPLITS],
            }
        )
    return out


def front_matter(license: str, pretty_name: str, families: list[str], n_rows: int) -> dict:
    """The YAML metadata of the card, in Hub (DatasetCardData) field names."""
    return {
        "license": license,
        "language": ["en"],
        "pretty_name": pretty_name,
        "task_categories": list(TASK_CATEGORIES),
        "tags": TAGS + [FAMILY_TAGS[f] for f in families if f in FAMILY_TAGS],
        "size_categories": [size_category(n_rows)],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["machine-generated"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "configs": configs_block(families),
    }


def _feature(t: pa.DataType) -> dict[str, Any]:
    """The Hub's YAML form of one Arrow type (what ``datasets.Features`` writes in a card):
    ``dtype`` for a value, ``list`` for a list, a list of named fields for a struct."""
    if pa.types.is_list(t):
        inner = _feature(t.value_type)
        return {"list": inner.get("dtype") or inner.get("struct") or inner}
    if pa.types.is_struct(t):
        return {"struct": [{"name": f.name, **_feature(f.type)} for f in t]}
    return {"dtype": {pa.string(): "string", pa.int64(): "int64"}[t]}


def features_yaml(schema: pa.Schema) -> list[dict[str, Any]]:
    """The card's ``features`` list for ``schema`` (tests compare it with ``datasets``' own)."""
    return [{"name": f.name, **_feature(f.type)} for f in schema]


def dataset_info(root: Path, families: list[str]) -> list[dict[str, Any]]:
    """Hub ``dataset_info`` per config: features and split sizes from the parquet footers.

    Besides documenting the data, this keys ``datasets``' cache to the build: without it the
    cache of a local folder depends only on the folder name and the ``configs`` patterns, so
    loading a rebuilt folder could return the previous build's rows.
    """
    import pyarrow.parquet as pq

    from generators.shards import SCHEMA

    out = []
    for config in ["all", *families]:
        splits, total = [], 0
        for split in SPLITS:
            files = sorted(
                root.glob(f"data/{'*' if config == 'all' else config}/{split}-*.parquet")
            )
            rows = sum(pq.read_metadata(f).num_rows for f in files)
            size = sum(f.stat().st_size for f in files)
            total += size
            splits.append({"name": split, "num_bytes": size, "num_examples": rows})
        out.append(
            {
                "config_name": config,
                "features": features_yaml(SCHEMA),  # a copy each: no YAML anchors
                "splits": splits,
                "download_size": total,
                "dataset_size": total,
            }
        )
    return out


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:.2f}"


def _citation(pretty_name: str, version: str, digest: str, repo_id: str | None) -> str:
    lines = [
        "@misc{logic_suite,",
        f"  title        = {{{pretty_name}: Z3-proven logic puzzles for reasoning models}},",
        f"  note         = {{Generated by logic-suite {version}, config digest {digest}}},",
    ]
    if repo_id:
        lines.append(f"  howpublished = {{\\url{{https://huggingface.co/datasets/{repo_id}}}}},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join([*lines, "}"])


def _context(
    facts: Facts, histogram: str | None, repo_id: str | None, tag: str | None
) -> dict[str, Any]:
    from generators.config import parse_config

    info = facts.info
    cfg = parse_config(info["config"], "build_info.json")
    docs = []
    for d in facts.docs:
        rows_by_var: dict[str, int] = {}
        for (f, v, _), n in facts.rows.items():
            if f == d.name:
                rows_by_var[v] = rows_by_var.get(v, 0) + n
        known = [v for v, _ in d.variants]
        extra = sorted(v for v in rows_by_var if v not in known)
        variants = []
        for v, doc in [*d.variants, *((v, "") for v in extra)]:
            if v not in rows_by_var:
                continue
            ex = facts.examples.get((d.name, v))
            example = None
            if ex:
                split, row = ex
                example = {
                    "split": split,
                    "level": row["level"],
                    "question": row["question"],
                    "options": [(chr(65 + i), c) for i, c in enumerate(row["choices"])],
                    "answer_label": row["answer_label"],
                    "answer": row["answer"],
                }
            variants.append({"name": v, "doc": doc, "rows": rows_by_var[v], "example": example})
        medians = [
            (m, [_fmt(x) for x in vals]) for m, vals in facts.medians.get(d.name, {}).items()
        ]
        docs.append(
            {
                "name": d.name,
                "summary": d.summary,
                "variants": variants,
                "levels_doc": d.levels_doc,
                "medians": medians,
            }
        )
    letters = facts.letter_set
    stats = [
        {
            "family": f,
            "variant": v,
            "level": lv,
            "rows": n,
            "letters": [facts.letters[(f, v, lv)].get(x, 0) for x in letters],
        }
        for (f, v, lv), n in sorted(
            facts.rows.items(), key=lambda kv: (facts.families.index(kv[0][0]), kv[0])
        )
    ]
    split_rows = [
        {
            "config": "all",
            **{s: sum(facts.splits.get((f, s), 0) for f in facts.families) for s in SPLITS},
        }
    ] + [{"config": f, **{s: facts.splits.get((f, s), 0) for s in SPLITS}} for f in facts.families]
    dropped = info.get("dropped", {})
    hist_text = "; ".join(
        f"`{f}`: " + (f"log10(1 + `{m}`)" if m.startswith("z3_") else f"`{m}`")
        for f, (m, _) in facts.hist.items()
    )
    fams = facts.families
    families_text = (
        f"{len(fams)} {'family' if len(fams) == 1 else 'families'} ("
        + ", ".join(f"`{f}`" for f in fams)
        + ")"
    )
    repo = repo_id or DEFAULT_OUT
    return {
        "pretty_name": cfg.card.pretty_name,
        "license": cfg.card.license,
        "n_rows": facts.n_rows,
        "families": facts.families,
        "families_text": families_text,
        "configs_text": ", ".join(f"`{f}`" for f in fams),
        "hist_text": hist_text,
        "fractions_text": ", ".join(f"{s} {cfg.splits[s]}" for s in SPLITS),
        "version": info["generator_version"],
        "digest": info["config_digest"],
        "canary": CANARY,
        "histogram": histogram,
        "docs": docs,
        "rlimit": cfg.solver.rlimit,
        "items": info.get("items", facts.n_rows),
        "dropped_total": sum(dropped.values()),
        "dropped_text": ", ".join(f"{k}: {n}" for k, n in sorted(dropped.items())) or "none",
        "duplicates": info.get("duplicates", 0),
        "letters": letters,
        "stats": stats,
        "split_rows": split_rows,
        "split_fractions": cfg.splits,
        "held_out_names": cfg.held_out_names,
        "held_out_templates": bool(getattr(cfg, "held_out_templates", False)),
        "broad_names": cfg.name_pool == "broad",
        "repo": repo,
        "tag": tag,
        "revision_arg": f', revision="{tag}"' if tag else "",
        "config_name": cfg.name,
        "seed": cfg.seed,
        "config_yaml": yaml.safe_dump(info["config"], sort_keys=False).strip(),
        "citation": _citation(
            cfg.card.pretty_name, info["generator_version"], info["config_digest"], repo_id
        ),
    }


def card_text(
    root: Path, repo_id: str | None = None, tag: str | None = None, facts: Facts | None = None
) -> str:
    """The README.md text for the built folder ``root`` (front matter + body)."""
    root = Path(root)
    facts = facts or collect(root)
    from generators.config import parse_config

    card_cfg = parse_config(facts.info["config"], f"{root}/build_info.json").card
    fm = front_matter(card_cfg.license, card_cfg.pretty_name, facts.families, facts.n_rows)
    fm["dataset_info"] = dataset_info(root, facts.families)
    hist = HISTOGRAM if (root / HISTOGRAM).is_file() else None
    body = _env().get_template("dataset_card.md.j2").render(**_context(facts, hist, repo_id, tag))
    head = yaml.safe_dump(fm, sort_keys=False, allow_unicode=True)
    return f"---\n{head}---\n\n{body.strip()}\n"


def write_card(
    root: Path,
    repo_id: str | None = None,
    tag: str | None = None,
    redraw: bool = True,
    facts: Facts | None = None,
    histogram: Callable[[], Path | None] | None = None,
) -> Path:
    """Write the histogram PNG and README.md into the built folder ``root``; return the card.

    ``redraw=False`` keeps an existing histogram (it depends on the data only), as a push
    that merely names the repo and tag in the card does. A build passes the ``facts`` it
    tallied while assembling and ``histogram``, the wait() of the drawing it started then
    (:func:`cards.histogram.draw_in_background`), so the PNG is drawn while data is written.
    """
    root = Path(root)
    facts = facts or collect(root)
    if histogram is None and (redraw or not (root / HISTOGRAM).is_file()):
        histogram = draw_in_background(facts, root)
    if histogram is not None and histogram() is None and (root / HISTOGRAM).exists():
        (root / HISTOGRAM).unlink()  # a stale one from an earlier build
    from generators.shards import write_text_atomic

    path = root / CARD
    write_text_atomic(card_text(root, repo_id, tag, facts), path)
    return path


def read_front_matter(text: str) -> dict[str, Any]:
    """The YAML metadata block of a card's text ({} if it has none)."""
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {} if end > 0 else {}
