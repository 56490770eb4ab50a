"""`python -m benchmarks curve` on the GRPO summary of the recorded GPU run."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

SUMMARY = Path(__file__).parents[1] / "benchmarks/results/gpu_run/final/grpo_summary.json"


def test_curve_writes_one_row_per_logged_round(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "curve", str(SUMMARY), "--out", str(tmp_path / "c")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    logged = [h for h in json.loads(SUMMARY.read_text())["log_history"] if "reward" in h]
    rows = list(csv.DictReader(open(tmp_path / "c.csv")))
    assert [int(r["step"]) for r in rows] == [h["step"] for h in logged]
    assert float(rows[0]["reward"]) == logged[0]["reward"]
    assert (tmp_path / "c.png").stat().st_size > 1000
    assert run.stdout.count("\n") == len(rows) + 2  # header, rule, one line per round


def test_curve_rejects_a_file_without_rewards(tmp_path):
    bad = tmp_path / "sft_summary.json"
    bad.write_text(json.dumps([{"loss": 1.0, "step": 1}]))
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "curve", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "no logged rewards" in run.stderr
