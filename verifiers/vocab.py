"""Controlled answer vocabulary: surface words and synonyms mapped to canonical values.

The words every family shares (counts, special outcomes, yes/no) are here; each family's own
words come from its :class:`verifiers.family.FamilyInfo`, added by :mod:`verifiers.registry`
when the family is registered (the built-in ones on its import), so that
scoring, rewards and lm-eval normalise answers the same way. Keys are lower-case surface forms.
"""

from __future__ import annotations

SYNONYMS: dict[str, str] = {
    "zero": "0",
    "nobody": "0",
    "no one": "0",
    "none": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    # special outcomes of deliberately unsolvable / under-determined items
    "no consistent solution": "no consistent solution",
    "no consistent assignment": "no consistent solution",
    "no consistent arrangement": "no consistent solution",
    "no solution": "no consistent solution",
    "no valid solution": "no consistent solution",
    "contradictory": "no consistent solution",
    "the statements are contradictory": "no consistent solution",
    "impossible": "no consistent solution",
    "cannot be determined": "cannot be determined",
    "can't be determined": "cannot be determined",
    "can not be determined": "cannot be determined",
    "undetermined": "cannot be determined",
    "not determined": "cannot be determined",
    "not enough information": "cannot be determined",
    "insufficient information": "cannot be determined",
    # yes / no
    "yes": "yes",
    "true": "yes",
    "no": "no",
    "false": "no",
}


# Bumped by every register(), so caches built from SYNONYMS (verifiers.answers) know to rebuild.
VERSION = [0]


def register(synonyms: dict[str, str]) -> None:
    """Add a family's synonyms (surface form -> canonical value)."""
    for k, v in synonyms.items():
        SYNONYMS[k.lower()] = v
    VERSION[0] += 1
