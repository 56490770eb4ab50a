"""Degenerate statements of a truth-teller puzzle (issue 14), judged on every world at once.

A statement is degenerate when a careful reader would strike it out:

- ``vacuous_count``: a count that holds or fails whatever the roles (at least 0, at most
  all of them, more than there are people);
- ``repeated``: two clauses about the same atom (the same person's role, the same pair,
  the same count) in one statement, e.g. "Isla is a normal or Isla is a normal";
- ``constant``: the statement or one of its clauses is true in every world or in none,
  given the stated facts, e.g. "Omar is honest exactly when Omar is honest";
- ``uninformative``: every world (given the facts) allows the speaker to say it, or none
  does ("I am a knight" in a land of knights and knaves).

Both the generator (to reject a proposed claim) and the quality scan (to judge a published
spec) call :func:`claim_defect`; it reads pydantic nodes and the generator's light nodes
alike (the same attribute names).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .seating_claims import evaluate as seating_evaluate
from .worlds import Worlds

CLASSES = ("vacuous_count", "repeated", "constant", "uninformative")


class _Found(Exception):
    def __init__(self, why: str):
        self.why = why


COMPOUND = ("not", "and", "or", "implies", "iff")


def _atom_key(e: Any) -> tuple:
    k = e.kind
    if k == "is":
        return ("is", e.person)
    if k == "same":
        return ("same", min(e.a, e.b), max(e.a, e.b))
    if k == "seat":  # a seating clue (seating_claims): the same clue, said or denied
        c = e.clue
        return ("seat", c.model_copy(update={"neg": False}) if hasattr(c, "neg") else c)
    return ("count", e.role, tuple(sorted(e.people)))


def vacuous(e: Any) -> bool:
    """A count that no assignment of roles can make true, or none can make false."""
    m = len(set(e.people))
    if e.op == "at_least":
        return e.k == 0 or e.k > m
    if e.op == "at_most":
        return e.k >= m
    return e.k > m


def _table(leaf: Callable[[Any], int], base: int, e: Any, atoms: set) -> int:
    """Truth table of ``e`` restricted to ``base`` (``leaf`` gives an atom's table);
    raises :class:`_Found` at a defect."""
    k = e.kind
    if k not in COMPOUND:
        if k == "count" and vacuous(e):
            raise _Found("vacuous_count")
        key = _atom_key(e)
        if key in atoms:
            raise _Found("repeated")
        atoms.add(key)
        t = leaf(e) & base
    elif k == "not":
        t = base ^ _table(leaf, base, e.arg, atoms)
    else:
        parts = (
            [_table(leaf, base, a, atoms) for a in e.args]
            if k in ("and", "or")
            else [_table(leaf, base, e.a, atoms), _table(leaf, base, e.b, atoms)]
        )
        a, b = parts[0], parts[-1]
        if a == b or a ^ b == base:
            raise _Found("repeated")
        if k == "and":
            t = base
            for p in parts:
                t &= p
        elif k == "or":
            t = 0
            for p in parts:
                t |= p
        elif k == "implies":
            t = (base ^ a) | b
        else:
            t = base ^ a ^ b
    if t == 0 or t == base:
        raise _Found("constant")
    return t


def tree_defect(
    leaf: Callable[[Any], int], base: int, claim: Any, knight: int, knave: int
) -> str | None:
    """The defect class of a claim over worlds ``base``, said by a speaker who is a knight
    in worlds ``knight`` and a knave in worlds ``knave`` (both 0 for a stated fact; any
    other world lets them say anything), or None for a sound statement."""
    try:
        t = _table(leaf, base, claim, set())
    except _Found as found:
        return found.why
    if not knight | knave:
        return None
    said = ((knight & t) | (knave & (base ^ t)) | (base & ~(knight | knave))) & base
    return "uninformative" if said in (0, base) else None


def claim_defect(w: Worlds, base: int, speaker: int, claim: Any) -> str | None:
    """The defect class of ``speaker`` saying ``claim`` over worlds ``base`` (the worlds the
    stated facts allow; a speaker of -1 is a stated fact), or None for a sound statement."""
    if speaker < 0:
        return tree_defect(w.table, base, claim, 0, 0)
    return tree_defect(w.table, base, claim, w.role(speaker, "knight"), w.role(speaker, "knave"))


def base_of(w: Worlds, facts: list) -> int:
    """The worlds every stated fact allows."""
    m = w.full
    for f in facts:
        m &= w.table(f)
    return m


def spec_defects(spec: Any) -> list[tuple[int, str]]:
    """(statement index, class) for each degenerate statement of a classic spec; a fact is
    reported as index ``-1 - i`` (a fact that is constant on its own, or a vacuous count)."""
    w = Worlds(len(spec.people), tuple(spec.roles))
    out = []
    for i, f in enumerate(spec.facts):
        why = claim_defect(w, w.full, -1, f)
        if why:
            out.append((-1 - i, why))
    base = base_of(w, spec.facts)
    if base:
        for i, s in enumerate(spec.statements):
            why = claim_defect(w, base, s.speaker, s.claim)
            if why:
                out.append((i, why))
    return out


@lru_cache(maxsize=4)
def _seating_worlds(n: int) -> tuple[tuple[tuple[str, ...], tuple[int, ...]], ...]:
    """Every (roles, seats) world of a row of ``n`` knights and knaves."""
    return tuple(
        (roles, seats)
        for roles in itertools.product(("knight", "knave"), repeat=n)
        for seats in itertools.permutations(range(n))
    )


def seating_spec_defects(spec: Any) -> list[tuple[int, str]]:
    """(statement index, class) for each degenerate statement of a ``seating_claims`` spec,
    judged by plain evaluation over every world."""
    worlds = _seating_worlds(spec.n)
    full = (1 << len(worlds)) - 1

    def leaf(e: Any) -> int:
        return sum(
            1 << i for i, (r, s) in enumerate(worlds) if seating_evaluate(e, list(r), list(s))
        )

    out = []
    for i, st in enumerate(spec.statements):
        knight = sum(1 << j for j, (r, _) in enumerate(worlds) if r[st.speaker] == "knight")
        why = tree_defect(leaf, full, st.claim, knight, full ^ knight)
        if why:
            out.append((i, why))
    return out
