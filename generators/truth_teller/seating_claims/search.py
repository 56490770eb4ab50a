"""The exact search for ``seating_claims``: every world (2^n role vectors x n! seatings,
n <= 5) is a row of a numpy table, a claim is a boolean mask over the rows; the solution
set, the degenerate-statement check, and the derivation (:mod:`.deduce`) with its metrics."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from generators.seating.logic import Frame, holds  # the seating family's clue semantics
from verifiers.truth_teller.degenerate import tree_defect
from verifiers.truth_teller.seating_claims import ClaimStatement, SeatingClaimsSpec, SExpr

from ...family import Draft
from ..logic import Step, TooLong
from ..search import MAX_TRACE_STEPS
from .deduce import SeatDeducer
from .levels import VARIANT


@lru_cache(maxsize=4)
def table(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, P): K[w, i] person i is a knight, P[w, i] the chair of person i, for every world."""
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int8)
    roles = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    K = np.repeat(roles, len(perms), axis=0)
    P = np.tile(perms, (len(roles), 1))
    return K, P


@lru_cache(maxsize=4096)
def _leaf_mask(e: SExpr, n: int) -> np.ndarray:
    """Where atom ``e`` holds (a read-only array, cached: drafts propose the same atoms)."""
    K, P = table(n)
    if e.kind == "is":
        out = K[:, e.person] if e.role == "knight" else ~K[:, e.person]
    else:
        fr = Frame(n, "line", False, True)
        out = np.broadcast_to(holds(e.clue, lambda x: P[:, x], lambda x: True, fr), (len(P),))
    out = np.array(out, dtype=bool)
    out.flags.writeable = False
    return out


def truth_mask(e: SExpr, n: int) -> np.ndarray:
    """Where claim ``e`` holds, over every world of ``table(n)``."""
    if e.kind in ("is", "seat"):
        return _leaf_mask(e, n)
    k = e.kind
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


@lru_cache(maxsize=32)
def _answer_codes(n: int, q: int) -> np.ndarray:
    """Per world, its answer as one number: role vector (bit i: person i a knight) * n
    plus the chair of person ``q``."""
    K, P = table(n)
    roles = (K.astype(np.int64) << np.arange(n)).sum(1)
    out = roles * n + P[:, q]
    out.flags.writeable = False
    return out


def n_answers(n: int, q: int, sol: np.ndarray) -> int:
    """How many distinct answers the worlds ``sol`` give: 0, 1 (forced) or 2 (two or more)."""
    codes = _answer_codes(n, q)[sol]
    return 0 if not len(codes) else (1 if (codes == codes[0]).all() else 2)


def answers(spec: SeatingClaimsSpec, sol: np.ndarray) -> set[tuple]:
    """The distinct answers (role vector, chair of the queried person) over worlds ``sol``."""
    n = spec.n
    out = set()
    for code in np.unique(_answer_codes(n, spec.question.person)[sol]).tolist():
        roles, chair = divmod(code, n)
        out.add((tuple(bool(roles >> i & 1) for i in range(n)), chair))
    return out


def near_answers(spec: SeatingClaimsSpec, rng: random.Random, k: int) -> list[tuple]:
    """Up to ``k`` wrong answers (role vector, chair) for the MCQ options: first those that
    every single statement allows on its own (no one-clue check removes them); where
    there are fewer than two of those, the ones that break the fewest statements."""
    n, q = spec.n, spec.question.person
    codes = _answer_codes(n, q)
    right = int(_answer_codes(n, q)[world_index(n, spec.truth, spec.seats)])
    broken = np.zeros(2**n * n, dtype=np.int64)
    for st in spec.statements:
        ok = np.zeros(2**n * n, dtype=bool)
        ok[np.unique(codes[allowed(st, n)])] = True
        broken += ~ok
    broken[right] = 1 << 30
    order = sorted(range(len(broken)), key=lambda c: (broken[c], rng.random()))
    # Among equally good ones, distinct role vectors first, so that no option stands out
    # by its roles alone.
    # Fewer options rather than ones a single statement removes, but at least two wrong.
    k = min(k, max(2, int((broken == 0).sum())))
    picked: list[int] = []
    for _ in range(k):
        used = {c // n for c in picked}
        rest = [c for c in order if c not in picked]
        if not rest:
            break
        picked.append(min(rest, key=lambda c: (broken[c], c // n in used)))
    out = []
    for code in picked:
        roles, chair = divmod(code, n)
        out.append((tuple(bool(roles >> i & 1) for i in range(n)), chair))
    return out


def as_int(mask: np.ndarray) -> int:
    """A boolean mask over the worlds as a Python integer (bit w: world w)."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def claim_defect(st: ClaimStatement, n: int) -> str | None:
    """The degenerate-statement class of ``st`` (see :mod:`verifiers.truth_teller.degenerate`),
    or None for a sound statement."""
    K, _ = table(n)
    full = (1 << len(K)) - 1
    knight = as_int(K[:, st.speaker])
    return tree_defect(lambda e: as_int(truth_mask(e, n)), full, st.claim, knight, full ^ knight)


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


@dataclass(frozen=True)
class SeatDerivation:
    """The solver's derivation of ``spec`` (a draft's trace): steps and final domains."""

    spec: SeatingClaimsSpec
    steps: list[Step]
    domains: list[int]


def derive(spec: SeatingClaimsSpec, max_steps: int = 0) -> tuple[SeatDeducer, list[int]]:
    """Run the propagation solver on ``spec`` (raises TooLong past ``max_steps``)."""
    ded = SeatDeducer(spec, max_steps=max_steps)
    return ded, ded.solve(log=True)


def metrics(spec: SeatingClaimsSpec, ded: SeatDeducer) -> dict[str, Any]:
    """Size metrics, and the case splits and nesting of the solver that derived ``spec``."""
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
        "case_splits": ded.splits,
        "deduction_depth": ded.max_nesting,
        "clues_per_person": round(len(spec.statements) / n, 3),
    }


def draft_of(spec: SeatingClaimsSpec) -> Draft | None:
    """The draft of ``spec`` with its metrics and derivation; None past MAX_TRACE_STEPS."""
    try:
        ded, dom = derive(spec, MAX_TRACE_STEPS)
    except TooLong:
        return None
    return Draft(spec, metrics(spec, ded), trace=SeatDerivation(spec, ded.steps, dom))
