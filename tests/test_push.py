"""`python -m generators push` against a local Hub (tests/fake_hub.py) with the real client.

The CLI runs in a subprocess so that ``HF_ENDPOINT`` and ``HF_HUB_DISABLE_XET`` are read by
``huggingface_hub`` at import, exactly as for a user; nothing in the client is patched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fake_hub import FakeHub

from generators.push import default_tag, local_files
from verifiers.record import CANARY

TOKEN = "hf_test_SECRET_token_0123456789"
OTHER = "hf_test_other_user_token"
ROOT = Path(__file__).resolve().parents[1]


def _env(endpoint: str, home: Path, token: str | None = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("HF_", "HTTP"))}
    env.update(
        HF_ENDPOINT=endpoint,
        HF_HUB_DISABLE_XET="1",
        HF_HOME=str(home),  # no saved login leaks in
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    if token:
        env["HF_TOKEN"] = token
    return env


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "generators", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert TOKEN not in r.stdout + r.stderr and OTHER not in r.stdout + r.stderr
    return r


def _snapshot(folder: Path) -> dict[str, str]:
    return {p: hashlib.sha256((folder / p).read_bytes()).hexdigest() for p in local_files(folder)}


@pytest.fixture
def hub():
    with FakeHub({TOKEN: ("me", ["my-org"]), OTHER: ("someone", [])}) as h:
        yield h


@pytest.fixture
def folder(tiny_dataset, tmp_path) -> Path:
    out = tmp_path / "build"
    shutil.copytree(tiny_dataset, out)
    return out


def test_push_moves_every_file_tags_it_and_a_repush_is_a_noop(hub, folder, tmp_path):
    env = _env(hub.url, tmp_path / "home")
    r = _cli(env, "push", str(folder), "--repo-id", "my-org/logic-suite")
    assert r.returncode == 0, r.stderr
    info = json.loads((folder / "build_info.json").read_text())
    tag = default_tag(info)
    assert tag == f"v{info['generator_version']}-{info['config_digest']}"
    assert f"tagged {tag}" in r.stdout

    remote = hub.files("my-org/logic-suite")
    local = local_files(folder)
    assert set(remote) == set(local) | {".gitattributes"}
    assert "difficulty_histogram.png" in local and "build_info.json" in local
    for p in local:  # every byte arrived, README and PNG included
        assert remote[p] == (folder / p).read_bytes(), p
    shards = [p for p in local if p.endswith(".parquet")]
    assert shards and all(p.startswith("data/") for p in shards)
    repo = hub.repos["my-org/logic-suite"]
    head = repo.commits[repo.branches["main"]]
    assert all(head.tree[p].lfs for p in shards)  # parquet went through LFS batch + PUT
    assert pq.read_table(folder / shards[0]).num_rows > 0
    assert repo.tags == {tag: head.oid}
    readme = remote["README.md"].decode()  # re-rendered for the repo and the release
    assert 'load_dataset("my-org/logic-suite", revision="' + tag + '")' in readme
    assert CANARY in readme
    for step in ("/api/whoami-v2", "/api/repos/create", "/preupload/main", "/commit/main"):
        assert hub.count("POST" if step != "/api/whoami-v2" else "GET", step) == 1, step
    assert hub.count("POST", "/info/lfs/objects/batch") == 1
    assert hub.count("PUT", "/lfs-upload/") == len(shards) + 1  # + the histogram
    assert hub.count("POST", f"/tag/{head.oid}") == 1

    # Same build again: nothing uploaded, no new commit, the tag is left where it is.
    r = _cli(env, "push", str(folder), "--repo-id", "my-org/logic-suite")
    assert r.returncode == 0, r.stderr
    assert "0 new or changed" in r.stdout and f"tag {tag} already existed" in r.stdout
    assert repo.branches["main"] == head.oid and hub.count("PUT", "/lfs-upload/") == len(shards) + 1


def _reshard(folder: Path) -> None:
    """Turn each split's one shard into two, as a build with smaller files would write."""
    for f in sorted((folder / "data").glob("*/*-00000-of-00001.parquet")):
        t = pq.read_table(f)
        half = t.num_rows // 2
        split = f.name.split("-")[0]
        pq.write_table(t.slice(0, half), f.with_name(f"{split}-00000-of-00002.parquet"))
        pq.write_table(t.slice(half), f.with_name(f"{split}-00001-of-00002.parquet"))
        f.unlink()


def test_repush_deletes_the_old_builds_shards_in_the_same_commit(hub, folder, tmp_path):
    env = _env(hub.url, tmp_path / "home")
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    n_shards = len(list((old / "data").glob("*/*.parquet")))
    _reshard(old)
    r = _cli(env, "push", str(old), "--repo-id", "me/ls", "--tag", "v-old")
    assert r.returncode == 0, r.stderr
    old_files = set(hub.files("me/ls"))
    assert sum(p.endswith("-of-00002.parquet") for p in old_files) == 2 * n_shards

    r = _cli(env, "push", str(folder), "--repo-id", "me/ls")
    assert r.returncode == 0, r.stderr
    assert f"{2 * n_shards} deleted" in r.stdout
    repo = hub.repos["me/ls"]
    head = repo.commits[repo.branches["main"]]
    assert head.parent == repo.tags["v-old"]  # one commit from the old build to the new
    deleted = sorted(op["value"]["path"] for op in head.ops if op["key"] == "deletedFile")
    assert deleted == sorted(p for p in old_files if p.endswith("-of-00002.parquet"))
    now = hub.files("me/ls")
    assert set(now) == set(local_files(folder)) | {".gitattributes"}
    for p in local_files(folder):
        assert now[p] == (folder / p).read_bytes()
    # The old release is still pinned by its tag.
    assert set(hub.files("me/ls", "v-old")) == old_files


def test_taken_tag_and_branch_revision(hub, folder, tmp_path):
    env = _env(hub.url, tmp_path / "home")
    r = _cli(
        env,
        "push",
        str(folder),
        "--repo-id",
        "me/ls",
        "--revision",
        "dev",
        "--tag",
        "v1",
        "--private",
    )
    assert r.returncode == 0, r.stderr
    repo = hub.repos["me/ls"]
    assert repo.private
    assert set(hub.files("me/ls", "main")) == {".gitattributes"}  # main untouched
    assert set(hub.files("me/ls", "dev")) == set(local_files(folder)) | {".gitattributes"}
    assert repo.tags["v1"] == repo.branches["dev"]
    commits = len(repo.commits)
    r = _cli(env, "push", str(folder), "--repo-id", "me/ls", "--tag", "v1")
    assert r.returncode == 2
    assert (
        r.stderr.startswith("error: --tag v1: already exists") and len(r.stderr.splitlines()) == 1
    )
    assert len(repo.commits) == commits  # refused before any commit


def test_no_token_fails_before_any_request(hub, folder, tmp_path):
    before = _snapshot(folder)
    r = _cli(_env(hub.url, tmp_path / "home", token=None), "push", str(folder), "--repo-id", "me/x")
    assert r.returncode == 2
    assert r.stderr == (
        "error: no Hugging Face token: set HF_TOKEN or run `hf auth login` "
        "(a token with write access)\n"
    )
    assert hub.requests == [] and _snapshot(folder) == before
    # build --push-to-hub checks the token before spending time on the build
    out = tmp_path / "never_built"
    r = _cli(
        _env(hub.url, tmp_path / "home", token=None),
        *("build", "--config", "tiny", "--out", str(out), "--push-to-hub", "me/x"),
    )
    assert r.returncode == 2 and "no Hugging Face token" in r.stderr and not out.exists()


def test_repo_of_someone_else_is_a_clear_403(hub, folder, tmp_path):
    hub.create("someone/logic-suite")  # public, owned by another user
    before = len(hub.repos["someone/logic-suite"].commits)
    r = _cli(
        _env(hub.url, tmp_path / "home"), "push", str(folder), "--repo-id", "someone/logic-suite"
    )
    assert r.returncode == 2
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    assert "someone/logic-suite: this token (user me) has no write access" in r.stderr
    assert "belongs to someone else" in r.stderr and "--repo-id me/logic-suite" in r.stderr
    assert len(hub.repos["someone/logic-suite"].commits) == before
    assert hub.count("POST", "/commit/") == 0
    r = _cli(
        _env(hub.url, tmp_path / "home", token="hf_revoked"),
        "push",
        str(folder),
        "--repo-id",
        "me/x",
    )
    assert r.returncode == 2 and "hf_revoked" not in r.stderr
    assert r.stderr.startswith("error: the Hub rejected the token (401)") and "HF_TOKEN" in r.stderr


def test_server_down_says_retry_and_keeps_local_files(folder, tmp_path):
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = _snapshot(folder)
    r = _cli(
        _env(f"http://127.0.0.1:{port}", tmp_path / "home"),
        "push",
        str(folder),
        "--repo-id",
        "me/x",
    )
    assert r.returncode == 3
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("error: network error")
    assert "nothing local was lost" in r.stderr and "run the same command again" in r.stderr
    assert _snapshot(folder) == before


def test_failed_commit_is_retryable_and_the_retry_sends_no_bytes_twice(hub, folder, tmp_path):
    env = _env(hub.url, tmp_path / "home")
    hub.fail[("POST", "commit")] = [500]
    r = _cli(env, "push", str(folder), "--repo-id", "me/ls")
    assert r.returncode == 3, r.stderr
    assert "failed (500)" in r.stderr and "nothing local was lost" in r.stderr
    assert set(hub.files("me/ls")) == {".gitattributes"} and not hub.repos["me/ls"].tags
    uploads = hub.count("PUT", "/lfs-upload/")
    assert uploads > 0
    r = _cli(env, "push", str(folder), "--repo-id", "me/ls")
    assert r.returncode == 0, r.stderr
    assert hub.count("PUT", "/lfs-upload/") == uploads  # LFS objects already there are skipped
    assert set(hub.files("me/ls")) == set(local_files(folder)) | {".gitattributes"}


def test_build_push_to_hub_moves_every_file(hub, tmp_path):
    cfg = tmp_path / "one.yaml"
    cfg.write_text(
        "name: one\nseed: 3\nshard_size: 16\nfamilies:\n  truth_teller:\n    count: 16\n"
        "    variants: {knights_knaves: 1.0}\n    levels: {1: 1.0}\n"
    )
    out = tmp_path / "built"
    r = _cli(
        _env(hub.url, tmp_path / "home"),
        *("build", "--config", str(cfg), "--out", str(out), "--workers", "1", "--no-progress"),
        *("--push-to-hub", "my-org/built"),
    )
    assert r.returncode == 0, r.stderr
    assert "pushed" in r.stdout and "tagged v" in r.stdout
    remote = hub.files("my-org/built")
    assert set(remote) == set(local_files(out)) | {".gitattributes"}
    assert all(remote[p] == (out / p).read_bytes() for p in local_files(out))
