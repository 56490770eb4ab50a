"""``seating_claims`` sizes and level thresholds, and the card's text about them."""

from __future__ import annotations

from typing import Any

VARIANT = "seating_claims"
DOC = (
    "Knights and knaves in a row of chairs make claims about where they sit ('I sit next to "
    "B'); who is what, and where does one of them sit?"
)
N_BY_LEVEL = {1: 3, 2: 4, 3: 5, 4: 5}
N_RANGE = (3, 5)
# Level: by size (3 / 4 / 5 people -> L1 / L2 / L3); five people with more than
# HARD_SPLITS `case_splits` (suppositions of the propagation solver, see .deduce)
# are L4.
HARD_SPLITS = 6
LEVELS_ROW = (
    "L1: 3 people; L2: 4; L3: 5 with at most "
    f"{HARD_SPLITS} case splits; L4: 5 with more than {HARD_SPLITS}."
)
ROLES = ("knight", "knave")


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from size, and case splits at five people."""
    by_n = 1 + sum(m["n_people"] > t for t in (3, 4))
    return 4 if by_n == 3 and m["case_splits"] > HARD_SPLITS else by_n
