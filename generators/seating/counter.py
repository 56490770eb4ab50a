"""Worlds next to the hidden one, as counterexamples for the redundancy search.

A world is a value vector: entity ``e`` takes value ``2*seat + facing`` (the bits of the
propagation solver's domains). A world one swap away from the hidden one (two people's
places, not person 0's at a round table; one person's facing in a mixed variant; two
people's values of one category) is a world of every clue that it satisfies. Where it
breaks the goal, no subset of those clues forces the goal (propagation and case analysis
are sound), so the search can rule that subset out without propagating.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .deducer import Deducer, holds_at
from .sample import World


def near_worlds(world: World) -> Iterator[list[int]]:
    """The value vectors of the worlds one swap away from ``world``."""
    fr, n = world.fr, world.fr.n
    base = world.values
    ents = [
        [p] + [(c + 1) * n + own.index(p) for c, own in enumerate(world.owners)] for p in range(n)
    ]
    fixed = 1 if fr.layout == "circle" else 0  # person 0 stays in seat 0
    for p, q in itertools.combinations(range(fixed, n), 2):
        sp, sq = world.seats[p], world.seats[q]
        v = list(base)
        for who, s in ((p, sq), (q, sp)):
            u = 2 * s + (s >= n // 2 if fr.layout == "rows" else world.facing[who])
            for e in ents[who]:
                v[e] = u
        yield v
    if fr.mixed:
        for p in range(n):
            v = list(base)
            for e in ents[p]:
                v[e] ^= 1
            yield v
    for c in range(len(world.owners)):
        for x, y in itertools.combinations(range((c + 1) * n, (c + 2) * n), 2):
            v = list(base)
            v[x], v[y] = v[y], v[x]
            yield v


def counter_masks(ded: Deducer, world: World, goal_rels: list[tuple]) -> list[int]:
    """For each world one swap from ``world`` where the goal (its propagators
    ``goal_rels``) fails: the clues of ``ded`` it satisfies, as a bitmask."""
    return [
        ded.satisfied(v)
        for v in near_worlds(world)
        if not all(holds_at(es, rel, v) for es, rel in goal_rels)
    ]
