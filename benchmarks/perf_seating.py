"""Seating generator throughput on one core: puzzles/s and ms per puzzle vs one Z3 proof.

    python benchmarks/perf_seating.py [--seconds 3] [--json out.json] [--profile CASE]
    python benchmarks/perf_seating.py --against OLD_CHECKOUT [--repeats 3] [--json out.json]
    python benchmarks/perf_seating.py --against OLD_CHECKOUT --variants [--seconds 4]

Each case runs ``generators.pipeline.make_item`` (draft, render, Z3 proof with distractors)
in steady state and, right after each emitted puzzle, one more uniqueness proof of it
(encode + prove in a fresh context, as the pipeline does), so that both see the same load:
the ratio "time per emitted puzzle / time per uniqueness proof" (target <= 3).

``--against DIR`` compares this checkout with another one (e.g. ``git archive BASE | tar -x
-C DIR``) in one run: each case runs in a fresh process per checkout, alternating old and
new (the order flipping every repeat), and reports per emitted puzzle the whole
``make_item`` time, its Z3 share (``session.prove_unique``, timed around the pipeline's
call) and the rest, the generator's own time, with medians and new/old speed-ups.
``--variants`` runs each variant (and linear with attributes) at levels 1-4 instead. Each
run also reports its CPU time per emitted puzzle (``cpu_ms_per_puzzle``, steadier than wall
time on a shared machine; speed-up ``speedup_cpu``) and its draft attempts per item.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = [  # (variant, options, target puzzles/s)
    ("linear", {"n": 8}, 200),
    ("circular", {"n": 8}, 100),
    ("linear", {"n": 7, "attributes": 3}, 20),
    ("linear_mixed", {"n": 6}, None),
    ("circular_mixed", {"n": 6}, None),
    ("parallel_rows", {"n": 8}, None),
    ("ordering", {"n": 8}, None),
    ("linear", {"n": 12}, None),
]


def _cfg(variant: str, options: dict):
    from generators.config import parse_config

    fam = {"count": 0, "variants": {variant: 1.0}, "levels": {4: 1.0}, "options": options}
    return parse_config({"name": "perf", "seed": 1, "families": {"seating": fam}})


def measure(variant: str, options: dict, seconds: float) -> dict:
    from generators.pipeline import make_item
    from verifiers.answers import Answer
    from verifiers.registry import load_spec
    from verifiers.solver import seating as solver
    from verifiers.solver import session

    cfg = _cfg(variant, options)
    for i in range(5):
        make_item(cfg, "seating", 1_000_000 + i)
    made = proofs = 0.0
    n = emitted = 0
    while made + proofs < seconds:
        t0 = time.perf_counter()
        out = make_item(cfg, "seating", n)
        made += time.perf_counter() - t0
        n += 1
        if out.record is None:
            continue
        emitted += 1
        r = out.record
        t1 = time.perf_counter()  # one uniqueness proof of the same puzzle, right after it
        spec = load_spec("seating", r.spec)
        gold = Answer.model_validate_json(r.answer_json)
        enc = solver.encode(spec)
        session.prove(enc, solver.answer_literal(spec, gold), [], session.DEFAULT_RLIMIT)
        proofs += time.perf_counter() - t1
    per = made / max(emitted, 1)
    proof = proofs / max(emitted, 1)
    return {
        "rate": emitted / made,
        "ms_per_puzzle": per * 1e3,
        "ms_per_proof": proof * 1e3,
        "ratio": per / proof if proof else 0.0,
        "items": n,
        "emitted": emitted,
    }


AB_CASES = [  # (name, variant or None for the default seating mix, options)
    ("default mix", None, {}),
    ("linear n=8", "linear", {"n": 8}),
    ("circular n=8", "circular", {"n": 8}),
    ("linear n=7 attr=3", "linear", {"n": 7, "attributes": 3}),
]
ALL_LEVELS = {"levels": {1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25}}
VARIANT_CASES = [  # --variants: each variant at levels 1-4, its default sizes and attributes
    ("linear", "linear", ALL_LEVELS),
    ("circular", "circular", ALL_LEVELS),
    ("mixed (linear)", "linear_mixed", ALL_LEVELS),
    ("mixed (circular)", "circular_mixed", ALL_LEVELS),
    ("parallel_rows", "parallel_rows", ALL_LEVELS),
    ("ordering", "ordering", ALL_LEVELS),
    ("objects", "objects", ALL_LEVELS),
    ("attributes (linear, 2)", "linear", {**ALL_LEVELS, "attributes": 2}),
]
# The child: emitted puzzles of one case for ``seconds``; prints one JSON line. It relies only
# on make_item and session.prove_unique, so older checkouts run it too.
_CHILD = r"""
import json, os, sys, time
variant, options, seconds = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from generators import pipeline
from generators.config import load_config, parse_config
cfg = load_config("default").model_dump(mode="json")
fam = cfg["families"]["seating"]
if variant != "-":
    levels = options.pop("levels", {4: 1.0})
    fam.update(variants={variant: 1.0}, levels=levels, options=options)
cfg["families"] = {"seating": fam}
cfg = parse_config(cfg)
z3 = [0.0]
prove = pipeline.session.prove_unique
def timed(*a, **k):
    t = time.perf_counter()
    try:
        return prove(*a, **k)
    finally:
        z3[0] += time.perf_counter() - t
pipeline.session.prove_unique = timed
for i in range(5):
    pipeline.make_item(cfg, "seating", 1_000_000 + i)
z3[0] = 0.0
made = emitted = 0.0
i = attempts = 0
t0, c0 = time.perf_counter(), time.process_time()
while time.perf_counter() - t0 < seconds or emitted < 10:
    out = pipeline.make_item(cfg, "seating", i)
    i += 1
    emitted += out.record is not None
    attempts += out.attempts
made = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"items": i, "emitted": emitted, "seconds": made, "cpu_s": cpu, "z3_s": z3[0],
                  "attempts": attempts}))
"""


def run_child(root: Path, variant: str | None, options: dict, seconds: float) -> dict:
    """One case in a fresh process importing the checkout at ``root``."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, variant or "-", json.dumps(options), str(seconds)],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    r = json.loads(out.stdout.strip().splitlines()[-1])
    per = r["seconds"] / r["emitted"] * 1e3
    z3 = r["z3_s"] / r["emitted"] * 1e3
    cpu = r["cpu_s"] / r["emitted"] * 1e3
    att = r["attempts"] / r["items"]
    return {
        **r,
        "ms_per_puzzle": per,
        "z3_ms": z3,
        "gen_ms": per - z3,
        "cpu_ms_per_puzzle": cpu,
        "attempts_per_item": att,
    }


def compare(old: Path, seconds: float, repeats: int, cases=AB_CASES) -> list[dict]:
    """Old and new checkouts, case by case, alternating; medians and speed-ups."""
    import statistics

    new = Path(__file__).resolve().parents[1]
    rows = []
    print(f"{'case':<24} {'old ms/puz':>10} {'new ms/puz':>10} {'old gen':>8} {'new gen':>8} "
          f"{'old z3':>7} {'new z3':>7} {'x total':>8} {'x gen':>6} {'old cpu':>8} {'new cpu':>8} "
          f"{'x cpu':>6} {'old att':>7} {'new att':>7}")  # fmt: skip
    for name, variant, options in cases:
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for rep in range(repeats):
            order = ("old", "new") if rep % 2 == 0 else ("new", "old")
            for who in order:
                root = old if who == "old" else new
                runs[who].append(run_child(root, variant, options, seconds))
        med = {
            w: {
                k: statistics.median(r[k] for r in rs)
                for k in (
                    "ms_per_puzzle",
                    "gen_ms",
                    "z3_ms",
                    "cpu_ms_per_puzzle",
                    "attempts_per_item",
                )
            }
            for w, rs in runs.items()
        }
        row = {
            "case": name, "variant": variant, "options": options, "runs": runs, "median": med,
            "speedup_total": med["old"]["ms_per_puzzle"] / med["new"]["ms_per_puzzle"],
            "speedup_generator": med["old"]["gen_ms"] / med["new"]["gen_ms"],
            "speedup_cpu": med["old"]["cpu_ms_per_puzzle"] / med["new"]["cpu_ms_per_puzzle"],
        }  # fmt: skip
        rows.append(row)
        row["rate"] = {w: 1e3 / m["ms_per_puzzle"] for w, m in med.items()}
        row["cpu_rate"] = {w: 1e3 / m["cpu_ms_per_puzzle"] for w, m in med.items()}
        o, n = med["old"], med["new"]
        print(
            f"{name:<24} {o['ms_per_puzzle']:>10.2f} {n['ms_per_puzzle']:>10.2f} "
            f"{o['gen_ms']:>8.2f} {n['gen_ms']:>8.2f} {o['z3_ms']:>7.2f} {n['z3_ms']:>7.2f} "
            f"{row['speedup_total']:>8.2f} {row['speedup_generator']:>6.2f} "
            f"{o['cpu_ms_per_puzzle']:>8.2f} {n['cpu_ms_per_puzzle']:>8.2f} {row['speedup_cpu']:>6.2f} "
            f"{o['attempts_per_item']:>7.2f} {n['attempts_per_item']:>7.2f}"
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--against", type=Path, default=None, help="an older checkout to compare")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--variants", action="store_true", help="with --against: per variant")
    ap.add_argument("--json", default=None)
    ap.add_argument("--profile", type=int, default=None, help="cProfile case number CASE")
    a = ap.parse_args()
    if a.against is not None:
        cases = VARIANT_CASES if a.variants else AB_CASES
        rows = compare(a.against.resolve(), a.seconds, a.repeats, cases)
        if a.json:
            Path(a.json).write_text(json.dumps(rows, indent=2))
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if a.profile is not None:
        import cProfile
        import pstats

        v, o, _ = CASES[a.profile]
        cProfile.runctx("measure(v, o, a.seconds)", globals(), locals(), "/tmp/seat.prof")
        pstats.Stats("/tmp/seat.prof").sort_stats("cumulative").print_stats(40)
        return 0
    from verifiers.solver import session

    t0 = time.perf_counter()
    for _ in range(50):
        session.run("(declare-const b Bool)(assert b)(check-sat)", fresh=True)
    floor = (time.perf_counter() - t0) / 50 * 1e3
    print(f"floor: one trivial script in a fresh Z3 context takes {floor:.2f} ms")
    rows = [{"floor_ms": floor}]
    print(
        f"{'variant':<16} {'options':<28} {'/s':>7} {'ms/puz':>8} {'ms/proof':>9} {'ratio':>6} {'target':>7}"
    )
    for v, o, target in CASES:
        r = measure(v, o, a.seconds)
        rows.append({"variant": v, "options": o, "target": target, **r})
        print(
            f"{v:<16} {json.dumps(o):<28} {r['rate']:>7.1f} {r['ms_per_puzzle']:>8.2f} "
            f"{r['ms_per_proof']:>9.2f} {r['ratio']:>6.2f} {target or '-':>7}"
        )
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
