"""Sampling for ``seating_claims``: a hidden world (a role and a chair per person), then
claims the speaker can make in it (a knight's claim true, a knave's false), kept while they
narrow the worlds, until the answer is forced; then redundant statements are dropped."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from verifiers.seating.spec import At, Gap, Next, Order, Side
from verifiers.truth_teller.seating_claims import (
    And,
    ClaimStatement,
    Or,
    Seat,
    SeatingClaimsSpec,
    SeatQuestion,
    SExpr,
)
from verifiers.truth_teller.spec import Is

from ...family import Draft
from ..sample import max_silent, next_speaker
from .levels import N_BY_LEVEL, N_RANGE, ROLES, level_of
from .search import allowed, claim_defect, draft_of, n_answers, table, world_index

TRIES = 3  # orders of dropping redundant statements tried per draft


def _atom(rng: random.Random, n: int, speaker: int) -> SExpr:
    others = [p for p in range(n) if p != speaker]
    a = speaker if rng.random() < 0.7 else rng.choice(others)
    b = rng.choice([p for p in range(n) if p != a])
    u = rng.random()
    if u < 0.15:
        return Is(person=rng.choice(others), role=rng.choice(ROLES))
    if u < 0.3:
        return Seat(clue=At(a=a, where="seat", seat=rng.randrange(n), neg=rng.random() < 0.3))
    if u < 0.4:
        return Seat(clue=At(a=a, where="end", neg=rng.random() < 0.4))
    if u < 0.6:
        return Seat(clue=Next(a=a, b=b, neg=rng.random() < 0.35))
    if u < 0.75:
        side = rng.choice(("left", "right"))
        return Seat(clue=Side(a=a, b=b, k=1, side=side, neg=rng.random() < 0.2))
    if u < 0.88:
        return Seat(clue=Order(a=a, b=b))
    return Seat(clue=Gap(a=a, b=b, k=rng.randint(1, max(1, n - 2))))


def random_claim(rng: random.Random, n: int, speaker: int, compound: float) -> SExpr:
    """A random claim by ``speaker``: an atom, or with chance ``compound`` two joined."""
    a = _atom(rng, n, speaker)
    if rng.random() >= compound:
        return a
    b = _atom(rng, n, speaker)
    if a == b:
        return a
    return (And if rng.random() < 0.5 else Or)(args=(a, b))


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a seating_claims puzzle aimed at ``level``; None if it failed.

    ``variant`` is always ``seating_claims``: the signature is the family's ``draft``.
    """
    n = int(options["n"]) if options.get("n") else N_BY_LEVEL[level]
    n = max(N_RANGE[0], min(N_RANGE[1], n))
    truth = [rng.choice(ROLES) for _ in range(n)]
    seats = list(range(n))
    rng.shuffle(seats)
    q = rng.randrange(n)
    K, P = table(n)
    w0 = world_index(n, truth, seats)
    compound = {1: 0.0, 2: 0.2, 3: 0.2, 4: 0.45}[level]
    base = SeatingClaimsSpec(
        people=[f"P{i}" for i in range(n)],
        statements=[],
        question=SeatQuestion(person=q),
        truth=truth,
        seats=seats,
    )
    sol = np.ones(len(K), dtype=bool)
    found: list[ClaimStatement] = []
    masks: list[np.ndarray] = []
    order = list(range(n))
    rng.shuffle(order)
    spoken = [0] * n
    quiet = max_silent(n)

    def done(s: np.ndarray) -> bool:
        return n_answers(n, q, s) == 1

    for step in range(24 * n + 30):
        solved = done(sol)
        speaker = next_speaker(step, order, spoken, solved, quiet, rng)
        if speaker is None:
            break
        if spoken[speaker] >= 3:
            continue
        claim = random_claim(rng, n, speaker, compound)
        st = ClaimStatement(speaker=speaker, claim=claim)
        a = allowed(st, n)
        if not a[w0]:
            continue
        # Once the answer is forced, a silent person may still make a sound statement.
        if (sol & a).sum() == sol.sum() and not (solved and not spoken[speaker]):
            continue
        if claim_defect(st, n):
            continue
        sol &= a
        found.append(st)
        masks.append(a)
        spoken[speaker] += 1
    if not done(sol):
        return None
    # Redundant statements dropped in a random order; another order gives another puzzle,
    # so a few orders are tried until one measures at the level aimed at.
    rank = {p: r for r, p in enumerate(order)}
    out = None
    for _ in range(TRIES):
        kept = _drop_redundant(found, masks, done, n, quiet, rng)
        if kept is None:
            continue
        kept.sort(key=lambda st: rank[st.speaker])
        out = draft_of(base.model_copy(update={"statements": kept}))
        if out is not None and level_of(out.metrics) == level:
            break
    return out


def _drop_redundant(found, masks, done, n: int, quiet: int, rng) -> list | None:
    """The statements kept after dropping, in a random order, each whose removal leaves the
    answer forced (a speaker's last statement stays while ``quiet`` people are silent)."""
    keep = list(range(len(found)))
    idx = keep[:]
    rng.shuffle(idx)
    said = [0] * n
    for st in found:
        said[st.speaker] += 1
    for i in idx:
        sp = found[i].speaker
        if said[sp] == 1 and said.count(0) >= quiet:
            continue
        rest = [j for j in keep if j != i]
        s = np.ones(len(masks[0]), dtype=bool)
        for j in rest:
            s &= masks[j]
        if done(s):
            keep = rest
            said[sp] -= 1
    if said.count(0) > quiet:
        return None
    return [found[j] for j in keep]
