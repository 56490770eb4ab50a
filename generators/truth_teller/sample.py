"""Sampling for the classic variants: a hidden world, then clues proposed until the answer
is forced.

Method: sample a hidden world, propose statements that are consistent with it, keep each
one that narrows the set of possible worlds (exact bitmask enumeration, see
:mod:`.logic`) until the answer is unique, then drop statements that are redundant
(:func:`.search.drop_redundant`). Z3 proves the final puzzle in the pipeline.
"""

from __future__ import annotations

import random
from typing import Any

from verifiers.truth_teller.spec import Count, Expr, Is, Question, Statement, TruthTellerSpec

from ..family import Draft
from .claims import Node, consistent_light, to_expr
from .levels import MAX_DEPTH, n_for_level
from .logic import Worlds
from .search import draft_of, drop_redundant


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    n = int(options["n"]) if options.get("n") else n_for_level(variant, level, rng)
    qmix = options.get("questions") or {"all": 0.6, "one": 0.4}
    if variant == "liar_chain":
        return _draft_chain(n, rng)
    roles = (
        ["knight", "knave", "normal"]
        if variant == "knights_knaves_normals"
        else ["knight", "knave"]
    )
    truth = [rng.choice(roles) for _ in range(n)]
    facts: list[Expr] = []
    if variant == "knights_knaves_normals":
        if "normal" not in truth:
            truth[rng.randrange(n)] = "normal"
        facts.append(
            Count(op="exactly", k=truth.count("normal"), role="normal", people=tuple(range(n)))
        )
    qkind = "all" if rng.random() < qmix.get("all", 0.0) / max(sum(qmix.values()), 1e-9) else "one"
    person = rng.randrange(n) if qkind == "one" else None
    worlds = Worlds(n, tuple(roles))
    base = worlds.full
    for f in facts:
        base &= worlds.table(f)
    sol = base
    truth_bit = 1 << worlds.index(truth)

    def done(s: int) -> bool:
        if qkind == "all":
            return s == truth_bit
        return s & ~worlds.role(person, truth[person]) == 0

    max_d = MAX_DEPTH[level]
    order = list(range(n))
    rng.shuffle(order)
    found: list[tuple[int, Node]] = []  # (speaker, claim)
    allowed: list[int] = []
    spoken = [0] * n
    budget = 6 * n + 12
    k = 0
    while not done(sol) and budget > 0:
        budget -= 1
        speaker = order[k % n] if k < n else rng.randrange(n)
        k += 1
        if spoken[speaker] >= 2:
            continue
        claim = consistent_light(rng, rng.randint(1, max_d), n, speaker, truth, roles)
        if claim is None:
            continue
        a = worlds.allowed_claim(speaker, claim)  # type: ignore[arg-type]
        if sol & a == sol:
            continue
        sol &= a
        found.append((speaker, claim))
        allowed.append(a)
        spoken[speaker] += 1
    if not done(sol):
        return None
    # Drop redundant statements, in a random order.
    keep = drop_redundant(allowed, base, done, rng)
    rank = {p: i for i, p in enumerate(order)}
    kept = sorted((found[j] for j in keep), key=lambda sc: rank[sc[0]])
    statements = [Statement(speaker=sp, claim=to_expr(c)) for sp, c in kept]
    spec = TruthTellerSpec(
        variant=variant,
        people=[f"P{i}" for i in range(n)],
        roles=roles,
        statements=statements,
        facts=facts,
        question=Question(kind=qkind, person=person),
        truth=truth,
    )
    return draft_of(spec)


def _draft_chain(n: int, rng: random.Random) -> Draft | None:
    truth = [rng.choice(("knight", "knave")) for _ in range(n)]
    facts: list[Expr] = [Is(person=0, role=truth[0])]
    statements = []
    for i in range(1, n):
        said = (
            truth[i - 1]
            if truth[i] == "knight"
            else ("knave" if truth[i - 1] == "knight" else "knight")
        )
        statements.append(Statement(speaker=i, claim=Is(person=i - 1, role=said)))
    spec = TruthTellerSpec(
        variant="liar_chain",
        people=[f"P{i}" for i in range(n)],
        roles=["knight", "knave"],
        statements=statements,
        facts=facts,
        question=Question(kind="truthful", person=n - 1),
        truth=truth,
    )
    return draft_of(spec)
