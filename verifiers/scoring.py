"""Scoring a completion against a record: pure Python, no z3."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from .answers import Answer, cell_accuracy, parse
from .extract import completion_text, extract, follows_format, letter, within_limit
from .prompt import LETTERS


def _get(record: Any, key: str) -> Any:
    """``record[key]`` of a row or a Record, or one ValueError naming the missing field."""
    try:
        return record[key] if isinstance(record, dict) else getattr(record, key)
    except (KeyError, AttributeError):
        raise ValueError(
            f"score: the record has no `{key}` field; pass a dataset row (dict) or a "
            "verifiers.Record with the dataset's columns"
        ) from None


def _gold(record: Any) -> Answer:
    raw = _get(record, "answer_json")
    try:
        return Answer.model_validate(json.loads(raw))
    except (ValueError, TypeError, ValidationError) as e:
        if isinstance(e, ValidationError):
            err = e.errors()[0]
            first = f"field '{'.'.join(map(str, err['loc'])) or '(top level)'}': {err['msg']}"
        else:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ValueError(
            f"score: the record's `answer_json` is not an answer ({first}); "
            "pass the dataset's answer_json column unchanged"
        ) from None


def _choices(record: Any) -> list[str]:
    choices = _get(record, "choices")
    if not isinstance(choices, list | tuple) or not all(isinstance(c, str) for c in choices):
        raise ValueError("score: the record's `choices` must be a list of strings (MCQ options)")
    return list(choices)


def parse_completion(record: Any, completion: Any, mcq: bool = False) -> Answer | str | None:
    """The structured answer in ``completion`` (a letter when ``mcq``), or None."""
    text = extract(within_limit(completion_text(completion)))
    if mcq:
        choices = _choices(record)
        return letter(text, len(choices), choices)
    if text is None:
        return None
    return parse(text, _gold(record))


def score(record: Any, completion: Any, mcq: bool = False, style: str = "tags") -> dict[str, float]:
    """Per-metric scores of ``completion`` on ``record``: ``acc``, ``format``, ``cell_acc``.

    ``record`` is a dataset row (dict) or a :class:`verifiers.record.Record`; ``completion``
    a string or a list of chat messages (the last is scored). A completion over
    ``MAX_COMPLETION_CHARS`` after its <think> blocks are removed scores 0, as in the rewards.
    A malformed record raises one ``ValueError`` naming the field.
    """
    text = within_limit(completion_text(completion))
    fmt = float(follows_format(text, style))
    if mcq:
        got = parse_completion(record, text, mcq=True)
        acc = float(got is not None and got == _get(record, "answer_label"))
        return {"acc": acc, "format": fmt, "cell_acc": acc}
    gold = _gold(record)
    pred = parse_completion(record, text)
    acc = float(pred is not None and pred.key() == gold.key())
    return {"acc": acc, "format": fmt, "cell_acc": cell_accuracy(pred, gold)}


__all__ = ["score", "parse_completion", "LETTERS"]
