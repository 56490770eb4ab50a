"""The seating variants (one table) and the level rule that the card states.

The level is the largest of: the level by size (people), the level by attribute
categories, and the level by case splits of the propagation solver. The generator also
makes every level-4 puzzle need a case split (see :func:`generators.seating.search.draft`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..family import Variant


@dataclass(frozen=True, kw_only=True)
class SeatingVariant(Variant):
    """A seating variant: its card line and its size rule."""

    sizes: tuple[int, int]  # the fewest and the most people
    level_sizes: tuple[int, int, int]  # the most people at levels 1, 2, 3 (level 4 above)
    attributes: bool = False  # whether it may carry attribute categories


TABLE: tuple[SeatingVariant, ...] = (
    SeatingVariant(
        "linear",
        "One row of seats, everyone facing the same way (north or south, stated).",
        sizes=(3, 12),
        level_sizes=(4, 6, 8),
        attributes=True,
    ),
    SeatingVariant(
        "linear_mixed",
        "One row where each person faces north or south; facing is hidden and can be asked.",
        sizes=(3, 9),
        level_sizes=(4, 5, 6),
    ),
    SeatingVariant(
        "circular",
        "A round table, everyone facing the centre or everyone facing outward.",
        sizes=(4, 12),
        level_sizes=(5, 6, 8),
        attributes=True,
    ),
    SeatingVariant(
        "circular_mixed",
        "A round table where some face the centre and some face outward.",
        sizes=(4, 9),
        level_sizes=(4, 5, 6),
    ),
    SeatingVariant(
        "parallel_rows",
        "Two rows facing each other; each person sits opposite someone.",
        sizes=(4, 12),
        level_sizes=(4, 6, 8),
        attributes=True,
    ),
    SeatingVariant(
        "ordering",
        "A ranking with no seats: a queue, finishing places, floors, a pile of books, ages "
        "(before/after, above/below, older/younger).",
        sizes=(3, 12),
        level_sizes=(4, 6, 8),
        attributes=True,
    ),
    SeatingVariant(
        "objects",
        "Things, not people, in one order: books on a shelf, birds on a branch, vehicles by "
        "age, fruits by price (left/right of, leftmost, second-newest, cheaper/more expensive).",
        sizes=(3, 7),
        level_sizes=(4, 5, 6),
    ),
)
BY_NAME = {v.name: v for v in TABLE}
ATTR_LEVEL = (1, 3, 4, 4)  # attribute categories 0, 1, 2, 3 -> at least this level
SPLIT_LEVELS = (1, 3, 8)  # case splits allowed at levels 1, 2, 3


def _levels_doc() -> str:
    rows = ["| variant | people L1 / L2 / L3 / L4 |", "|---|---|"]
    for v in TABLE:
        lo, hi = v.sizes
        b = (lo - 1, *v.level_sizes, hi)
        cells = (f"{x + 1}–{y}" if y > x + 1 else f"{y}" for x, y in zip(b, b[1:], strict=False))
        rows.append(f"| {v.name} | " + " / ".join(cells) + " |")
    return (
        "The level is the largest of the level by size (people, table below), the level by "
        f"attribute categories (1 category: at least L{ATTR_LEVEL[1]}, 2–3: L{ATTR_LEVEL[2]}) "
        "and the level by `case_splits`, the case splits of the written solution "
        f"(≤{SPLIT_LEVELS[0]} / ≤{SPLIT_LEVELS[1]} / ≤{SPLIT_LEVELS[2]} / "
        f">{SPLIT_LEVELS[2]}). A level-4 puzzle also needs at least one case split: the "
        "generator redraws one that propagation alone solves, so that the largest sizes are "
        "also the most interlocked; and no level-3 or level-4 answer follows from two of its "
        "clues. Parallel rows count even sizes only.\n\n" + "\n".join(rows)
    )


LEVELS_DOC = _levels_doc()


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from size, attributes and case splits (forced sizes keep their plan)."""
    if m.get("forced_size"):
        return m["target_level"]
    by_n = 1 + sum(m["n_people"] > t for t in BY_NAME[m["variant"]].level_sizes)
    by_a = ATTR_LEVEL[min(m["n_attributes"], 3)]
    by_s = 1 + sum(m["case_splits"] > t for t in SPLIT_LEVELS)
    return max(by_n, by_a, by_s)
