"""A local Hugging Face Hub for offline push tests: the endpoints the real client calls.

Serves, on 127.0.0.1, what ``huggingface_hub`` (2.x, with ``HF_HUB_DISABLE_XET=1``) requests
for create_repo, create_branch, list_repo_refs, list_repo_tree, create_commit (validate-yaml,
preupload, LFS batch, LFS PUT upload and verify, the NDJSON commit) and create_tag, plus
whoami-v2 and repo info. It keeps git-like state (commits with full trees, branches, tags,
an LFS object store) so tests can check exactly what arrived. ``fail`` injects errors.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import yaml

LFS_SUFFIXES = (".parquet", ".png", ".arrow", ".bin")
GITATTRIBUTES = (
    b"*.parquet filter=lfs diff=lfs merge=lfs -text\n*.png filter=lfs diff=lfs merge=lfs -text\n"
)
_API = re.compile(
    r"^/api/datasets/(?P<ns>[^/]+)/(?P<name>[^/]+)"
    r"(?:/(?P<op>preupload|commit|tag|tree|revision|branch|refs)(?:/(?P<rest>.*))?)?$"
)
_LFS_BATCH = re.compile(r"^/datasets/(?P<ns>[^/]+)/(?P<name>[^/]+)\.git/info/lfs/objects/batch$")


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Entry:
    sha256: str
    size: int
    lfs: bool


@dataclass
class Commit:
    oid: str
    parent: str | None
    tree: dict[str, Entry]
    summary: str
    ops: list[dict] = field(default_factory=list)  # the NDJSON lines as received


@dataclass
class Repo:
    repo_id: str
    private: bool
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class FakeHub:
    """State plus a server thread. ``tokens`` maps a token to (user, orgs)."""

    def __init__(self, tokens: dict[str, tuple[str, list[str]]]):
        self.tokens = tokens
        self.repos: dict[str, Repo] = {}
        self.blobs: dict[str, bytes] = {}  # sha256 -> bytes (git and LFS content alike)
        self.requests: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], list[int]] = {}  # (method, op) -> statuses to return
        self.lock = threading.Lock()
        self._n = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- state ---------------------------------------------------------------------

    def create(self, repo_id: str, private: bool = False) -> Repo:
        repo = Repo(repo_id, private)
        sha = hashlib.sha256(GITATTRIBUTES).hexdigest()
        self.blobs[sha] = GITATTRIBUTES
        c = self._commit(
            repo, None, {".gitattributes": Entry(sha, len(GITATTRIBUTES), False)}, "initial commit"
        )
        repo.branches["main"] = c.oid
        self.repos[repo_id] = repo
        return repo

    def _commit(self, repo: Repo, parent: str | None, tree: dict, summary: str, ops=()) -> Commit:
        self._n += 1
        oid = hashlib.sha1(f"{repo.repo_id}:{self._n}:{summary}".encode()).hexdigest()
        c = Commit(oid, parent, dict(tree), summary, list(ops))
        repo.commits[oid] = c
        return c

    def resolve(self, repo: Repo, rev: str) -> Commit | None:
        oid = repo.branches.get(rev) or repo.tags.get(rev) or rev
        return repo.commits.get(oid)

    def files(self, repo_id: str, rev: str = "main") -> dict[str, bytes]:
        """path -> bytes at ``rev`` (a branch, tag or commit)."""
        repo = self.repos[repo_id]
        c = self.resolve(repo, rev)
        return {p: self.blobs[e.sha256] for p, e in c.tree.items()}

    def count(self, method: str, needle: str) -> int:
        return sum(1 for m, p in self.requests if m == method and needle in p)


def _handler(hub: FakeHub):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        # --- plumbing ----------------------------------------------------------------

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                out = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        return out
                    out += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def _send(self, status: int, obj=None, headers: dict | None = None) -> None:
            data = b"" if obj is None else json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, code: str | None = None) -> None:
            headers = {"X-Error-Message": message}
            if code:
                headers["X-Error-Code"] = code
            self._send(status, {"error": message}, headers)

        def _user(self) -> tuple[str, list[str]] | None:
            auth = self.headers.get("Authorization", "")
            return hub.tokens.get(auth.removeprefix("Bearer ").strip()) if auth else None

        def _can_write(self, repo_id: str) -> bool:
            u = self._user()
            return u is not None and repo_id.split("/")[0] in (u[0], *u[1])

        def _injected(self, method: str, op: str) -> bool:
            statuses = hub.fail.get((method, op))
            if statuses:
                self._error(statuses.pop(0), f"injected failure on {op}")
                return True
            return False

        def _dispatch(self, method: str) -> None:
            url = urlparse(self.path)
            path, query = url.path, parse_qs(url.query)
            body = self._body() if method in ("POST", "PUT") else b""
            with hub.lock:
                hub.requests.append((method, path))
                try:
                    self._route(method, path, query, body)
                except Exception as e:  # a bug in the fake: make it visible to the test
                    self._error(599, f"fake hub error: {type(e).__name__}: {e}")

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        # --- routes ------------------------------------------------------------------

        def _route(self, method: str, path: str, query: dict, body: bytes) -> None:
            if path == "/api/whoami-v2" and method == "GET":
                u = self._user()
                if u is None:
                    return self._error(401, "Invalid credentials in Authorization header")
                return self._send(
                    200, {"type": "user", "name": u[0], "orgs": [{"name": o} for o in u[1]]}
                )
            if path == "/api/validate-yaml" and method == "POST":
                content = json.loads(body)["content"]
                try:
                    yaml.safe_load(content.split("---\n")[1])
                except Exception:
                    return self._send(400, {"errors": [{"message": "bad YAML"}], "warnings": []})
                return self._send(200, {"errors": [], "warnings": []})
            if path == "/api/repos/create" and method == "POST":
                return self._create(json.loads(body))
            if m := _LFS_BATCH.match(path):
                return self._lfs_batch(f"{m['ns']}/{m['name']}", json.loads(body))
            if path.startswith("/lfs-upload/") and method == "PUT":
                oid = path.rsplit("/", 1)[1]
                if hashlib.sha256(body).hexdigest() != oid:
                    return self._error(400, "uploaded bytes do not match the oid")
                hub.blobs[oid] = body
                return self._send(200, {})
            if path == "/lfs-verify" and method == "POST":
                obj = json.loads(body)
                ok = obj["oid"] in hub.blobs and len(hub.blobs[obj["oid"]]) == obj["size"]
                return self._send(200, {}) if ok else self._error(404, "object not stored")
            m = _API.match(path)
            if not m:
                return self._error(404, f"no route {method} {path}")
            raw = m["rest"] or ""
            repo_id, op, rest = f"{m['ns']}/{m['name']}", m["op"], unquote(raw)
            repo = hub.repos.get(repo_id)
            if repo is None or (repo.private and not self._can_write(repo_id)):
                return self._error(404, "Repository not found", "RepoNotFound")
            if op in (None, "revision") and method == "GET":
                c = hub.resolve(repo, rest or "main")
                if c is None:
                    return self._error(404, "Invalid rev id", "RevisionNotFound")
                return self._send(200, {"id": repo_id, "sha": c.oid, "private": repo.private})
            if op == "refs" and method == "GET":
                ref = lambda kind, n, o: {"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": o}  # noqa: E731
                return self._send(
                    200,
                    {
                        "branches": [ref("heads", n, o) for n, o in repo.branches.items()],
                        "tags": [ref("tags", n, o) for n, o in repo.tags.items()],
                        "converts": [],
                        "pullRequests": [],
                    },
                )
            if op == "tree" and method == "GET":
                rev, _, sub = raw.partition("/")
                c = hub.resolve(repo, unquote(rev))
                if c is None:
                    return self._error(404, "Invalid rev id", "RevisionNotFound")
                recursive = query.get("recursive", ["false"])[0].lower() in ("true", "1")
                return self._send(200, _tree(hub, c, unquote(sub), recursive))
            if method != "POST":
                return self._error(405, "method not allowed")
            if not self._can_write(repo_id):
                return self._error(403, "You don't have the rights to write to this repo")
            if self._injected(method, op):
                return None
            if op == "branch":
                if rest in repo.branches:
                    return self._error(409, "Reference already exists")
                start = (json.loads(body or b"{}") or {}).get("startingPoint") or "main"
                repo.branches[rest] = hub.resolve(repo, start).oid
                return self._send(200, {})
            if op == "tag":
                tag = json.loads(body)["tag"]
                if tag in repo.tags:
                    return self._error(409, "Tag already exists")
                c = hub.resolve(repo, rest)
                if c is None:
                    return self._error(404, "Invalid rev id", "RevisionNotFound")
                repo.tags[tag] = c.oid
                return self._send(200, {})
            if op == "preupload":
                return self._preupload(repo, rest, json.loads(body))
            if op == "commit":
                return self._commit(repo, rest, body)
            return self._error(404, f"no route {method} {path}")

        def _create(self, payload: dict) -> None:
            u = self._user()
            if u is None:
                return self._error(401, "Invalid credentials in Authorization header")
            ns = payload.get("organization") or u[0]
            repo_id = f"{ns}/{payload['name']}"
            if ns not in (u[0], *u[1]):
                return self._error(
                    403,
                    f'You don\'t have the rights to create a dataset under the namespace "{ns}"',
                )
            if repo_id in hub.repos:  # the Hub's 409 body carries the url; the client reads it
                return self._send(
                    409,
                    {
                        "error": "You already created this dataset repo",
                        "url": f"{hub.url}/datasets/{repo_id}",
                    },
                    {"X-Error-Message": "You already created this dataset repo"},
                )
            hub.create(repo_id, private=payload.get("visibility") == "private")
            return self._send(200, {"url": f"{hub.url}/datasets/{repo_id}"})

        def _preupload(self, repo: Repo, rev: str, payload: dict) -> None:
            c = hub.resolve(repo, rev)
            if c is None:
                return self._error(404, "Invalid rev id", "RevisionNotFound")
            files = []
            for f in payload["files"]:
                sample = base64.b64decode(f["sample"])
                lfs = f["path"].endswith(LFS_SUFFIXES) or b"\0" in sample
                old = c.tree.get(f["path"])
                oid = None
                if old is not None:
                    oid = old.sha256 if old.lfs else git_sha1(hub.blobs[old.sha256])
                files.append(
                    {
                        "path": f["path"],
                        "uploadMode": "lfs" if lfs else "regular",
                        "shouldIgnore": False,
                        "oid": oid,
                    }
                )
            return self._send(200, {"files": files})

        def _lfs_batch(self, repo_id: str, payload: dict) -> None:
            if repo_id not in hub.repos or not self._can_write(repo_id):
                return self._error(403, "You don't have the rights to write to this repo")
            objects = []
            for o in payload["objects"]:
                obj = {"oid": o["oid"], "size": o["size"], "authenticated": True}
                if o["oid"] not in hub.blobs:
                    obj["actions"] = {
                        "upload": {"href": f"{hub.url}/lfs-upload/{o['oid']}", "header": {}},
                        "verify": {"href": f"{hub.url}/lfs-verify", "header": {}},
                    }
                objects.append(obj)
            return self._send(200, {"transfer": "basic", "objects": objects})

        def _commit(self, repo: Repo, rev: str, body: bytes) -> None:
            head = hub.resolve(repo, rev)
            if rev not in repo.branches or head is None:
                return self._error(404, "Invalid rev id", "RevisionNotFound")
            lines = [json.loads(x) for x in body.splitlines() if x.strip()]
            header, ops = lines[0], lines[1:]
            tree = dict(head.tree)
            for op in ops:
                v = op["value"]
                if op["key"] == "file":
                    data = base64.b64decode(v["content"])
                    sha = hashlib.sha256(data).hexdigest()
                    hub.blobs[sha] = data
                    tree[v["path"]] = Entry(sha, len(data), False)
                elif op["key"] == "lfsFile":
                    if v["oid"] not in hub.blobs:
                        return self._error(400, f"LFS object {v['oid']} was never uploaded")
                    tree[v["path"]] = Entry(v["oid"], v["size"], True)
                elif op["key"] == "deletedFile":
                    if v["path"] not in tree:
                        return self._error(
                            404, "A file with this name doesn't exist", "EntryNotFound"
                        )
                    del tree[v["path"]]
                elif op["key"] == "deletedFolder":
                    for p in [p for p in tree if p.startswith(v["path"].rstrip("/") + "/")]:
                        del tree[p]
                else:
                    return self._error(400, f"unknown commit key {op['key']}")
            c = hub._commit(repo, head.oid, tree, header["value"]["summary"], ops)
            repo.branches[rev] = c.oid
            return self._send(
                200,
                {
                    "success": True,
                    "commitOid": c.oid,
                    "commitUrl": f"{hub.url}/datasets/{repo.repo_id}/commit/{c.oid}",
                },
            )

    return H


def _tree(hub: FakeHub, c: Commit, sub: str, recursive: bool) -> list[dict]:
    """The tree API's entries under ``sub`` (directories, then files), like the Hub's."""
    prefix = f"{sub.rstrip('/')}/" if sub else ""
    depth = prefix.count("/")

    def shown(p: str) -> bool:
        return p.startswith(prefix) and (recursive or p.count("/") == depth)

    dirs = {"/".join(p.split("/")[:i]) for p in c.tree for i in range(1, p.count("/") + 1)}
    out = [
        {"type": "directory", "path": d, "oid": hashlib.sha1(d.encode()).hexdigest(), "size": 0}
        for d in sorted(dirs)
        if shown(d)
    ]
    for p, e in sorted(c.tree.items()):
        if not shown(p):
            continue
        data = hub.blobs[e.sha256]
        item = {"type": "file", "path": p, "size": e.size}
        if e.lfs:
            pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{e.sha256}\nsize {e.size}\n"
            item["oid"] = git_sha1(pointer.encode())
            item["lfs"] = {"oid": e.sha256, "size": e.size, "pointerSize": len(pointer)}
        else:
            item["oid"] = git_sha1(data)
        out.append(item)
    return out
