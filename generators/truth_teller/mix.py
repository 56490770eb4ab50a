"""Weighted choices that users set in the family's options (``questions``, ``layouts``)."""

from __future__ import annotations

import random
from typing import Any


def draw(
    options: dict[str, Any],
    key: str,
    kinds: tuple[str, ...],
    default: dict[str, float],
    rng: random.Random,
    move: tuple[str, str] | None = None,
) -> str:
    """One of ``kinds`` drawn by the weights ``options[key]`` (else ``default``); ``move``
    (from, to) gives the weight of a kind this puzzle cannot take to another kind."""
    mix = dict(options.get(key) or default)
    bad = sorted(set(mix) - set(kinds))
    if bad or any(not isinstance(v, int | float) or v < 0 for v in mix.values()):
        raise ValueError(
            f"options.{key}: {bad[0] if bad else mix!r} is not a weight of this option; use "
            f"non-negative weights for {', '.join(kinds)}"
        )
    if move:
        mix[move[1]] = mix.get(move[1], 0.0) + mix.pop(move[0], 0.0)
    names = [k for k in kinds if mix.get(k, 0) > 0] or [next(iter(default))]
    return rng.choices(names, [mix.get(k, 1.0) for k in names])[0]
