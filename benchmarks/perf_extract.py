"""Linearity of answer extraction on adversarial model output (verifiers.extract).

For each adversarial pattern, time extract + follows_format + format_score at 256 KB and
1 MB in one process and print the ratio: about 4 means linear, 16 would mean quadratic.

    python benchmarks/perf_extract.py [--out benchmarks/results/perf_extract.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from verifiers.extract import extract, follows_format, format_score

PATTERNS = {
    "one char": "a",
    "open braces": "{",
    "boxed opens": "\\boxed{",
    "repeated tags": "<answer>x</answer>",
    "unclosed tags": "<answer>",
    "closes only": "</answer></think>",
    "answer phrases": "the answer is ",
    "reasoning blocks": "<reasoning>r</reasoning><answer>k</answer>",
}


def _time(text: str) -> float:
    t = time.perf_counter()
    extract(text)
    follows_format(text)
    format_score(text)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/perf_extract.json"))
    args = ap.parse_args()
    rows = []
    print(f"{'pattern':18} {'256 KB s':>10} {'1 MB s':>10} {'ratio':>7}")
    for name, unit in PATTERNS.items():
        small = unit * (256 * 1024 // len(unit))
        big = unit * (1024 * 1024 // len(unit))
        ts, tb = min(_time(small) for _ in range(3)), min(_time(big) for _ in range(3))
        rows.append({"pattern": name, "s_256k": ts, "s_1m": tb, "ratio": tb / max(ts, 1e-9)})
        print(f"{name:18} {ts:10.4f} {tb:10.4f} {tb / max(ts, 1e-9):7.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
