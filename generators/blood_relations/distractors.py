"""Wrong options for a relation question that take reasoning to refute.

Every option agrees with the asked person's stated sex, can never hold together with the
answer (:data:`.tables.EXCLUSIVE`, so Z3 refutes it), and, where enough exist, survives each
stated clue on its own: a clue about one of the two people, chained with the option through
that person, is not a contradiction in :data:`.tables.COMPOSE` (three different people), and a
clue about the pair itself states the same kind of relation.
"""

from __future__ import annotations

import random

from verifiers.blood_relations.relations import TERMS, gendered
from verifiers.blood_relations.spec import BloodRelationsSpec, Rel

from .tables import COMPOSE
from .terms import INVERSE, exclusive

Clue = tuple[int, str, int]  # (a, term, b): a is the term of b


def clues_of(spec: BloodRelationsSpec) -> list[Clue]:
    """The stated relation facts between named people, one clue each."""
    return [
        (f.a.person, f.term, f.b.person)
        for f in spec.all_facts()
        if isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref"
    ]


def _chain_ok(t1: str, t2: str) -> bool:
    """'A is t1 of B' and 'B is t2 of C' can hold for three different people."""
    return COMPOSE.get((t1, t2)) != "CONTRADICTION"


def survives(opt: str, x: int, y: int, clue: Clue) -> bool:
    """Whether "x is the opt of y" is consistent with ``clue`` alone. A clue stated from the
    far end is turned round for either sex of its far person (the clue does not give it)."""
    a, t, b = clue
    o, c = TERMS[opt], TERMS[t]
    if {a, b} == {x, y}:
        return c.base == (o.base if a == x else INVERSE[o.base])
    turned = [gendered(INVERSE[c.base], s) for s in "MF"]
    if a == x:  # p is turned of x (x is t of p), x is opt of y
        return (not c.sex or not o.sex or c.sex == o.sex) and any(_chain_ok(i, opt) for i in turned)
    if b == x:  # p is t of x, x is opt of y
        return _chain_ok(t, opt)
    if a == y:  # x is opt of y, y is t of p
        return _chain_ok(opt, t)
    if b == y:  # x is opt of y, y is turned of p (p is t of y)
        for i in turned:
            r = COMPOSE.get((opt, i))
            # x married to p: the clue gives p's sex, the option x's
            if r != "CONTRADICTION" and not (
                r and TERMS[r].base == "spouse" and c.sex and c.sex == o.sex
            ):
                return True
        return False
    return True


def pick(
    ans: str,
    x_sex: str,
    space: list[str],
    rng: random.Random,
    k: int,
    x: int = -1,
    y: int = -1,
    clues: list[Clue] = (),  # type: ignore[assignment]
) -> list[str]:
    """Up to ``k`` wrong options: of x's sex (or sexless), exclusive with ``ans``; those that
    survive every single clue first (the other side of a paternal/maternal answer, then the
    same generation gap, then the rest), the others only to fill the set."""
    t = TERMS[ans]
    other_side = None
    if t.side:
        other_side = ("maternal " if t.side == "paternal" else "paternal ") + t.unqualified
    same_gen = [s for s in space if s in TERMS and TERMS[s].gen == t.gen]
    rest = [s for s in space if s in TERMS]
    rng.shuffle(same_gen)
    rng.shuffle(rest)
    cands: list[str] = []
    for c in [other_side, *same_gen, *rest]:
        if c is None or c in cands or c == ans or c not in space:
            continue
        if TERMS[c].sex not in (None, x_sex) or not exclusive(c, ans):
            continue
        cands.append(c)
    good = [c for c in cands if all(survives(c, x, y, cl) for cl in clues)]
    return (good + [c for c in cands if c not in good])[:k]
