"""Generator throughput on one core: puzzles/s and time per puzzle vs one Z3 uniqueness proof.

    python benchmarks/perf_generators.py [--json benchmarks/results/perf_generators.json] [--quick]
    python benchmarks/perf_generators.py --against OLD_CHECKOUT [--repeats 3] [--json out.json]

For each (family, variant, size) case it reports:
- warm rate: emitted puzzles/s in steady state (after a warm-up), every attempt counted;
- cold rate: puzzles/s of a new process, imports included;
- ms per emitted puzzle, ms per Z3 uniqueness proof of the same puzzles (fresh context, as
  the pipeline runs it), and their ratio (target: <= 2).
The process pins itself to one core. Targets come from the issues; a case whose family is
not installed is skipped.

reasoning-gym 0.1.25 (``pip install reasoning-gym==0.1.25``; a benchmark-only extra, not a
test dependency) is timed in the same run, where it is installed, on its own generators
of the same kinds (knights and knaves by people, zebra puzzles by size, family
relationships), and set beside our rate for the matching case. Its puzzles are generated,
not proven; the table says so. Without it the comparison is skipped with one line.

``--against DIR`` compares this checkout with an older one (``git worktree add DIR BASE``) on
the :data:`AB_CASES` in one run: each case runs :func:`warm` in a fresh process per checkout
(and reasoning-gym's matching case in another), alternating old, new and reasoning-gym with
the order rotating every repeat, and reports medians: puzzles/s old / new / RG, new over old
and new over RG, and each checkout's time per puzzle over its proof time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (family, variant, options, target puzzles/s or None)
CASES = [
    *[
        ("truth_teller", "knights_knaves", {"n": n}, {5: 500, 8: 480, 12: 450}.get(n))
        for n in (2, 3, 5, 8, 12, 16)
    ],
    *[("truth_teller", "liar_chain", {"n": n}, None) for n in (3, 5, 8, 12)],
    *[("truth_teller", "knights_knaves_normals", {"n": n}, None) for n in (3, 5, 8)],
    ("seating", "linear", {"n": 8}, 200),
    ("seating", "circular", {"n": 8}, 100),
    ("seating", "linear", {"n": 7, "attributes": 3}, 20),
    ("blood_relations", "chain", {"hops": 3}, 500),  # issue 17: 500 proven/s per core
    ("blood_relations", "family_puzzle", {}, 500),
]
RATIO_TARGET = 2.0  # issue 17: time per emitted puzzle <= 2x one uniqueness proof
# reasoning-gym cases: (label, dataset name, config kwargs, our matching case or None), where
# our case is (family, variant, options) from CASES.
RG_CASES = [
    *[
        (
            f"knights_knaves n={n}",
            "knights_knaves",
            {"n_people": n},
            ("truth_teller", "knights_knaves", {"n": n}),
        )
        for n in (5, 8, 12)
    ],
    (
        "zebra 5x5",
        "zebra_puzzles",
        {"num_people": 5, "num_characteristics": 5},
        ("seating", "linear", {"n": 7, "attributes": 3}),
    ),
    (
        "zebra 7x7",
        "zebra_puzzles",
        {"num_people": 7, "num_characteristics": 7},
        ("seating", "linear", {"n": 7, "attributes": 3}),
    ),
    ("family_relationships", "family_relationships", {}, ("blood_relations", "chain", {"hops": 3})),
]


# --against: (label, family, variant, options, reasoning-gym dataset and config or None)
AB_CASES = [
    *[
        (
            f"K&K n={n}",
            "truth_teller",
            "knights_knaves",
            {"n": n},
            ("knights_knaves", {"n_people": n}),
        )
        for n in (5, 8, 12)
    ],
    ("K&K normals n=5", "truth_teller", "knights_knaves_normals", {"n": 5}, None),
    ("liar chain n=8", "truth_teller", "liar_chain", {"n": 8}, None),
]


def reasoning_gym(seconds: float) -> list[dict] | None:
    """reasoning-gym puzzles/s per :data:`RG_CASES` case (at least 2 puzzles, then until
    ``seconds``); None when it is not installed."""
    try:
        from importlib.metadata import version

        import reasoning_gym as rg
    except ImportError:
        return None
    out = []
    for label, name, kw, ours in RG_CASES:
        ds = rg.create_dataset(name, size=1_000_000, seed=1, **kw)
        ds[0]  # warm-up
        t0, n = time.perf_counter(), 0
        while n < 2 or time.perf_counter() - t0 < seconds:
            ds[1 + n]
            n += 1
        elapsed = time.perf_counter() - t0
        out.append(
            {"label": label, "dataset": name, "config": kw, "version": version("reasoning_gym")}
            | {"rate": n / elapsed, "puzzles": n, "ours": ours}
        )
    return out


def compare(rg_rows: list[dict], rows: list[dict]) -> list[dict]:
    """Each reasoning-gym case beside our rate for its matching case (ratio = ours / theirs)."""
    ours = {(r["family"], r["variant"], json.dumps(r["options"], sort_keys=True)): r for r in rows}
    out = []
    for g in rg_rows:
        fam, var, opts = g["ours"]
        mine = ours.get((fam, var, json.dumps(opts, sort_keys=True)))
        rate = mine["warm_rate"] if mine else None
        out.append(
            {**g, "our_case": f"{fam}/{var} " + ",".join(f"{k}={v}" for k, v in opts.items())}
            | {"our_rate": rate, "our_ms_per_proof": mine["ms_per_proof"] if mine else None}
            | {"ratio": rate / g["rate"] if rate else None}
        )
    return out


def _family(name: str):
    try:
        return import_module(f"generators.{name}")
    except ImportError:
        return None


def _level(mod, variant: str, options: dict) -> int:
    """The most common measured level of drafts with these options (the case's natural level)."""
    levels: Counter = Counter()
    rng = random.Random(0)
    for lv in (1, 2, 3, 4):
        for _ in range(8):
            d = mod.draft(variant, lv, rng, options)
            if d is not None:
                levels[mod.level_of(d.metrics)] += 1
    return levels.most_common(1)[0][0] if levels else 1


def _config(family: str, variant: str, options: dict, level: int):
    from generators.config import parse_config

    return parse_config(
        {
            "name": "perf",
            "seed": 1,
            "families": {
                family: {
                    "count": 0,
                    "variants": {variant: 1.0},
                    "levels": {level: 1.0},
                    "options": options,
                }
            },
        }
    )


def warm(family: str, variant: str, options: dict, seconds: float) -> dict:
    from generators.pipeline import make_item
    from verifiers.answers import Answer
    from verifiers.registry import load_spec
    from verifiers.solver import session

    mod = _family(family)
    level = _level(mod, variant, options)
    cfg = _config(family, variant, options, level)
    for i in range(10):
        make_item(cfg, family, 10_000_000 + i)
    recs, dropped, attempts = [], Counter(), 0
    t0 = time.perf_counter()
    i = 0
    while time.perf_counter() - t0 < seconds or len(recs) < 20:
        out = make_item(cfg, family, i)
        attempts += out.attempts
        i += 1
        if out.record is None:
            dropped[out.dropped] += 1
        else:
            recs.append(out.record)
    elapsed = time.perf_counter() - t0
    # One uniqueness proof per emitted puzzle, exactly as the pipeline runs it (no distractors).
    solver = mod.SOLVER
    work = []
    for r in recs:
        spec = load_spec(family, r.spec)
        work.append(
            (
                solver.encode(spec),
                solver.answer_literal(spec, Answer.model_validate_json(r.answer_json)),
            )
        )
    tp = time.perf_counter()
    for enc, lit in work:
        session.prove(enc, lit)
    proof = (time.perf_counter() - tp) / len(work)
    per = elapsed / len(recs)
    return {
        "level": level,
        "items": i,
        "emitted": len(recs),
        "attempts_per_item": attempts / i,
        "dropped": dict(dropped),
        "warm_rate": len(recs) / elapsed,
        "ms_per_puzzle": per * 1000,
        "ms_per_proof": proof * 1000,
        "ratio": per / proof,
        "median_z3_conflicts": statistics.median(
            json.loads(r.difficulty).get("z3_conflicts", 0) for r in recs
        ),
    }


COLD = """
import sys, time
sys.path.insert(0, {root!r})
from generators.pipeline import make_item
from generators.config import parse_config
cfg = parse_config({cfg!r})
n = 0
i = 0
while n < {k}:
    n += make_item(cfg, {family!r}, i).record is not None
    i += 1
"""


def cold(family: str, variant: str, options: dict, level: int, k: int) -> float:
    cfg = _config(family, variant, options, level).model_dump(mode="json")
    code = COLD.format(root=str(ROOT), cfg=cfg, k=k, family=family)
    pin = (
        ["taskset", "-c", str(min(os.sched_getaffinity(0)))]
        if hasattr(os, "sched_getaffinity") and _has("taskset")
        else []
    )
    t0 = time.perf_counter()
    subprocess.run([*pin, sys.executable, "-c", code], check=True)
    return k / (time.perf_counter() - t0)


def _has(cmd: str) -> bool:
    from shutil import which

    return which(cmd) is not None


# The children of --against: one case on one core, one JSON line. The ours-child relies only on
# this module's warm(), which older checkouts have too.
_CHILD_OURS = r"""
import json, os, sys
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
sys.path.insert(0, os.getcwd())
from benchmarks.perf_generators import warm
family, variant, options, seconds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])
print(json.dumps(warm(family, variant, options, seconds)))
"""
_CHILD_RG = r"""
import json, os, sys, time
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
import reasoning_gym as rg
name, kw, seconds = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
ds = rg.create_dataset(name, size=1_000_000, seed=1, **kw)
ds[0]
t0, n = time.perf_counter(), 0
while n < 2 or time.perf_counter() - t0 < seconds:
    ds[1 + n]
    n += 1
print(json.dumps({"rate": n / (time.perf_counter() - t0), "puzzles": n}))
"""


def _child(root: Path, code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"benchmark child in {root} failed: {out.stderr.strip()[-300:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def against(old: Path, seconds: float, repeats: int) -> list[dict]:
    """:data:`AB_CASES` in old and new checkouts and reasoning-gym, alternating; medians."""
    try:
        import reasoning_gym  # noqa: F401

        have_rg = True
    except ImportError:
        have_rg = False
        print(
            "reasoning-gym not installed: its column is empty (pip install reasoning-gym==0.1.25)"
        )
    print(f"{'case':<18} {'old/s':>7} {'new/s':>7} {'RG/s':>8} {'new/old':>8} {'new/RG':>7} "
          f"{'old ms/puz':>10} {'new ms/puz':>10} {'old ms/prf':>10} {'new ms/prf':>10} "
          f"{'old ratio':>9} {'new ratio':>9}")  # fmt: skip
    rows = []
    for label, family, variant, options, rg_case in AB_CASES:
        runs: dict[str, list[dict]] = {"old": [], "new": [], "rg": []}
        who = ["old", "new"] + (["rg"] if rg_case and have_rg else [])
        for rep in range(repeats):
            for w in who[rep % len(who) :] + who[: rep % len(who)]:
                if w == "rg":
                    name, kw = rg_case
                    runs[w].append(_child(ROOT, _CHILD_RG, name, json.dumps(kw), str(seconds)))
                else:
                    root = old if w == "old" else ROOT
                    args = (family, variant, json.dumps(options), str(seconds))
                    runs[w].append(_child(root, _CHILD_OURS, *args))
        med = {
            w: {
                k: statistics.median(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], float)
            }
            for w, rs in runs.items()
            if rs
        }
        o, n, g = med["old"], med["new"], med.get("rg", {})
        rate = {w: med[w]["warm_rate" if w != "rg" else "rate"] for w in med}
        row = {
            "case": label, "family": family, "variant": variant, "options": options,
            "reasoning_gym": rg_case and {"dataset": rg_case[0], "config": rg_case[1]},
            "runs": runs, "median": med,
            "rate_old": rate["old"], "rate_new": rate["new"], "rate_rg": rate.get("rg"),
            "new_over_old": rate["new"] / rate["old"],
            "new_over_rg": rate["new"] / rate["rg"] if "rg" in rate else None,
            "ratio_old": o["ratio"], "ratio_new": n["ratio"],
        }  # fmt: skip
        rows.append(row)
        rg_s = f"{g['rate']:>8.2f}" if g else f"{'-':>8}"
        vs = f"{row['new_over_rg']:>6.1f}x" if g else f"{'-':>7}"
        print(
            f"{label:<18} {rate['old']:>7.0f} {rate['new']:>7.0f} {rg_s} "
            f"{row['new_over_old']:>7.2f}x {vs} {o['ms_per_puzzle']:>10.2f} "
            f"{n['ms_per_puzzle']:>10.2f} {o['ms_per_proof']:>10.2f} {n['ms_per_proof']:>10.2f} "
            f"{o['ratio']:>9.2f} {n['ratio']:>9.2f}",
            flush=True,
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None, help="write the results as JSON here")
    ap.add_argument("--seconds", type=float, default=3.0, help="warm measurement time per case")
    ap.add_argument("--cold-k", type=int, default=100, help="puzzles per cold process")
    ap.add_argument("--quick", action="store_true", help="0.5 s per case, small cold runs")
    ap.add_argument("--against", type=Path, default=None, help="an older checkout to compare")
    ap.add_argument("--repeats", type=int, default=3, help="runs per checkout with --against")
    args = ap.parse_args()
    if args.against is not None:
        if not (args.against / "generators").is_dir():
            print(f"--against: {args.against} is not a logic-suite checkout (no generators/); "
                  "make one with `git worktree add DIR BASE`", file=sys.stderr)  # fmt: skip
            return 2
        rows = against(args.against.resolve(), args.seconds, args.repeats)
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            meta = {"python": sys.version.split()[0], "cpu_count": os.cpu_count(),
                    "against": str(args.against), "seconds": args.seconds,
                    "repeats": args.repeats}  # fmt: skip
            doc = {"meta": meta, "ratio_target": RATIO_TARGET, "ab": rows}
            Path(args.json).write_text(json.dumps(doc, indent=2))
        return 0
    if args.quick:
        args.seconds, args.cold_k = 0.5, 20
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rows = []
    header = f"{'family':<16} {'variant':<24} {'size':<14} {'L':>2} {'warm/s':>8} {'cold/s':>8} {'ms/puz':>8} {'ms/proof':>9} {'ratio':>6} {'target/s':>9}  ok"
    print(header)
    print("-" * len(header))
    for family, variant, options, target in CASES:
        mod = _family(family)
        if mod is None or variant not in mod.VARIANTS:
            continue
        w = warm(family, variant, options, args.seconds)
        c = cold(family, variant, options, w["level"], args.cold_k)
        ok = w["ratio"] <= RATIO_TARGET and (target is None or w["warm_rate"] >= target)
        row = {
            "family": family,
            "variant": variant,
            "options": options,
            "target_rate": target,
            "cold_rate": c,
            **w,
            "ok": ok,
        }
        rows.append(row)
        size = ",".join(f"{k}={v}" for k, v in options.items())
        print(
            f"{family:<16} {variant:<24} {size:<14} {w['level']:>2} {w['warm_rate']:>8.0f} {c:>8.0f} {w['ms_per_puzzle']:>8.2f} "
            f"{w['ms_per_proof']:>9.2f} {w['ratio']:>6.2f} {target or '-':>9}  {'yes' if ok else 'NO'}",
            flush=True,
        )
    rg_rows = reasoning_gym(args.seconds)
    versus = []
    if rg_rows is None:
        print(
            "\nreasoning-gym not installed: comparison skipped (pip install reasoning-gym==0.1.25)"
        )
    else:
        versus = compare(rg_rows, rows)
        print(f"\nreasoning-gym {rg_rows[0]['version']} in the same run (generated, not proven):")
        print(
            f"{'reasoning-gym case':<24} {'RG/s':>9} {'our case':<36} {'ours/s':>8} {'ms/proof':>9} {'ours/RG':>8}"
        )
        for v in versus:
            ours = (
                f"{v['our_rate']:>8.0f} {v['our_ms_per_proof']:>9.2f} {v['ratio']:>7.1f}x"
                if v["our_rate"]
                else f"{'-':>8} {'-':>9} {'-':>8}"
            )
            print(f"{v['label']:<24} {v['rate']:>9.2f} {v['our_case']:<36} {ours}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "python": sys.version.split()[0],
            "cpu_count": os.cpu_count(),
            "pinned_to_one_core": hasattr(os, "sched_setaffinity"),
        }
        doc = {"meta": meta, "ratio_target": RATIO_TARGET, "cases": rows}
        Path(args.json).write_text(json.dumps(doc | {"reasoning_gym": versus}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
