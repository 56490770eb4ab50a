"""`stats`: counts and difficulty distributions of a built folder."""

from __future__ import annotations

import json
import statistics
from array import array
from collections import Counter, defaultdict
from pathlib import Path

from templates.phrases import bank_size, is_reserved, kind_of

from .shards import data_files, read_table

# Metrics whose medians must rise with the level (issue 5: solver conflicts and decisions, clue
# count, share of relative clues); none of them sets the level. A family is checked on those it has.
CHECKED = ("z3_conflicts", "z3_decisions", "n_clues", "relative_share")
# Shown beside them for context, not checked: propagations track the solver's work but also size,
# and clue density is flat by design where each person makes one statement (knights and knaves).
SHOWN = ("z3_propagations", "clues_per_person")


def compute(root: Path) -> dict:
    counts: Counter = Counter()
    letters: Counter = Counter()
    # 8-byte floats: a million rows' metrics fit in a few hundred MB, not gigabytes
    metrics: dict[tuple[str, int], dict[str, array]] = defaultdict(
        lambda: defaultdict(lambda: array("d"))
    )
    # breadth (issue 15): phrasings per clue kind, settings, and entity names per family
    phrases: dict[tuple[str, str], set[str]] = defaultdict(set)
    reserved_out: Counter = Counter()  # reserved (test-only) phrasings seen outside test
    settings: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    cols = ["family", "variant", "level", "answer_label", "difficulty", "spec"]
    cols += ["template_id", "phrase_ids"]
    for f in data_files(root):
        split = f.name.split("-")[0]
        for row in read_table(f, cols).to_pylist():
            fam = row["family"]
            counts[(fam, row["variant"], row["level"], split)] += 1
            settings[fam].add(row["template_id"])
            names[fam].update(json.loads(row["spec"]).get("people") or [])
            for pid in row["phrase_ids"] or []:
                phrases[(fam, kind_of(pid))].add(pid)
                reserved_out[fam] += is_reserved(pid) and split != "test"
            letters[(row["family"], row["answer_label"])] += 1
            d = json.loads(row["difficulty"])
            d.setdefault("n_clues", d.get("n_statements", 0) + d.get("n_facts", 0))
            for k, v in d.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    metrics[(row["family"], row["level"])][k].append(float(v))
    medians = {
        f"{fam}/L{lv}": {k: statistics.median(v) for k, v in sorted(ms.items())}
        for (fam, lv), ms in sorted(metrics.items())
    }
    return {
        "counts": {"/".join(map(str, k)): n for k, n in sorted(counts.items())},
        "answer_letters": {f"{f}/{letter}": n for (f, letter), n in sorted(letters.items())},
        "medians": medians,
        "total": sum(counts.values()),
        "breadth": {
            fam: {
                "templates": len(settings[fam]),
                "names": len(names[fam]),
                "reserved_outside_test": reserved_out[fam],
                "phrase_kinds": {
                    kind: {
                        "train": sum(not is_reserved(p) for p in ids),
                        "test_only": sum(is_reserved(p) for p in ids),
                    }
                    for (f2, kind), ids in sorted(phrases.items())
                    if f2 == fam
                },
            }
            for fam in sorted(settings)
        },
    }


def monotone_table(st: dict) -> list[tuple[str, str, list[float], bool]]:
    """(family, metric, medians L1..L4, non-decreasing with L4 > L1) for the CHECKED metrics."""
    return _level_table(st, CHECKED)


def _level_table(st: dict, metrics: tuple[str, ...]) -> list[tuple[str, str, list[float], bool]]:
    fams = sorted({k.split("/")[0] for k in st["medians"]})
    out = []
    for fam in fams:
        for m in metrics:
            vals = [st["medians"].get(f"{fam}/L{lv}", {}).get(m) for lv in (1, 2, 3, 4)]
            if any(v is None for v in vals):
                continue
            ok = all(a <= b for a, b in zip(vals, vals[1:], strict=False)) and vals[3] > vals[0]
            out.append((fam, m, vals, ok))
    return out


def format_stats(st: dict) -> str:
    lines = [f"{'family/variant/level/split':<52} {'rows':>7}"]
    for k, n in st["counts"].items():
        lines.append(f"{k:<52} {n:>7}")
    lines.append(f"{'total':<52} {st['total']:>7}")
    lines.append("")
    lines.append(
        "answer letters: " + ", ".join(f"{k}={n}" for k, n in st["answer_letters"].items())
    )
    lines.append("")
    lines.append(f"{'median by level':<40} {'L1':>9} {'L2':>9} {'L3':>9} {'L4':>9}  monotone")
    for fam, m, vals, ok in monotone_table(st):
        lines.append(
            f"{fam + ' ' + m:<40} "
            + " ".join(f"{v:>9.2f}" for v in vals)
            + f"  {'yes' if ok else 'NO'}"
        )
    lines.append("")
    lines.append(f"{'shown, not checked':<40} {'L1':>9} {'L2':>9} {'L3':>9} {'L4':>9}")
    for fam, m, vals, _ in _level_table(st, SHOWN):
        lines.append(f"{fam + ' ' + m:<40} " + " ".join(f"{v:>9.2f}" for v in vals))
    for key in ("deduction_depth", "n_people", "log2_search_space"):
        for fam in sorted({k.split("/")[0] for k in st["medians"]}):
            vals = [st["medians"].get(f"{fam}/L{lv}", {}).get(key) for lv in (1, 2, 3, 4)]
            if all(v is not None for v in vals):
                lines.append(f"{fam + ' ' + key:<40} " + " ".join(f"{v:>9.2f}" for v in vals))
    lines += ["", *format_breadth(st)]
    return "\n".join(lines)


def format_breadth(st: dict) -> list[str]:
    """Distinct phrasings per clue kind (training / test-only) and distinct names per family."""
    lines = [
        "breadth: distinct phrasings seen in this build per clue kind (training / test-only),",
        "and in the bank",
        f"{'clue kind':<52} {'train':>7} {'test':>7} {'bank':>9}",
    ]
    for fam, b in st.get("breadth", {}).items():
        kinds = b["phrase_kinds"]
        few = sum((bank_size(k) or (0, 0))[0] < 4 for k in kinds)
        lines.append(
            f"{fam}: {b['names']} distinct names/objects, {b['templates']} template ids, "
            f"{len(kinds)} clue kinds ({few} with fewer than 4 training phrasings in the bank), "
            f"{b['reserved_outside_test']} test-only phrasings outside test"
        )
        for kind, v in kinds.items():
            size = bank_size(kind)
            bank = f"{size[0]}+{size[1]}" if size else "-"
            lines.append(f"  {kind:<50} {v['train']:>7} {v['test_only']:>7} {bank:>9}")
    return lines
