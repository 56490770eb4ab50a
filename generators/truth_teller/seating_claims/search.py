"""The exact search for ``seating_claims``: every world (2^n role vectors x n! seatings,
n <= 5) is a row of a numpy table, a claim is a boolean mask over the rows; the solution
set, the role assignments each statement rules out (the derivation) and the metrics."""

from __future__ import annotations

import itertools
import math
from functools import lru_cache
from typing import Any

import numpy as np

from generators.seating.logic import Frame, holds  # the seating family's clue semantics
from verifiers.truth_teller.seating_claims import ClaimStatement, SeatingClaimsSpec, SExpr

from ...family import Draft
from .levels import VARIANT


@lru_cache(maxsize=4)
def table(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, P): K[w, i] person i is a knight, P[w, i] the chair of person i, for every world."""
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int8)
    roles = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    K = np.repeat(roles, len(perms), axis=0)
    P = np.tile(perms, (len(roles), 1))
    return K, P


def truth_mask(e: SExpr, n: int) -> np.ndarray:
    """Where claim ``e`` holds, over every world of ``table(n)``."""
    K, P = table(n)
    k = e.kind
    if k == "is":
        return K[:, e.person] if e.role == "knight" else ~K[:, e.person]
    if k == "seat":
        fr = Frame(n, "line", False, True)
        return np.broadcast_to(holds(e.clue, lambda x: P[:, x], lambda x: True, fr), (len(P),))
    parts = [truth_mask(a, n) for a in e.args]
    out = parts[0].copy()
    for p in parts[1:]:
        out = out & p if k == "and" else out | p
    return out


def allowed(st: ClaimStatement, n: int) -> np.ndarray:
    """Worlds where the speaker's claim has the truth value their role demands."""
    K, _ = table(n)
    return K[:, st.speaker] == truth_mask(st.claim, n)


def world_index(n: int, roles: list[str], seats: list[int]) -> int:
    K, P = table(n)
    hit = (K == np.array([r == "knight" for r in roles])).all(1) & (P == np.array(seats)).all(1)
    return int(np.flatnonzero(hit)[0])


def answers(spec: SeatingClaimsSpec, sol: np.ndarray) -> set[tuple]:
    """The distinct answers (role vector, chair of the queried person) over worlds ``sol``."""
    K, P = table(spec.n)
    rows = np.flatnonzero(sol)
    q = spec.question.person
    return {(tuple(K[w]), int(P[w, q])) for w in rows}


def solutions(spec: SeatingClaimsSpec) -> np.ndarray:
    K, _ = table(spec.n)
    sol = np.ones(len(K), dtype=bool)
    for st in spec.statements:
        sol &= allowed(st, spec.n)
    return sol


def _n_atoms(e: SExpr) -> tuple[int, int]:
    """(seat atoms, role atoms) of a claim."""
    if e.kind == "seat":
        return 1, 0
    if e.kind == "is":
        return 0, 1
    parts = [_n_atoms(a) for a in e.args]
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def eliminations(spec: SeatingClaimsSpec) -> list[tuple[tuple, list[int]]]:
    """For each wrong role vector, a small set of statements that rules it out (a single
    statement when one suffices, else a pair, else all)."""
    n = spec.n
    K, _ = table(n)
    masks = [allowed(st, n) for st in spec.statements]
    sol = solutions(spec)
    right = {a[0] for a in answers(spec, sol)}
    out = []
    for bits in itertools.product((True, False), repeat=n):
        if bits in right:
            continue
        rows = (K == np.array(bits)).all(1)
        singles = [j for j, m in enumerate(masks) if not (m & rows).any()]
        if singles:
            out.append((bits, [singles[0]]))
            continue
        pair = next(
            (
                [i, j]
                for i, j in itertools.combinations(range(len(masks)), 2)
                if not (masks[i] & masks[j] & rows).any()
            ),
            None,
        )
        out.append((bits, pair or list(range(len(masks)))))
    return out


def metrics(spec: SeatingClaimsSpec) -> dict[str, Any]:
    el = eliminations(spec)
    atoms = [_n_atoms(s.claim) for s in spec.statements]
    n = spec.n
    return {
        "variant": VARIANT,
        "n_people": n,
        "n_statements": len(spec.statements),
        "n_facts": 0,
        "n_seat_atoms": sum(a[0] for a in atoms),
        "n_role_atoms": sum(a[1] for a in atoms),
        "max_depth": max((1 + (s.claim.kind in ("and", "or")) for s in spec.statements), default=0),
        "log2_search_space": round(n + math.log2(math.factorial(n)), 3),
        "case_splits": sum(len(ks) > 1 for _, ks in el),
        "deduction_depth": max((len(ks) for _, ks in el), default=0),
        "clues_per_person": round(len(spec.statements) / n, 3),
    }


def draft_of(spec: SeatingClaimsSpec) -> Draft:
    return Draft(spec, metrics(spec))
