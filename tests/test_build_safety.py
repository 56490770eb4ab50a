"""Build safety: one build per folder (a lock on --out), and an assembly that a kill cannot
leave half old, half new (the new files are staged and swapped in under BUILD_INCOMPLETE).

Builds are paused at a named point with LOGIC_SUITE_TEST_PAUSE (generators.outdir): the build
writes ``paused`` and waits for ``resume``, so the tests race or kill it at that exact point.
"""

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

from generators.config import load_config
from generators.outdir import INCOMPLETE, PAUSE_ENV

ROOT = Path(__file__).resolve().parents[1]


def small(seed: int) -> dict:
    return {
        "name": f"small{seed}",
        "seed": seed,
        "shard_size": 20,
        "families": {
            "truth_teller": {
                "count": 40,
                "variants": {"knights_knaves": 1.0},
                "levels": {1: 0.5, 2: 0.5},
            }
        },
    }


def env(pause: str | None = None) -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(ROOT)}
    e.pop(PAUSE_ENV, None)
    if pause:
        e[PAUSE_ENV] = pause
    return e


def cli(*args: str, pause: str | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generators", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(pause),
        timeout=300,
        **kw,
    )


def start(*args: str, pause: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generators", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env(pause),
    )


def wait_for(path: Path, proc: subprocess.Popen, limit: float = 300) -> None:
    """Wait until the paused build has written ``path`` (it fails the test if it exits)."""
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"build exited {proc.returncode} before pausing: {err[-2000:]}")
        assert time.monotonic() < deadline, "build never reached its pause point"
        time.sleep(0.05)


def config(tmp_path: Path, seed: int) -> str:
    p = tmp_path / f"c{seed}.yaml"
    p.write_text(yaml.safe_dump(small(seed)))
    return str(p)


def published(root: Path) -> dict[str, bytes]:
    """The build's visible files (data, card, histogram, build_info), by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture(scope="module")
def refs(tmp_path_factory) -> dict[int, dict[str, bytes]]:
    """Reference builds of the two configs, each into its own folder."""
    tmp = tmp_path_factory.mktemp("refs")
    out = {}
    for seed in (1, 2):
        r = cli("build", "--config", config(tmp, seed), "--out", str(tmp / f"ref{seed}"))
        assert r.returncode == 0, r.stderr
        out[seed] = published(tmp / f"ref{seed}")
    assert out[1] != out[2]
    return out


def test_second_build_into_a_folder_in_use_fails_at_once_and_the_first_is_intact(tmp_path, refs):
    out = tmp_path / "ds"
    pause = tmp_path / "pause"
    pause.mkdir()
    first = start(
        "build", "--config", config(tmp_path, 1), "--out", str(out), pause=f"assemble:{pause}"
    )
    try:
        wait_for(pause / "paused", first)  # the first build holds the lock, mid-assembly
        second = cli("build", "--config", config(tmp_path, 2), "--out", str(out), "--workers", "1")
        lines = second.stderr.strip().splitlines()
        assert second.returncode == 2, second.stderr
        assert len(lines) == 1 and lines[0].startswith("error: --out "), second.stderr
        assert "another build (pid" in lines[0] and "choose another --out" in lines[0]
        assert second.stdout == ""
        # the second build touched nothing: only the first build's parts are there
        digest = load_config(config(tmp_path, 1)).digest()
        assert [p.name for p in (out / ".parts").iterdir()] == [digest]
        (pause / "resume").write_text("")
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert published(out) == refs[1]  # the first build's data, byte for byte
    info = json.loads((out / "build_info.json").read_text())
    assert info["config"]["seed"] == 1
    assert not (out / INCOMPLETE).exists()
    # the lock died with the first build: the folder takes a new build now
    again = cli("build", "--config", config(tmp_path, 2), "--out", str(out), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert published(out) == refs[2]


@pytest.mark.parametrize("point", ["assemble", "swap"])
def test_build_killed_during_assembly_leaves_the_old_build_or_a_marked_folder(
    tmp_path, refs, point
):
    out = tmp_path / "ds"
    old = cli("build", "--config", config(tmp_path, 1), "--out", str(out))
    assert old.returncode == 0, old.stderr
    assert published(out) == refs[1]
    pause = tmp_path / "pause"
    pause.mkdir()
    proc = start(
        "build", "--config", config(tmp_path, 2), "--out", str(out), pause=f"{point}:{pause}"
    )
    try:
        wait_for(pause / "paused", proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    if point == "assemble":
        # killed with the new files staged but not swapped in: the old build, whole
        assert not (out / INCOMPLETE).exists()
        assert published(out) == refs[1]
        v = cli("validate", str(out), "--workers", "1")
        assert v.returncode == 0, v.stdout + v.stderr
    else:
        # killed mid-swap: the folder says so, and every reader reports it
        assert (out / INCOMPLETE).exists()
        assert published(out) not in (refs[1], refs[2])
        v = cli("validate", str(out), "--workers", "1")
        assert v.returncode == 1
        assert f"{INCOMPLETE}: a build was killed" in v.stdout.splitlines()[0]
        assert "rerun the same build command" in v.stdout
        st = cli("stats", str(out))
        assert st.returncode == 2 and st.stdout == ""
        assert len(st.stderr.strip().splitlines()) == 1 and INCOMPLETE in st.stderr
    # a rerun of the killed build repairs the folder: byte-identical to a fresh build
    rerun = cli("build", "--config", config(tmp_path, 2), "--out", str(out))
    assert rerun.returncode == 0, rerun.stderr
    assert not (out / INCOMPLETE).exists()
    assert published(out) == refs[2]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".lock"]
