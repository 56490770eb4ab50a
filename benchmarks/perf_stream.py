"""Streamed-SFT feed: train puzzles per second of the puzzle stream, an old checkout vs this one.

    python benchmarks/perf_stream.py --model INIT_MODEL --against OLD_CHECKOUT
        [--workers 2] [--seconds 20] [--repeats 2] [--json benchmarks/results/perf_stream.json]

Each run is :func:`perf_sft.stream_rate` (the stream of the ``default`` config alone, no
trainer: unique train puzzles/s and real tokens/s after the workers are up) in a fresh process
that imports ``generators`` and ``trainers`` from one checkout (``git worktree add DIR REV``),
alternating old and new, the order flipping every repeat so that drift on a shared machine
hits both alike. The table shows medians and new over old. The stream is a pure function of
config, seed and worker count, but two checkouts may make different puzzles.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys
sys.path.insert(0, {root!r} + '/benchmarks')  # the checkout itself: PYTHONPATH
from perf_sft import stream_rate
r = stream_rate({model!r}, {seconds}, {workers}); r.pop('stream')
print('RESULT ' + json.dumps(r))
"""


def run_once(root: Path, model: str, seconds: float, workers: int) -> dict:
    """One stream_rate measurement with the code of checkout ``root``."""
    code = CHILD.format(root=str(root), model=model, seconds=seconds, workers=workers)
    env = {**os.environ, "PYTHONPATH": str(root), "TOKENIZERS_PARALLELISM": "false"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"stream run in {root} failed: {out.stderr.strip()[-300:]}")
    return json.loads(line[len("RESULT ") :])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/perf_stream.py")
    ap.add_argument("--model", required=True, help="init-model folder (its tokenizer is used)")
    ap.add_argument("--against", required=True, help="a checkout of the old commit")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--json", default=None, help="write the results as JSON here")
    a = ap.parse_args(argv)
    roots = {"old": Path(a.against).resolve(), "new": ROOT}
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for rep in range(a.repeats):
        for ver in ("old", "new") if rep % 2 == 0 else ("new", "old"):
            r = run_once(roots[ver], a.model, a.seconds, a.workers)
            runs[ver].append(r)
            print(
                f"{rep + 1}/{a.repeats} {ver}: {r['puzzles_per_s']} puzzles/s, "
                f"{r['real_tokens_per_s']} real tokens/s",
                flush=True,
            )
    med = {v: statistics.median(r["puzzles_per_s"] for r in rs) for v, rs in runs.items()}
    tok = {v: statistics.median(r["real_tokens_per_s"] for r in rs) for v, rs in runs.items()}
    print(f"\n{'version':8} {'puzzles/s':>10} {'real tokens/s':>14}")
    for v in ("old", "new"):
        print(f"{v:8} {med[v]:>10.1f} {tok[v]:>14.0f}")
    ratio = med["new"] / med["old"]
    print(f"new/old: {ratio:.2f}x train puzzles/s ({a.workers} workers, {a.seconds:.0f} s runs)")
    if a.json:
        res = {
            "meta": {
                "cpus": os.cpu_count(),
                "workers": a.workers,
                "seconds": a.seconds,
                "old": str(roots["old"]),
                "loadavg": os.getloadavg(),
            },
            "runs": runs,
            "median_puzzles_per_s": med,
            "median_real_tokens_per_s": tok,
            "new_over_old": round(ratio, 3),
        }
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
