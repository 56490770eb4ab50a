"""The quality scanner's core: real records written as parquet, a planted slip caught, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.quality import failures, row_defects, scan
from benchmarks.quality.text import slips
from generators import generate


def write_dataset(root, records) -> None:
    """Write records as the build lays them out: data/<family>/test-00000-of-00001.parquet."""
    by_family: dict[str, list[dict]] = {}
    for rec in records:
        by_family.setdefault(rec["family"], []).append(rec)
    for fam, recs in by_family.items():
        (root / "data" / fam).mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.Table.from_pylist(recs), root / "data" / fam / "test-00000-of-00001.parquet"
        )


def _take(family: str, n: int) -> list[dict]:
    out = []
    for rec in generate(family, "tiny"):
        out.append(rec.model_dump())
        if len(out) == n:
            return out
    return out


@pytest.mark.parametrize(
    ("text", "slip"),
    [
        ("Each of them is a honest witness.", "a before a vowel sound"),
        ("Ann is a unreliable witness.", "a before a vowel sound"),
        ("Bo is an knight.", "an before a consonant sound"),
        ("Call Bo's seat seat 0.", "doubled word"),
        ("Cy does not sit seat 1.", "sit seat"),
        ("They sit around the row.", "around the row"),
        ("Two rowes of chairs.", "bad plural"),
    ],
)
def test_each_slip_is_named(text, slip):
    assert slip in slips(text)


@pytest.mark.parametrize(
    "text",
    ["Ann is an honest witness.", "A is left of B.", "an hour", "a one-way street", "a unicorn"],
)
def test_correct_english_is_not_flagged(text):
    assert slips(text) == []


def test_a_planted_slip_is_counted_once_per_row(tmp_path):
    recs = [r for r in _take("blood_relations", 8) if "grammar" not in row_defects(r)][:4]
    assert len(recs) == 4
    recs[0]["question"] += " Each of them is a honest witness. Bo is an knight."
    recs[1]["solution"] += "\nSo the the answer follows."
    write_dataset(tmp_path, recs)
    result = scan(tmp_path)
    fam = result["families"]["blood_relations"]
    assert fam["rows"] == 4
    assert fam["rates"]["grammar"] == 0.5
    assert sorted(fam["examples"]["grammar"]) == sorted([recs[0]["id"], recs[1]["id"]])
    assert "blood_relations/grammar=0.500" in failures(result)


def test_cli_writes_json_and_check_fails_on_a_defect(tmp_path):
    recs = _take("truth_teller", 3)
    recs[0]["question"] += " Bo is an knight."
    write_dataset(tmp_path / "ds", recs)
    out = tmp_path / "q.json"
    cmd = [sys.executable, "-m", "benchmarks", "quality", str(tmp_path / "ds"), "--json", str(out)]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "truth_teller: 3 rows" in ok.stdout
    assert json.loads(out.read_text())["families"]["truth_teller"]["rates"]["grammar"] > 0
    bad = subprocess.run([*cmd, "--check"], capture_output=True, text=True)
    assert bad.returncode == 1 and "above ceiling: truth_teller/grammar=" in bad.stdout


def test_a_folder_without_data_is_a_one_line_error(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "benchmarks", "quality", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no data/*/*.parquet files" in res.stderr
