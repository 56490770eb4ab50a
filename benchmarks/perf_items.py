"""Items of a ready config per CPU-second, this checkout against an older one, alternating.

    python benchmarks/perf_items.py --against OLD_CHECKOUT [--config default]
        [--family seating] [--level 4] [--items N] [--repeats 3] [--json out.json]

Each run is a fresh process that imports ``generators`` from its checkout, makes one
warm-up item, then ``make_item(cfg, family, i)`` for the config's first ``--items`` items
of ``--family`` (only those planned at ``--level``, if given) and reports the rows made and
the CPU seconds they took. Old and new alternate, the order flipping every repeat, so that
drift on a shared machine hits both alike; the summary has medians and new over old in
rows per CPU-second. Without ``--items`` every item of the family's count is made.
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

_CHILD = r"""
import json, sys, time
from generators.config import load_config
from generators.pipeline import make_item, plan
config, family, level, items = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cfg = load_config(None if config == "default" else config)
idx = [i for i in range(cfg.families[family].count) if not level or plan(cfg, family, i)[1] == level]
idx = idx[:items] if items else idx
make_item(cfg, family, 10**6)  # imports, templates and caches warm, as in a shard job
t = time.process_time()
rows = sum(make_item(cfg, family, i).record is not None for i in idx)
print(json.dumps({"items": len(idx), "rows": rows, "cpu_s": time.process_time() - t}))
"""


def run_once(root: Path, a: argparse.Namespace) -> dict:
    """One timed run of the child in checkout ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    args = [a.config, a.family, str(a.level), str(a.items)]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], cwd=root, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"{root}: {out.stderr.strip().splitlines()[-1]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["rows_per_cpu_s"] = r["rows"] / r["cpu_s"]
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", required=True, help="an older checkout (git worktree add)")
    ap.add_argument("--config", default="default")
    ap.add_argument("--family", default="seating")
    ap.add_argument("--level", type=int, default=0, help="only items planned at this level")
    ap.add_argument("--items", type=int, default=0, help="the first N items (0: all)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", help="write the summary and runs here")
    a = ap.parse_args()
    roots = {"old": Path(a.against).resolve(), "new": ROOT}
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for k in range(a.repeats):
        for ver in ("old", "new") if k % 2 == 0 else ("new", "old"):
            r = run_once(roots[ver], a)
            runs[ver].append(r)
            print(f"{k + 1}/{a.repeats} {ver}: {r['rows']} rows in {r['cpu_s']:.2f} CPU s")
    med = {v: statistics.median(r["rows_per_cpu_s"] for r in runs[v]) for v in runs}
    res = {
        "config": a.config,
        "family": a.family,
        "level": a.level or None,
        "items": runs["new"][0]["items"],
        "rows_per_cpu_s": {v: round(m, 2) for v, m in med.items()},
        "new_over_old_per_cpu_s": round(med["new"] / med["old"], 3),
        "runs": runs,
    }
    print(
        f"rows per CPU-second: old {med['old']:.1f}, new {med['new']:.1f}, new/old {res['new_over_old_per_cpu_s']}x"
    )
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
