"""Question forms of the classic variants: the question's text, its answer and MCQ options,
and the solution's closing line.

Forms (``Question.kind``) and their answers (the family's answer format):

- ``all``: everyone's role, an ``assignment`` ("Ann: knight, Ben: knave");
- ``one``: one person's role, a ``label`` ("knave");
- ``truthful``: yes/no, is one person a knight ("Does Ann tell the truth?"), a ``label``;
- ``liars``: who is lying, a ``set`` of names ("Ben and Zoe"; one name when one lies);
- ``count``: how many are knights, a ``label`` over "0".."n" (number words parse too).

Every wrong option is a near miss: a wrong world, or the answer of one, that keeps every
stated fact and breaks one statement at most; a wrong count stays possible under each
statement on its own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from templates import indefinite, join_names
from templates.phrases import Phrases
from verifiers.answers import Answer
from verifiers.truth_teller.spec import Count, TruthTellerSpec

from .fill import slots
from .logic import Worlds

BANK = "truth_teller/questions.yaml"
_TALK = re.compile(r"\b(lie|lies|lying|truth)\b")  # words that normals make ambiguous
NUMBER_WORDS = {
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
}


def plain_talk(spec: TruthTellerSpec, w: dict) -> bool:
    """Whether "lies" and "tells the truth" name the roles: no normals, and a persona
    whose words are those."""
    return "normal" not in spec.roles and w.get("truthful") == "tells the truth"


def one_liar_stated(spec: TruthTellerSpec) -> bool:
    """Whether a stated fact says that exactly one of everyone lies."""
    everyone = tuple(range(len(spec.people)))
    return any(
        isinstance(f, Count)
        and (f.op, f.k, f.role, tuple(f.people)) == ("exactly", 1, "knave", everyone)
        for f in spec.facts
    )


def question_text(spec: TruthTellerSpec, names: list[str], w: dict, book: Phrases) -> str:
    """The question line, in a phrasing of ``book`` (recorded there)."""
    q = spec.question
    key = "liar" if q.kind == "liars" and one_liar_stated(spec) else q.kind
    keep: Callable[[str], bool] | None = (
        None if plain_talk(spec, w) else (lambda s: not _TALK.search(s))
    )
    src = book.source(f"question.{key}", keep)
    roles = " or ".join(indefinite(w[r]) for r in spec.roles)
    fill = slots(
        src, ("p", "names"), w=w, roles=roles, n=len(names), normals="normal" in spec.roles
    )
    return fill(p=names[q.person] if q.person is not None else "", names=join_names(names))


def liars_of(people: list[str], world: list[str]) -> list[str]:
    return [p for p, r in zip(people, world, strict=True) if r == "knave"]


def _facts_and_statements(spec: TruthTellerSpec, w: Worlds) -> tuple[int, list[int]]:
    base = w.full
    for f in spec.facts:
        base &= w.table(f)
    return base, [w.allowed(s) for s in spec.statements]


def wrong_counts(w: Worlds, base: int, allowed: list[int], true: int) -> list[int]:
    """The wrong numbers of knights that the stated facts (``base``) leave possible under
    each statement (``allowed``) on its own."""
    out = []
    for c in range(w.n + 1):
        m = w.table(Count(op="exactly", k=c, role="knight", people=tuple(range(w.n)))) & base
        if c != true and m and all(m & a for a in allowed):
            out.append(c)
    return out


def count_options(spec: TruthTellerSpec, w: Worlds, rng: random.Random, k: int) -> list[int]:
    """Up to ``k`` of the :func:`wrong_counts`, nearest the true one first."""
    base, allowed = _facts_and_statements(spec, w)
    true = spec.truth.count("knight")
    pool = wrong_counts(w, base, allowed, true)
    pool.sort(key=lambda c: (abs(c - true), rng.random()))
    return pool[:k]


def answers(
    spec: TruthTellerSpec, aliases: dict, rng: random.Random, k: int, near_misses
) -> tuple[Answer, list[Answer]] | None:
    """Answer and wrong options of a ``liars`` or ``count`` question (None for the others);
    ``near_misses(spec, worlds, rng, k)`` gives wrong worlds that break one statement."""
    q = spec.question
    w = Worlds(len(spec.people), tuple(spec.roles))
    if q.kind == "count":
        n = len(spec.people)
        space = [str(c) for c in range(n + 1)]
        words = {word: v for word, v in NUMBER_WORDS.items() if int(v) <= n}

        def label(c: int) -> Answer:
            return Answer(type="label", value=str(c), space=space, aliases=words)

        return label(spec.truth.count("knight")), [
            label(c) for c in count_options(spec, w, rng, k - 1)
        ]
    if q.kind != "liars":
        return None
    people = list(spec.people)
    truth = liars_of(people, spec.truth)
    seen, out = {tuple(truth)}, []
    for i in near_misses(spec, w, rng, 4 * k):
        s = liars_of(people, w.decode(i))
        if tuple(s) not in seen and len(out) < k - 1:
            seen.add(tuple(s))
            out.append(Answer(type="set", value=s, space=people))
    return Answer(type="set", value=truth, space=people), out


def closing(spec: TruthTellerSpec, names: list[str], w: dict, derived: dict[str, str]) -> str:
    """The solution's last line before the answer: what the derived roles say of the question."""
    q = spec.question
    if q.kind == "truthful":
        p = names[q.person]  # type: ignore[index]
        r = derived.get(p, "?")
        verdict = "yes" if r == "knight" else "no"
        return f"{p} is {indefinite(w.get(r, r))}, so the answer is {verdict}."
    if q.kind in ("liars", "count"):
        role = "knave" if q.kind == "liars" else "knight"
        who = [x for x in names if derived.get(x) == role]
        tail = f": {len(who)} in all" if q.kind == "count" else ""
        if not who:
            return f"None of them is {indefinite(w[role])}{tail}."
        if len(who) == 1:
            return f"So the only {w[role]} is {who[0]}{tail}."
        return f"So the {w[role + 's']} are {join_names(who)}{tail}."
    return ""


def derived_answer(spec: TruthTellerSpec, names: list[str], derived: dict[str, str]) -> Answer:
    """The answer that the derived roles give to a ``liars`` or ``count`` question."""
    if spec.question.kind == "liars":
        return Answer(type="set", value=[x for x in names if derived.get(x) == "knave"])
    return Answer(type="label", value=str(sum(derived.get(x) == "knight" for x in names)))
