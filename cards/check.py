"""Offline checks of a generated card (``DatasetCard.validate()`` would call the Hub)."""

from __future__ import annotations

import re
from pathlib import Path

from verifiers import registry
from verifiers.record import CANARY, SPLITS

REQUIRED = (
    "license",
    "language",
    "pretty_name",
    "task_categories",
    "tags",
    "size_categories",
    "configs",
)
HUB_SIZE_CATEGORIES = {
    "n<1K",
    "1K<n<10K",
    "10K<n<100K",
    "100K<n<1M",
    "1M<n<10M",
    "10M<n<100M",
    "100M<n<1B",
    "1B<n<10B",
    "10B<n<100B",
    "100B<n<1T",
    "n>1T",
}
_ID = re.compile(r"[a-z0-9][a-z0-9.\-]*")


def check_card(text: str, root: Path | None = None) -> list[str]:
    """Problems with a card's text, as one-line messages; [] when it is fit to publish.

    Checks that the metadata parses with ``huggingface_hub.DatasetCard`` and round-trips
    through ``DatasetCardData`` without loss, that the keys the Hub needs are there with
    valid values, that ``configs`` has ``all`` as the only default and every family's three
    splits, and (given ``root``) that every ``data_files`` glob matches a file.
    """
    from huggingface_hub import DatasetCard, DatasetCardData

    from . import read_front_matter

    try:
        fm = read_front_matter(text)
    except Exception as e:  # yaml errors: report, never raise
        return [f"README.md: front matter is not valid YAML ({type(e).__name__})"]
    if not fm:
        return ["README.md: no YAML front matter (--- ... ---) at the top; rebuild the card"]
    problems: list[str] = []
    data = DatasetCard(text).data.to_dict()
    if data != fm:
        problems.append("README.md: front matter changes when parsed by DatasetCard")
    if DatasetCardData(**fm).to_dict() != fm:
        problems.append("README.md: front matter does not round-trip through DatasetCardData")
    for key in REQUIRED:
        if not fm.get(key):
            problems.append(f"README.md: required key '{key}' is missing or empty")
    lic = fm.get("license")
    if lic and not (isinstance(lic, str) and _ID.fullmatch(lic)):
        problems.append(f"README.md: license {lic!r} is not a Hub licence id")
    for s in fm.get("size_categories") or []:
        if s not in HUB_SIZE_CATEGORIES:
            problems.append(f"README.md: size_categories value {s!r} is not a Hub bucket")
    for key in ("task_categories", "tags", "language"):
        vals = fm.get(key) or []
        if not isinstance(vals, list) or not all(isinstance(v, str) and v for v in vals):
            problems.append(f"README.md: '{key}' must be a list of strings")
    problems += _check_configs(fm.get("configs") or [], root)
    if CANARY not in text:
        problems.append("README.md: the test split's canary GUID is not stated")
    return problems


def _check_configs(configs: list, root: Path | None) -> list[str]:
    problems = []
    names = [c.get("config_name") for c in configs if isinstance(c, dict)]
    if len(names) != len(configs) or len(set(names)) != len(names):
        problems.append("README.md: configs must be mappings with unique config_name")
    defaults = [c.get("config_name") for c in configs if isinstance(c, dict) and c.get("default")]
    if defaults != ["all"]:
        problems.append(f"README.md: the only default config must be 'all', got {defaults}")
    for c in configs:
        if not isinstance(c, dict):
            continue
        name = c.get("config_name")
        if name != "all" and name not in registry.names():
            problems.append(f"README.md: config {name!r} is not a family or 'all'")
        files = c.get("data_files") or []
        splits = [f.get("split") for f in files if isinstance(f, dict)]
        if sorted(splits) != sorted(SPLITS):
            problems.append(f"README.md: config {name!r} must list splits {', '.join(SPLITS)}")
        for f in files:
            path = f.get("path") if isinstance(f, dict) else None
            if not isinstance(path, str):
                problems.append(f"README.md: config {name!r} has a data_files entry without path")
            elif root is not None and not any(Path(root).glob(path)):
                problems.append(f"README.md: config {name!r} path {path!r} matches no file")
    return problems
