"""Where the lm-eval tasks read their puzzles from, and what the results record about it.

``LOGIC_SUITE_DATA`` names a built folder (``python -m generators build``) or a Hub dataset
id; without it the tasks read ``dist/logic_suite/`` (relative to the working directory).
A Hub revision (branch, tag or commit) is given as ``id@rev`` or in ``LOGIC_SUITE_REVISION``.
Offline clusters use a folder.

Each per-level task holds the rows of one family and level. A level with no test rows (a
small build, or a family that was not built) gets one placeholder row that is generated
but scored by no metric, so the task runs and reports no numbers instead of crashing
(lm-eval 0.4.13 cannot run a task with zero documents).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from verifiers import DATA_ENV, DEFAULT_OUT, prompt

REVISION_ENV = "LOGIC_SUITE_REVISION"
EMPTY_ID = "__logic_suite_empty_level__"
EMPTY_TEXT = "(no puzzles at this level in this dataset)"
FEWSHOT_POOL = 256
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}/[\w.\-]{1,96}$")


class DataSourceError(ValueError):
    """The configured data source cannot be used (the message names the fix)."""


@dataclass(frozen=True)
class Source:
    """A resolved data source: a local folder or a Hub dataset id (with revision)."""

    kind: str  # "folder" | "hub"
    location: str
    revision: str | None = None

    def describe(self) -> str:
        return self.location + (f"@{self.revision}" if self.revision else "")


def resolve_source(env: dict[str, str] | None = None) -> Source:
    """Read ``LOGIC_SUITE_DATA`` (and ``LOGIC_SUITE_REVISION``); fall back to dist/logic_suite."""
    env = dict(os.environ if env is None else env)
    raw = (env.get(DATA_ENV) or "").strip()
    value = raw or DEFAULT_OUT
    revision = (env.get(REVISION_ENV) or "").strip() or None
    path = Path(value).expanduser()
    if not raw and not path.is_dir():  # the default is a folder, never a Hub id
        raise DataSourceError(
            f"{DATA_ENV} is unset and {DEFAULT_OUT}/ does not exist here; build it with "
            f"`python -m generators build` or set {DATA_ENV} to a built folder or `org/name[@rev]`"
        )
    if path.is_dir():
        if not (path / "README.md").is_file() and not (path / "data").is_dir():
            raise DataSourceError(
                f"{DATA_ENV}={value}: folder has no README.md or data/; "
                "point it at a folder written by `python -m generators build`"
            )
        return Source("folder", str(path.resolve()), None)
    name = value
    if "@" in value:
        name, _, rev = value.rpartition("@")
        revision = rev or revision
    if _HUB_ID.match(name) and not value.startswith((".", "/", "~")):
        return Source("hub", name, revision)
    where = f"{DATA_ENV}={raw}" if raw else f"{DATA_ENV} is unset and {DEFAULT_OUT}/"
    raise DataSourceError(
        f"{where}: no such folder and not a Hub dataset id; build one with "
        f"`python -m generators build` or set {DATA_ENV} to a folder or `org/name[@rev]`"
    )


@lru_cache(maxsize=4)
def _load_all(source: Source) -> Any:
    import datasets

    try:
        if source.kind == "folder":
            return datasets.load_dataset(source.location, "all")
        return datasets.load_dataset(source.location, "all", revision=source.revision)
    except Exception as err:  # noqa: BLE001 - one line naming the source and the fix
        raise DataSourceError(
            f"{DATA_ENV}={source.describe()}: cannot load config 'all' ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}); rebuild it with "
            "`python -m generators build` or check the Hub id and revision"
        ) from None


@lru_cache(maxsize=4)
def _build_info(source: Source) -> dict:
    if source.kind == "folder":
        path = Path(source.location) / "build_info.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    try:  # best effort: works online or from the local Hub cache
        from huggingface_hub import hf_hub_download

        path = hf_hub_download(
            source.location, "build_info.json", repo_type="dataset", revision=source.revision
        )
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001
        return {}


def prompt_style(source: Source) -> str:
    """The prompt style the dataset was built with (its ``prompt`` column uses it)."""
    style = _build_info(source).get("prompt_style") or _build_info(source).get("config", {}).get(
        "prompt_style"
    )
    return style if style in prompt.STYLES else prompt.DEFAULT_STYLE


@lru_cache(maxsize=4)
def provenance(source: Source) -> dict[str, Any]:
    """What the results record about the data: source, revision, generator version, digests."""
    info = _build_info(source)
    ds = _load_all(source)
    versions = sorted({v for split in ds.values() for v in split.unique("generator_version")})
    out: dict[str, Any] = {
        "data_source": source.location,
        "data_kind": source.kind,
        "data_revision": source.revision,
        "generator_version": ",".join(versions) or info.get("generator_version"),
        "data_config": info.get("config", {}).get("name"),
        "data_config_digest": info.get("config_digest"),
        "prompt_style": prompt_style(source),
    }
    if source.kind == "folder":
        digest = hashlib.sha256()
        root = Path(source.location)
        for f in sorted((root / "data").rglob("*")):
            if f.is_file():
                digest.update(f.relative_to(root).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(f.read_bytes()).digest())
        out["data_sha256"] = digest.hexdigest()[:16]
    else:
        try:  # the commit the revision resolved to, when the Hub is reachable
            from huggingface_hub import HfApi

            info_hub = HfApi().dataset_info(source.location, revision=source.revision, timeout=10)
            out["data_commit"] = info_hub.sha
        except Exception:  # noqa: BLE001
            out["data_commit"] = None
    return out


def few_shot_target(row: dict, mcq: bool, style: str) -> str:
    """A worked answer in the requested format (the few-shot assistant turn)."""
    lines = [ln for ln in row["solution"].splitlines() if not ln.lower().startswith("answer:")]
    trace = "\n".join(lines).strip()
    final = row["answer_label"] if mcq else row["answer"]
    if style == "boxed":
        return f"{trace}\n\\boxed{{{final}}}"
    if style == "plain":
        return f"{trace}\nAnswer: {final}"
    return f"<reasoning>\n{trace}\n</reasoning>\n<answer>{final}</answer>"


def _doc(row: dict, mcq: bool, style: str) -> dict:
    messages = prompt.for_record(row, mcq=mcq, style=style)
    return {
        **row,
        "instruction": messages[0]["content"],
        "user": messages[1]["content"],
        "target": few_shot_target(row, mcq, style),
        "eval_mode": "mcq" if mcq else "open",
        "prompt_style": style,
    }


def level_docs(family: str, level: int, mcq: bool, source: Source | None = None) -> Any:
    """A DatasetDict (train, test) of one family and level, with the lm-eval fields added.

    ``test`` is every test row of the family at ``level``; an empty one gets a placeholder row
    (``id == EMPTY_ID``). ``train`` is the few-shot pool: up to ``FEWSHOT_POOL`` train rows of
    the family at the level, else of the family, else of any family.
    """
    import datasets

    source = source or resolve_source()
    ds = _load_all(source)
    style = prompt_style(source)
    out: dict[str, list[dict]] = {"train": [], "test": []}
    for split in out:
        if split not in ds:
            continue
        table = ds[split]
        fams, levels = table["family"], table["level"]
        fam = [i for i, f in enumerate(fams) if f == family]
        at_level = [i for i in fam if levels[i] == level]
        if split == "train":
            at_level = (at_level or fam or list(range(len(table))))[:FEWSHOT_POOL]
        out[split] = [_doc(table[i], mcq, style) for i in at_level]
    if not out["test"]:
        any_split = next(
            (s for s in ("test", "train", "validation") if s in ds and len(ds[s])), None
        )
        if any_split is None:
            raise DataSourceError(f"{DATA_ENV}={source.describe()}: the dataset has no rows")
        row = _doc(ds[any_split][0], mcq, style)
        row.update(id=EMPTY_ID, family=family, level=level, question=EMPTY_TEXT, user=EMPTY_TEXT)
        out["test"] = [row]
    return datasets.DatasetDict({k: datasets.Dataset.from_list(v) for k, v in out.items()})
