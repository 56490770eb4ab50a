"""The planned mix: the target variant x level mix, with small cells asked for no more
items than they hold distinct puzzles.

Some cells hold few distinct puzzles by canonical hash (a one-hop chain, a one-operator
code, a level-1 liar chain): drawn at their target weight in a large build they run dry,
and most of their items are duplicates that assembly drops (a draft's work spent for
nothing). :data:`CAPACITY` holds each such cell's estimated number of distinct puzzles
(measured by :func:`measure`, from draft-only samples under the default config's options);
:func:`planned_mix` caps a cell at ``SHARE`` times that many items and gives the surplus to
the family's other cells in proportion to their weights. The mix depends on the config
only (the family's count included), so item i stays a pure function of (config, seed, i).

Regenerate the table after a family changes what its drafts can be:
``PYTHONPATH=$PWD python -m generators.composition`` prints it.
"""

from __future__ import annotations

import math
import random
import sys

from .config import FamilyConfig, SuiteConfig, load_config

# Items a capped cell is asked for, per distinct puzzle it holds: drawing q items from N
# equally likely puzzles repeats 1 - N(1 - e^(-q/N))/q of them, 37% at q = N, and finds
# 63% of the N. At most N: a build that asks no more keeps the configured mix exactly (the
# default build does), a larger one stops drawing a small cell dry (at q = 10N, 90%
# of its items would be repeats).
SHARE = 1.0
DRAWS = 300  # draft-only samples per cell for :func:`measure`

# family -> (variant, level) -> estimated distinct puzzles; cells not listed: no cap
# (every sample distinct). Printed by `python -m generators.composition`.
CAPACITY: dict[str, dict[tuple[str, int], int]] = {
    "truth_teller": {
        ("knights_knaves", 1): 547,
        ("liar_chain", 1): 165,
        ("liar_chain", 2): 3350,
        ("knights_knaves_normals", 1): 44751,
    },
    "blood_relations": {
        ("chain", 1): 52,
        ("chain", 2): 1020,
        ("chain", 3): 2538,
        ("coded", 1): 54,
        ("coded", 2): 176,
        ("coded", 3): 645,
        ("coded", 4): 2392,
        ("photo", 1): 68,
        ("photo", 2): 65,
        ("photo", 3): 69,
        ("photo", 4): 136,
    },
    "seating": {
        ("linear_mixed", 1): 8871,
        ("linear_mixed", 2): 44751,
        ("circular_mixed", 1): 22326,
        ("circular_mixed", 2): 44751,
        ("parallel_rows", 1): 6308,
        ("ordering", 1): 11113,
        ("objects", 1): 3350,
    },
}

Cell = tuple[str, int]


def _cap(family: str, cell: Cell, count: int) -> float | None:
    """The largest share of ``count`` items that ``cell`` is asked for, or None (no cap)."""
    n = CAPACITY.get(family, {}).get(cell)
    return None if n is None else max(1.0, SHARE * n) / count


def planned_mix(fc: FamilyConfig, family: str) -> dict[Cell, float]:
    """``fc.mix()`` with every listed cell capped (see the module docstring); the shares sum
    to 1 and keep the target's order. With every cell capped, the target itself."""
    target = fc.mix()
    if fc.count <= 0:
        return target  # an open-ended stream (count 0): no fixed number of items to cap
    fixed: dict[Cell, float] = {}
    while True:
        free = [c for c in target if c not in fixed]
        if not free:
            return target  # too small a family to avoid repeats: keep the target mix
        scale = (1.0 - sum(fixed.values())) / sum(target[c] for c in free)
        over = {}
        for c in free:
            cap = _cap(family, c, fc.count)
            if cap is not None and target[c] * scale > cap:
                over[c] = cap
        if not over:
            if not fixed:
                return target  # nothing capped: the target's very floats
            return {c: fixed[c] if c in fixed else target[c] * scale for c in target}
        fixed.update(over)


def mix_of(cfg: SuiteConfig, family: str) -> dict[Cell, float]:
    """The planned mix of ``family`` under ``cfg`` (tens of microseconds: not cached)."""
    return planned_mix(cfg.families[family], family)


def capped(cfg: SuiteConfig, family: str) -> dict[Cell, tuple[float, float]]:
    """The cells whose planned share is below their target: cell -> (target, planned)."""
    target, plan = cfg.families[family].mix(), mix_of(cfg, family)
    return {c: (t, plan[c]) for c, t in target.items() if plan[c] < t - 1e-12}


def estimate(draws: int, distinct: int) -> int | None:
    """The N for which ``draws`` uniform draws from N puzzles are expected to give
    ``distinct`` different ones; None when every draw was distinct (no evidence of a cap)."""
    if distinct >= draws:
        return None
    lo, hi = distinct, 10**9
    while lo < hi:
        mid = (lo + hi) // 2
        if mid * -math.expm1(draws * math.log1p(-1 / mid)) < distinct:
            lo = mid + 1
        else:
            hi = mid
    return lo


def measure(family: str, cell: Cell, options: dict, draws: int = DRAWS) -> int | None:
    """Estimate ``cell``'s distinct puzzles from ``draws`` seeded draft-only samples."""
    from . import registry

    fam = registry.get(family)
    variant, level = cell
    seen: set[str] = set()
    got = 0
    for k in range(draws):
        rng = random.Random(f"capacity:{family}:{variant}:{level}:{k}")
        for _ in range(40):
            d = fam.draft(variant, level, rng, options)
            if d is not None and fam.level_of(d.metrics) == level:
                seen.add(d.spec.canonical_hash())
                got += 1
                break
    return estimate(got, len(seen))


def main(argv: list[str]) -> int:
    """Print :data:`CAPACITY` measured under the default config's options."""
    cfg = load_config("default")
    families = argv or list(cfg.families)
    print("CAPACITY: dict[str, dict[tuple[str, int], int]] = {")
    for family in families:
        fc = cfg.families[family]
        cells = {c: measure(family, c, fc.options) for c in fc.mix()}
        print(f'    "{family}": {{')
        for c, n in cells.items():
            if n is not None:
                print(f'        ("{c[0]}", {c[1]}): {n},')
        print("    },")
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
