"""Scoring a completion against a record: pure Python, no z3."""

from __future__ import annotations

import json
from typing import Any

from .answers import Answer, cell_accuracy, parse
from .extract import extract, follows_format, letter
from .prompt import LETTERS


def _get(record: Any, key: str) -> Any:
    return record[key] if isinstance(record, dict) else getattr(record, key)


def parse_completion(record: Any, completion: str, mcq: bool = False) -> Answer | str | None:
    """The structured answer in ``completion`` (a letter when ``mcq``), or None."""
    text = extract(completion)
    if mcq:
        choices = list(_get(record, "choices"))
        return letter(text, len(choices), choices)
    if text is None:
        return None
    gold = Answer.model_validate(json.loads(_get(record, "answer_json")))
    return parse(text, gold)


def score(record: Any, completion: str, mcq: bool = False, style: str = "tags") -> dict[str, float]:
    """Per-metric scores of ``completion`` on ``record``: ``acc``, ``format``, ``cell_acc``.

    ``record`` is a dataset row (dict) or a :class:`verifiers.record.Record`.
    """
    fmt = float(follows_format(completion, style))
    if mcq:
        got = parse_completion(record, completion, mcq=True)
        acc = float(got is not None and got == _get(record, "answer_label"))
        return {"acc": acc, "format": fmt, "cell_acc": acc}
    gold = Answer.model_validate(json.loads(_get(record, "answer_json")))
    pred = parse_completion(record, completion)
    acc = float(pred is not None and pred.key() == gold.key())
    return {"acc": acc, "format": fmt, "cell_acc": cell_accuracy(pred, gold)}


__all__ = ["score", "parse_completion", "LETTERS"]
