"""Controlled answer vocabulary: surface words and synonyms mapped to canonical values.

Each family registers its synonyms here, in one place, so that scoring, rewards and
lm-eval normalise answers the same way. Keys are lower-case surface forms.
"""

from __future__ import annotations

SYNONYMS: dict[str, str] = {
    # truth-tellers and liars: canonical roles are knight / knave / normal
    "knight": "knight",
    "knights": "knight",
    "truth-teller": "knight",
    "truth teller": "knight",
    "truthteller": "knight",
    "truth-tellers": "knight",
    "honest": "knight",
    "honest witness": "knight",
    "tells the truth": "knight",
    "knave": "knave",
    "knaves": "knave",
    "liar": "knave",
    "liars": "knave",
    "dishonest": "knave",
    "dishonest witness": "knave",
    "lies": "knave",
    "normal": "normal",
    "normals": "normal",
    "normal person": "normal",
    # seating: facing directions (canonical north / south / centre / outward) and counts
    "north": "north",
    "facing north": "north",
    "faces north": "north",
    "south": "south",
    "facing south": "south",
    "faces south": "south",
    "centre": "centre",
    "center": "centre",
    "the center": "centre",
    "the centre": "centre",
    "inward": "centre",
    "inwards": "centre",
    "facing the centre": "centre",
    "facing the center": "centre",
    "towards the centre": "centre",
    "toward the center": "centre",
    "outward": "outward",
    "outwards": "outward",
    "facing outward": "outward",
    "facing outwards": "outward",
    "away from the centre": "outward",
    "away from the center": "outward",
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


def _register_families() -> None:
    """Families whose vocabulary lives in its own module register it here, at import."""
    from .relations import synonyms as relation_synonyms

    register(relation_synonyms())


_register_families()
