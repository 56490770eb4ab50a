"""The lm-eval hooks of the logic_suite tasks: documents, prompts, scoring and vote filters.

They call :mod:`verifiers` only (no z3, no generators). ``tasks/logic_suite/utils.py``
re-exports them for the task YAML files.

Metrics per document (the filter decides what ``results`` holds):

- ``acc``: the extracted answer equals the gold answer after normalisation;
- ``format``: the answer was given in the required format (seed 001's format compliance);
- ``cell_acc``: fraction of entities right (ZebraLogic's cell accuracy; 0/1 for labels);
- ``len_chars``: completion length in characters (the report's "mean output length").

With ``repeats: k`` the ``pass@k`` filter hands all k completions to :func:`process_results`
(``acc`` = any right, ``cell_acc`` = best, ``format``/``len_chars`` = mean) and the ``maj@k``
filter hands over one completion whose parsed answer is the most common among the k
(ties go to the answer seen first; unparsable completions do not vote).
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from verifiers import score
from verifiers.scoring import parse_completion

from .lm_data import EMPTY_ID, DataSourceError, level_docs

METRICS = ("acc", "format", "cell_acc", "len_chars")


def load(ls_family: str, ls_level: int, ls_mcq: bool = False, **_: Any) -> Any:
    """``custom_dataset`` hook: the DatasetDict of one family and level (see lm_data).

    A data source that cannot be used ends the lm-eval run with one line and exit code 2
    (lm-eval would print a long traceback of its own task loading)."""
    try:
        return level_docs(ls_family, int(ls_level), bool(ls_mcq))
    except DataSourceError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def doc_to_text(doc: dict) -> str:
    """The user turn: the question (with lettered options for MCQ)."""
    return doc["user"]


def doc_to_target(doc: dict) -> str:
    """A worked answer in the prompt's format; used as the few-shot assistant turn."""
    return doc["target"]


def _one(doc: dict, completion: str) -> dict[str, float]:
    s = score(doc, completion or "", mcq=doc["eval_mode"] == "mcq", style=doc["prompt_style"])
    s["len_chars"] = float(len(completion or ""))
    return s


def process_results(doc: dict, results: list) -> dict[str, float]:
    """Scores of one document; {} for the placeholder row of an empty level."""
    if doc["id"] == EMPTY_ID:
        return {}
    got = results[0]
    if isinstance(got, str):
        return _one(doc, got)
    scores = [_one(doc, c) for c in got] or [_one(doc, "")]
    n = len(scores)
    return {
        "acc": max(s["acc"] for s in scores),
        "format": sum(s["format"] for s in scores) / n,
        "cell_acc": max(s["cell_acc"] for s in scores),
        "len_chars": sum(s["len_chars"] for s in scores) / n,
    }


def _answer_key(doc: dict, completion: str) -> str | None:
    mcq = doc["eval_mode"] == "mcq"
    got = parse_completion(doc, completion or "", mcq=mcq)
    if got is None:
        return None
    return got if isinstance(got, str) else got.key()


def majority(resps: Any, docs: Any) -> list[str]:
    """``custom`` filter for maj@k: per document, one completion holding the majority answer."""
    out = []
    for completions, doc in zip(resps, docs, strict=True):
        completions = list(completions)
        if not completions:
            out.append("")
            continue
        keys = [_answer_key(doc, c) for c in completions]
        votes = Counter(k for k in keys if k is not None)
        if not votes:
            out.append(completions[0])
            continue
        top = max(votes.values())
        winner = next(k for k in keys if k is not None and votes[k] == top)
        out.append(completions[keys.index(winner)])
    return out
