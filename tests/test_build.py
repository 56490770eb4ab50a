"""Build CLI: Hub layout, determinism, resume after a kill, validate, stats, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset

from generators.config import load_config
from generators.shards import data_files
from verifiers.record import COLUMNS, SPLITS

ROOT = Path(__file__).resolve().parents[1]
SMALL = {
    "name": "small",
    "seed": 3,
    "shard_size": 15,
    "families": {
        "truth_teller": {
            "count": 90,
            "variants": {"knights_knaves": 0.6, "liar_chain": 0.4},
            "levels": {1: 0.5, 2: 0.5},
        }
    },
}


def cli(
    *args: str, cwd: Path | None = None, timeout: int = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generators", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
        env=env,
    )


def write_config(tmp_path: Path, cfg: dict, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(cfg))
    return p


def folder_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_tiny_dataset_loads_every_config_and_split(tiny_dataset):
    families = sorted(p.name for p in (tiny_dataset / "data").iterdir())
    assert "truth_teller" in families
    for config in [*families, "all"]:
        ds = load_dataset(str(tiny_dataset), config)
        assert set(ds) == set(SPLITS)
        for split in SPLITS:
            assert tuple(ds[split].column_names) == COLUMNS
            assert len(ds[split]) > 0
    default = load_dataset(str(tiny_dataset), split="train")
    assert len(default) == len(load_dataset(str(tiny_dataset), "all", split="train"))


def test_splits_are_disjoint_by_canonical_hash(tiny_dataset):
    seen: dict[str, str] = {}
    for f in data_files(tiny_dataset):
        split = f.name.split("-")[0]
        import pyarrow.parquet as pq

        for h in pq.read_table(f, columns=["canonical_hash"]).column(0).to_pylist():
            assert seen.setdefault(h, split) == split, f"{h} in {seen[h]} and {split}"


def test_validate_and_stats_on_built_folder(tiny_dataset):
    r = cli("validate", str(tiny_dataset))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith(": 0 problems")
    r = cli("stats", str(tiny_dataset))
    assert r.returncode == 0 and "truth_teller" in r.stdout and "median by level" in r.stdout


def test_validate_reports_a_tampered_answer(tiny_dataset, tmp_path):
    import pyarrow.parquet as pq

    from generators.shards import table, write_atomic

    out = tmp_path / "bad"
    f = next(p for p in data_files(tiny_dataset) if "truth_teller/train" in str(p))
    rows = pq.read_table(f).to_pylist()
    spec = json.loads(rows[0]["spec"])
    gold = json.loads(rows[0]["answer_json"])
    if gold["type"] == "label":
        other = [v for v in gold["space"] if v != gold["value"]][0]
        gold["value"] = other
    else:
        k = next(iter(gold["value"]))
        gold["value"][k] = "knave" if gold["value"][k] != "knave" else "knight"
    rows[0]["answer_json"] = json.dumps(gold)
    assert spec  # the spec is untouched: the stored answer is now wrong
    write_atomic(table(rows), out / "data" / "truth_teller" / "train-00000-of-00001.parquet")
    r = cli("validate", str(out))
    assert r.returncode == 1
    assert "1 problems" in r.stdout and rows[0]["id"] in r.stdout


def test_build_is_deterministic_and_jsonl(tmp_path):
    cfg = write_config(tmp_path, SMALL)
    a, b = tmp_path / "a", tmp_path / "b"
    r1 = cli("build", "--config", str(cfg), "--out", str(a), "--workers", "2", "--no-progress")
    r2 = cli(
        "build",
        "--config",
        str(cfg),
        "--out",
        str(b),
        "--workers",
        "1",
        "--no-progress",
        "--format",
        "jsonl",
    )
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    assert "puzzles/s" in r1.stdout and "dropped items" in r1.stdout
    fa, fb = folder_bytes(a), folder_bytes(b)
    assert {k: v for k, v in fb.items() if not k.endswith(".jsonl")} == fa
    jsonl = [k for k in fb if k.endswith(".jsonl")]
    assert len(jsonl) == 3
    n_jsonl = sum(len(fb[k].splitlines()) for k in jsonl)
    import pyarrow.parquet as pq

    assert n_jsonl == sum(pq.read_metadata(f).num_rows for f in data_files(a))
    assert not (a / ".parts").exists()


def test_resume_after_kill_is_byte_identical(tmp_path):
    cfg_dict = {**SMALL, "shard_size": 5}
    cfg = write_config(tmp_path, cfg_dict)
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    assert (
        cli(
            "build", "--config", str(cfg), "--out", str(clean), "--workers", "1", "--no-progress"
        ).returncode
        == 0
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generators",
            "build",
            "--config",
            str(cfg),
            "--out",
            str(resumed),
            "--workers",
            "1",
            "--no-progress",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = resumed / ".parts" / load_config(cfg).digest()
    deadline = time.time() + 120
    while time.time() < deadline and len(list(parts.glob("*.json"))) < 3:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(parts.glob("*.json")))
    assert 3 <= done < 18, "the kill should land mid-build"
    assert not (resumed / "README.md").exists()
    r = cli("build", "--config", str(cfg), "--out", str(resumed), "--workers", "1", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert folder_bytes(resumed) == folder_bytes(clean)


def test_rebuild_removes_files_of_an_earlier_build(tmp_path):
    out = tmp_path / "o"
    big = write_config(tmp_path, {**SMALL, "rows_per_file": 20}, "big.yaml")
    small = write_config(tmp_path, SMALL, "small.yaml")
    assert cli("build", "--config", str(big), "--out", str(out), "--no-progress").returncode == 0
    assert any(not p.name.endswith("-of-00001.parquet") for p in data_files(out))
    assert cli("build", "--config", str(small), "--out", str(out), "--no-progress").returncode == 0
    assert all(p.name.endswith("-of-00001.parquet") for p in data_files(out))


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda c: c.update(colour="red"), "field 'colour': unknown key"),
        (lambda c: c.update(choices=9), "field 'choices'"),
        (
            lambda c: c["families"]["truth_teller"].update(count=-1),
            "field 'families.truth_teller.count'",
        ),
        (
            lambda c: c["families"]["truth_teller"]["variants"].update(sudoku=1.0),
            "unknown variant 'sudoku'",
        ),
        (lambda c: c.update(splits={"train": 0.5, "test": 0.5}), "field 'splits'"),
    ],
)
def test_bad_config_is_one_line_exit_2(tmp_path, mutate, needle):
    cfg = json.loads(json.dumps(SMALL))
    mutate(cfg)
    r = cli("build", "--config", str(write_config(tmp_path, cfg)), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "o").exists()


def test_bad_paths_are_one_line_exit_2(tmp_path):
    cfg = str(write_config(tmp_path, SMALL))
    r = cli("build", "--config", cfg, "--out", str(tmp_path / "missing" / "out"))
    assert (
        r.returncode == 2
        and "does not exist" in r.stderr
        and len(r.stderr.strip().splitlines()) == 1
    )
    r = cli("build", "--config", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "nope.yaml" in r.stderr
    r = cli("validate", str(tmp_path))
    assert r.returncode == 2 and "not a built dataset folder" in r.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that ignores permissions")
        r = cli("build", "--config", cfg, "--out", str(locked / "out"))
        assert r.returncode == 2 and "not writable" in r.stderr
    finally:
        locked.chmod(0o700)


def test_unwritable_folder_as_root_via_file_in_the_way(tmp_path):
    """As root, permissions do not stop writes; an output path that is a file must still fail cleanly."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = cli("build", "--config", str(write_config(tmp_path, SMALL)), "--out", str(blocker))
    assert r.returncode == 2 and "is not a folder" in r.stderr


def test_import_verifiers_does_not_import_z3():
    code = "import sys, verifiers, verifiers.scoring, verifiers.prompt, verifiers.extract; print('z3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_console_script_matches_module(tmp_path):
    exe = Path(sys.executable).with_name("logic-suite")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    r = subprocess.run([str(exe), "sample", "-n", "1"], capture_output=True, text=True)
    assert r.returncode == 0 and "=== truth_teller/" in r.stdout


def test_default_output_path_works_in_an_empty_folder(tmp_path):
    """The README's first command: no --out, in a folder with no dist/ yet."""
    cfg = write_config(tmp_path, SMALL)
    work = tmp_path / "fresh"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = cli("build", "--config", str(cfg), "--no-progress", cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    assert (work / "dist" / "logic_suite" / "README.md").exists()
    assert len(load_dataset(str(work / "dist" / "logic_suite"), split="train")) > 0


def test_load_dataset_sees_a_rebuilt_folder_not_a_cached_one(tmp_path):
    """`datasets` keys a local folder's cache on its name and configs; the card's dataset_info
    (split sizes) must make two different builds load as themselves."""
    import pyarrow.parquet as pq

    counts = []
    for k, count in enumerate((40, 70)):
        cfg = write_config(
            tmp_path,
            {
                **SMALL,
                "families": {"truth_teller": {**SMALL["families"]["truth_teller"], "count": count}},
            },
            f"c{k}.yaml",
        )
        out = tmp_path / f"b{k}" / "logic_suite"
        out.parent.mkdir()
        assert (
            cli("build", "--config", str(cfg), "--out", str(out), "--no-progress").returncode == 0
        )
        expected = sum(
            pq.read_metadata(f).num_rows for f in data_files(out) if f.name.startswith("train-")
        )
        assert len(load_dataset(str(out), split="train")) == expected
        counts.append(expected)
    assert counts[0] != counts[1]
