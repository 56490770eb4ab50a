"""The classic variants (knights_knaves, liar_chain, knights_knaves_normals): their sizes,
the level thresholds that :func:`level_of` applies, and the card's text about both."""

from __future__ import annotations

import random
from typing import Any

VARIANTS = ("knights_knaves", "liar_chain", "knights_knaves_normals")

# Level thresholds (documented in the dataset card). The level is the larger of the
# level by size and the level by case splits of the propagation solver.
N_LEVELS = {  # variant -> upper bound of n for levels 1, 2, 3 (level 4 above)
    "knights_knaves": (3, 5, 8),
    "liar_chain": (4, 6, 9),
    "knights_knaves_normals": (3, 4, 6),
}
SPLIT_LEVELS = {  # variant -> case splits allowed at levels 1, 2, 3
    "knights_knaves": (1, 3, 6),
    "liar_chain": (1, 3, 6),
    "knights_knaves_normals": (2, 5, 10),
}
N_RANGE = {"knights_knaves": (2, 16), "liar_chain": (3, 14), "knights_knaves_normals": (3, 8)}
MAX_DEPTH = {1: 1, 2: 2, 3: 2, 4: 3}  # level -> deepest nesting of a sampled claim

VARIANT_DOCS = {  # for the dataset card (see generators.family)
    "knights_knaves": "Truth-tellers (knights) and liars (knaves) make statements about each "
    "other, counts and nested claims; who is what?",
    "liar_chain": "A web of lies: each person says whether an earlier one lies, or whether "
    "two earlier ones are of the same kind; the stated number of liars anchors the web; is "
    "the last person truthful, who is lying, or what is everyone?",
    "knights_knaves_normals": "Knights, knaves and normals (who may say anything), with the "
    "number of normals given.",
}


def _levels_doc() -> str:
    rows = [
        "| variant | people L1 / L2 / L3 / L4 | case splits L1 / L2 / L3 / L4 |",
        "|---|---|---|",
    ]
    for v in VARIANTS:
        ns, ss = N_LEVELS[v], SPLIT_LEVELS[v]
        lo, hi = N_RANGE[v]
        bounds = (lo - 1, *ns, hi)
        people = " / ".join(
            f"{a + 1}–{b}" if b > a + 1 else f"{b}"
            for a, b in zip(bounds, bounds[1:], strict=False)
        )
        splits = f"≤{ss[0]} / ≤{ss[1]} / ≤{ss[2]} / >{ss[2]}"
        rows.append(f"| {v} | {people} | {splits} |")
    return (
        "The level is the larger of the level by size (`n_people`) and the level by "
        "`case_splits`, the number of case splits the propagation solver needs before every "
        "asked role is forced.\n\n" + "\n".join(rows)
    )


LEVELS_DOC = _levels_doc()


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from size and case splits."""
    ns = N_LEVELS[m["variant"]]
    by_n = 1 + sum(m["n_people"] > t for t in ns)
    by_s = 1 + sum(m["case_splits"] > t for t in SPLIT_LEVELS[m["variant"]])
    return max(by_n, by_s)


def level_for_n(variant: str, n: int) -> int:
    """The smallest level a puzzle of ``n`` people can have."""
    return 1 + sum(n > t for t in N_LEVELS[variant])


def n_for_level(variant: str, level: int, rng: random.Random) -> int:
    """A number of people drawn from the sizes of ``level``."""
    lo, hi = N_RANGE[variant]
    bounds = (lo - 1, *N_LEVELS[variant], hi)
    return rng.randint(max(lo, bounds[level - 1] + 1), min(hi, bounds[level]))
