"""Structured answers: the `answer_json` column, its text form, and parsing text back.

Three answer types cover every family:

- ``label``: one value from a finite ``space`` (a role, "yes"/"no", a name, a relation, a number);
- ``assignment``: a value for each entity, e.g. ``{"Ann": "knight", "Bo": "knave"}``;
- ``sequence``: an ordered list of entities, e.g. a seating order from a named anchor.

Values are canonical words; ``aliases`` maps the puzzle's own surface words (a persona's
"truth-teller", say) to them, on top of the shared vocabulary in :mod:`verifiers.vocab`.

Deliberately unsolvable or under-determined items keep the question's answer type and set
``outcome`` to :data:`UNSOLVABLE` or :data:`AMBIGUOUS`; ``outcomes`` lists the outcomes a
question admits, so the prompt tells every item of such a build the same thing.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .vocab import SYNONYMS

AnswerType = Literal["label", "assignment", "sequence"]
UNSOLVABLE = "no consistent solution"
AMBIGUOUS = "cannot be determined"
OUTCOMES = (UNSOLVABLE, AMBIGUOUS)
_WS = re.compile(r"\s+")
_EDGE = " \t\r\n.,;:!?\"'`*()[]{}"
_ARTICLES = ("a ", "an ", "the ")
# Typographic variants folded to ASCII, one character for one (indices stay valid).
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u00a0": " ",
    }
)


class Answer(BaseModel):
    """A structured answer, as stored in ``answer_json``."""

    model_config = ConfigDict(extra="forbid")
    type: AnswerType
    value: str | dict[str, str] | list[str]
    space: list[str] = []
    aliases: dict[str, str] = {}
    outcome: Literal["", "no consistent solution", "cannot be determined"] = ""
    outcomes: list[str] = []

    def text(self, words: dict[str, str] | None = None) -> str:
        """Canonical text form; ``words`` maps canonical values to the surface words to print."""
        if self.outcome:
            return self.outcome
        w = words or {}
        if self.type == "label":
            return w.get(self.value, self.value)  # type: ignore[arg-type]
        if self.type == "assignment":
            return ", ".join(f"{k}: {w.get(v, v)}" for k, v in self.value.items())  # type: ignore[union-attr]
        return ", ".join(self.value)  # type: ignore[arg-type]

    def key(self) -> str:
        """A hashable, order-stable identity for comparing answers."""
        if self.outcome:
            return f"!{self.outcome}"
        if self.type == "assignment":
            return ";".join(f"{k}={v}" for k, v in sorted(self.value.items()))  # type: ignore[union-attr]
        if self.type == "sequence":
            return ",".join(self.value)  # type: ignore[arg-type]
        return str(self.value)


def norm(text: str) -> str:
    """Lower-case, trim punctuation at the edges, collapse spaces and drop a leading article."""
    t = _WS.sub(" ", text.casefold().translate(_FOLD)).strip(_EDGE)
    for art in _ARTICLES:
        if t.startswith(art):
            t = t[len(art) :]
            break
    return t.strip(_EDGE)


def canonical_value(text: str, answer: Answer) -> str | None:
    """Map one surface value to a canonical value in the answer's space, or None."""
    t = norm(text)
    if not t:
        return None
    space = {norm(s): s for s in answer.space}
    if t in space:
        return space[t]
    aliases = {norm(k): v for k, v in answer.aliases.items()}
    for table in (aliases, SYNONYMS):
        if t in table:
            return table[t]
    return None


def _vocabulary(answer: Answer) -> list[tuple[str, str]]:
    """Surface words that name a value, longest first, so 'truth-teller' beats 'teller'."""
    words: dict[str, str] = {norm(s): s for s in answer.space}
    values = set(answer.space)
    for k, v in list(answer.aliases.items()) + list(SYNONYMS.items()):
        if not values or v in values:
            words.setdefault(norm(k), v)
    return sorted(words.items(), key=lambda kv: -len(kv[0]))


def _find_words(text: str, words: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping whole-word hits (start, end, canonical) of ``words`` in ``text``."""
    hits: list[tuple[int, int, str]] = []
    taken = bytearray(len(text) + 1)
    for w, canon in words:
        if not w:
            continue
        start = 0
        while True:
            i = text.find(w, start)
            if i < 0:
                break
            j = i + len(w)
            start = i + 1
            before = text[i - 1] if i else " "
            after = text[j] if j < len(text) else " "
            if (before.isalnum() or after.isalnum()) or any(taken[i:j]):
                continue
            taken[i:j] = b"\x01" * (j - i)
            hits.append((i, j, canon))
    hits.sort()
    return hits


def _outcome(low: str) -> str | None:
    """The special outcome a whole answer names ("cannot be determined", ...), or None."""
    t = norm(low)
    v = SYNONYMS.get(t)
    if v in OUTCOMES:
        return v
    if len(t) > 80 or t.count(" ") > 8:
        return None
    phrases = [(k, o) for k, o in SYNONYMS.items() if o in OUTCOMES]
    found = {o for _, _, o in _find_words(t, phrases)}
    return found.pop() if len(found) == 1 else None


def parse(text: str, answer: Answer) -> Answer | None:
    """Parse answer text into the same type as ``answer`` (the gold); None when it does not parse.

    Rules, documented for users of the scorer:

    - label: the text must name exactly one distinct value of the space (after synonyms);
    - assignment: each entity takes the first value word after its name and before the next
      entity's name; entities left without a value are missing;
    - sequence: entities in the order of their first mention; every entity must appear;
    - an answer that is, as a whole, a special outcome ("cannot be determined", "no consistent
      solution" or a synonym) parses as that outcome, whatever the question's type.
    """
    low = _WS.sub(" ", text.casefold().translate(_FOLD))
    outcome = _outcome(low)
    if outcome is not None:
        return answer.model_copy(update={"outcome": outcome, "aliases": {}})
    if answer.type == "label":
        whole = canonical_value(low, answer)
        if whole is not None:
            return Answer(type="label", value=whole, space=answer.space)
        found = {c for _, _, c in _find_words(low, _vocabulary(answer))}
        if len(found) == 1:
            return Answer(type="label", value=found.pop(), space=answer.space)
        return None
    gold_names = list(answer.value) if answer.type == "assignment" else list(answer.value)  # type: ignore[arg-type]
    name_words = [(norm(n), n) for n in gold_names]
    name_words.sort(key=lambda kv: -len(kv[0]))
    names = _find_words(low, name_words)
    if answer.type == "sequence":
        order: list[str] = []
        for _, _, n in names:
            if n not in order:
                order.append(n)
        if len(order) != len(gold_names):
            return None
        return Answer(type="sequence", value=order, space=answer.space)
    values = _find_words(low, _vocabulary(answer))
    result: dict[str, str] = {}
    vi = 0
    for idx, (_, end, name) in enumerate(names):
        nxt = names[idx + 1][0] if idx + 1 < len(names) else len(low) + 1
        while vi < len(values) and values[vi][0] < end:
            vi += 1
        if vi < len(values) and values[vi][0] < nxt and name not in result:
            result[name] = values[vi][2]
    if not result:
        return None
    ordered = {n: result[n] for n in gold_names if n in result}
    return Answer(type="assignment", value=ordered, space=answer.space)


def cell_accuracy(pred: Answer | None, gold: Answer) -> float:
    """Fraction of entities (assignment) or positions (sequence) right; 0/1 for labels."""
    if pred is None:
        return 0.0
    if gold.outcome or pred.outcome:
        return float(pred.key() == gold.key())
    if gold.type == "label":
        return float(pred.value == gold.value)
    if gold.type == "assignment":
        g: dict[str, str] = gold.value  # type: ignore[assignment]
        p: dict[str, str] = pred.value  # type: ignore[assignment]
        return sum(p.get(k) == v for k, v in g.items()) / max(len(g), 1)
    gs: list[str] = gold.value  # type: ignore[assignment]
    ps: list[str] = pred.value  # type: ignore[assignment]
    return sum(a == b for a, b in zip(ps, gs, strict=False)) / max(len(gs), 1)
