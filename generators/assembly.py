"""Assembly: a build's finished parts -> split, de-duplicated data files and the card.

Two passes, so that memory does not grow with the build:

1. :func:`select` reads only the small columns of each family's parts, in index order, and
   decides each row's fate: its split (originals by canonical hash, augmented rows follow
   their parent) or dropped (a duplicate inside its split, or an orphan augmentation). It
   tallies the summary and the card's numbers as it goes.
2. :func:`write_family` streams the parts again, a part at a time, through one
   :class:`SplitWriter` per split, which cuts ``rows_per_file`` files of
   :data:`~generators.shards.ROW_GROUP`-row row groups. A file of at most that many rows has
   the bytes of writing it whole; memory holds a row group and a part, not a family.

The histogram is drawn in a forked process while pass 2 writes the data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from verifiers.record import SPLITS

from .composition import capped, mix_of
from .config import SuiteConfig
from .jobs import ShardJob
from .pipeline import split_of
from .shards import (
    ROW_GROUP,
    StreamedFile,
    read_column,
    read_table,
    table,
    write_atomic,
    write_text_atomic,
)
from .version import GENERATOR_VERSION

if TYPE_CHECKING:
    from cards.facts import Tally

# ``summary`` below is the build's ``build.BuildSummary`` (not imported: build imports this).
BuildSummary = Any

DROP = 255  # a row's fate in pass 1's byte array: the split's index, or DROP
_COLUMNS = ("id", "canonical_hash", "parent_id", "variant", "level", "status")
_CARD_COLUMNS = ("answer_label", "difficulty")


@dataclass
class Family:
    """Pass 1's result for one family: each part's row fates and each split's row count."""

    name: str
    jobs: list[ShardJob]
    fates: dict[str, bytearray]  # job name -> fate of each of its rows
    counts: Counter  # split -> rows kept


def select(
    cfg: SuiteConfig,
    fam: str,
    parts: Path,
    jobs: list[ShardJob],
    summary: BuildSummary,
    tally: Tally,
) -> Family:
    """Pass 1 over ``fam``'s parts (in index order): decide every row, tally the rest."""
    jobs = sorted(jobs, key=lambda x: x.start)
    seen: set[str] = set()  # originals' canonical hashes, augmented rows' ids (split by hash)
    parent_split: dict[str, int] = {}  # kept originals' ids, when augmented rows may follow
    originals: Counter = Counter()  # (variant, level) -> originals kept
    counts: Counter = Counter()
    fates: dict[str, bytearray] = {}
    index = {s: k for k, s in enumerate(SPLITS)}
    for j in jobs:
        st = json.loads((parts / f"{j.name}.json").read_text())
        summary.items += st["items"]
        summary.dropped.update(st["dropped"])
        summary.notes.update(st.get("notes", {}))
        summary.duplicates += st.get("duplicates", 0)  # skipped before their proof
        cols = read_column(parts / f"{j.name}.parquet", *_COLUMNS, *_CARD_COLUMNS)
        fate = fates[j.name] = bytearray(len(cols[0]))
        for r, (rid, chash, parent, var, lv, status, letter, diff) in enumerate(
            zip(*cols, strict=True)
        ):
            fate[r] = DROP
            # Originals split by canonical hash; augmented rows follow their parent.
            k = parent_split.get(parent) if parent else index[split_of(chash, cfg)]
            if k is None:
                summary.dropped["orphan_augmentation"] += 1
                continue
            key = chash if not parent else rid
            if key in seen:
                summary.duplicates += 1
                continue
            seen.add(key)
            if not parent and cfg.augment.per_item:
                parent_split[rid] = k
            fate[r] = k
            s = SPLITS[k]
            counts[s] += 1
            summary.rows[(fam, var, lv)] += 1
            summary.status[(fam, status)] += 1
            if not parent:
                originals[(var, lv)] += 1
            tally.add(fam, s, var, lv, letter, diff)
    for s in SPLITS:
        summary.splits[(fam, s)] = counts[s]
    summary.composition[fam] = composition(cfg, fam, originals)
    summary.capped[fam] = {k: (round(t, 4), round(p, 4)) for k, (t, p) in capped(cfg, fam).items()}
    return Family(fam, jobs, fates, counts)


def composition(
    cfg: SuiteConfig, family: str, originals: Counter
) -> dict[tuple[str, int], tuple[float, float]]:
    """(variant, level) -> (planned share, actual share) of a family's kept originals (the
    planned mix: the target with small cells capped, see ``composition``)."""
    target = mix_of(cfg, family)
    n = max(sum(originals.values()), 1)
    return {k: (round(t, 4), round(originals.get(k, 0) / n, 4)) for k, t in target.items() if t > 0}


class SplitWriter:
    """The data files of one family's split, fed in row order: ``rows_per_file`` rows a
    file (the count known from pass 1 names them ``-NNNNN-of-NNNNN``), written a row group
    at a time, so at most a row group is held."""

    def __init__(self, folder: Path, split: str, total: int, rows_per_file: int, jsonl: bool):
        n_files = max(1, -(-total // rows_per_file))
        self.sizes = [min(rows_per_file, total - k * rows_per_file) for k in range(n_files)]
        self.paths = [folder / f"{split}-{k:05d}-of-{n_files:05d}.parquet" for k in range(n_files)]
        self.jsonl, self.written = jsonl, []
        self._k, self._in_file, self._file = 0, 0, None
        self._buf: list[pa.Table] = []
        self._n = 0

    def add(self, tab: pa.Table) -> None:
        if len(tab):
            self._buf.append(tab)
            self._n += len(tab)
            self._drain()

    def _need(self) -> int:
        return min(ROW_GROUP, self.sizes[self._k] - self._in_file)

    def _drain(self) -> None:
        while self._k < len(self.sizes) and 0 < self._need() <= self._n:
            m = self._need()
            whole = pa.concat_tables(self._buf).combine_chunks()
            self._buf = [whole.slice(m)] if m < len(whole) else []
            self._n -= m
            if self._file is None:
                self._file = StreamedFile(self.paths[self._k], self.jsonl)
            self._file.write(whole.slice(0, m))
            self._in_file += m
            if self._in_file == self.sizes[self._k]:
                self.written += self._file.close()
                self._file, self._k, self._in_file = None, self._k + 1, 0

    def close(self) -> list[Path]:
        """Finish (an empty split still gets its one, empty, file); return the paths."""
        if self.sizes == [0]:
            write_atomic(table([]), self.paths[0])
            self.written.append(self.paths[0])
            if self.jsonl:
                self.written.append(self.paths[0].with_suffix(".jsonl"))
                write_text_atomic("", self.written[-1])
        elif self._n or self._k < len(self.sizes):
            raise RuntimeError(f"{self.paths[0]}: pass 2 disagrees with pass 1")  # a bug
        return self.written


def write_family(cfg: SuiteConfig, out: Path, parts: Path, fam: Family, jsonl: bool) -> list[Path]:
    """Pass 2: stream ``fam``'s kept rows from its parts into its split files."""
    folder = out / "data" / fam.name
    writers = [SplitWriter(folder, s, fam.counts[s], cfg.rows_per_file, jsonl) for s in SPLITS]
    for j in fam.jobs:
        fate = fam.fates[j.name]
        if not any(k != DROP for k in fate):
            continue
        tab = read_table(parts / f"{j.name}.parquet")
        for k, w in enumerate(writers):
            idx = [r for r, x in enumerate(fate) if x == k]
            if idx:
                w.add(tab.take(idx))
    return [p for w in writers for p in w.close()]


def build_info(cfg: SuiteConfig, summary: BuildSummary) -> dict[str, Any]:
    """``build_info.json``: the config, its digest and the build's counts (and ``capped``,
    the cells asked for fewer items than the configured mix, when a build has any)."""
    capped = {
        f: {f"{v}/L{lv}": {"configured": t, "planned": p} for (v, lv), (t, p) in sorted(c.items())}
        for f, c in summary.capped.items()
        if c
    }
    return {
        "generator_version": GENERATOR_VERSION,
        "config": cfg.model_dump(mode="json"),
        "config_digest": cfg.digest(),
        "items": summary.items,
        "rows": {f"{f}/{v}/L{lv}": n for (f, v, lv), n in sorted(summary.rows.items())},
        "splits": {f"{f}/{s}": n for (f, s), n in sorted(summary.splits.items())},
        "dropped": dict(sorted(summary.dropped.items())),
        "duplicates": summary.duplicates,
        "notes": dict(sorted(summary.notes.items())),
        "status": {f"{f}/{st}": n for (f, st), n in sorted(summary.status.items())},
        "composition": {
            f: {f"{v}/L{lv}": {"target": t, "actual": a} for (v, lv), (t, a) in sorted(c.items())}
            for f, c in summary.composition.items()
        },
        **({"capped": capped} if capped else {}),
    }


def assemble(
    cfg: SuiteConfig,
    out: Path,
    parts: Path,
    jobs: list[ShardJob],
    summary: BuildSummary,
    jsonl: bool,
) -> None:
    """Parts -> ``out``: split, de-duplicated data files, ``build_info.json`` and the card."""
    from cards import write_card
    from cards.facts import Tally, family_order, finish
    from cards.histogram import draw_in_background

    by_family: dict[str, list[ShardJob]] = {}
    for j in jobs:
        by_family.setdefault(j.family, []).append(j)
    tally = Tally()
    fams = [select(cfg, f, parts, fjobs, summary, tally) for f, fjobs in by_family.items()]
    text = json.dumps(build_info(cfg, summary), indent=2, sort_keys=True) + "\n"
    write_text_atomic(text, out / "build_info.json")
    info = json.loads(text)  # as the card reads it back: keys sorted
    facts = tally.facts(info, family_order([f.name for f in fams]))
    histogram = draw_in_background(facts, out)  # drawn while the data is written
    written = {p for fam in fams for p in write_family(cfg, out, parts, fam, jsonl)}
    for old in (out / "data").glob("*/*"):
        if old not in written:
            old.unlink()  # files of an earlier build that this one lacks
    write_card(out, facts=finish(out, facts), histogram=histogram)
