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
    # yes / no
    "yes": "yes",
    "true": "yes",
    "no": "no",
    "false": "no",
}


def register(synonyms: dict[str, str]) -> None:
    """Add a family's synonyms (surface form -> canonical value)."""
    for k, v in synonyms.items():
        SYNONYMS[k.lower()] = v
