"""`push`: publish a built folder to the Hugging Face Hub as one commit, then tag it.

The Hub ends up holding exactly the folder: every file is added (the client skips the ones
whose content is already there) and every file of an earlier build that this one lacks is
deleted in the same commit, so the configs' globs never mix builds. Each push is tagged
(``v<generator version>-<config digest>`` unless ``tag`` is given) so that a dataset can be
pinned by revision. The token comes from ``HF_TOKEN`` or ``hf auth login`` and is never
printed. Errors are one line: exit code 2 for what the user must fix (no token, no write
access, a taken tag, a bad folder) and 3 for network or server failures, which are safe to
retry: nothing local is lost, and files already uploaded are not sent again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RETRY_EXIT = 3
KEEP_REMOTE = frozenset({".gitattributes"})  # created by the Hub; LFS rules live there


class PushError(Exception):
    """A push that cannot go on; ``exit_code`` 2 = fix the input, 3 = retry later."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class PushResult:
    repo_id: str
    revision: str
    commit: str
    tag: str
    tag_created: bool
    files: list[str] = field(default_factory=list)  # every file the Hub now holds from us
    changed: list[str] = field(default_factory=list)  # new or different content
    deleted: list[str] = field(default_factory=list)  # old files removed in the commit

    def summary(self) -> str:
        tag = f"tagged {self.tag}" if self.tag_created else f"tag {self.tag} already existed"
        return (
            f"pushed {len(self.files)} files to datasets/{self.repo_id}@{self.revision} "
            f"({len(self.changed)} new or changed, {len(self.files) - len(self.changed)} "
            f"unchanged, {len(self.deleted)} deleted); commit {self.commit[:12]}; {tag}"
        )


def default_tag(info: dict) -> str:
    """The release tag of a build: generator version plus config digest."""
    return f"v{info['generator_version']}-{info['config_digest']}"


def local_files(root: Path) -> list[str]:
    """The files of a built folder that are published (no hidden files or folders)."""
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append(rel.as_posix())
    return out


def _check_folder(root: Path) -> dict:
    if not root.is_dir():
        raise PushError(f"{root}: no such folder; build one with `python -m generators build`")
    info_path = root / "build_info.json"
    if not (root / "data").is_dir() or not info_path.is_file():
        raise PushError(
            f"{root}: not a finished build (needs data/ and build_info.json); "
            f"run `python -m generators build --out {root}` first"
        )
    try:
        return json.loads(info_path.read_text(encoding="utf-8"))
    except ValueError:
        raise PushError(f"{info_path}: not valid JSON; rebuild the folder") from None


def check_repo_id(repo_id: str) -> None:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError:
        raise PushError(f"--repo-id {repo_id!r}: use ORG/NAME, e.g. my-org/logic-suite") from None
    if "/" not in repo_id:
        raise PushError(f"--repo-id {repo_id!r}: give the namespace too, as ORG/NAME")


def resolve_token(token: str | None = None) -> str:
    """The Hub token (argument, ``HF_TOKEN`` or the saved login); PushError if there is none."""
    from huggingface_hub import get_token

    token = token or get_token()
    if not token:
        raise PushError(
            "no Hugging Face token: set HF_TOKEN or run `hf auth login` (a token with write access)"
        )
    return token


def _git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _changed(root: Path, files: list[str], remote: dict) -> list[str]:
    """Files whose content differs from the Hub's copy at the pushed revision (or are new)."""
    out = []
    for rel in files:
        entry = remote.get(rel)
        if entry is None:
            out.append(rel)
            continue
        data = (root / rel).read_bytes()
        lfs = getattr(entry, "lfs", None)
        same = (
            lfs.sha256 == hashlib.sha256(data).hexdigest()
            if lfs
            else entry.blob_id == _git_sha1(data)
        )
        if not same:
            out.append(rel)
    return out


def push(
    root: Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    tag: str | None = None,
    token: str | None = None,
    endpoint: str | None = None,
    log: Callable[[str], None] = print,
) -> PushResult:
    """Publish the built folder ``root`` to the dataset repo ``repo_id`` and tag the commit."""
    root = Path(root)
    info = _check_folder(root)
    check_repo_id(repo_id)
    token = resolve_token(token)
    release = tag or default_tag(info)
    branch = revision or "main"
    user = "?"
    try:
        from huggingface_hub import HfApi

        api = HfApi(endpoint=endpoint, token=token)
        user = api.whoami()["name"]
        url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        log(f"repo {url} (as {user})")
        if branch != "main":
            api.create_branch(repo_id, branch=branch, repo_type="dataset", exist_ok=True)
        tags = {t.name for t in api.list_repo_refs(repo_id, repo_type="dataset").tags}
        if release in tags and tag is not None:
            raise PushError(
                f"--tag {release}: already exists in {repo_id}; tags are releases and are "
                "never moved, so choose another --tag"
            )
        from cards import write_card
        from cards.check import check_card

        card = write_card(root, repo_id=repo_id, tag=release, redraw=False)  # names repo + tag
        problems = check_card(card.read_text(encoding="utf-8"), root)
        if problems:
            raise PushError(f"{card}: {problems[0]}")
        files = local_files(root)
        remote = {
            e.path: e
            for e in api.list_repo_tree(
                repo_id, recursive=True, repo_type="dataset", revision=branch
            )
            if hasattr(e, "blob_id")
        }
        stale = sorted(p for p in remote if p not in files and p not in KEEP_REMOTE)
        changed = _changed(root, files, remote)
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete

        ops = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=str(root / p)) for p in files]
        ops += [CommitOperationDelete(path_in_repo=p) for p in stale]
        log(f"committing {len(changed)} new or changed files, deleting {len(stale)}")
        commit = api.create_commit(
            repo_id,
            ops,
            commit_message=f"logic-suite {info['generator_version']}: {release}",
            commit_description=(
                f"Build of config {info['config'].get('name', '?')} "
                f"(digest {info['config_digest']}), {len(files)} files; "
                f"{len(stale)} files of an earlier build deleted."
            ),
            repo_type="dataset",
            revision=branch,
        )
        created = release not in tags
        if created:
            api.create_tag(
                repo_id,
                tag=release,
                revision=commit.oid,
                repo_type="dataset",
                tag_message=f"logic-suite {info['generator_version']}, config {info['config_digest']}",
            )
    except PushError:
        raise
    except Exception as e:  # translated into one line; the token is never part of it
        raise _translate(e, repo_id, user, endpoint) from None
    return PushResult(repo_id, branch, commit.oid, release, created, files, changed, stale)


def _chain(e: BaseException) -> list[BaseException]:
    out = []
    while e is not None and e not in out:
        out.append(e)
        e = e.__cause__ or e.__context__
    return out


def _translate(e: Exception, repo_id: str, user: str, endpoint: str | None) -> PushError:
    from huggingface_hub import constants
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    where = endpoint or constants.ENDPOINT
    retry = (
        "nothing local was lost; run the same command again to retry (files already on the "
        "Hub are not uploaded again)"
    )
    for x in _chain(e):
        if isinstance(x, OfflineModeIsEnabled):
            return PushError("HF_HUB_OFFLINE is set: unset it to push to the Hub")
        if isinstance(x, HfHubHTTPError) and x.response is not None:
            code = x.response.status_code
            ns = repo_id.split("/")[0]
            if code == 401:
                return PushError(
                    f"the Hub rejected the token (401) for {repo_id}: set a valid HF_TOKEN "
                    "or run `hf auth login`"
                )
            if code == 403:
                return PushError(
                    f"{repo_id}: this token (user {user}) has no write access; the repo or "
                    f"namespace '{ns}' belongs to someone else (or the token is read-only). "
                    f"Push to a namespace you own (--repo-id {user}/{repo_id.split('/')[-1]}) "
                    "or ask its owner for access"
                )
            if code == 404:
                return PushError(
                    f"{repo_id}: not found after creating it (404); check --repo-id and that "
                    "the token may write to it"
                )
            if code >= 500 or code in (408, 429):
                return PushError(
                    f"the Hub at {where} failed ({code}) while pushing {repo_id}; {retry}",
                    RETRY_EXIT,
                )
            msg = (x.server_message or "").splitlines()[0] if x.server_message else ""
            return PushError(f"the Hub refused the push to {repo_id} ({code}: {msg})")
        mod = type(x).__module__ or ""
        if mod.startswith(("httpx", "httpcore", "ssl", "socket")) or isinstance(
            x, (ConnectionError, TimeoutError)
        ):
            return PushError(
                f"network error talking to {where} ({type(x).__name__}); {retry}", RETRY_EXIT
            )
    return PushError(f"push to {repo_id} failed: {type(e).__name__}: {e}", 1)
