"""Structured answers: the `answer_json` column, its text form, and parsing text back.

Four answer types cover every family:

- ``label``: one value from a finite ``space`` (a role, "yes"/"no", a name, a relation, a number);
- ``assignment``: a value for each entity, e.g. ``{"Ann": "knight", "Bo": "knave"}``;
- ``sequence``: an ordered list of entities, e.g. a seating order from a named anchor;
- ``set``: the entities of ``space`` that fit, in the order of ``space``, e.g. the liars
  ``["Ben", "Zoe"]``; its text is "Ben and Zoe" ("nobody" when empty), and any answer that
  names exactly those entities ("Zoe, Ben", "Ben and Zoe are lying") parses to it.

Values are canonical words; ``aliases`` maps the puzzle's own surface words (a persona's
"truth-teller", say) to them, on top of the shared vocabulary in :mod:`verifiers.vocab`.

Deliberately unsolvable or under-determined items keep the question's answer type and set
``outcome`` to :data:`UNSOLVABLE` or :data:`AMBIGUOUS`; ``outcomes`` lists the outcomes a
question admits, so the prompt tells every item of such a build the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .registry import SYNONYMS, VERSION

AnswerType = Literal["label", "assignment", "sequence", "set"]
NOBODY = "nobody"  # the text of an empty set
_EMPTY = frozenset({"nobody", "no one", "no-one", "none", "none of them", "neither"})
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
    # left to right: a str, a dict and a list never validate as one another, so the first
    # match is the only one, and this skips smart-union scoring
    value: str | dict[str, str] | list[str] = Field(union_mode="left_to_right")
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
        if self.type == "set":
            names = list(self.value)
            if len(names) < 2:
                return names[0] if names else NOBODY
            return ", ".join(names[:-1]) + " and " + names[-1]
        return ", ".join(self.value)  # type: ignore[arg-type]

    def key(self) -> str:
        """A hashable, order-stable identity for comparing answers."""
        if self.outcome:
            return f"!{self.outcome}"
        if self.type == "assignment":
            return ";".join(f"{k}={v}" for k, v in sorted(self.value.items()))  # type: ignore[union-attr]
        if self.type == "sequence":
            return ",".join(self.value)  # type: ignore[arg-type]
        if self.type == "set":
            return "{" + ",".join(sorted(self.value)) + "}"
        return str(self.value)


def _fold(text: str) -> str:
    """Case-folded, with typographic variants folded to ASCII (ASCII text: ``str.lower``)."""
    return text.lower() if text.isascii() else text.casefold().translate(_FOLD)


def norm(text: str) -> str:
    """Lower-case, trim punctuation at the edges, collapse spaces and drop a leading article."""
    return _trim(" ".join(_fold(text).split()))  # split(): the whitespace of regex \s


def _norm_folded(low: str) -> str:
    """:func:`norm` of text that is folded and whitespace-collapsed already (ASCII: folding and
    collapsing again change nothing, so only the edges and the article are left to do)."""
    return _trim(low) if low.isascii() else norm(low)


def _trim(t: str) -> str:
    """Punctuation off the edges and a leading article dropped."""
    t = t.strip(_EDGE)
    for art in _ARTICLES:
        if t.startswith(art):
            t = t[len(art) :]
            break
    return t.strip(_EDGE)


def canonical_value(text: str, answer: Answer) -> str | None:
    """Map one surface value to a canonical value in the answer's space, or None."""
    return _canonical(norm(text), answer)


def _canonical(t: str, answer: Answer) -> str | None:
    """:func:`canonical_value` of text already normalised with :func:`norm`."""
    if not t:
        return None
    space, aliases = _value_tables(tuple(answer.space), tuple(answer.aliases.items()))
    if t in space:
        return space[t]
    for table in (aliases, SYNONYMS):
        if t in table:
            return table[t]
    return None


@lru_cache(maxsize=1024)
def _value_tables(
    space: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], dict[str, str]]:
    """(normalised space word -> value, normalised alias -> value); callers must not mutate."""
    return {norm(s): s for s in space}, {norm(k): v for k, v in aliases}


def _vocabulary(answer: Answer) -> list[tuple[str, str]]:
    """Surface words that name a value, longest first, so 'truth-teller' beats 'teller'."""
    return _vocabulary_of(tuple(answer.space), tuple(answer.aliases.items()), VERSION[0])


@lru_cache(maxsize=1024)
def _vocabulary_of(
    space: tuple[str, ...], aliases: tuple[tuple[str, str], ...], version: int
) -> list[tuple[str, str]]:
    # Puzzles of one family and persona share a space and aliases, so this is built once per
    # (space, aliases) and vocabulary version, not on every parse. Callers must not mutate it.
    words: dict[str, str] = {norm(s): s for s in space}
    values = set(space)
    for k, v in list(aliases) + list(SYNONYMS.items()):
        if not values or v in values:
            words.setdefault(norm(k), v)
    return sorted(words.items(), key=lambda kv: -len(kv[0]))


@lru_cache(maxsize=4)
def _outcome_phrases(version: int) -> tuple[list[tuple[str, str]], re.Pattern]:
    """(phrase, outcome) pairs and a pattern that finds any phrase as a substring (a cheap
    necessary test before the whole-word search)."""
    pairs = [(k, o) for k, o in SYNONYMS.items() if o in OUTCOMES]
    alt = "|".join(re.escape(k) for k, _ in sorted(pairs, key=lambda kv: -len(kv[0])) if k)
    return pairs, re.compile(alt or r"(?!)")


@lru_cache(maxsize=1024)
def _fast_vocabulary(
    space: tuple[str, ...] | None, aliases: tuple[tuple[str, str], ...], version: int
) -> tuple[dict[str, str], frozenset[str]] | None:
    """(value word -> value, the alphanumeric runs inside value words), or None when a value
    word holds ',' or ':'. ``space`` None: no values (sequences)."""
    vocab_map = {} if space is None else dict(_vocabulary_of(space, aliases, version))
    runs: set[str] = set()
    for w in vocab_map:
        if "," in w or ":" in w:
            return None
        runs.update("".join(c if c.isalnum() else " " for c in w).split())
    return vocab_map, frozenset(runs)


@lru_cache(maxsize=1024)
def _fast_tables(
    names: tuple[str, ...],
    space: tuple[str, ...] | None,
    aliases: tuple[tuple[str, str], ...],
    version: int,
) -> tuple[dict[str, str], dict[str, str]] | None:
    """Lookup tables for the fast path of :func:`parse`, or None where it would not be exact.

    The fast path reads answers in the canonical forms "Ann: knight, Bo: knave" and
    "Ann, Bo, Cy" by splitting. It gives what the whole-word search gives when every name is
    a single alphabetic word that is no value word and no word inside one, and no value
    word holds a ',' or ':' (so none can straddle a separator).
    """
    vocab = _fast_vocabulary(space, aliases, version)
    if vocab is None:
        return None
    vocab_map, runs = vocab
    name_map = {_norm_name(n): n for n in names}
    for k in name_map:
        if not k.isalpha() or k in vocab_map or k in runs:
            return None
    if len(name_map) != len(names):
        return None
    return name_map, vocab_map


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
            if before.isalnum() or after.isalnum() or taken.find(1, i, j) >= 0:
                continue
            taken[i:j] = b"\x01" * (j - i)
            hits.append((i, j, canon))
    hits.sort()
    return hits


def _outcome(t: str) -> str | None:
    """The special outcome a whole answer names ("cannot be determined", ...), or None;
    ``t``: the answer normalised with :func:`norm`."""
    v = SYNONYMS.get(t)
    if v in OUTCOMES:
        return v
    if len(t) > 80 or t.count(" ") > 8:
        return None
    phrases, any_phrase = _outcome_phrases(VERSION[0])
    if any_phrase.search(t) is None:
        return None
    found = {o for _, _, o in _find_words(t, phrases)}
    return found.pop() if len(found) == 1 else None


def parse(text: str, answer: Answer) -> Answer | None:
    """Parse answer text into the same type as ``answer`` (the gold); None when it does not parse.

    Rules, documented for users of the scorer:

    - label: the text must name exactly one distinct value of the space (after synonyms);
    - assignment: each entity takes the first value word after its name and before the next
      entity's name; entities left without a value are missing;
    - sequence: entities in the order of their first mention; every entity must appear;
    - set: the entities of the space the text names, in any order ("Ben and Zoe", "Zoe, Ben");
      "nobody", "no one" or "none" alone is the empty set; naming none parses to nothing;
    - an answer that is, as a whole, a special outcome ("cannot be determined", "no consistent
      solution" or a synonym) parses as that outcome, whatever the question's type.
    """
    got = parse_value(text, answer)
    if got is None:
        return None
    outcome, value = got
    if outcome:
        return answer.model_copy(update={"outcome": outcome, "aliases": {}})
    return Answer.model_construct(type=answer.type, value=value, space=list(answer.space))


ParsedValue = tuple[str, "str | dict[str, str] | list[str] | None"]


def parse_value(text: str, answer: Answer) -> ParsedValue | None:
    """:func:`parse` without building an :class:`Answer`: ``(outcome, None)`` for a special
    outcome, ``("", value)`` otherwise (a label, an entity -> value dict or an order), or None.
    """
    low = " ".join(_fold(text).split())  # whitespace runs as one space (edges trimmed)
    t = _norm_folded(low)
    outcome = _outcome(t)
    if outcome is not None:
        return outcome, None
    if answer.type == "label":
        whole = _canonical(t, answer)
        if whole is not None:
            return "", whole
        found = {c for _, _, c in _find_words(low, _vocabulary(answer))}
        if len(found) == 1:
            return "", found.pop()
        return None
    if answer.type == "set":
        return _parse_set(low, t, answer)
    gold_names = tuple(answer.value)  # type: ignore[arg-type]
    fast = _fast_parse(low, answer, gold_names)
    if fast is not None:
        return "", fast
    names = _find_words(low, _name_words(gold_names))
    if answer.type == "sequence":
        order: list[str] = []
        for _, _, n in names:
            if n not in order:
                order.append(n)
        if len(order) != len(gold_names):
            return None
        return "", order
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
    return "", {n: result[n] for n in gold_names if n in result}


def _parse_set(low: str, t: str, answer: Answer) -> ParsedValue | None:
    """A set answer: the space's names that ``low`` mentions, in the space's order."""
    found = {n for _, _, n in _find_words(low, _name_words(tuple(answer.space)))}
    if not found:
        return ("", []) if t in _EMPTY else None
    return "", [n for n in answer.space if n in found]


def _fast_parse(
    low: str, answer: Answer, names: tuple[str, ...]
) -> dict[str, str] | list[str] | None:
    """The canonical forms, read by splitting; None means "use the general search"."""
    if answer.type == "assignment":
        key = (tuple(answer.space), tuple(answer.aliases.items()))
    else:
        key = (None, ())
    tables = _fast_tables(names, *key, VERSION[0])
    if tables is None:
        return None
    name_map, vocab_map = tables
    parts = low.strip(_EDGE).split(", ")
    if answer.type == "sequence":
        order = [name_map.get(p) for p in parts]
        if None in order or len(set(order)) != len(order) or len(order) != len(names):
            return None
        return order  # type: ignore[return-value]
    result: dict[str, str] = {}
    for part in parts:
        k, sep, w = part.partition(": ")
        name, value = name_map.get(k), vocab_map.get(w)
        if not sep or name is None or value is None:
            return None
        result.setdefault(name, value)
    return {n: result[n] for n in names if n in result}


@lru_cache(maxsize=4096)
def _name_words(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(normalised name, name), longest first; callers must not mutate."""
    return sorted(((_norm_name(n), n) for n in names), key=lambda kv: -len(kv[0]))


def _norm_name(name: str) -> str:
    """:func:`norm` of a name; a plain ASCII word (most names) is just lower-cased."""
    return name.lower() if name.isascii() and name.isalpha() else norm(name)


def clear_caches() -> None:
    """Forget the per-puzzle caches (names); vocabularies, shared by a family, are kept."""
    _name_words.cache_clear()
    _fast_tables.cache_clear()


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
    if gold.type == "set":  # the share of the space placed on the right side
        inside, said = set(gold.value), set(pred.value)
        return sum((e in inside) == (e in said) for e in gold.space) / max(len(gold.space), 1)
    gs: list[str] = gold.value  # type: ignore[assignment]
    ps: list[str] = pred.value  # type: ignore[assignment]
    return sum(a == b for a, b in zip(ps, gs, strict=False)) / max(len(gs), 1)
