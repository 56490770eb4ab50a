"""Augmentation: named spec -> spec (or render-level) transforms, each re-proven before use.

- ``rename``: new names (same template); ``reskin``: another template/persona (same names);
  both leave the canonical spec, and so the canonical hash, unchanged.
- ``reword``, ``reorder``, ``distract``, ``scale``, ``perturb``: spec-level, supplied by the
  family in ``Family.transforms`` (``perturb`` changes the answer on purpose; the new answer is
  proven unique like any other).

An augmented row records its transforms in ``augmentation`` and its parent in ``parent_id``,
and always lands in its parent's split.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from .family import Family

T = TypeVar("T")

TRANSFORM_NAMES = ("rename", "reskin", "reword", "reorder", "distract", "scale", "perturb")
RENDER_LEVEL = ("rename", "reskin")


def supported(family: Family) -> tuple[str, ...]:
    """Transforms a family supports."""
    spec_level = tuple(family.transforms)
    return (*RENDER_LEVEL, *[t for t in TRANSFORM_NAMES if t in spec_level])


def choose_chain(
    weights: dict[str, float], available: tuple[str, ...], k: int, rng: random.Random
) -> list[str]:
    """``k`` distinct transforms drawn by weight among those available (may be fewer)."""
    pool = {t: w for t, w in weights.items() if t in available and w > 0}
    chain: list[str] = []
    while pool and len(chain) < k:
        total = sum(pool.values())
        u = rng.random() * total
        for t, w in pool.items():  # noqa: B007  (t is the pick after the loop)
            u -= w
            if u <= 0:
                break
        chain.append(t)
        del pool[t]
    order = {t: i for i, t in enumerate(TRANSFORM_NAMES)}
    # Spec-level transforms first (in a fixed order), render-level last.
    return sorted(chain, key=lambda t: (t in RENDER_LEVEL, order[t]))


def reshuffled(items: Sequence[T], rng: random.Random, tries: int = 5) -> list[T] | None:
    """``items`` in another order (up to ``tries`` shuffles), or None: fewer than two
    items, or every shuffle gave back the same order."""
    out = list(items)
    if len(out) < 2:
        return None
    for _ in range(tries):
        rng.shuffle(out)
        if out != list(items):
            return out
    return None
