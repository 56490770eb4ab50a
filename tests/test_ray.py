"""`build --engine ray`: byte-identical to local processes, retries, one-line failures,
resume, an fsspec `file://` --out, and generate() inside a Ray Data pipeline.

Ray starts once per test process (module fixture, 2 CPUs, no dashboard) and once in the
CLI test's subprocess, since each start costs ~10 s.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generators.build import build
from generators.config import load_config
from generators.ray_engine import FAIL_ENV, MARKS_ENV

ray = pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"RAY_DISABLE_USAGE_STATS": "1"}
SHARD = "seating-000000040-000000080"  # one of the tiny config's nine shards


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generators", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **QUIET, **(env or {})},
        timeout=300,
    )


def sha256s(root: Path) -> dict[str, str]:
    """sha256 of every file of a built folder: data files, card, build_info, histogram (not
    the build's own dot-files such as the ``.lock`` of a local folder)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).parts[0].startswith(".")
    }


@pytest.fixture(scope="module")
def ray_session():
    for k, v in QUIET.items():
        os.environ.setdefault(k, v)
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def local_tiny(tmp_path_factory) -> Path:
    """The tiny config built by local processes: `build --workers 2`."""
    out = tmp_path_factory.mktemp("local") / "tiny"
    r = cli("build", "--config", "tiny", "--out", str(out), "--workers", "2", "--no-progress")
    assert r.returncode == 0, r.stderr
    return out


def test_ray_build_is_byte_identical_to_local_processes(ray_session, local_tiny, tmp_path):
    out = tmp_path / "ray"
    s = build(load_config("tiny"), out, progress=False, engine="ray")
    assert sum(s.rows.values()) > 300 and s.resumed_parts == 0
    got, want = sha256s(out), sha256s(local_tiny)
    assert sum(k.startswith("data/") for k in want) == 9  # 3 families x 3 splits
    assert got == want
    assert not (out / ".parts").exists()


def test_ray_retries_a_failing_shard_into_a_file_url(
    ray_session, local_tiny, tmp_path, monkeypatch
):
    """The shard fails on its first attempt only; Ray's retry succeeds and the build, written
    through fsspec to a file:// URL, ends identical."""
    marks = tmp_path / "marks"
    monkeypatch.setenv(FAIL_ENV, f"{SHARD}:1")
    monkeypatch.setenv(MARKS_ENV, str(marks))
    out = tmp_path / "url"
    s = build(load_config("tiny"), f"file://{out}", progress=False, engine="ray")
    assert str(s.out) == f"file://{out}"
    assert [p.name for p in marks.iterdir()] == ["0"]  # exactly one failed attempt
    assert sha256s(out) == sha256s(local_tiny)


def test_ray_cli_names_a_shard_that_always_fails_then_resumes(ray_session, local_tiny, tmp_path):
    out = tmp_path / "o"
    r = cli(
        "build", "--config", "tiny", "--out", str(out), "--engine", "ray", "--workers", "2",
        "--no-progress", env={FAIL_ENV: SHARD},
    )  # fmt: skip
    assert r.returncode == 3, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and SHARD in errors[0] and "all 3 attempts" in errors[0], r.stderr
    assert "rerun" in errors[0] and "Traceback (most recent call last)" not in r.stderr
    assert "puzzles/s" not in r.stdout  # no summary: the build did not finish
    files = [p.relative_to(out) for p in out.rglob("*") if p.is_file()]
    assert all(p.parts[0] in (".parts", ".lock") for p in files), files  # no data, card, info
    assert not any(".tmp-" in p.name for p in files)  # no half-written part
    names = {p.name for p in files}
    assert f"{SHARD}.json" not in names and f"{SHARD}.parquet" not in names
    finished = {n[: -len(".json")] for n in names if n.endswith(".json")}
    assert finished and all(f"{n}.parquet" in names for n in finished)

    s = build(load_config("tiny"), out, progress=False, engine="ray")
    assert s.resumed_parts == len(finished)
    assert sha256s(out) == sha256s(local_tiny)


def test_file_url_out_with_local_processes_resumes_and_replaces(tmp_path):
    """An fsspec --out without Ray: parts on the URL survive a stop and are resumed; a
    rebuild with another config deletes the URL's data files that it lacks."""
    from generators.config import parse_config

    small = {
        "name": "small", "seed": 3, "shard_size": 10,
        "families": {"truth_teller": {"count": 40, "variants": {"knights_knaves": 1.0},
                                      "levels": {1: 1.0}}},
    }  # fmt: skip
    cfg = parse_config(small)
    ref, out = tmp_path / "ref", tmp_path / "url"
    build(cfg, ref, workers=1, progress=False)
    url = f"file://{out}"
    build(cfg, url, workers=1, progress=False, max_jobs=2)  # stopped after two shards
    assert len(list((out / ".parts" / cfg.digest()).glob("*.json"))) == 2
    assert not (out / "README.md").exists()
    s = build(cfg, url, workers=2, progress=False)
    assert s.resumed_parts == 2 and sha256s(out) == sha256s(ref)
    more = parse_config({**small, "rows_per_file": 10})
    build(more, url, workers=1, progress=False)
    assert any(not p.name.endswith("-of-00001.parquet") for p in (out / "data").rglob("*"))
    build(cfg, url, workers=1, progress=False)
    assert sha256s(out) == sha256s(ref)


def test_generate_in_a_ray_data_pipeline(ray_session):
    """The README's Ray Data example: the same records as generate(...)[i]."""
    from generators import generate
    from generators.ray_data import puzzle_batches
    from verifiers.record import Record

    ds = ray.data.range(12).map_batches(
        puzzle_batches("truth_teller", "tiny", seed=0), batch_size=4
    )
    rows = ds.take_all()
    puzzles = generate("truth_teller", "tiny", seed=0)
    want = []
    for i in range(12):
        try:
            want.append(puzzles[i].model_dump(mode="json"))
        except LookupError:
            pass
    assert len(rows) == len(want) > 0
    assert [Record.model_validate(r).model_dump(mode="json") for r in rows] == want


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--engine", "ray", "--address", "not an address"], 2, "--address not an address"),
        (["--address", "auto"], 2, "--address needs --engine ray"),
        (["--out", "nosuchscheme://bucket/suite"], 2, "--out nosuchscheme://bucket/suite"),
        (["--out", "file:///tmp/x", "--push-to-hub", "org/name"], 2, "needs a local --out"),
    ],
)
def test_bad_engine_input_is_one_line(tmp_path, args, code, needle):
    out = ["--out", str(tmp_path / "o")] if "--out" not in args else []
    r = cli("build", "--config", "tiny", *out, *args)
    assert r.returncode == code and needle in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "o").exists()


def test_missing_ray_is_one_line_naming_the_extra(tmp_path):
    """A Python without Ray (its import blocked) gets the install command, exit 2."""
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from generators.cli import main\n"
        f"sys.exit(main(['build', '--config', 'tiny', '--out', {str(tmp_path / 'o')!r}, "
        "'--engine', 'ray']))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        'error: --engine ray needs Ray, which is not installed: pip install "logic-suite[ray]"'
    )
    assert not (tmp_path / "o").exists()
