"""Parquet shards: the fixed Arrow schema, atomic writes, and reading records back."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from verifiers.record import Record


def _arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of a :class:`Record` field's annotation (str, int, Literal, lists,
    nested models as structs)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return pa.string()
    if origin is list:
        return pa.list_(_arrow_type(get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(
            [(n, _arrow_type(f.annotation)) for n, f in annotation.model_fields.items()]
        )
    return {str: pa.string(), int: pa.int64()}[annotation]


# The on-disk schema, derived from the Record model: one declaration of the columns.
SCHEMA = pa.schema([(n, _arrow_type(f.annotation)) for n, f in Record.model_fields.items()])


def table(rows: Iterable[dict]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


_WRITE = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}
# Rows per row group of a data file: a file of at most this many rows is one row group (the
# bytes of ``write_atomic``); a larger one is streamed, one row group at a time.
ROW_GROUP = 10_000


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_atomic(tab: pa.Table, path: Path) -> None:
    """Write ``tab`` to ``path`` through a temporary name and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    try:
        pq.write_table(tab, tmp, **_WRITE)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class StreamedFile:
    """A data file written one row group (``write``) at a time through a temporary name, and
    renamed into place by ``close``; with ``jsonl``, the JSONL twin beside it likewise."""

    def __init__(self, path: Path, jsonl: bool = False):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.jsonl = path, path.with_suffix(".jsonl") if jsonl else None
        self._writer = pq.ParquetWriter(_tmp(path), SCHEMA, **_WRITE)
        self._text = _tmp(self.jsonl).open("w", encoding="utf-8") if self.jsonl else None

    def write(self, tab: pa.Table) -> None:
        self._writer.write_table(tab)
        if self._text is not None:
            self._text.write(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tab.to_pylist())
            )

    def close(self) -> list[Path]:
        """Finish and rename into place; return the paths written."""
        self._writer.close()
        os.replace(_tmp(self.path), self.path)
        if self._text is None:
            return [self.path]
        self._text.close()
        os.replace(_tmp(self.jsonl), self.jsonl)
        return [self.path, self.jsonl]


def write_text_atomic(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class DataError(ValueError):
    """A data file of a built folder that cannot be read (the message names the file)."""


def read_table(path: Path, columns: list[str] | None = None) -> pa.Table:
    """The rows of a part or data file (``columns`` only, if given), as an Arrow table."""
    try:
        if columns is None:
            return pq.read_table(path, schema=SCHEMA)
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DataError(
            f"{path}: not a readable parquet data file ({first}); "
            "rebuild the folder with `python -m generators build`"
        ) from None


def read_rows(path: Path) -> list[dict]:
    return read_table(path).to_pylist()


def read_column(path: Path, *columns: str) -> list[list]:
    """The values of ``columns`` of a part or data file, one list per column."""
    tab = read_table(path, list(columns))
    return [tab.column(c).to_pylist() for c in columns]


def data_files(root: Path) -> list[Path]:
    """Every parquet data file of a built dataset folder, in a stable order."""
    return sorted((root / "data").glob("*/*.parquet"))


def records(root: Path) -> Iterable[Record]:
    for f in data_files(root):
        for row in read_rows(f):
            yield Record.model_validate(row)
