"""Answer extraction from untrusted model output: linear time, no backtracking regexes, no eval.

Every function here takes any string (tested up to 1 MB of adversarial text) and returns in
time linear in its length. Tags are matched case-insensitively with ``str.find`` on an
ASCII-lower-cased copy of the text (same length, so indices stay valid).

Where the final answer is looked for (the first source that yields one wins):

1. ``<think>…</think>`` blocks (Qwen3-style) are removed first. An unclosed ``<think>`` hides
   everything after it; a lone ``</think>`` (the opening tag was in the prompt) hides
   everything before it.
2. ``<answer>…</answer>`` tags. Tags outside ``<reasoning>…</reasoning>`` blocks count; tags
   inside reasoning count only when there are none outside. Nested tags give the innermost
   content. With no closed pair, the text after a last unclosed ``<answer>`` is used (a
   completion cut off by the token budget); the ``format`` metric still fails it.
3. ``\\boxed{…}`` (balanced braces; ``\\text{…}`` wrappers removed).
4. The last "answer is …" / "answer: …" phrase, up to the end of its line.

**Several candidate answers.** Within sources 2 and 3 every candidate must agree after
normalisation (case, spaces, edge punctuation); if two differ, the completion has *no answer*:
hedging is never rewarded. Identical repeats count once. Source 4 is free text, where models
restate and correct themselves, so the *last* phrase wins.

MCQ letters are read from the extracted text (:func:`letter`) in their usual forms: ``B``,
``(B)``, ``B)``, ``B.``, ``B:``, ``Option B``, ``B. <option text>``, or the option's own text.
"A or B" and other hedges read as no answer.
"""

from __future__ import annotations

import re
from typing import Any

MAX_ANSWER_CHARS = 2000
# A completion longer than this, after its <think> blocks are removed, reads as empty in
# ``verifiers.score`` and in the rewards alike (a 1 MB output can farm nothing, costs no time).
MAX_COMPLETION_CHARS = 32_768
_TAG_OPEN, _TAG_CLOSE = "<answer>", "</answer>"
_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
_REASON_OPEN, _REASON_CLOSE = "<reasoning>", "</reasoning>"
_BOXED = "\\boxed{"
_WRAPPERS = ("\\text{", "\\textbf{", "\\mathrm{", "\\mathbf{", "\\texttt{")
_EDGE = " \t\r\n.,;:!?\"'`*_()[]{}$"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_BRACE = re.compile(r"[{}]")  # single-character class: no backtracking


def _low(text: str) -> str:
    """ASCII lower case: same length as ``text``, unlike ``str.lower`` on some Unicode.

    ASCII text (nearly every completion) takes ``str.lower``, several times faster than
    ``str.translate`` and identical there.
    """
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _key(answer: str) -> str:
    """Normalised form for comparing candidates: whitespace runs as one space (``str.split``
    splits at the same characters as regex ``\\s``, several times faster than a ``re.sub``)."""
    return " ".join(answer.casefold().split()).strip(_EDGE)


def _strip_think(text: str, low: str) -> tuple[str, str]:
    """:func:`strip_think` on ``text`` and, in step, on its lower-cased copy ``low``."""
    if "think>" not in low:  # one scan settles nearly every completion
        return text, low
    out, out_low, pos = [], [], 0
    while True:
        i = low.find(_THINK_OPEN, pos)
        if i < 0:
            out.append(text[pos:])
            out_low.append(low[pos:])
            break
        out.append(text[pos:i])
        out_low.append(low[pos:i])
        j = low.find(_THINK_CLOSE, i)
        if j < 0:
            break
        pos = j + len(_THINK_CLOSE)
    result, result_low = "".join(out), "".join(out_low)
    # A bare </think> (the opening tag was in the prompt) ends the thinking part.
    k = result_low.rfind(_THINK_CLOSE)
    if k < 0:
        return result, result_low
    k += len(_THINK_CLOSE)
    return result[k:], result_low[k:]


def strip_think(text: str) -> str:
    """Remove <think>…</think> blocks; an unclosed <think> hides the rest."""
    return _strip_think(text, _low(text))[0]


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, or the content of the last of a list of chat
    messages (``{"role", "content"}`` dicts, as TRL passes them), or of one message."""
    if type(completion) is str:
        return completion
    if isinstance(completion, list | tuple):
        if not completion:
            return ""
        completion = completion[-1]
    if isinstance(completion, dict):
        content = completion.get("content", "")
    else:
        content = getattr(completion, "content", completion)
    if isinstance(content, str):
        return content
    raise ValueError(
        "completion: expected a string or a list of chat messages with string `content`, "
        f"got {type(content).__name__}"
    )


def within_limit(text: str) -> str:
    """``text``, its <think>-free part when ``text`` is over :data:`MAX_COMPLETION_CHARS`,
    or '' when even that is over the limit (scored as no answer)."""
    if len(text) <= MAX_COMPLETION_CHARS:
        return text
    text = strip_think(text)
    return text if len(text) <= MAX_COMPLETION_CHARS else ""


def _reasoning_spans(low: str) -> list[tuple[int, int]]:
    """(start, end) of every closed <reasoning>…</reasoning> block."""
    spans, pos = [], 0
    while True:
        i = low.find(_REASON_OPEN, pos)
        if i < 0:
            return spans
        j = low.find(_REASON_CLOSE, i + len(_REASON_OPEN))
        if j < 0:
            return spans
        spans.append((i, j + len(_REASON_CLOSE)))
        pos = j + len(_REASON_CLOSE)


def _tag_spans(low: str) -> list[tuple[int, int]]:
    """(content start, content end) of every closed <answer> pair; nested gives the innermost."""
    found, pos = [], 0
    while True:
        i = low.find(_TAG_OPEN, pos)
        if i < 0:
            return found
        j = low.find(_TAG_CLOSE, i + len(_TAG_OPEN))
        if j < 0:
            return found
        inner = low.rfind(_TAG_OPEN, i, j)  # innermost opening tag before this close
        found.append((inner + len(_TAG_OPEN), j))
        pos = j + len(_TAG_CLOSE)


def answer_tags(text: str) -> list[str]:
    """Contents of the closed <answer>…</answer> pairs that count (see the module docstring)."""
    low = _low(text)
    return _answer_tags(text, low, _tag_spans(low))


def _answer_tags(text: str, low: str, spans: list[tuple[int, int]]) -> list[str]:
    if not spans:
        return []
    reasoning = _reasoning_spans(low)
    if reasoning:
        outside, r = [], 0
        for s, e in spans:
            while r < len(reasoning) and reasoning[r][1] <= s:
                r += 1
            inside = r < len(reasoning) and reasoning[r][0] <= s and e <= reasoning[r][1]
            if not inside:
                outside.append((s, e))
        spans = outside or spans
    return [text[s : min(e, s + MAX_ANSWER_CHARS)].strip() for s, e in spans]


def _unclosed_tag(text: str, low: str) -> str | None:
    """Text after a last <answer> that is never closed (a cut-off completion)."""
    i = low.rfind(_TAG_OPEN)
    if i < 0 or low.find(_TAG_CLOSE, i) >= 0:
        return None
    frag = text[i + len(_TAG_OPEN) : i + len(_TAG_OPEN) + MAX_ANSWER_CHARS].strip()
    return frag or None


def _unwrap(content: str) -> str:
    """Drop LaTeX text wrappers: ``\\text{B}`` -> ``B`` (a few levels at most)."""
    for _ in range(4):
        c = content.strip()
        for w in _WRAPPERS:
            if c.startswith(w) and c.endswith("}"):
                content = c[len(w) : -1]
                break
        else:
            return c
    return content.strip()


def boxed_all(text: str) -> list[str]:
    """Contents of every ``\\boxed{…}`` with balanced braces, in order (one linear pass)."""
    starts = []
    pos = 0
    while True:
        i = text.find(_BOXED, pos)
        if i < 0:
            break
        starts.append(i + len(_BOXED))
        pos = i + len(_BOXED)
    if not starts:
        return []
    # Match braces once over the whole text with a stack of open positions.
    close_of: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE.finditer(text, starts[0] - 1):
        if m.group() == "{":
            stack.append(m.end())
        elif stack:
            close_of[stack.pop()] = m.start()
    out = []
    for s in starts:
        e = close_of.get(s)
        if e is not None and e - s <= MAX_ANSWER_CHARS:
            content = _unwrap(text[s:e])
            if content:
                out.append(content)
    return out


def last_boxed(text: str) -> str | None:
    """Content of the last complete \\boxed{…}."""
    found = boxed_all(text)
    return found[-1] if found else None


def last_phrase(text: str, low: str | None = None) -> str | None:
    """Text after the last 'answer is' or 'answer:' up to the end of that line.

    ``low``: ``text`` lower-cased by the caller, when it has it already.
    """
    if low is None:
        low = _low(text)
    best = -1
    for key in ("answer is", "answer:"):
        k = low.rfind(key)
        if k >= 0 and k + len(key) > best:
            best = k + len(key)
    if best < 0:
        return None
    end = text.find("\n", best, best + MAX_ANSWER_CHARS)
    frag = text[best : end if end >= 0 else best + MAX_ANSWER_CHARS]
    frag = frag.strip(" \t\r:*_")
    return frag.strip() or None


def _agree(candidates: list[str]) -> str | None:
    """The single answer all candidates name (after normalisation), else None."""
    keys = {_key(c) for c in candidates}
    keys.discard("")
    if len(keys) != 1:
        return None
    return next(c for c in candidates if _key(c))


def extract(completion: str) -> str | None:
    """The final answer text of a completion, or None (the rule is in the module docstring)."""
    if not completion or not isinstance(completion, str):
        return None
    text, low = _strip_think(completion, _low(completion))
    return _extract(text, low, _tag_spans(low))


def _extract(text: str, low: str, spans: list[tuple[int, int]]) -> str | None:
    """:func:`extract` on think-stripped ``text``, its lower case and its answer-tag spans."""
    if spans:
        tags = _answer_tags(text, low, spans)
        return tags[0] if len(tags) == 1 and _key(tags[0]) else _agree(tags)
    cut = _unclosed_tag(text, low)
    if cut:
        return cut
    boxed = boxed_all(text) if _BOXED in text else []
    if boxed:
        return _agree(boxed)
    return last_phrase(text, low)


def analyse(completion: str) -> tuple[float, str | None]:
    """(:func:`format_score`, :func:`extract`) of one completion, sharing one pass of work.

    The reward hot path: the text is lower-cased once and think-stripped once.
    """
    return _analyse(completion)[:2]  # type: ignore[return-value]


def _analyse(completion: str) -> tuple[float, str | None, str | None]:
    """:func:`analyse`, plus the content of the first ``<reasoning>`` block when the
    completion has the common shape, else None.

    The common shape, the four tags in lower case and in order with no other ``<`` in the
    text, is settled by one ``split("<")``, which skips ahead at memchr speed: with no other
    ``<`` there is no other tag of any case and no think block. Anything else takes the
    general functions.
    """
    if not completion or not isinstance(completion, str):
        return 0.0, None, None
    parts = completion.split("<", 5)  # five parts: exactly four "<"
    if (
        len(parts) == 5
        and parts[1].startswith(_REASON_OPEN[1:])
        and parts[2].startswith(_REASON_CLOSE[1:])
        and parts[3].startswith(_TAG_OPEN[1:])
        and parts[4].startswith(_TAG_CLOSE[1:])
    ):
        content = parts[3][len(_TAG_OPEN) - 1 :]
        tag = content[:MAX_ANSWER_CHARS].strip()
        filled = bool(tag) or (len(content) > MAX_ANSWER_CHARS and bool(content.strip()))
        fmt = 0.75 + (0.25 if filled and not parts[4][len(_TAG_CLOSE) - 1 :].strip() else 0.0)
        # (a first character that is neither whitespace nor edge punctuation already makes the
        # key non-empty)
        ans = tag if tag and (tag[0] not in _EDGE or _key(tag)) else None
        return fmt, ans, parts[1][len(_REASON_OPEN) - 1 :]
    low = _low(completion)
    text, low = _strip_think(completion, low)
    spans = _tag_spans(low)
    return _format_score(text, low, spans), _extract(text, low, spans), None


# --- MCQ letters -------------------------------------------------------------------------

_LEAD = " \t\r\n*_`\"'#>-:"


def _letter_at(a: str, k: int) -> tuple[str, int] | None:
    """A letter form at the start of ``a``: ``B``, ``(B)``, ``B)``, ``B.``, ``B:``, ``Option B``.

    Returns (letter, index just past the form), or None.
    """
    low = _low(a[:16])
    i = 0
    for prefix in ("option", "choice"):
        if low.startswith(prefix):
            i = len(prefix)
            while i < len(a) and a[i] in " \t:":
                i += 1
            break
    paren = i < len(a) and a[i] in "(["
    if paren:
        i += 1
    if i >= len(a) or not ("A" <= a[i].upper() <= "Z") or not a[i].isascii():
        return None
    c = a[i].upper()
    i += 1
    if i < len(a) and a[i] in ")]":
        i += 1
    elif paren:
        return None
    if i < len(a) and not (a[i] in ".:;,)" or a[i].isspace()):
        return None  # a word such as "Alice", not a letter
    if ord(c) - 65 >= k:
        return None
    if i < len(a) and a[i] in ".:;":
        i += 1
    return c, i


def letter(answer: str | None, k: int, choices: list[str] | None = None) -> str | None:
    """The MCQ letter named by ``answer`` (among the first ``k`` letters), or None.

    Accepted: a letter form at the start (see :func:`_letter_at`), optionally followed by the
    option text; or the text of exactly one option. "A or B", "A, B" and "A/B" are hedges: None.
    """
    if not answer:
        return None
    a = answer.strip(_LEAD)[:MAX_ANSWER_CHARS]
    if choices:
        want = _key(a)
        hits = [i for i, c in enumerate(choices[:k]) if _key(c) == want]
        if len(hits) == 1:
            return chr(65 + hits[0])
    got = _letter_at(a, k)
    if got is None:
        return None
    c, i = got
    rest = _low(a[i : i + 16]).lstrip(" \t*_")
    for joiner in ("or ", "and ", ",", "/", "&"):
        if rest.startswith(joiner):
            if _letter_at(rest[len(joiner) :].lstrip(" \t*_"), k) is not None:
                return None
    return c


def format_score(completion: str) -> float:
    """Tag-format compliance in [0, 1] for the default style.

    0.25 each for: a <reasoning> block, an <answer> block, reasoning before answer,
    and exactly one non-empty answer block with nothing but whitespace after it.
    """
    if not completion:
        return 0.0
    text, low = _strip_think(completion, _low(completion))
    return _format_score(text, low, _tag_spans(low))


def _format_score(text: str, low: str, spans: list[tuple[int, int]]) -> float:
    score = 0.0
    r0, r1 = low.find(_REASON_OPEN), low.find(_REASON_CLOSE)
    has_reason = 0 <= r0 < r1
    if has_reason:
        score += 0.25
    if spans:
        score += 0.25
    if has_reason and spans and low.find(_TAG_OPEN, 0, r1) < 0:  # no answer tag before r1
        score += 0.25
    if (
        len(spans) == 1
        and text[spans[0][0] : spans[0][1]].strip()
        and not text[low.rfind(_TAG_CLOSE) + len(_TAG_CLOSE) :].strip()
    ):
        score += 0.25
    return score


def follows_format(completion: str, style: str = "tags") -> bool:
    """Whether the answer was found in the required format (the `format` metric).

    ``tags``: closed ``<answer>`` tags that agree; ``boxed``: a complete ``\\boxed{}``;
    ``plain``: an "Answer: …" line.
    """
    text = strip_think(completion or "")
    if style == "tags":
        tags = answer_tags(text)
        return bool(tags) and _agree(tags) is not None
    if style == "boxed":
        return _agree(boxed_all(text)) is not None
    return last_phrase(text) is not None
