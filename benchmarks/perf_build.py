"""Build throughput: rows/s of local processes vs Ray tasks on the same machine.

    python benchmarks/perf_build.py [--config default] [--workers 2] [--repeats 3]
                                    [--json benchmarks/results/perf_build.json]

Each build runs in a fresh Python process (so every run pays its own imports and worker
start-up), into a fresh temporary folder. Runs alternate between engines, the order
flipping every repeat so that drift on a shared machine hits both alike; the table shows
medians. For Ray the child starts a local Ray (``ray.init(num_cpus=workers)``) first and
reports that start-up apart from the build, as a cluster already running would not pay
it; the build time includes Ray's worker start-up, as the local build includes its pool's.
``overhead`` is the Ray build's median time over the local one's, minus 1 (goal: <= 15%);
``overhead incl. start`` adds Ray's start-up.

To compare generator versions later, call ``time_build(..., root=CHECKOUT)`` with a checkout
of another commit (the child imports ``generators`` from ``root``) and print both with
``format_table``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.15  # Ray within 15% of local processes

# The child: one build, timed; prints one JSON line. Only the build() signature of the
# checkout at `root` is assumed (`engine` is passed for Ray only, so older commits work).
_CHILD = r"""
import json, os, sys, time
config, engine, workers, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
from generators.build import build
from generators.config import load_config
cfg = load_config(config)
startup = 0.0
kw = {}
if engine == "ray":
    import ray
    os.environ.setdefault("RAY_DISABLE_USAGE_STATS", "1")
    t = time.perf_counter()
    ray.init(num_cpus=workers, include_dashboard=False, logging_level="ERROR")
    startup = time.perf_counter() - t
    kw["engine"] = "ray"
t = time.perf_counter()
s = build(cfg, out, workers=workers, progress=False, **kw)
seconds = time.perf_counter() - t
print(json.dumps({"rows": sum(s.rows.values()), "items": s.items, "seconds": seconds,
                  "startup_s": startup}))
"""


def time_build(config: str, engine: str, workers: int, root: Path = ROOT) -> dict:
    """Build ``config`` once with ``engine`` (``local`` or ``ray``) on ``workers`` CPUs, in a
    fresh process importing ``generators`` from ``root``; return rows, seconds, rows_per_s
    and Ray's start-up seconds (0 for local)."""
    env = {**os.environ, "PYTHONPATH": str(root), "RAY_DISABLE_USAGE_STATS": "1"}
    with tempfile.TemporaryDirectory(prefix="perf_build_") as tmp:
        r = subprocess.run(
            [sys.executable, "-c", _CHILD, config, engine, str(workers), str(Path(tmp) / "out")],
            capture_output=True,
            text=True,
            cwd=root,
            env=env,
        )
    if r.returncode != 0:
        raise RuntimeError(f"{engine} build failed (rc {r.returncode}): {r.stderr[-2000:]}")
    res = json.loads(r.stdout.strip().splitlines()[-1])
    res["rows_per_s"] = res["rows"] / res["seconds"]
    return {"engine": engine, "workers": workers, **res}


def summarize(runs: list[dict], key: str = "engine") -> list[dict]:
    """Median seconds, rows/s and start-up per value of ``key`` (in first-seen order)."""
    out = []
    for name in dict.fromkeys(r[key] for r in runs):
        rs = [r for r in runs if r[key] == name]
        out.append(
            {
                key: name,
                "runs": len(rs),
                "rows": rs[0]["rows"],
                "median_s": round(statistics.median(r["seconds"] for r in rs), 2),
                "rows_per_s": round(statistics.median(r["rows_per_s"] for r in rs), 1),
                "startup_s": round(statistics.median(r["startup_s"] for r in rs), 2),
                "all_s": [round(r["seconds"], 2) for r in rs],
            }
        )
    return out


def format_table(rows: list[dict], columns: list[str]) -> str:
    """A plain text table of ``rows`` (dicts) showing ``columns`` in order."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(x.rjust(w) for x, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default", help="ready config name or YAML path")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default=None, help="write the results as JSON here")
    a = ap.parse_args()
    load_before = os.getloadavg()
    runs = []
    for k in range(a.repeats):
        for engine in ("local", "ray") if k % 2 == 0 else ("ray", "local"):
            r = time_build(a.config, engine, a.workers)
            print(
                f"repeat {k + 1}/{a.repeats} {engine:<5} {r['seconds']:6.1f}s "
                f"{r['rows_per_s']:6.1f} rows/s (ray start {r['startup_s']:.1f}s)",
                file=sys.stderr,
                flush=True,
            )
            runs.append({"repeat": k, **r})
    table = summarize(runs)
    by = {t["engine"]: t for t in table}
    if by["local"]["rows"] != by["ray"]["rows"]:
        raise SystemExit("local and Ray builds wrote different row counts")
    loc, ray_ = by["local"]["median_s"], by["ray"]["median_s"]
    overhead = ray_ / loc - 1
    overhead_start = (ray_ + by["ray"]["startup_s"]) / loc - 1
    for t in table:
        t["vs_local"] = f"{t['median_s'] / loc - 1:+.1%}"
    print(
        format_table(
            table,
            ["engine", "runs", "rows", "median_s", "rows_per_s", "startup_s", "vs_local", "all_s"],
        )
    )
    print(
        f"\noverhead of Ray vs local processes on {a.workers} workers: {overhead:+.1%} "
        f"(goal <= {GOAL:.0%}: {'met' if overhead <= GOAL else 'NOT met'}); "
        f"with Ray's start-up included: {overhead_start:+.1%}"
    )
    if a.json:
        doc = {
            "meta": {
                "config": a.config,
                "workers": a.workers,
                "repeats": a.repeats,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            },
            "summary": table,
            "overhead": round(overhead, 4),
            "overhead_incl_ray_start": round(overhead_start, 4),
            "goal": GOAL,
            "meets_goal": overhead <= GOAL,
            "runs": runs,
        }
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
