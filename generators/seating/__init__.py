"""Seating arrangements: rows, round tables, facing rows and orderings, with attributes.

The family, registered as :data:`FAMILY`. Its parts, lowest first:

- :mod:`.variants`: the variant table and the level rule;
- :mod:`.logic`: the clue semantics and exact tables of worlds; :mod:`.deducer`: the
  propagation solver; :mod:`.trace`: the written derivation (facts that cite their reason);
- :mod:`.sample`: the hidden world, its size, the question and clue proposals;
- :mod:`.search`: the exact search for a clue set and redundancy dropping;
- :mod:`.draft`: one attempt at a puzzle (sample, search, prove, metrics);
- :mod:`.render` (people) and :mod:`.objects` (things): question, options and solution text,
  dispatched by :mod:`.finalize`;
- :mod:`.augment`: spec-level transforms and mislabelled variants.
"""

from __future__ import annotations

from verifiers.seating import INFO
from verifiers.solver import seating as SOLVER

from ..family import Family
from .augment import TRANSFORMS, mislabel
from .draft import draft
from .finalize import finalize
from .variants import LEVELS_DOC, TABLE, level_of

FAMILY = Family(
    INFO, TABLE, SOLVER, draft, level_of, finalize, TRANSFORMS, mislabel, LEVELS_DOC,
    summary=__doc__.split("\n\n")[0],
    option_ids={"contexts": "seating/contexts.yaml"},
)  # fmt: skip
VARIANTS = FAMILY.variant_names  # the variant names, in the card's order
