"""What the dataset card reports about a built folder, read from its files alone.

Everything comes from ``build_info.json`` and the parquet shards, so a card can be
re-rendered at push time (with the repo id and release tag) without the build's memory.
A build tallies the same numbers (:class:`Tally`) as it assembles the rows, instead of
reading its files back; a test checks that both give the same card.
"""

from __future__ import annotations

import json
import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from verifiers import registry

LEVELS = (1, 2, 3, 4)
# The histogram's x axis: the first of these that a family's rows carry (solver work of the
# final proof, then the generator's own measures); the level itself as the last resort.
HIST_METRICS = ("z3_rlimit_count", "z3_propagations", "z3_conflicts", "case_splits", "level")
EXAMPLE_SPLITS = ("train", "validation")  # examples never come from the test split
_STAT_COLUMNS = ["family", "variant", "level", "answer_label", "difficulty"]


class CardError(ValueError):
    """A folder the card cannot be written for; the message names the file and the fix."""


@dataclass
class FamilyDoc:
    """A family as the card describes it, from its generator module (see generators.family)."""

    name: str
    summary: str
    variants: list[tuple[str, str]]  # (variant, one-line doc or "")
    levels_doc: str | None


@dataclass
class Facts:
    info: dict[str, Any]
    families: list[str]
    splits: Counter = field(default_factory=Counter)  # (family, split) -> rows
    rows: Counter = field(default_factory=Counter)  # (family, variant, level) -> rows
    letters: dict[tuple[str, str, int], Counter] = field(default_factory=dict)
    medians: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    hist: dict[str, tuple[str, dict[int, Sequence[float]]]] = field(default_factory=dict)
    examples: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    docs: list[FamilyDoc] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return sum(self.splits.values())

    @property
    def letter_set(self) -> list[str]:
        return sorted({x for c in self.letters.values() for x in c})


def split_of_file(path: Path) -> str:
    """``data/<family>/<split>-00000-of-00001.parquet`` -> ``<split>``."""
    return path.name.split("-", 1)[0]


def _data_files(root: Path) -> list[Path]:
    return sorted((root / "data").glob("*/*.parquet"))


def family_doc(family: str) -> FamilyDoc:
    """The card's description of ``family``; a module lacking the optional docs still works."""
    from generators import registry

    fam = registry.find(family)
    if fam is None:
        return FamilyDoc(family, "", [], None)
    summary = " ".join(fam.summary.split())
    variants = [(v.name, v.doc) for v in fam.variants]
    return FamilyDoc(family, summary, variants, fam.levels_doc or None)


class Tally:
    """The card's numbers, accumulated row by row: from the shards (:func:`collect`) or by
    the build as it assembles them. Metric values are kept as 8-byte floats."""

    def __init__(self) -> None:
        self.splits: Counter = Counter()
        self.rows: Counter = Counter()
        self.letters: dict[tuple[str, str, int], Counter] = {}
        self.metrics: dict[tuple[str, int], dict[str, array]] = defaultdict(
            lambda: defaultdict(lambda: array("d"))
        )
        self.hist: dict[str, dict[str, dict[int, array]]] = defaultdict(lambda: defaultdict(dict))

    def add(self, fam: str, split: str, var: str, lv: int, letter: str, difficulty: str) -> None:
        """One published row (its ``difficulty`` column is the JSON string)."""
        self.splits[(fam, split)] += 1
        self.rows[(fam, var, lv)] += 1
        self.letters.setdefault((fam, var, lv), Counter())[letter] += 1
        d = json.loads(difficulty)
        ms = self.metrics[(fam, lv)]
        for k, v in d.items():
            if k != "level" and isinstance(v, (int, float)) and not isinstance(v, bool):
                ms[k].append(float(v))
        hist = self.hist[fam]
        for m in HIST_METRICS:
            v = lv if m == "level" else d.get(m)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                hist[m].setdefault(lv, array("d")).append(float(v))

    def facts(self, info: dict[str, Any], families: list[str]) -> Facts:
        """The counts, medians and histogram data of ``families`` (no examples or docs yet)."""
        facts = Facts(info=info, families=families)
        facts.splits, facts.rows, facts.letters = self.splits, self.rows, self.letters
        metrics, hist = self.metrics, self.hist
        for fam in families:
            n_fam = sum(n for (f, _), n in facts.splits.items() if f == fam)
            for m in HIST_METRICS:  # the first metric that every row of the family has
                if sum(len(v) for v in hist[fam].get(m, {}).values()) == n_fam:
                    facts.hist[fam] = (m, hist[fam][m])
                    break
            names = sorted({k for (f, _), ms in metrics.items() if f == fam for k in ms})
            facts.medians[fam] = {
                m: [
                    statistics.median(metrics[(fam, lv)][m]) if metrics[(fam, lv)].get(m) else None
                    for lv in LEVELS
                ]
                for m in names
            }
        return facts


def family_order(families: set[str] | list[str]) -> list[str]:
    """``families`` in registry order (unregistered ones last, by name)."""
    order = {f: i for i, f in enumerate(registry.names())}
    return sorted(set(families), key=lambda f: (order.get(f, len(order)), f))


def read_info(root: Path) -> dict[str, Any]:
    info_path = root / "build_info.json"
    if not info_path.is_file():
        raise CardError(
            f"{info_path}: missing; this is not a finished build, run `python -m generators build` first"
        )
    return json.loads(info_path.read_text(encoding="utf-8"))


def collect(root: Path) -> Facts:
    """Read ``root`` (a built folder) into the numbers and examples the card shows."""
    info = read_info(root)
    files = _data_files(root)
    if not files:
        raise CardError(f"{root}/data: no parquet shards; run `python -m generators build` first")
    tally = Tally()
    for f in files:
        split = split_of_file(f)
        cols = pq.read_table(f, columns=_STAT_COLUMNS).to_pydict()
        for row in zip(*(cols[c] for c in _STAT_COLUMNS), strict=True):
            tally.add(row[0], split, *row[1:])
    return finish(root, tally.facts(info, family_order({f.parent.name for f in files})))


def finish(root: Path, facts: Facts) -> Facts:
    """Add the examples (read from ``root``'s shards) and the family docs to ``facts``."""
    files = _data_files(root)
    wanted = {(f, v) for f, v, _ in facts.rows}
    for split in EXAMPLE_SPLITS:
        for f in (x for x in files if split_of_file(x) == split):
            # Stream batches and stop early: the first row of each variant is enough.
            for batch in pq.ParquetFile(f).iter_batches(batch_size=512):
                for row in batch.to_pylist():
                    facts.examples.setdefault((row["family"], row["variant"]), (split, row))
                if all(k in facts.examples for k in wanted if k[0] == f.parent.name):
                    break
    facts.docs = [family_doc(f) for f in facts.families]
    return facts
