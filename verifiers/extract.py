"""Answer extraction from untrusted model output: linear time, no backtracking regexes, no eval.

Order of preference (the first that yields an answer wins):

1. ``<think>…</think>`` blocks (Qwen3-style) are removed first; an unclosed ``<think>``
   hides everything after it.
2. ``<answer>…</answer>`` tags. If several tags hold *different* answers the completion
   has no answer: hedging is never rewarded. Identical repeats count once.
3. The last ``\\boxed{…}`` (balanced braces).
4. The last "answer is …" / "Answer: …" phrase, up to the end of its line.

MCQ letters are read from the extracted text in their usual forms: ``B``, ``(B)``, ``B)``,
``B.``, ``Option B``, ``B: text``.
"""

from __future__ import annotations

import re

MAX_ANSWER_CHARS = 2000
_TAG_OPEN, _TAG_CLOSE = "<answer>", "</answer>"
_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
_REASON_OPEN, _REASON_CLOSE = "<reasoning>", "</reasoning>"
# Bounded, anchored patterns only: no nested quantifiers.
_LETTER = re.compile(r"^\(?(?:option\s{0,3})?\(?([A-Za-z])\)?(?:[.):]|\s|$)", re.IGNORECASE)


def strip_think(text: str) -> str:
    """Remove <think>…</think> blocks; an unclosed <think> hides the rest."""
    out, pos = [], 0
    low = text.lower()
    while True:
        i = low.find(_THINK_OPEN, pos)
        if i < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:i])
        j = low.find(_THINK_CLOSE, i)
        if j < 0:
            break
        pos = j + len(_THINK_CLOSE)
    result = "".join(out)
    # A bare </think> (the opening tag was in the prompt) ends the thinking part.
    k = result.lower().rfind(_THINK_CLOSE)
    return result[k + len(_THINK_CLOSE) :] if k >= 0 else result


def answer_tags(text: str) -> list[str]:
    """Contents of every closed <answer>…</answer> pair, in order."""
    low = text.lower()
    found, pos = [], 0
    while True:
        i = low.find(_TAG_OPEN, pos)
        if i < 0:
            return found
        j = low.find(_TAG_CLOSE, i + len(_TAG_OPEN))
        if j < 0:
            return found
        found.append(text[i + len(_TAG_OPEN) : j].strip())
        pos = j + len(_TAG_CLOSE)


def last_boxed(text: str) -> str | None:
    """Content of the last \\boxed{…}, with balanced braces."""
    i = text.rfind("\\boxed{")
    if i < 0:
        return None
    start = i + len("\\boxed{")
    depth = 1
    for j in range(start, min(len(text), start + MAX_ANSWER_CHARS)):
        c = text[j]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start:j].strip()
    return None


def last_phrase(text: str) -> str | None:
    """Text after the last 'answer is' or 'answer:' up to the end of that line."""
    low = text.lower()
    best = -1
    for key in ("answer is", "answer:"):
        k = low.rfind(key)
        if k >= 0 and k + len(key) > best:
            best = k + len(key)
    if best < 0:
        return None
    end = text.find("\n", best)
    frag = text[best : end if end >= 0 else len(text)][:MAX_ANSWER_CHARS]
    frag = frag.strip().strip(":").strip()
    return frag or None


def extract(completion: str) -> str | None:
    """The final answer text of a completion, or None (see the module docstring for the rule)."""
    if not completion:
        return None
    text = strip_think(completion)
    tags = answer_tags(text)
    if tags:
        distinct = set(t for t in tags)
        if len(distinct) != 1:
            return None
        ans = tags[0]
        return ans[:MAX_ANSWER_CHARS] if ans else None
    boxed = last_boxed(text)
    if boxed:
        return boxed
    return last_phrase(text)


def letter(answer: str | None, k: int) -> str | None:
    """The MCQ letter named by ``answer`` (among the first ``k`` letters), or None."""
    if not answer:
        return None
    a = answer.strip()[:64]
    for prefix in ("option", "choice"):
        if a.lower().startswith(prefix):
            a = a[len(prefix) :].strip()
    m = _LETTER.match(a)
    if not m:
        return None
    c = m.group(1).upper()
    return c if ord(c) - 65 < k else None


def format_score(completion: str) -> float:
    """Tag-format compliance in [0, 1] for the default style.

    0.25 each for: a <reasoning> block, an <answer> block, reasoning before answer,
    and exactly one non-empty answer block with nothing but whitespace after it.
    """
    if not completion:
        return 0.0
    text = strip_think(completion)
    low = text.lower()
    score = 0.0
    r0, r1 = low.find(_REASON_OPEN), low.find(_REASON_CLOSE)
    has_reason = 0 <= r0 < r1
    tags = answer_tags(text)
    a0 = low.find(_TAG_OPEN)
    if has_reason:
        score += 0.25
    if tags:
        score += 0.25
    if has_reason and tags and r1 < a0:
        score += 0.25
    if len(tags) == 1 and tags[0] and not text[low.rfind(_TAG_CLOSE) + len(_TAG_CLOSE) :].strip():
        score += 0.25
    return score


def follows_format(completion: str, style: str = "tags") -> bool:
    """Whether the answer was found in the required format (the `format` metric)."""
    text = strip_think(completion or "")
    if style == "tags":
        tags = answer_tags(text)
        return len(set(tags)) == 1 and bool(tags[0])
    if style == "boxed":
        return last_boxed(text) is not None
    return last_phrase(text) is not None
