"""Build throughput: local processes vs Ray tasks, and the commit before issue 17 vs HEAD.

    python benchmarks/perf_build.py [--config default] [--workers 2] [--repeats 3]
                                    [--json benchmarks/results/perf_build.json]
    python benchmarks/perf_build.py --mode versions [--old 484f6b7] [--new HEAD] [--base C]
                                    [--repeats 2]
                                    [--scale 10] [--scale-old] [--big benchmarks/configs/100k.yaml]
                                    [--json benchmarks/results/perf_build_versions.json]

``--mode ray`` (the default) compares engines, as below. ``--mode versions`` checks out
``--old`` and ``--new`` as git worktrees (committed code only) and runs them as
subprocesses, alternating: the default build with 2 and 1 workers for each, so the
old/new ratio and the 2-over-1 worker speed-up come from one run; then, for ``--new``
only, the default counts times ``--scale`` (rows/s at 1x vs 10x) and the ``--big`` config
(rows/s, peak memory, and the time of ``benchmarks/configs/million.yaml`` extrapolated
from it); with ``--scale-old`` the scaled build runs for ``--old`` as well, so peak
memory and the duplicate share (duplicates / items) at 1x and scaled compare both. Memory is sampled from /proc every half second over the build's process tree:
the peak of the summed RSS (forked workers share pages, so this over-counts) and of PSS.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.15  # Ray within 15% of local processes

# The child: one build, timed; prints one JSON line. Only the build() signature of the
# checkout at `root` is assumed (`engine` is passed for Ray only, so older commits work).
# cpu_s: CPU seconds of the build in this process and its finished children (local
# workers; not Ray's), which a shared machine's contention does not inflate.
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
import resource
def cpu():
    return sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF,
               resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
c = cpu()
t = time.perf_counter()
s = build(cfg, out, workers=workers, progress=False, **kw)
seconds = time.perf_counter() - t
print(json.dumps({"rows": sum(s.rows.values()), "items": s.items, "seconds": seconds,
                  "startup_s": startup, "cpu_s": cpu() - c,
                  "duplicates": getattr(s, "duplicates", None)}))
"""


def _kib(path: str, key: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> tuple[int, int]:
    """(summed RSS, summed PSS) in MiB of process ``pid`` and all its descendants."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {pid}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in tree and p not in tree}
        tree |= more
        grew = bool(more)
    rss = sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in tree)
    pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree)
    return rss // 1024, pss // 1024


def time_build(config: str, engine: str, workers: int, root: Path = ROOT) -> dict:
    """Build ``config`` once with ``engine`` (``local`` or ``ray``) on ``workers`` CPUs, in a
    fresh process importing ``generators`` from ``root``; return rows, seconds, rows_per_s,
    Ray's start-up seconds (0 for local) and the peak memory of the process tree (MiB)."""
    env = {**os.environ, "PYTHONPATH": str(root), "RAY_DISABLE_USAGE_STATS": "1"}
    peak_rss = peak_pss = 0
    with tempfile.TemporaryDirectory(prefix="perf_build_") as tmp:
        args = [sys.executable, "-c", _CHILD, config, engine, str(workers), str(Path(tmp) / "out")]
        with (
            open(Path(tmp) / "stdout", "w+") as out,
            open(Path(tmp) / "stderr", "w+") as err,
        ):
            proc = subprocess.Popen(args, stdout=out, stderr=err, text=True, cwd=root, env=env)
            while proc.poll() is None:
                if Path("/proc").is_dir():
                    rss, pss = tree_memory(proc.pid)
                    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                time.sleep(0.5)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} build failed (rc {proc.returncode}): {stderr[-2000:]}")
    res = json.loads(stdout.strip().splitlines()[-1])
    res["rows_per_s"] = res["rows"] / res["seconds"]
    res["rows_per_cpu_s"] = res["rows"] / res["cpu_s"] if res.get("cpu_s") else None
    if res.get("duplicates") is not None and res["items"]:
        res["duplicate_share"] = round(res["duplicates"] / res["items"], 4)
    res.update(peak_rss_mib=peak_rss, peak_pss_mib=peak_pss)
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


OLD = "484f6b7"  # the commit before issue 17's work began
MILLION = 1_000_000


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def checkout(commit: str, where: Path) -> str:
    """A detached git worktree of ``commit`` at ``where``; returns the full commit id."""
    sha = _git("rev-parse", "--verify", f"{commit}^{{commit}}")
    _git("worktree", "add", "--detach", str(where), sha)
    return sha


def scaled_config(root: Path, name: str, factor: int, out: Path) -> Path:
    """``root``'s ready config ``name`` with every family's count times ``factor``, as YAML."""
    import yaml

    cfg = yaml.safe_load((root / "generators" / "configs" / f"{name}.yaml").read_text())
    cfg["name"] = f"{name}_x{factor}"
    for fam in cfg["families"].values():
        fam["count"] *= factor
    out.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return out


def _line(tag: str, r: dict) -> None:
    print(
        f"{tag:<28} {r['seconds']:7.1f}s {r['rows']:>7} rows {r['rows_per_s']:7.1f} rows/s "
        f"{r['rows_per_cpu_s']:6.1f} rows/cpu-s "
        f"peak RSS {r['peak_rss_mib']} MiB, PSS {r['peak_pss_mib']} MiB",
        file=sys.stderr,
        flush=True,
    )


def _median(runs: list[dict], key: str = "rows_per_s", **match) -> float:
    rs = [r[key] for r in runs if all(r[k] == v for k, v in match.items())]
    return round(statistics.median(rs), 1) if rs else float("nan")


def versions(a: argparse.Namespace) -> dict:
    """The ``--mode versions`` runs and their summary (see the module docstring)."""
    if _git("status", "--porcelain", "--untracked-files=no"):
        print("note: uncommitted changes are not measured (worktrees of commits)", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="perf_build_versions_"))
    commits = {"old": a.old, **({"base": a.base} if a.base else {}), "new": a.new}
    roots = {name: tmp / name for name in commits}
    shas = {}
    try:
        for name, commit in commits.items():
            shas[name] = checkout(commit, roots[name])
        runs = []
        # 2 workers for every commit, 1 worker for old and new (not base), in turn
        w1 = [v for v in reversed(commits) if v != "base"]
        plan = [(v, 2) for v in commits] + [(v, 1) for v in w1]
        for k in range(a.repeats):
            for ver, w in plan if k % 2 == 0 else plan[::-1]:
                r = time_build(a.config, "local", w, roots[ver])
                _line(f"{k + 1}/{a.repeats} {a.config} {ver} w{w}", r)
                runs.append({"repeat": k, "version": ver, "config": a.config, **r})
        big = {}
        if a.scale > 1:  # old then new (new then old with --scale-new-first), 2 workers
            order = ["new", "old"] if a.scale_new_first else ["old", "new"]
            for ver in order if a.scale_old else ["new"]:
                cfg = scaled_config(roots[ver], a.config, a.scale, tmp / f"x{a.scale}_{ver}.yaml")
                r = time_build(str(cfg), "local", 2, roots[ver])
                _line(f"{a.config} x{a.scale} {ver} w2", r)
                big["scaled" if ver == "new" else "scaled_old"] = {"factor": a.scale, **r}
        if a.big:
            r = time_build(str(roots["new"] / a.big), "local", 2, roots["new"])
            _line(f"{a.big} new w2", r)
            big["big"] = {"config": a.big, **r}
    finally:
        for p in roots.values():
            if p.exists():
                subprocess.run(["git", "worktree", "remove", "--force", str(p)], cwd=ROOT)
        shutil.rmtree(tmp, ignore_errors=True)
    rate = {f"{v}_w{w}": _median(runs, version=v, workers=w) for v, w in plan}
    cpu = {f"{v}_w{w}": _median(runs, "rows_per_cpu_s", version=v, workers=w) for v, w in plan}
    new2 = rate["new_w2"]
    res = {
        "config": a.config,
        "commits": shas,
        "rows_per_s": rate,
        "rows_per_cpu_s": cpu,
        "new_over_old_per_cpu_s_w2": round(cpu["new_w2"] / cpu["old_w2"], 3),
        "new_over_old_w2": round(new2 / rate["old_w2"], 3),
        "w2_over_w1": {v: round(rate[f"{v}_w2"] / rate[f"{v}_w1"], 3) for v in w1},
        "runs": runs,
        **big,
    }
    if a.base:  # this infrastructure share: the new commit over the base
        res["new_over_base_w2"] = round(new2 / rate["base_w2"], 3)
    if "scaled" in big:
        res["scaled_over_1x"] = round(big["scaled"]["rows_per_s"] / new2, 3)
    res["by_size"] = {}  # peak memory and duplicate share at 1x and scaled, 2 workers
    for key, ver in (("scaled", "new"), ("scaled_old", "old")):
        if key in big:
            one = [r for r in runs if r["version"] == ver and r["workers"] == 2]
            res["by_size"][ver] = {
                "peak_rss_mib_1x": max(r["peak_rss_mib"] for r in one),
                "peak_pss_mib_1x": max(r["peak_pss_mib"] for r in one),
                f"peak_rss_mib_x{a.scale}": big[key]["peak_rss_mib"],
                f"peak_pss_mib_x{a.scale}": big[key]["peak_pss_mib"],
                "duplicate_share_1x": one[0].get("duplicate_share"),
                f"duplicate_share_x{a.scale}": big[key].get("duplicate_share"),
                f"rows_per_cpu_s_x{a.scale}": round(big[key]["rows_per_cpu_s"], 1),
            }
    if "big" in big:
        rate = big["big"]["rows_per_s"]
        res["million_minutes_extrapolated"] = round(MILLION / rate / 60, 1)
    return res


def format_versions(res: dict) -> str:
    d, c, name = res["rows_per_s"], res["rows_per_cpu_s"], res["config"]
    cols = ["version", "commit", "w1 rows/s", "w2 rows/s", "w2/w1", "w1 rows/cpu-s"]
    cols.append("w2 rows/cpu-s")
    lines = [
        format_table(
            [
                {"version": v, "commit": sha[:7], "w2/w1": res["w2_over_w1"].get(v, "-")}
                | {"w1 rows/s": d.get(f"{v}_w1", "-"), "w2 rows/s": d[f"{v}_w2"]}
                | {"w1 rows/cpu-s": c.get(f"{v}_w1", "-"), "w2 rows/cpu-s": c[f"{v}_w2"]}
                for v, sha in res["commits"].items()
            ],
            cols,
        ),
        f"{name} build, 2 workers: new/old = {res['new_over_old_w2']:.2f}x in rows/s (goal >= 5x), "
        f"{res['new_over_old_per_cpu_s_w2']:.2f}x in rows per CPU-second; "
        f"new w2/w1 = {res['w2_over_w1']['new']:.2f}x (goal >= 1.9x)",
    ]
    if "new_over_base_w2" in res:
        lines.append(f"new/base (2 workers) = {res['new_over_base_w2']:.2f}x")
    if "scaled" in res:
        s = res["scaled"]
        lines.append(
            f"{name} x{s['factor']}: {s['rows']} rows, {s['rows_per_s']:.1f} rows/s = "
            f"{res['scaled_over_1x']:.2f} of 1x (goal >= 0.90); peak RSS {s['peak_rss_mib']} MiB, "
            f"PSS {s['peak_pss_mib']} MiB"
        )
    if "big" in res:
        b = res["big"]
        lines.append(
            f"{b['config']}: {b['rows']} rows in {b['seconds']:.0f}s = {b['rows_per_s']:.1f} rows/s, "
            f"peak RSS {b['peak_rss_mib']} MiB, PSS {b['peak_pss_mib']} MiB (goal < 1024); "
            f"1M rows extrapolated: {res['million_minutes_extrapolated']} min (goal <= 30)"
        )
    for ver, m in res.get("by_size", {}).items():
        lines.append(f"{ver}: " + ", ".join(f"{k} {v}" for k, v in m.items()))
    peaks = [(r["config"], r["workers"], r["peak_pss_mib"]) for r in res["runs"]]
    lines.append(f"peak PSS of the {name} builds: {sorted({p for *_, p in peaks})} MiB")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--config", default="default", help="ready config name (or YAML path, --mode ray)"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", default=None, help="write the results as JSON here")
    ap.add_argument("--mode", choices=["ray", "versions"], default="ray")
    ap.add_argument("--old", default=OLD, help="--mode versions: the old commit")
    ap.add_argument("--new", default="HEAD", help="--mode versions: the new commit")
    ap.add_argument("--base", default=None, help="--mode versions: a third commit between them")
    ap.add_argument("--scale", type=int, default=10, help="--mode versions: counts factor")
    ap.add_argument("--big", default="benchmarks/configs/100k.yaml", help="'' to skip")
    ap.add_argument(
        "--scale-old", action="store_true", help="--mode versions: build --scale for --old too"
    )
    ap.add_argument(
        "--scale-new-first", action="store_true", help="with --scale-old: the new commit first"
    )
    a = ap.parse_args()
    load_before = os.getloadavg()
    if a.mode == "versions":
        res = versions(a)
        print(format_versions(res))
        if a.json:
            meta = {
                "repeats": a.repeats,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            }
            meta["loadavg_before"] = [round(x, 2) for x in load_before]
            meta["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            Path(a.json).parent.mkdir(parents=True, exist_ok=True)
            Path(a.json).write_text(json.dumps({"meta": meta, **res}, indent=1) + "\n")
        return 0
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
