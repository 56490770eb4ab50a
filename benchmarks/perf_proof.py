"""Z3 proof cost per family/variant: an old commit against this checkout, in one run.

    python benchmarks/perf_proof.py [--old 3cb1292] [--items 60] [--repeats 3] [--build 0]
                                    [--rate 0] [--json benchmarks/results/perf_proof.json]

Each side runs in a fresh Python process importing ``generators`` from its own tree (the
old one exported with ``git archive`` into a temporary folder). The child builds the first
``--items`` items of each family of the default config, recording every uniqueness proof
the pipeline asks for (``session.prove_unique``: spec, answer, MCQ distractors); then it
proves all of them again, once to warm caches and ``--passes`` times timed, each call
including the encoding. It prints ms per proof (wall and CPU) per family/variant. The
sides alternate, the order flipping every repeat, so drift on a shared machine hits both
alike; the table shows medians and the old/new ratio. ``--build N`` also times N default
builds (``--workers 2``) of each side, alternating, through ``benchmarks/perf_build.py``.
``--rate N`` also times generation: the first N blood_relations items of the default config,
``make_item`` end to end on one core (draft, finalize, proofs), as emitted puzzles per CPU
second by variant, in the same alternating runs.
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
sys.path.insert(0, str(ROOT))

from benchmarks.perf_build import format_table, time_build  # noqa: E402

GOAL = 3.0  # old ms per proof over new, per family

_CHILD = r"""
import json, sys, time
from collections import defaultdict
from generators import pipeline, registry
from generators.config import load_config
from verifiers.solver import session
items, passes = int(sys.argv[1]), int(sys.argv[2])
cfg = load_config("default")
jobs, real = [], session.prove_unique
def spy(solver, spec, answer, distractors=(), rlimit=None, enc=None):
    jobs.append((fam, spec.variant, solver, spec, answer, list(distractors), rlimit))
    return real(solver, spec, answer, distractors, rlimit, enc)
session.prove_unique = spy
for fam in ("truth_teller", "seating", "blood_relations"):
    for i in range(items):
        pipeline.make_item(cfg, fam, i)
session.prove_unique = real
wall, cpu, n = defaultdict(float), defaultdict(float), defaultdict(int)
for p in range(passes + 1):
    for fam, variant, solver, spec, answer, ds, rlimit in jobs:
        t, c = time.perf_counter(), time.process_time()
        real(solver, spec, answer, ds, rlimit)
        if p:
            key = f"{fam}/{variant}"
            wall[key] += time.perf_counter() - t
            cpu[key] += time.process_time() - c
            n[key] += 1
print(json.dumps({k: {"proofs": n[k] // passes, "ms_wall": 1e3 * wall[k] / n[k],
                      "ms_cpu": 1e3 * cpu[k] / n[k]} for k in sorted(n)}))
"""


_RATE_CHILD = r"""
import json, sys, time
from collections import defaultdict
from generators import pipeline
from generators.config import load_config
n = int(sys.argv[1])
cfg = load_config("default")
pipeline.make_item(cfg, "blood_relations", n)  # warm imports and caches outside the timing
cpu, rows = defaultdict(float), defaultdict(int)
for i in range(n):
    variant = pipeline.plan(cfg, "blood_relations", i)[0]
    c = time.process_time()
    o = pipeline.make_item(cfg, "blood_relations", i)
    cpu[variant] += time.process_time() - c
    rows[variant] += o.record is not None
cpu["all"], rows["all"] = sum(cpu.values()), sum(rows.values())
print(json.dumps({f"blood_relations/{k}": {"rows": rows[k], "cpu_s": cpu[k],
                  "rows_per_cpu_s": rows[k] / cpu[k]} for k in sorted(cpu)}))
"""


def export(commit: str, into: Path) -> Path:
    """The tree of ``commit`` under ``into`` (``git archive``; no worktree is added)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def time_proofs(root: Path, items: int, passes: int) -> dict:
    """ms per proof by family/variant, measured in a fresh process importing from ``root``."""
    return _child(root, _CHILD, items, passes)


def time_rate(root: Path, items: int) -> dict:
    """Emitted blood_relations puzzles per CPU second by variant, in a fresh process."""
    return _child(root, _RATE_CHILD, items)


def _child(root: Path, code: str, *args: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    r = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    if r.returncode != 0:
        raise RuntimeError(f"proof timing in {root} failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str, field: str) -> float:
    return statistics.median(r[key][field] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", default="3cb1292", help="commit to compare against")
    ap.add_argument("--items", type=int, default=60, help="items per family")
    ap.add_argument("--passes", type=int, default=2, help="timed passes over the proofs")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--build", type=int, default=0, help="default builds per side (0: none)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rate", type=int, default=0, help="blood items timed end to end (0: none)")
    ap.add_argument("--json", default="benchmarks/results/perf_proof.json")
    a = ap.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="perf_proof_") as tmp:
        sides = {"old": export(a.old, Path(tmp) / "old"), "new": ROOT}
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        rates: dict[str, list[dict]] = {"old": [], "new": []}
        for k in range(a.repeats):
            for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
                runs[side].append(time_proofs(sides[side], a.items, a.passes))
                if a.rate:
                    rates[side].append(time_rate(sides[side], a.rate))
                print(f"repeat {k + 1}/{a.repeats} {side} done", file=sys.stderr, flush=True)
        builds: dict[str, list[dict]] = {"old": [], "new": []}
        for k in range(a.build):
            for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
                r = time_build("default", "local", a.workers, root=sides[side])
                builds[side].append(r)
                print(f"build {k + 1}/{a.build} {side} {r['seconds']:.1f}s", file=sys.stderr)
    table = []
    for key in runs["new"][0]:
        if key not in runs["old"][0]:
            continue
        row = {"family/variant": key, "proofs": runs["new"][0][key]["proofs"]}
        for field in ("ms_wall", "ms_cpu"):
            old, new = _median(runs["old"], key, field), _median(runs["new"], key, field)
            row[f"old_{field}"], row[f"new_{field}"] = round(old, 3), round(new, 3)
            row[f"x_{field[3:]}"] = round(old / new, 2)
        table.append(row)
    cols = ["family/variant", "proofs", "old_ms_wall", "new_ms_wall", "x_wall"]
    cols += ["old_ms_cpu", "new_ms_cpu", "x_cpu"]
    print(format_table(table, cols))
    doc: dict = {
        "meta": {
            "old": a.old,
            "items_per_family": a.items,
            "passes": a.passes,
            "repeats": a.repeats,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "goal_ratio": GOAL,
        "table": table,
        "runs": runs,
    }
    if a.rate:
        rate_table = []
        for key in rates["new"][0]:
            row = {"family/variant": key, "rows": rates["new"][0][key]["rows"]}
            old = statistics.median(r[key]["rows_per_cpu_s"] for r in rates["old"])
            new = statistics.median(r[key]["rows_per_cpu_s"] for r in rates["new"])
            row.update(old_rows_per_cpu_s=round(old, 1), new_rows_per_cpu_s=round(new, 1))
            row["x"] = round(new / old, 2)
            rate_table.append(row)
        print(f"\nemitted puzzles per CPU second, first {a.rate} blood items (make_item):")
        print(format_table(rate_table, list(rate_table[0])))
        doc["rate"] = {"items": a.rate, "table": rate_table, "runs": rates}
    if a.build:
        med = {s: statistics.median(r["seconds"] for r in builds[s]) for s in builds}
        print(
            f"\ndefault build, --workers {a.workers}: old {med['old']:.1f}s, new {med['new']:.1f}s "
            f"(x{med['old'] / med['new']:.2f}; rows {builds['old'][0]['rows']} vs "
            f"{builds['new'][0]['rows']})"
        )
        doc["build"] = {"median_s": med, "ratio": round(med["old"] / med["new"], 3), "runs": builds}
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
