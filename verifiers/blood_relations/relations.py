"""The controlled relation vocabulary of the blood-relations family, documented in one place.

Pure Python (no z3). Everything that names a family relation uses this module: the spec,
the Z3 encoder, the generator, the scorer (through :mod:`verifiers.vocab`) and the card.

The world
---------
A family is a set of people. Each person has a stated sex (``M`` or ``F``), at most one
father and one mother (both or neither), and at most one spouse. The axioms that every
world obeys (and that the Z3 encoder asserts) are:

1. a father is a man, a mother is a woman; a person has both parents or neither;
2. the two parents of a child are married to each other (so there are no half-siblings
   and no step-relations: a spouse's child is one's own child);
3. marriage is monogamous, between a man and a woman of the same generation;
4. nobody is their own ancestor (every child is one generation below its parents);
5. spouses are not siblings or first cousins (they share no parent or grandparent);
6. different names are different people.

Siblings are full siblings: two different people with the same father and mother.

Definitions
-----------
"X is the T of Y" holds when one of the term's *cases* holds. A case is a path over
parent, sibling and spouse links, written ``(xs, xu, sib, yu, ys)``:

- start at X, or at X's spouse when ``xs``; go up ``xu`` parent links to an ancestor A;
- start at Y, or at Y's spouse when ``ys``; go up ``yu`` parent links to an ancestor B;
- then A = B (``sib`` false) or A and B are siblings (``sib`` true); and X is not Y.

A gendered term adds X's sex. A paternal/maternal term fixes the first parent link taken
from Y (``paternal``: through Y's father; ``maternal``: through Y's mother). Each term's
cases are in :data:`TERMS` and in the table below (generated from the same data by
:func:`vocabulary_markdown`).

| term (neutral / man / woman) | cases: X is ... of Y |
| --- | --- |
| parent / father / mother | Y's parent |
| child / son / daughter | Y's child |
| sibling / brother / sister | Y's sibling |
| spouse / husband / wife | Y's spouse |
| grandparent / grandfather / grandmother | a parent of Y's parent |
| grandchild / grandson / granddaughter | a child of Y's child |
| great-grandparent / great-grandfather / great-grandmother | a parent of a parent of Y's parent |
| great-grandchild / great-grandson / great-granddaughter | a child of a child of Y's child |
| (pibling) / uncle / aunt | a sibling of Y's parent, or the spouse of a sibling of Y's parent |
| (nibling) / nephew / niece | a child of Y's sibling, or a child of a sibling of Y's spouse |
| cousin | a child of a sibling of Y's parent (first cousin) |
| parent-in-law / father-in-law / mother-in-law | a parent of Y's spouse |
| child-in-law / son-in-law / daughter-in-law | the spouse of Y's child |
| sibling-in-law / brother-in-law / sister-in-law | a sibling of Y's spouse, or the spouse of Y's sibling |

Qualifiers: paternal/maternal grandfather, grandmother, uncle and aunt. Not covered (a
puzzle whose true relation is one of these is dropped): great-uncles, cousins once
removed, second cousins, the spouse of a spouse's sibling, step- and half-relations.
``cannot be determined`` is the answer of a deliberately ambiguous item (the spine's
special outcome, shared by every family).

Names of the form "nephew" are the sex of X (the nephew), never of Y.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

CANNOT = "cannot be determined"


@dataclass(frozen=True)
class Case:
    """One path: X [spouse] up ``xu``, then equal to / sibling of, Y [spouse] up ``yu``."""

    xs: bool
    xu: int
    sib: bool
    yu: int
    ys: bool


@dataclass(frozen=True)
class Term:
    name: str
    base: str  # the neutral term this one refines
    sex: str | None  # X's sex, or None
    side: str | None  # None, "paternal" or "maternal"
    cases: tuple[Case, ...]

    @property
    def gen(self) -> int:
        """Generation of X minus generation of Y (positive: X is younger)."""
        c = self.cases[0]
        return c.xu - c.yu

    @property
    def unqualified(self) -> str:
        return self.name.split(" ", 1)[1] if self.side else self.name


def _c(xs: int, xu: int, sib: int, yu: int, ys: int) -> Case:
    return Case(bool(xs), xu, bool(sib), yu, bool(ys))


# neutral base -> (cases, man's word, woman's word, qualifiers allowed)
_BASES: dict[str, tuple[tuple[Case, ...], str | None, str | None, bool]] = {
    "parent": ((_c(0, 0, 0, 1, 0),), "father", "mother", False),
    "child": ((_c(0, 1, 0, 0, 0),), "son", "daughter", False),
    "sibling": ((_c(0, 0, 1, 0, 0),), "brother", "sister", False),
    "spouse": ((_c(0, 0, 0, 0, 1),), "husband", "wife", False),
    "grandparent": ((_c(0, 0, 0, 2, 0),), "grandfather", "grandmother", True),
    "grandchild": ((_c(0, 2, 0, 0, 0),), "grandson", "granddaughter", False),
    "great-grandparent": ((_c(0, 0, 0, 3, 0),), "great-grandfather", "great-grandmother", False),
    "great-grandchild": ((_c(0, 3, 0, 0, 0),), "great-grandson", "great-granddaughter", False),
    "pibling": ((_c(0, 0, 1, 1, 0), _c(1, 0, 1, 1, 0)), "uncle", "aunt", True),
    "nibling": ((_c(0, 1, 1, 0, 0), _c(0, 1, 1, 0, 1)), "nephew", "niece", False),
    "cousin": ((_c(0, 1, 1, 1, 0),), None, None, False),
    "parent-in-law": ((_c(0, 0, 0, 1, 1),), "father-in-law", "mother-in-law", False),
    "child-in-law": ((_c(1, 1, 0, 0, 0),), "son-in-law", "daughter-in-law", False),
    "sibling-in-law": (
        (_c(0, 0, 1, 0, 1), _c(1, 0, 1, 0, 0)),
        "brother-in-law",
        "sister-in-law",
        False,
    ),
}
INTERNAL = ("pibling", "nibling")  # neutral bases with no everyday word: never an answer


def _terms() -> dict[str, Term]:
    out: dict[str, Term] = {}
    for base, (cases, man, woman, qual) in _BASES.items():
        out[base] = Term(base, base, None, None, cases)
        for sex, word in (("M", man), ("F", woman)):
            if word is None:
                continue
            out[word] = Term(word, base, sex, None, cases)
            if qual:
                for side in ("paternal", "maternal"):
                    name = f"{side} {word}"
                    out[name] = Term(name, base, sex, side, cases)
    return out


TERMS: dict[str, Term] = _terms()
GENDERED = tuple(n for n, t in TERMS.items() if t.sex and not t.side)
QUALIFIED = tuple(n for n, t in TERMS.items() if t.side)
NEUTRAL = tuple(n for n, t in TERMS.items() if t.sex is None and n not in INTERNAL)
# Answer spaces: the relation of X to Y is one gendered term (cousin has no gendered form).
ANSWER_TERMS = (*GENDERED, "cousin")
QUALIFIED_ANSWER_TERMS = (*ANSWER_TERMS, *QUALIFIED)


def answer_space(qualified: bool = False) -> list[str]:
    """The label space of a relation question.

    ``cannot be determined`` is not in it: it is the spine's special outcome
    (:data:`verifiers.answers.AMBIGUOUS`), offered on every item of a build that labels
    ambiguous items, and parsed as such by :func:`verifiers.answers.parse`.
    """
    return list(QUALIFIED_ANSWER_TERMS if qualified else ANSWER_TERMS)


def gendered(term: str, sex: str | None) -> str:
    """``term`` refined by X's sex (``parent`` + M -> ``father``); unchanged if it cannot be."""
    t = TERMS[term]
    if sex is None or t.sex is not None:
        return term
    man, woman = _BASES[t.base][1], _BASES[t.base][2]
    word = man if sex == "M" else woman
    return word or term


def neutral(term: str) -> str:
    return TERMS[term].base


def qualify(term: str, side: str | None) -> str:
    """``uncle`` + paternal -> ``paternal uncle`` where the term takes a qualifier."""
    if side is None:
        return term
    name = f"{side} {TERMS[term].unqualified}"
    return name if name in TERMS else term


# --- a reference calculator over a concrete world ------------------------------------


@dataclass(frozen=True)
class World:
    """A concrete family: per person, sex and the indices of father, mother, spouse (-1: none)."""

    sex: tuple[str, ...]
    father: tuple[int, ...]
    mother: tuple[int, ...]
    spouse: tuple[int, ...]

    def sibling(self, a: int, b: int) -> bool:
        return a != b and self.father[a] >= 0 and self.father[a] == self.father[b]

    def ups(self, p: int, k: int, first: str | None = None) -> list[int]:
        """Ancestors exactly ``k`` parent links above ``p``; ``first`` fixes the first link."""
        cur = [p]
        for step in range(k):
            nxt = []
            for q in cur:
                if step == 0 and first == "paternal":
                    cand = (self.father[q],)
                elif step == 0 and first == "maternal":
                    cand = (self.mother[q],)
                else:
                    cand = (self.father[q], self.mother[q])
                nxt.extend(c for c in cand if c >= 0)
            cur = nxt
        return cur

    def holds(self, term: str, x: int, y: int) -> bool:
        """Whether ``x`` is the ``term`` of ``y`` in this world."""
        t = TERMS[term]
        if x == y or (t.sex is not None and self.sex[x] != t.sex):
            return False
        for c in t.cases:
            sx = self.spouse[x] if c.xs else x
            sy = self.spouse[y] if c.ys else y
            if sx < 0 or sy < 0:
                continue
            xa = self.ups(sx, c.xu)
            ya = self.ups(sy, c.yu, t.side)
            if c.sib:
                if any(self.sibling(a, b) for a in xa for b in ya):
                    return True
            elif any(a == b for a in xa for b in ya):
                return True
        return False

    def relations(self, x: int, y: int, qualified: bool = False) -> list[str]:
        """Every answer term that holds for "x is the ... of y"."""
        space = QUALIFIED_ANSWER_TERMS if qualified else ANSWER_TERMS
        return [t for t in space if self.holds(t, x, y)]


# --- synonyms ---------------------------------------------------------------------------


def _synonyms() -> dict[str, str]:
    s: dict[str, str] = {}
    for name in TERMS:
        if name in INTERNAL:
            continue
        s[name] = name
        s[name + "s"] = name
        s[name.replace("-", " ")] = name
        if name.startswith("great-"):
            s["great " + name[6:]] = name
            s["great" + name[6:]] = name
        if "-in-law" in name:
            s[name.replace("-in-law", " in law")] = name
            s[name.replace("-in-law", "s-in-law")] = name
    extra = {
        "mom": "mother",
        "mum": "mother",
        "mommy": "mother",
        "mummy": "mother",
        "mama": "mother",
        "dad": "father",
        "daddy": "father",
        "papa": "father",
        "grandpa": "grandfather",
        "granddad": "grandfather",
        "grandad": "grandfather",
        "grand father": "grandfather",
        "grandma": "grandmother",
        "granny": "grandmother",
        "grandmom": "grandmother",
        "grand mother": "grandmother",
        "grand son": "grandson",
        "grand daughter": "granddaughter",
        "great grandpa": "great-grandfather",
        "great grandma": "great-grandmother",
        "hubby": "husband",
        "first cousin": "cousin",
        "brother's son": "nephew",
        "sister's son": "nephew",
        "brother's daughter": "niece",
        "sister's daughter": "niece",
        "father's brother": "paternal uncle",
        "father's sister": "paternal aunt",
        "mother's brother": "maternal uncle",
        "mother's sister": "maternal aunt",
        "father's father": "paternal grandfather",
        "father's mother": "paternal grandmother",
        "mother's father": "maternal grandfather",
        "mother's mother": "maternal grandmother",
        "son's son": "grandson",
        "daughter's son": "grandson",
        "son's daughter": "granddaughter",
        "daughter's daughter": "granddaughter",
        "husband's father": "father-in-law",
        "wife's father": "father-in-law",
        "husband's mother": "mother-in-law",
        "wife's mother": "mother-in-law",
        "daughter's husband": "son-in-law",
        "son's wife": "daughter-in-law",
        "wife's brother": "brother-in-law",
        "husband's brother": "brother-in-law",
        "sister's husband": "brother-in-law",
        "wife's sister": "sister-in-law",
        "husband's sister": "sister-in-law",
        "brother's wife": "sister-in-law",
        "cannot be determined": CANNOT,
        "can't be determined": CANNOT,
        "can not be determined": CANNOT,
        "cannot be decided": CANNOT,
        "undetermined": CANNOT,
        "not determined": CANNOT,
        "cannot determine": CANNOT,
        "can't determine": CANNOT,
        "not enough information": CANNOT,
        "insufficient information": CANNOT,
        "data inadequate": CANNOT,
        "cannot be said": CANNOT,
    }
    s.update(extra)
    for side in ("paternal", "maternal"):
        for w in ("grandpa", "grandma", "granddad"):
            s[f"{side} {w}"] = f"{side} " + ("grandfather" if w != "grandma" else "grandmother")
    for k, word in enumerate(NUMBER_WORDS):
        s[word] = str(k)
    return s


NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Surface form (lower case) -> canonical term, registered into :mod:`verifiers.vocab`."""
    return _synonyms()


def normalise(text: str) -> str | None:
    """The canonical term for a surface phrase ("grandpa" -> "grandfather"), or None."""
    t = " ".join(text.casefold().replace("’", "'").split()).strip(" .,;:!?\"'")
    for art in ("a ", "an ", "the ", "his ", "her ", "their "):
        if t.startswith(art):
            t = t[len(art) :]
    return synonyms().get(t)


def aliases_for(term: str) -> dict[str, str]:
    """Phrases that name ``term`` in an unqualified question (its qualified forms included).

    The first entry is the term itself, so the prompt shows the canonical word.
    """
    out = {term: term}
    for k, v in synonyms().items():
        if v != term and v in TERMS and TERMS[v].side and TERMS[v].unqualified == term:
            out[k] = term
    return out


def vocabulary_markdown() -> str:
    """The vocabulary table, generated from :data:`TERMS` (for the dataset card)."""
    rows = ["| term | X is ... of Y |", "| --- | --- |"]
    for name, t in TERMS.items():
        if name in INTERNAL:
            continue
        cases = " or ".join(_case_text(c) for c in t.cases)
        extra = f", through Y's {'father' if t.side == 'paternal' else 'mother'}" if t.side else ""
        sex = {"M": " (a man)", "F": " (a woman)"}.get(t.sex or "", "")
        rows.append(f"| {name} | {cases}{extra}{sex} |")
    return "\n".join(rows)


def _case_text(c: Case) -> str:
    def side(s: bool, u: int, who: str) -> str:
        base = f"{who}'s spouse" if s else who
        return base if u == 0 else "an ancestor " + str(u) + " up from " + base

    rel = "a sibling of" if c.sib else "equal to"
    return f"[{side(c.xs, c.xu, 'X')}] {rel} [{side(c.ys, c.yu, 'Y')}]"
