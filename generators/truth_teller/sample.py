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

from verifiers.truth_teller.degenerate import claim_defect
from verifiers.truth_teller.spec import (
    WHOLE_WORLD,
    Count,
    Expr,
    Is,
    Question,
    Same,
    Statement,
    TruthTellerSpec,
)
from verifiers.truth_teller.worlds import broken_once

from ..family import Draft
from .claims import Node, consistent_light, to_expr
from .levels import MAX_DEPTH, n_for_level
from .logic import Worlds
from .mix import draw
from .questions import wrong_counts
from .search import draft_of, drop_redundant


def max_silent(n: int) -> int:
    """At most a third of the people may make no statement."""
    return n // 3


def next_speaker(
    k: int, order: list[int], spoken: list[int], solved: bool, quiet: int, rng: random.Random
) -> int | None:
    """Who speaks at step ``k``: everyone once in ``order``, then a silent person (always,
    once the answer is forced) or anyone; None when the answer is forced and at most
    ``quiet`` people are silent."""
    silent = [p for p in order if not spoken[p]]
    if solved and len(silent) <= quiet:
        return None
    if k < len(order):
        return order[k]
    if silent and (solved or rng.random() < 0.5):
        return silent[0]
    return rng.randrange(len(order))


QUESTIONS = ("all", "one", "truthful", "liars", "count")  # the kinds options.questions weighs
DEFAULT_QUESTIONS = {"all": 0.6, "one": 0.4}


def question_kind(options: dict[str, Any], rng: random.Random, chain: bool = False) -> str:
    """The question asked of one puzzle, drawn by the weights ``options["questions"]``.

    A chain states its number of liars, so it is never asked how many tell the truth (its
    weight goes to the yes/no question, the chains' own one)."""
    move = ("count", "truthful") if chain else None
    return draw(options, "questions", QUESTIONS, DEFAULT_QUESTIONS, rng, move)


def _one_clue_decides(w: Worlds, base: int, allowed: list[int], person: int, truth) -> bool:
    """Whether the stated facts, or some single statement on its own, rule out a wrong role
    of ``person``: then that option falls to a one-clue check."""
    for r in w.roles:
        if r == truth[person]:
            continue
        mask = w.role(person, r)
        if not mask & base or any(not mask & a for a in allowed):
            return True
    return False


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    n = int(options["n"]) if options.get("n") else n_for_level(variant, level, rng)
    if variant == "liar_chain":
        return _draft_chain(n, rng, question_kind(options, rng, chain=True))
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
    qkind = question_kind(options, rng)
    if qkind == "liars" and "knave" not in truth:  # "who is lying?" presumes someone is
        truth[rng.choice([i for i, r in enumerate(truth) if r == "knight"] or [0])] = "knave"
    person = None if qkind in WHOLE_WORLD else rng.randrange(n)
    worlds = Worlds(n, tuple(roles))
    base = worlds.full
    for f in facts:
        base &= worlds.table(f)
    sol = base
    truth_bit = 1 << worlds.index(truth)

    def done(s: int) -> bool:
        if qkind in WHOLE_WORLD:
            return s == truth_bit
        return s & ~worlds.role(person, truth[person]) == 0

    max_d = MAX_DEPTH[level]
    order = list(range(n))
    rng.shuffle(order)
    found: list[tuple[int, Node]] = []  # (speaker, claim)
    allowed: list[int] = []
    spoken = [0] * n
    quiet = max_silent(n)
    budget = 8 * n + 16
    k = 0
    while budget > 0:
        solved = done(sol)
        speaker = next_speaker(k, order, spoken, solved, quiet, rng)
        if speaker is None:
            break
        budget -= 1
        k += 1
        if spoken[speaker] >= 2:
            continue
        claim = consistent_light(rng, rng.randint(1, max_d), n, speaker, truth, roles)
        if claim is None:
            continue
        a = worlds.allowed_claim(speaker, claim)  # type: ignore[arg-type]
        # Once the answer is forced, a silent person may still speak (a sound statement
        # that narrows nothing), so that at most a third of the people are silent.
        if sol & a == sol and not (solved and not spoken[speaker]):
            continue
        if claim_defect(worlds, base, speaker, claim):
            continue
        sol &= a
        found.append((speaker, claim))
        allowed.append(a)
        spoken[speaker] += 1
    if not done(sol):
        return None
    # Drop redundant statements, in a random order, keeping at most a third silent.
    keep = drop_redundant(allowed, base, done, rng, [sp for sp, _ in found], n, quiet)
    if len({found[j][0] for j in keep}) < n - quiet:
        return None
    kept_allowed = [allowed[j] for j in keep]
    if person is not None and _one_clue_decides(worlds, base, kept_allowed, person, truth):
        return None
    if qkind in ("all", "liars") and broken_once(base, kept_allowed).bit_count() < 2:
        return None  # too few near misses for the wrong options
    if (
        qkind == "count"
        and len(wrong_counts(worlds, base, kept_allowed, truth.count("knight"))) < 2
    ):
        return None  # too few wrong numbers that no single statement rules out
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


def _draft_chain(n: int, rng: random.Random, qkind: str) -> Draft | None:
    """A web of lies anchored by the number of liars: each person speaks about one earlier
    person ("B lies") or, branching, about two ("A and B are of the same kind")."""
    truth = [rng.choice(("knight", "knave")) for _ in range(n)]
    liars = truth.count("knave")
    if liars in (0, n):
        return None
    facts: list[Expr] = [Count(op="exactly", k=liars, role="knave", people=tuple(range(n)))]
    statements = []
    for i in range(1, n):
        honest = truth[i] == "knight"
        if i >= 2 and rng.random() < 0.3:
            a, b = sorted(rng.sample(range(i), 2))
            same = (truth[a] == truth[b]) == honest
            statements.append(Statement(speaker=i, claim=Same(a=a, b=b, same=same)))
            continue
        j = i - 1 if rng.random() < 0.6 else rng.randrange(max(0, i - 3), i)
        said = truth[j] if honest else ("knave" if truth[j] == "knight" else "knight")
        statements.append(Statement(speaker=i, claim=Is(person=j, role=said)))
    spec = TruthTellerSpec(
        variant="liar_chain",
        people=[f"P{i}" for i in range(n)],
        roles=["knight", "knave"],
        statements=statements,
        facts=facts,
        question=Question(kind=qkind, person=None if qkind in WHOLE_WORLD else n - 1),
        truth=truth,
    )
    w = Worlds(n, ("knight", "knave"))
    if w.solutions(spec) != 1 << w.index(truth):
        return None
    base = w.table(facts[0])
    if (
        qkind in ("all", "liars")
        and broken_once(base, [w.allowed(s) for s in statements]).bit_count() < 2
    ):
        return None  # too few near misses for the wrong options
    if any(claim_defect(w, w.table(facts[0]), s.speaker, s.claim) for s in statements):
        return None
    return draft_of(spec)
