"""Verifiable rewards for RL: ``format``, chance-corrected ``accuracy`` and ``process``.

Pure Python, no z3. Every reward has TRL's reward-function signature
``reward(prompts, completions, **columns) -> list[float]``: dataset columns arrive as lists
in ``columns`` (``answer_json``, ``choices``, ``answer_label``, ``spec``, ``family`` and an
optional boolean ``mcq``). A completion is a string or a list of chat messages (the last one
is scored).

- ``format`` (in [0, 1]): :func:`verifiers.extract.format_score`'s partial credit, 0.25 each
  for a reasoning block, an answer block, the two in order, and exactly one non-empty answer
  with nothing after it. Full marks need, in addition, that the answer *parses* for the
  question (a letter for MCQ, a value of the answer type otherwise); else at most 0.75.
- ``accuracy`` (in [-1, 1]): chance-corrected, so that a uniform random guess over the
  question's answer space earns 0 in expectation. A k-way choice (yes/no, MCQ, a role) gives
  +1 right and -1/(k-1) wrong. Assignments score each entity the same way over the value
  space and average; sequences score each position as a guess among the n entities (a
  uniform random order gets 1 position of n right in expectation). Open labels with no finite
  space give +1 / 0. No answer, or a hedge, counts as wrong.
- ``process`` (in [-1, 1]): intermediate claims in the ``<reasoning>`` block, such as
  "B is a knave" or "So C is not a truth-teller", are checked against the proven world in the
  record's spec. Only top-level statements in the first 4 KB of the reasoning count: lines inside a case split (indented, or
  starting with "Suppose"/"Assume"/"If"), lines that reach a contradiction and quoted text
  (the puzzle's own statements) are skipped. Each distinct claim is chance-corrected like an
  answer (+1 / -1/(m-1) for "is", +1/(m-1) / -1 for "is not", m values), so naming every
  role for everyone earns 0; the reward is the mean, 0 without claims.
- ``combined``: the weighted sum, 0.2 format + 0.3 process + 0.5 accuracy by default.

Completions longer than :data:`MAX_COMPLETION_CHARS` after their ``<think>`` blocks are
removed score as if empty (no answer), as in :func:`verifiers.score`, so a 1 MB output cannot
farm any component and costs no time. A row whose ``answer_json`` or ``spec`` does not parse
for its ``family`` raises one ``ValueError`` naming the column (never a silent 0).

A family's process facts (a function of the parsed spec and the gold answer that returns the
proven entity -> value facts and the value space) or claim checker come from its
:class:`verifiers.registry.FamilyInfo`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic_core import from_json

from . import answers, registry
from .answers import Answer, ParsedValue, parse_value
from .extract import MAX_COMPLETION_CHARS, _analyse, completion_text, letter, within_limit
from .registry import SYNONYMS, FactsFn

MAX_CLAIMS = 64
MAX_VERDICTS = 256  # answers remembered per puzzle (a GRPO group repeats a few answers)
MAX_TAILS = 4096  # claim texts after " is " remembered per value vocabulary
DEFAULT_WEIGHTS: dict[str, float] = {"format": 0.2, "process": 0.3, "accuracy": 0.5}
_REASON_OPEN, _REASON_CLOSE = "<reasoning>", "</reasoning>"
_QUOTED = re.compile(r'"[^"\n]{0,400}"|“[^”\n]{0,400}”')
_SINGLE_LETTER = re.compile(r"(?<![A-Za-z])([A-Z])(?![A-Za-z])")
# One claim pattern for every record (compiling a per-puzzle pattern costs more than it saves);
# names and value words are then looked up in the record's facts. Case-sensitive with a capital
# first character, so the regex engine skips ahead fast.
_CLAIM = re.compile(
    r"([A-Z][\w'-]{0,40}) is (not )?(?:a |an |the |one of the )?([A-Za-z][a-z-]{0,30})"
)
MAX_SCAN_CHARS = 4096  # the process reward reads claims in the first 4 KB of the reasoning
# Lines inside a case split (indented, or opening a hypothesis), found from their leading
# newline: a pattern that starts with a literal lets the regex engine skip ahead with a fast
# scan instead of trying every position, and the lookahead on the first character turns most
# lines away in one step. ".*" (no DOTALL: to the end of the line) scans faster than "[^\n]*".
_HYPOTHETICAL_NL = re.compile(r"(?i)\n(?=[ \tsaitc])(?:[ \t]|suppose|assume|if |then |case ).*")
# _CLAIM split at its literal " is ": the name before it is read from the preceding text, so
# the scan never starts a match attempt at every capital letter.
_IS_CLAIM = re.compile(r" is ((?:not |)(?:a |an |the |one of the )?[A-Za-z][a-z-]{0,30})")
# A claim's text after " is " (the group of _IS_CLAIM), read into ("not " or "", value word).
_CLAIM_TAIL = re.compile(r"(not |)(?:a |an |the |one of the )?([A-Za-z][a-z-]{0,30})")
_NAME = re.compile(r"[A-Z][\w'-]{0,40}")
_NAMES = re.compile(f"{_NAME.pattern}(?:\n{_NAME.pattern})*")  # lines of _NAME
_NAME_TAIL = re.compile(r"[A-Z][\w'-]{0,40}\Z")


def _family_facts(family: str) -> FactsFn:
    """The family's proven-world facts (:class:`verifiers.registry.FamilyInfo`), or the
    generic fallback for a family without them."""
    info = registry.find(family)
    return (info.facts if info is not None else None) or _generic_facts


def _family_claims(family: str) -> Callable[[dict, Answer], Any] | None:
    """The family's claim checker, for families whose claims are not "X is <value>" facts:
    ``fn(spec, gold)`` returns an object whose ``claims(top_level_text)`` gives the distinct
    claims of the reasoning's top-level lines, each with a chance-corrected ``score`` (see
    :mod:`verifiers.seating.process`)."""
    info = registry.find(family)
    return info.claims if info is not None else None


def _generic_facts(spec: dict, gold: Answer) -> tuple[dict[str, str], list[str]]:
    """Fallback: the gold assignment itself (every family's answer is proven)."""
    if gold.type == "assignment" and len(gold.space) >= 2:
        return dict(gold.value), list(gold.space)  # type: ignore[arg-type]
    return {}, []


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs several times more
class _Ctx:
    gold: Answer
    k: int  # size of the answer space (labels), or of the value space (assignments)
    spec: str
    family: str
    # the proven facts (entity -> value), None until a completion makes a claim (see _facts)
    facts: dict[str, str] | None = None
    vocab: _Vocab | None = None  # the claim vocabulary of the facts' value space
    names: frozenset[str] = frozenset()  # fact names that _CLAIM can match whole
    checker: Any = None  # the family's claim checker (FamilyInfo.claims), instead of facts
    # extracted answer -> (parses, accuracy), filled as completions are scored
    verdicts: dict[str, tuple[bool, float]] = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class _Vocab:
    """The claim vocabulary of one value space, shared by all its puzzles (see _vocab)."""

    words: dict[str, str]  # surface word -> value
    # a claim's text after " is " -> (claim key "<not >word", value or None, (its score when
    # the fact is not that value, when it is)); filled as completions are scored: the
    # completions of all puzzles repeat the same few claim texts
    tails: dict[str, tuple[str, str | None, tuple[float, float]]]
    is_scores: tuple[float, float]  # "X is v": -1/(m-1) when false, +1 when true
    not_scores: tuple[float, float]  # "X is not v": +1/(m-1) when true, -1 when false

    def tail(self, text: str) -> tuple[str, str | None, tuple[float, float]]:
        """The table entry of a claim's text after " is " (see ``tails``)."""
        got = self.tails.get(text)
        if got is None:
            neg, word = _tail(text)
            got = (neg + word, self.words.get(word), self.not_scores if neg else self.is_scores)
            if len(self.tails) < MAX_TAILS:
                self.tails[text] = got
        return got


@lru_cache(maxsize=8192)
def _gold(answer_json: str) -> Answer:
    try:
        return Answer.model_validate_json(answer_json)
    except ValueError as e:
        raise ValueError(
            f"reward: column `answer_json` holds no valid answer ({_first_line(e)}); "
            "pass the dataset's answer_json column unchanged"
        ) from None


def _first_line(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]


def _bad_spec(family: str, e: Exception) -> ValueError:
    return ValueError(
        f"reward: column `spec` does not parse as a {family or 'generic'} spec "
        f"({type(e).__name__}: {_first_line(e)}); pass the dataset's spec and family columns "
        "of the same row"
    )


@lru_cache(maxsize=1024)
def _vocab(space: tuple[str, ...], aliases: tuple[tuple[str, str], ...]) -> _Vocab:
    """The claim vocabulary of a value space: surface forms as written -> canonical value,
    and the chance-corrected claim scores for its m values."""
    words: dict[str, str] = {}
    vals = set(space)
    pairs = [(v, v) for v in space] + list(aliases) + list(SYNONYMS.items())
    for surf, canon in pairs:
        if canon in vals:
            for form in (surf, surf.lower(), surf[:1].upper() + surf[1:]):
                words.setdefault(form, canon)
    m = max(len(space), 2)
    return _Vocab(words, {}, (-1.0 / (m - 1), 1.0), (1.0 / (m - 1), -1.0))


@lru_cache(maxsize=8192)
def _ctx(answer_json: str, spec: str, family: str) -> _Ctx:
    gold = _gold(answer_json)
    ctx = _Ctx(gold, len(gold.value) if gold.type == "sequence" else len(gold.space), spec, family)
    checker = _family_claims(family)
    if checker is not None:
        ctx.facts = {}
        if spec:
            try:
                ctx.checker = checker(_load_json(spec), gold)
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                raise _bad_spec(family, e) from None
    return ctx


def _facts(ctx: _Ctx) -> dict[str, str]:
    """The puzzle's proven facts, built from its spec on first use: the completions of many
    puzzles make no claim, and then the spec is never read."""
    if ctx.facts is not None:
        return ctx.facts
    facts: dict[str, str] = {}
    space: list[str] = []
    if ctx.spec:
        try:
            facts, space = _family_facts(ctx.family)(_load_json(ctx.spec), ctx.gold)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise _bad_spec(ctx.family, e) from None
    if facts:  # vocabulary and names before the facts: a reader of ctx.facts finds them set
        ctx.vocab = _vocab(tuple(space), tuple(ctx.gold.aliases.items()))
        ctx.names = _plain_names(facts)
    ctx.facts = facts
    return facts


def _load_json(text: str) -> Any:
    """``json.loads``, through pydantic-core's parser (about twice as fast) where it accepts
    the text: it rejects lone surrogates, which ``json.loads`` reads."""
    try:
        return from_json(text)
    except ValueError:
        return json.loads(text)


def _plain_names(names: Collection[str]) -> frozenset[str]:
    """The names that _CLAIM's name group can capture whole (one regex call when all can)."""
    joined = "\n".join(names)
    # (the count rules out a name that holds a newline itself)
    if _NAMES.fullmatch(joined) and joined.count("\n") == len(names) - 1:
        return frozenset(names)
    return frozenset(filter(_plain_name, names))


def _plain_name(name: str) -> bool:
    """Whether _CLAIM's name group can capture ``name`` whole (_NAME.fullmatch, fast path
    for a capitalised ASCII word)."""
    if name.isascii() and name.isalpha() and len(name) <= 41:
        return "A" <= name[0] <= "Z"
    return _NAME.fullmatch(name) is not None


def clear_caches() -> None:
    """Forget every per-puzzle cache (benchmarks use it to measure fresh puzzles).

    Caches keyed by a value space and its aliases, which all puzzles of a family and persona
    share, are kept.
    """
    for cache in (_ctx, _gold, _score_cached):
        cache.cache_clear()
    answers.clear_caches()


_text = completion_text  # a string, or the last of a list of chat messages


def _col(columns: dict[str, Any], name: str, n: int, default: Any = None) -> list[Any]:
    v = columns.get(name)
    if v is None:
        return [default] * n
    if len(v) != n:
        raise ValueError(
            f"reward: column `{name}` has {len(v)} values for {n} completions; "
            "pass one value per completion"
        )
    return list(v)


# ---------------------------------------------------------------- per-completion scores


def mcq_letter(answer: str | None, k: int) -> str | None:
    """The one MCQ letter an extracted answer names; None when it names none or several."""
    if not answer:
        return None
    distinct = {c for c in _SINGLE_LETTER.findall(answer[:256]) if ord(c) - 65 < k}
    if len(distinct) > 1:
        return None
    return letter(answer, k)


def _verdict(ctx: _Ctx, ans: str | None) -> tuple[bool, float]:
    """(whether the extracted answer parses, its accuracy), remembered per puzzle: the answers
    of a group repeat a lot."""
    key = ans or ""
    got = ctx.verdicts.get(key)
    if got is None:
        pred = parse_value(key, ctx.gold) if key else None
        got = (pred is not None, _accuracy(ctx, pred))
        if len(ctx.verdicts) < MAX_VERDICTS:
            ctx.verdicts[key] = got
    return got


def _accuracy(ctx: _Ctx, pred: ParsedValue | None) -> float:
    """Chance-corrected accuracy of a parsed answer (see :func:`verifiers.answers.parse_value`).

    A special outcome ("cannot be determined") is right only when the gold is that outcome;
    otherwise it scores as a wholly wrong answer of the question's type.
    """
    gold = ctx.gold
    wrong = -1.0 / (ctx.k - 1) if ctx.k > 1 else 0.0
    outcome, value = pred if pred is not None else ("", None)
    if gold.outcome or outcome:
        if outcome and f"!{outcome}" == gold.key():
            return 1.0
        value = None  # the other outcome, or a value where an outcome was proven: wrong
    if gold.type == "label":
        return 1.0 if value is not None and value == gold.value else wrong
    if gold.type == "assignment":
        g: dict[str, str] = gold.value  # type: ignore[assignment]
        p: dict[str, str] = value or {}  # type: ignore[assignment]
        return sum([1.0 if p.get(e) == v else wrong for e, v in g.items()]) / max(len(g), 1)
    if gold.type == "set":  # each entity of the space in or out: a two-way choice
        if value is None:
            return -1.0
        inside, said = set(gold.value), set(value)
        return sum(1.0 if (e in inside) == (e in said) else -1.0 for e in gold.space) / max(
            len(gold.space), 1
        )
    gs: list[str] = gold.value  # type: ignore[assignment]
    ps: list[str] = value or []  # type: ignore[assignment]
    n = len(gs)
    wrong = -1.0 / (n - 1) if n > 1 else 0.0
    return sum(1.0 if i < len(ps) and ps[i] == g else wrong for i, g in enumerate(gs)) / max(n, 1)


def reasoning_block(text: str) -> str:
    """The content of the first <reasoning>…</reasoning> block, or ''."""
    i = text.find(_REASON_OPEN)
    if i < 0:
        low = text.lower()
        i = low.find(_REASON_OPEN)
        if i < 0:
            return ""
        j = low.find(_REASON_CLOSE, i)
    else:
        j = text.find(_REASON_CLOSE, i)
    return text[i + len(_REASON_OPEN) : j] if j >= 0 else ""


def _drop_case_splits(body: str) -> str:
    """``"\\n"`` + the reasoning, without quoted text and without the lines of case splits."""
    if '"' in body or "“" in body:
        body = _QUOTED.sub(" ", body)
    return _HYPOTHETICAL_NL.sub("", body if body.startswith("\n") else "\n" + body)


def _top_level(body: str) -> str:
    """The reasoning without quoted text and without the lines of case splits, with a space
    after each newline: the word before " is " is the text after the last space."""
    return _drop_case_splits(body).replace("\n", "\n ")


def _claim_name(before: str, names: frozenset[str]) -> str | None:
    """What _CLAIM's name group captures right before " is ", given the text before it that
    no earlier match consumed; None where _CLAIM has no match there."""
    if not before or before[-1].isspace():
        return None
    tok = before.rsplit(None, 1)[-1]
    if tok in names:  # a whole token that is a name: the common case, no regex
        return tok
    if tok.islower():  # no capital to start a name
        return None
    m = _NAME_TAIL.search(tok[-41:])
    return m.group() if m else None


def _body(text: str) -> str:
    """The part of the reasoning block that the process reward reads."""
    return reasoning_block(text)[:MAX_SCAN_CHARS]


@lru_cache(maxsize=4096)
def _tail(tail: str) -> tuple[str, str]:
    """("not " or "", value word) of a claim's text after " is " (shared by all puzzles)."""
    return _CLAIM_TAIL.fullmatch(tail).groups()  # type: ignore[union-attr]


def _claims(ctx: _Ctx, body: str) -> set[tuple[str, str]]:
    """Distinct (name, text after " is ") claims in ``body`` (see :func:`_body`): the matches
    of ``_CLAIM.findall`` on the top-level lines whose name is a fact name, computed by a
    split at the literal " is " (:func:`_tail` reads the text after it)."""
    if not body or (ctx.facts is not None and not ctx.facts):
        return set()
    parts = _IS_CLAIM.split(_drop_case_splits(body))
    if len(parts) == 1 or not (ctx.facts or _facts(ctx)):  # no " is ", or no facts to claim
        return set()
    names = ctx.names
    # Fast path: the last word before every " is " is a whole name (a plain trace). The word
    # is the text after the last space or newline; a name that starts a line needs the
    # second split, so it is done only where the first leaves a word that is no name.
    toks = [b.rpartition(" ")[2] for b in parts[:-1:2]]
    plain = names.issuperset(toks)
    if not plain:
        toks = [t.rpartition("\n")[2] for t in toks]
        plain = names.issuperset(toks)
    if plain:
        found = set(zip(toks, parts[1::2], strict=True))
        return found if len(found) <= MAX_CLAIMS else _first_claims(found)
    found = set()
    facts, carry = ctx.facts, ""
    for i in range(0, len(parts) - 1, 2):
        name = _claim_name(carry + parts[i] if carry else parts[i], names)
        if name is None:
            # _CLAIM would not have matched here, so its value word is not consumed: a name
            # may start in it ("... is Ann is a knave").
            carry = _tail(parts[i + 1])[1]
            continue
        carry = ""
        if name in facts:
            found.add((name, parts[i + 1]))
    return found if len(found) <= MAX_CLAIMS else _first_claims(found)


def _first_claims(found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The claims among the MAX_CLAIMS smallest distinct (name, "not " or "", value word)
    claims, in sorted order (a bounded, order-independent choice)."""
    keep = set(sorted({(n, *_tail(t)) for n, t in found})[:MAX_CLAIMS])
    return {c for c in found if (c[0], *_tail(c[1])) in keep}


def claims(text: str, answer_json: str, spec: str, family: str) -> list[tuple[str, bool, str]]:
    """Distinct top-level claims (entity, negated, canonical value) in the reasoning block."""
    ctx = _ctx(answer_json, spec or "", family or "")
    text = within_limit(text)
    found = _claims(ctx, _body(text))  # (builds the facts and their vocabulary on first use)
    words = ctx.vocab.words if ctx.vocab else {}
    out = set()
    for name, tail in found:
        neg, word = _tail(tail)
        if word in words:
            out.add((name, bool(neg), words[word]))
    return sorted(out)


def checked_claims(text: str, answer_json: str, spec: str, family: str) -> list:
    """The claims a family's checker (``FamilyInfo.claims``) finds and checks in the
    reasoning block; [] for families without one."""
    ctx = _ctx(answer_json, spec or "", family or "")
    if ctx.checker is None:
        return []
    body = _body(within_limit(text))
    return ctx.checker.claims(_top_level(body))[:MAX_CLAIMS] if body else []


def _process(ctx: _Ctx, body: str) -> float:
    """The process reward of a reasoning body (see :func:`_body`)."""
    if ctx.checker is not None:
        found_checked = ctx.checker.claims(_top_level(body))[:MAX_CLAIMS] if body else []
        return sum(c.score for c in found_checked) / len(found_checked) if found_checked else 0.0
    found = _claims(ctx, body)
    if not found:
        return 0.0
    # both set by _claims when it finds a claim
    facts: dict[str, str] = ctx.facts  # type: ignore[assignment]
    vocab: _Vocab = ctx.vocab  # type: ignore[assignment]
    tails = vocab.tails
    got = {}  # distinct claims (name, "<not >word") -> chance-corrected score
    for name, text in found:
        # (the table lookup inlined: a hit skips the method call)
        key, value, scores = tails.get(text) or vocab.tail(text)
        if value is not None:  # the word names a value
            got[name, key] = scores[facts[name] == value]
    return sum(got.values()) / len(got) if got else 0.0


def _score(
    text: str, answer_json: str, spec: str, family: str, mcq: bool, k: int, label: str | None
) -> tuple[float, float, float]:
    """(format, process, accuracy) of one completion, sharing the work between components."""
    ctx = _ctx(answer_json, spec or "", family or "")
    if mcq:
        wrong = -1.0 / (k - 1) if k > 1 else 0.0
    if len(text) > MAX_COMPLETION_CHARS:
        text = within_limit(text)  # its <think>-free part, or '' (as verifiers.score reads it)
    if not text:
        return 0.0, 0.0, (wrong if mcq else _accuracy(ctx, None))
    fmt, ans, body = _analyse(text)
    if mcq:
        got = mcq_letter(ans, k)
        acc = 1.0 if got is not None and got == label else wrong
        parsed = got is not None
    else:
        # (the per-puzzle lookup inlined: a hit skips the call)
        parsed, acc = ctx.verdicts.get(ans or "") or _verdict(ctx, ans)
    if fmt == 1.0 and not parsed:
        fmt = 0.75
    # _analyse found the reasoning block already when the completion has the usual shape
    body = _body(text) if body is None else body[:MAX_SCAN_CHARS]
    return fmt, _process(ctx, body), acc


@lru_cache(maxsize=4096)
def _score_cached(
    text: str, answer_json: str, spec: str, family: str, mcq: bool, k: int, label: str | None
) -> tuple[float, float, float]:
    # Shared by the per-component TRL rewards, which TRL calls one after another on one batch.
    return _score(text, answer_json, spec, family, mcq, k, label)


def score_components(row: dict[str, Any], completion: Any, mcq: bool = False) -> dict[str, float]:
    """All reward components of one completion on one dataset row."""
    f, p, a = _score(
        _text(completion),
        row["answer_json"],
        row.get("spec", "") or "",
        row.get("family", "") or "",
        mcq,
        len(row.get("choices") or []),
        row.get("answer_label"),
    )
    return {"format": f, "process": p, "accuracy": a}


def format_reward_score(text: str, row: dict[str, Any], mcq: bool = False) -> float:
    """Format compliance in [0, 1]; full marks only when exactly one answer parses."""
    return score_components(row, text, mcq)["format"]


def accuracy_score(text: str, row: dict[str, Any], mcq: bool = False) -> float:
    """Chance-corrected accuracy of one completion on one row, in [-1, 1]."""
    return score_components(row, text, mcq)["accuracy"]


def process_score(text: str, row: dict[str, Any]) -> float:
    """Mean chance-corrected truth of the reasoning's claims against the proven world."""
    return score_components(row, text)["process"]


# ---------------------------------------------------------------- TRL reward functions


def _batch(completions: list, columns: dict[str, Any], fn: Callable = _score_cached) -> list:
    n = len(completions)
    aj = _col(columns, "answer_json", n)
    if any(a is None for a in aj):
        raise ValueError("reward: the dataset has no `answer_json` column; pass the record columns")
    spec, fam = _col(columns, "spec", n, ""), _col(columns, "family", n, "")
    mcq, ch, lab = (
        _col(columns, "mcq", n, False),
        _col(columns, "choices", n),
        _col(columns, "answer_label", n),
    )
    return [
        fn(c if type(c) is str else _text(c), a, s or "", f or "", bool(m), len(k or ()), la)
        for c, a, s, f, m, k, la in zip(completions, aj, spec, fam, mcq, ch, lab, strict=True)
    ]


def format_reward(prompts: list, completions: list, **columns: Any) -> list[float]:
    """TRL reward: format compliance in [0, 1]."""
    return [s[0] for s in _batch(completions, columns)]


def process_reward(prompts: list, completions: list, **columns: Any) -> list[float]:
    """TRL reward: verified intermediate claims in [-1, 1]."""
    return [s[1] for s in _batch(completions, columns)]


def accuracy_reward(prompts: list, completions: list, **columns: Any) -> list[float]:
    """TRL reward: chance-corrected accuracy in [-1, 1]."""
    return [s[2] for s in _batch(completions, columns)]


REWARDS: dict[str, Callable[..., list[float]]] = {
    "format": format_reward,
    "process": process_reward,
    "accuracy": accuracy_reward,
}


def combined(weights: dict[str, float] | None = None) -> Callable[..., list[float]]:
    """One TRL reward function: the weighted sum of the components (default 0.2/0.3/0.5)."""
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(w) - set(REWARDS)
    if unknown:
        raise ValueError(
            f"reward weights: unknown component(s) {sorted(unknown)}; use {list(REWARDS)}"
        )

    def combined_reward(prompts: list, completions: list, **columns: Any) -> list[float]:
        wf, wp, wa = w.get("format", 0.0), w.get("process", 0.0), w.get("accuracy", 0.0)
        return [wf * f + wp * p + wa * a for f, p, a in _batch(completions, columns, _score)]

    return combined_reward


combined_reward = combined()

__all__ = [
    "DEFAULT_WEIGHTS",
    "MAX_COMPLETION_CHARS",
    "REWARDS",
    "accuracy_reward",
    "accuracy_score",
    "checked_claims",
    "claims",
    "clear_caches",
    "combined",
    "combined_reward",
    "format_reward",
    "format_reward_score",
    "mcq_letter",
    "process_reward",
    "process_score",
    "score_components",
]
