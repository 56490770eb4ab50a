"""Throughput of the combined GRPO reward (``verifiers.rewards.combined_reward``).

Completions are realistic: a solution trace in the tag format padded with more reasoning
lines to the target size (1 KB and 8 KB), half with the right answer and half with a wrong
one, scored in TRL-sized batches (8 prompts x 8 completions) with the dataset columns. Every
completion is distinct and the per-puzzle caches are cleared before each batch, as in a GRPO
run where each batch brings new puzzles.
Targets: >= 50k completions/s at 1 KB and >= 5k/s at 8 KB, in one process.

    python benchmarks/perf_rewards.py [--data DIR] [--out results/perf_rewards.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

TARGETS = {1024: 50_000, 8192: 5_000}


def _rows(data: str | None) -> list[dict]:
    if data:
        import datasets

        return datasets.load_dataset(data, "all", split="train").to_list()
    from generators import generate

    return [r.model_dump() for r in generate("truth_teller", "tiny", count=64)]


def _completion(row: dict, size: int, right: bool, uid: int) -> str:
    sol = row["solution"].rsplit("\nAnswer:", 1)[0].split("\n")
    lines = [f"Attempt {uid}."] + sol  # unique text: no cache can answer for the scorer
    while sum(len(x) + 1 for x in lines) < size - 80:
        lines.append(sol[len(lines) % len(sol)].strip())
    body = "\n".join(lines)[: size - 80]
    ans = row["answer"] if right else row["choices"][1 if row["answer_label"] == "A" else 0]
    return f"<reasoning>\n{body}\n</reasoning>\n<answer>{ans}</answer>"


def bench(rows: list[dict], size: int, total: int) -> dict:
    """Score ``total`` distinct completions of ~``size`` bytes, each once, in batches of 64."""
    from verifiers import rewards
    from verifiers.rewards import combined_reward

    keys = ("answer_json", "spec", "family", "choices", "answer_label")
    batches, uid = [], 0
    while uid < total:
        for b in range(0, len(rows), 8):
            comps, cols = [], {k: [] for k in keys}
            for r in rows[b : b + 8]:
                for j in range(8):
                    comps.append(_completion(r, size, j % 2 == 0, uid))
                    uid += 1
                    for k in keys:
                        cols[k].append(r[k])
            batches.append((comps, cols))
    count = sum(len(c) for c, _ in batches)
    mean_len = sum(len(x) for c, _ in batches for x in c) / count
    combined_reward(None, batches[0][0][:1], **{k: v[:1] for k, v in batches[0][1].items()})
    n, t0 = 0, time.perf_counter()
    for comps, cols in batches:
        rewards.clear_caches()  # as in GRPO: each batch brings new puzzles
        combined_reward(None, comps, **cols)
        n += len(comps)
    dt = time.perf_counter() - t0
    rate = n / dt
    return {
        "size_bytes": size,
        "mean_chars": round(mean_len),
        "completions": n,
        "seconds": round(dt, 3),
        "completions_per_s": round(rate),
        "target_per_s": TARGETS[size],
        "meets_target": rate >= TARGETS[size],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="built dataset folder (default: 64 fresh tiny puzzles)")
    ap.add_argument("--out", default="benchmarks/results/perf_rewards.json")
    ap.add_argument("--n", type=int, default=50_000, help="completions per size (1 KB)")
    args = ap.parse_args()
    rows = _rows(args.data)
    load_before = os.getloadavg()
    results = [bench(rows, s, args.n * 1024 // s) for s in TARGETS]
    load_after = os.getloadavg()
    print(f"{'size':>6} {'mean chars':>10} {'completions/s':>14} {'target':>8}  ok")
    for r in results:
        print(
            f"{r['size_bytes']:>6} {r['mean_chars']:>10} {r['completions_per_s']:>14,} "
            f"{r['target_per_s']:>8,}  {'yes' if r['meets_target'] else 'NO'}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processes": 1,
        "cpus": os.cpu_count(),
        # a shared machine: the 1/5/15-minute load averages around the run
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1) + "\n")
    print(f"load average {load_before[0]:.2f} -> {load_after[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
