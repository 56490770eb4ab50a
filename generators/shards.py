"""Parquet shards: the fixed Arrow schema, atomic writes, and reading records back."""

from __future__ import annotations

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


def write_atomic(tab: pa.Table, path: Path) -> None:
    """Write ``tab`` to ``path`` through a temporary name and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(tab, tmp, compression="zstd", use_dictionary=True, write_statistics=True)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class DataError(ValueError):
    """A data file of a built folder that cannot be read (the message names the file)."""


def read_rows(path: Path) -> list[dict]:
    try:
        return pq.read_table(path, schema=SCHEMA).to_pylist()
    except (pa.ArrowException, OSError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DataError(
            f"{path}: not a readable parquet data file ({first}); "
            "rebuild the folder with `python -m generators build`"
        ) from None


def data_files(root: Path) -> list[Path]:
    """Every parquet data file of a built dataset folder, in a stable order."""
    return sorted((root / "data").glob("*/*.parquet"))


def records(root: Path) -> Iterable[Record]:
    for f in data_files(root):
        for row in read_rows(f):
            yield Record.model_validate(row)
