"""Relation words and their algebra, read off the Z3-derived tables (:mod:`.tables`).

``compose`` is the family's only inference step ("A is t1 of B" and "B is t2 of C" force
"A is t3 of C"); ``exclusive`` says two answer words can never hold together (so a
distractor from it is refuted); ``inverse`` states a relation from the other end.
"""

from __future__ import annotations

from verifiers.blood_relations.relations import INTERNAL, TERMS, World, gendered

from .tables import COMPOSE, EXCLUSIVE


def compose(t1: str, t2: str) -> str | None:
    """A is t1 of B, B is t2 of C: the forced relation of A to C, or None."""
    r = COMPOSE.get((t1, t2))
    return None if r == "CONTRADICTION" else r


def exclusive(a: str, b: str) -> bool:
    return a != b and ((a, b) in EXCLUSIVE or (b, a) in EXCLUSIVE)


def unqualified(term: str) -> str:
    return TERMS[term].unqualified


def answer_term(rel: str, qualified: bool) -> str | None:
    """The answer word for a composed relation, or None if it is no answer term."""
    if rel in INTERNAL or rel not in TERMS:
        return None
    t = TERMS[rel]
    if t.sex is None and rel != "cousin":
        return None
    if qualified:
        return rel
    return unqualified(rel)


def world_ok(w: World, x: int, y: int, ans: str, qualified: bool) -> bool:
    """The answer holds in the hidden world and is the only answer term between x and y."""
    rels = w.relations(x, y, qualified)
    if qualified:
        return (
            ans in rels
            and [r for r in rels if TERMS[r].side or r == ans] != []
            and all(
                r == ans or unqualified(r) == unqualified(ans) and not TERMS[r].side for r in rels
            )
        )
    return rels == [ans]


INVERSE = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "spouse": "spouse",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "great-grandparent": "great-grandchild",
    "great-grandchild": "great-grandparent",
    "pibling": "nibling",
    "nibling": "pibling",
    "cousin": "cousin",
    "parent-in-law": "child-in-law",
    "child-in-law": "parent-in-law",
    "sibling-in-law": "sibling-in-law",
}


def inverse(term: str, sex_of_b: str | None) -> str:
    """If A is ``term`` of B, B is ``inverse(term)`` of A (gendered by B's sex if known)."""
    return gendered(INVERSE[TERMS[term].base], sex_of_b)


def answer_or_self(r: str) -> str:
    return answer_term(r, True) or r


OTHER_SEX = {"M": "F", "F": "M"}
