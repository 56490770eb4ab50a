"""The one prompt format, shared by the `prompt` column, lm-eval and the trainers.

The default style asks for ``<reasoning>…</reasoning><answer>…</answer>``; ``boxed`` and
``plain`` are the configurable alternatives. Answer extraction and the format metric in
:mod:`verifiers.extract` follow the same styles.
"""

from __future__ import annotations

import json
import string

from .answers import Answer

STYLES = ("tags", "boxed", "plain")
DEFAULT_STYLE = "tags"
LETTERS = string.ascii_uppercase


def _answer(answer_json: str | Answer) -> Answer:
    return (
        answer_json if isinstance(answer_json, Answer) else Answer.model_validate_json(answer_json)
    )


def surface_words(answer: Answer) -> dict[str, str]:
    """Canonical value -> the puzzle's own word for it (first alias wins)."""
    words: dict[str, str] = {}
    for surface, canon in answer.aliases.items():
        words.setdefault(canon, surface)
    return words


def format_hint(answer_json: str | Answer, mcq: bool = False) -> str:
    """The answer-format sentence for this record's answer type."""
    from templates import data, render_string

    hints = data("prompt/instructions.yaml")["hints"]
    if mcq:
        return hints["mcq"]
    a = _answer(answer_json)
    w = surface_words(a)
    if a.type == "label":
        options = ", ".join(w.get(v, v) for v in a.space) if a.space else "a short phrase"
        return _with_outcomes(render_string(hints["label"], options=options), a)
    if a.type == "assignment":
        # The example pairs names with values in the space's order, never with the answer.
        names = list(a.value)[:2]  # type: ignore[arg-type]
        values = a.space or ["value"]
        example = ", ".join(
            f"{k}: {w.get(values[i % len(values)], values[i % len(values)])}"
            for i, k in enumerate(names)
        )
        return _with_outcomes(render_string(hints["assignment"], example=example), a)
    if a.type == "set":
        example = " and ".join(a.space[:2])  # the first two entities, never the answer itself
        return _with_outcomes(render_string(hints["set"], example=example), a)
    names = list(a.value)[:3]  # type: ignore[arg-type]
    return _with_outcomes(render_string(hints["sequence"], example=", ".join(sorted(names))), a)


def _with_outcomes(hint: str, a: Answer) -> str:
    """Append the special-outcome sentence when the question admits those outcomes."""
    if not a.outcomes:
        return hint
    from templates import data, render_string

    return hint + " " + render_string(data("prompt/instructions.yaml")["hints"]["outcomes"])


def instruction(answer_json: str | Answer, mcq: bool = False, style: str = DEFAULT_STYLE) -> str:
    """The system instruction: reasoning/answer format plus the family's answer hint."""
    from templates import data, render_string

    if style not in STYLES:
        raise ValueError(f"prompt style {style!r} is unknown; use one of {', '.join(STYLES)}")
    src = data("prompt/instructions.yaml")[style]
    return " ".join(render_string(src, hint=format_hint(answer_json, mcq)).split())


def mcq_text(question: str, choices: list[str]) -> str:
    """The question followed by lettered options."""
    opts = "\n".join(f"{LETTERS[i]}. {c}" for i, c in enumerate(choices))
    return f"{question}\n\nOptions:\n{opts}"


def build(
    question: str,
    answer_json: str | Answer,
    choices: list[str] | None = None,
    mcq: bool = False,
    style: str = DEFAULT_STYLE,
) -> list[dict[str, str]]:
    """Chat messages: the system instruction and the question (with options when ``mcq``)."""
    user = mcq_text(question, choices or []) if mcq else question
    return [
        {"role": "system", "content": instruction(answer_json, mcq, style)},
        {"role": "user", "content": user},
    ]


def for_record(record: dict, mcq: bool = False, style: str = DEFAULT_STYLE) -> list[dict[str, str]]:
    """Prompt messages for a dataset row (a dict with the record columns)."""
    return build(record["question"], record["answer_json"], record.get("choices"), mcq, style)


def answer_words(record: dict) -> dict[str, str]:
    """Canonical value -> surface word, for a record's answer (used by traces and rewards)."""
    return surface_words(Answer.model_validate(json.loads(record["answer_json"])))
