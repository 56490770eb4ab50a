"""Rows for the trainers: load a built folder or Hub id by config and split; chat-format targets."""

from __future__ import annotations

from typing import Any

from .config import DataSection

_TAG_TARGET = "<reasoning>\n{reasoning}\n</reasoning>\n<answer>{answer}</answer>"
# The record columns :func:`sft_example` reads (``mcq`` is not a record column: rows from
# ``verifiers.prompt`` MCQ views carry it).
SFT_COLUMNS = ("prompt", "solution", "answer", "answer_label", "mcq")


def load_rows(data: DataSection):
    """A ``datasets`` Dataset (or IterableDataset when ``streaming``) of record rows."""
    import datasets

    try:
        ds = datasets.load_dataset(
            data.path, data.config, split=data.split, streaming=data.streaming
        )
    except (FileNotFoundError, ValueError) as e:
        raise ValueError(
            f"data.path={data.path!r} config={data.config!r} split={data.split!r}: cannot load ({e}); "
            "build a folder with `python -m generators build --out DIR` or give a Hub id"
        ) from None
    if data.max_chars is not None:
        cap = data.max_chars
        ds = ds.filter(lambda r: len(r["question"]) + len(r["solution"]) <= cap)
    if data.limit is not None:
        ds = ds.take(data.limit) if data.streaming else ds.select(range(min(data.limit, len(ds))))
    return ds


def reasoning_of(solution: str) -> str:
    """The solution trace without its closing 'Answer: …' line."""
    head, sep, _ = solution.rpartition("\nAnswer:")
    return head if sep else solution


def target(row: dict[str, Any], answer: str | None = None, reasoning: str | None = None) -> str:
    """The assistant turn in the tag format: the trace as reasoning, the answer in tags."""
    if answer is None:
        answer = row["answer_label"] if row.get("mcq") else row["answer"]
    r = reasoning_of(row["solution"]) if reasoning is None else reasoning
    return _TAG_TARGET.format(reasoning=r, answer=answer)


def prompt_of(row: dict[str, Any], mcq: bool = False) -> list[dict[str, str]]:
    """The chat prompt: the record's own ``prompt`` column, or the MCQ prompt."""
    if not mcq:
        return [dict(m) for m in row["prompt"]]
    from verifiers.prompt import for_record

    return for_record(row, mcq=True)


def chat_ids(out) -> list[int]:
    """Token ids from ``apply_chat_template(..., tokenize=True)`` (a list, or a dict of them)."""
    return list(out["input_ids"] if hasattr(out, "keys") else out)


def sft_columns(ds):
    """``ds`` with only the columns :func:`sft_example` reads: listing a 100k-row split as
    Python dicts is then ~4x faster (spec, difficulty and the rest are never decoded)."""
    keep = [c for c in SFT_COLUMNS if c in (ds.column_names or ())]
    return ds.select_columns(keep) if keep else ds


def sft_example(row: dict[str, Any]) -> dict[str, Any]:
    """A conversational prompt-completion example (TRL computes the loss on the completion)."""
    return {
        "prompt": prompt_of(row),
        "completion": [{"role": "assistant", "content": target(row)}],
    }
