"""The local worker pool: workers past their memory budget are replaced without changing a
byte, a bad budget is a one-line error, and a worker killed mid-build stops the build with
a one-line error that a rerun resumes from."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from generators import jobs
from generators.config import load_config, parse_config
from generators.engines import WORKER_MIB_ENV, run_pool
from generators.jobs import jobs_for
from tests.test_build import ROOT, SMALL, cli, folder_bytes, write_config


def test_workers_past_their_budget_are_replaced_with_the_same_bytes(tmp_path, monkeypatch):
    cfg = parse_config(SMALL)
    todo = jobs_for(cfg)
    monkeypatch.setenv(WORKER_MIB_ENV, "1")  # every worker is past 1 MiB after its first job
    pids: list[int] = []
    jobs._EMITTED.clear()
    run_pool(todo, cfg, str(tmp_path / "parts"), 2, lambda st: pids.append(st["pid"]))
    assert len(pids) == len(todo) and len(set(pids)) == len(todo)  # a fresh process a job

    path = write_config(tmp_path, SMALL)
    one, two = tmp_path / "one", tmp_path / "two"
    assert cli("build", "--config", str(path), "--out", str(one), "--workers", "1").returncode == 0
    env = {**os.environ, WORKER_MIB_ENV: "1"}
    r = cli(
        "build",
        "--config",
        str(path),
        "--out",
        str(two),
        "--workers",
        "2",
        "--no-progress",
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert folder_bytes(two) == folder_bytes(one)


def test_a_bad_worker_budget_is_a_one_line_error(tmp_path):
    path = write_config(tmp_path, SMALL)
    r = subprocess.run(
        [sys.executable, "-m", "generators", "build", "--config", str(path)]
        + ["--out", str(tmp_path / "o"), "--workers", "2", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, WORKER_MIB_ENV: "lots"},
        timeout=300,
    )
    assert r.returncode == 2
    assert WORKER_MIB_ENV in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o" / "data").exists()


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                continue
    return out


def test_a_killed_worker_stops_the_build_and_a_rerun_resumes(tmp_path):
    cfg = {**SMALL, "shard_size": 5}
    path = write_config(tmp_path, cfg)
    out, clean = tmp_path / "o", tmp_path / "clean"
    args = ["build", "--config", str(path), "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "generators", *args, "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parts = out / ".parts" / load_config(path).digest()
    deadline = time.time() + 120
    while time.time() < deadline and not list(parts.glob("*.json")):
        time.sleep(0.01)
    kids = _children(proc.pid)
    assert kids, "the build should run worker processes"
    os.kill(kids[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 3, err
    assert "worker process died" in err and len(err.strip().splitlines()) == 1
    assert not (out / "README.md").exists()
    assert cli(*args, "--out", str(out)).returncode == 0
    assert cli(*args, "--out", str(clean)).returncode == 0
    assert folder_bytes(out) == folder_bytes(clean)
