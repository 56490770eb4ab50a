"""fsspec URLs as ``--out``: recognising one, its filesystem, and atomic uploads."""

from __future__ import annotations

import os
import posixpath
import uuid
from pathlib import Path
from typing import Any

from .config import ConfigError


def is_url(out: object) -> bool:
    """True for an fsspec URL such as ``s3://bucket/suite`` (a plain path is not one)."""
    return isinstance(out, str) and "://" in out


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) of ``url``, or a one-line error naming the fix."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as e:
        raise ConfigError(
            f"--out {url}: {str(e).splitlines()[0]}; install the fsspec backend of this "
            "scheme (e.g. pip install s3fs) or give a local folder"
        ) from None
    return fs, path.rstrip("/")


def upload_atomic(local: Path, url: str) -> None:
    """Copy ``local`` to ``url`` through a temporary name and a move: never half a file."""
    fs, path = filesystem(url)
    parent = posixpath.dirname(path)
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.{posixpath.basename(path)}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        fs.put_file(str(local), tmp)
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)
