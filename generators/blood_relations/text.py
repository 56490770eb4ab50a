"""Words shared by the question and the solution: the phrase bank, possessives, plurals,
numbers, the answer claim ("X is the uncle of Y") and spoken descriptions ("my father's
mother")."""

from __future__ import annotations

import random

from templates import data
from verifiers.blood_relations.relations import NUMBER_WORDS, TERMS

BANK = "blood_relations/phrases.yaml"


def surname(rng: random.Random, held_out: bool, member: str = "") -> str:
    """A family name ("Okafor"): from the test split's own pool when ``held_out``, else from
    the pool of the culture whose first names include ``member`` (any pool for a name that
    belongs to none), so that the family's name fits at least the person it is named for."""
    names = data("names.yaml")
    pools = names["surnames"]
    if held_out:
        pool = pools["heldout"]
    else:
        culture = next(
            (c for c, b in names["pools"].items() if any(member in v for v in b.values())), None
        )
        pool = pools["pools"].get(culture) or [s for p in pools["pools"].values() for s in p]
    return pool[rng.randrange(len(pool))]


def poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def num(k: int, digits: bool = False) -> str:
    """``k`` as a word ("two"), or as digits when ``digits`` (or when it has no word)."""
    return str(k) if digits or k >= len(NUMBER_WORDS) else NUMBER_WORDS[k]


def plural(term: str) -> str:
    """'brothers', 'children', 'sisters-in-law', 'paternal aunts'."""
    head, sep, tail = term.partition("-in-law")
    return ("children" if head == "child" else head + "s") + sep + tail


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def unique(term: str) -> bool:
    """Whether the term names at most one person for a given Y (Y's father, wife, paternal
    grandmother, father-in-law): such a term reads "the father of Y", never "a father of Y"."""
    t = TERMS[term]
    if t.base == "spouse":
        return True
    if t.base in ("parent", "parent-in-law"):
        return t.sex is not None
    return t.base == "grandparent" and t.side is not None


# "X is the t of Y" says exactly what "Y is the INVERSE[t] of X" says (spouses are a man and a
# woman, so "X is Y's wife" is "Y is X's husband"); tests re-derive it on a family.
INVERSE = {
    "husband": "wife",
    "wife": "husband",
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "cousin": "cousin",
    "sibling-in-law": "sibling-in-law",
    "parent-in-law": "child-in-law",
    "child-in-law": "parent-in-law",
}


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
