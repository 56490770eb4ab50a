"""Seating generator throughput on one core: puzzles/s and ms per puzzle vs one Z3 proof.

    python benchmarks/perf_seating.py [--seconds 3] [--json out.json] [--profile CASE]

Each case runs ``generators.pipeline.make_item`` (draft, render, Z3 proof with distractors)
in steady state and, right after each emitted puzzle, one more uniqueness proof of it
(encode + prove in a fresh context, as the pipeline does), so that both see the same load:
the ratio "time per emitted puzzle / time per uniqueness proof" (target <= 3).
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--profile", type=int, default=None, help="cProfile case number CASE")
    a = ap.parse_args()
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
