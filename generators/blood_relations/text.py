"""Words shared by the question and the solution: the phrase bank, possessives, numbers,
the answer claim ("X is the uncle of Y") and spoken descriptions ("my father's mother")."""

from __future__ import annotations

from templates import data
from verifiers.blood_relations.relations import NUMBER_WORDS, TERMS


def phrases() -> dict:
    return data("blood_relations/phrases.yaml")


def pick(options: list[str], style: int) -> str:
    """Phrasing ``style`` of a bank; the last phrasing of every bank is held out for the
    test split (``style`` -1) when the bank has more than one."""
    if len(options) == 1:
        return options[0]
    if style < 0:
        return options[-1]
    return options[style % (len(options) - 1)]


def poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def num(k: int) -> str:
    return NUMBER_WORDS[k] if k < len(NUMBER_WORDS) else str(k)


SHOW = {"pibling": "uncle or aunt", "nibling": "nephew or niece"}


def show(t: str) -> str:
    return SHOW.get(t, t)


def claim(x: str, term: str, y: str) -> str:
    """'X is the uncle of Y' for an answer word, else the possessive 'X is Y's paternal uncle'."""
    if term in TERMS and TERMS[term].sex and not TERMS[term].side or term == "cousin":
        return f"{x} is the {term} of {y}"
    return f"{x} is {poss(y)} {show(term)}"


PRON = {"M": ("he", "his"), "F": ("she", "her")}


def desc_text(d, me: bool, sex_base: str) -> str:
    """'my father's mother' / 'his mother' / 'me' / 'he'."""
    steps = []
    while d.kind == "of":
        steps.append(d.step)
        d = d.of
    steps.reverse()
    if not steps:
        return "me" if me else PRON[sex_base][0]
    head = "my" if me else PRON[sex_base][1]
    return head + " " + "'s ".join(steps)
