"""Blood relations: relation chains, coded relations, photograph riddles and family puzzles.

Method: sample a hidden family tree (:mod:`.world`), walk a path of relations through it,
and state each hop as a fact. The generator's own reasoning is a composition table derived
once with Z3 (:mod:`.tablegen` writes :mod:`.tables`): "A is t1 of B" and "B is t2 of C"
force "A is t3 of C" (:mod:`.terms`). Composing hop by hop from the end of the path gives
the answer and the step-by-step solution ("B is C's sister, so B is D's aunt"); a path whose
composition is not forced at some step is abandoned, and so is one whose true relation is
outside the vocabulary or not the only relation between the pair. Sex is always stated, by
a gendered word, a "man"/"woman" fact, or a marriage ("X is Y's husband"); names fit it (a
neutral name where it is never stated; option ``names: mismatched`` draws names regardless
of sex). Every question states the world rules the answers rely on. Distractors are of the
asked person's sex, come from the table of relations that can never hold together with the
answer (so each is refuted), and survive each single clue where enough do
(:mod:`.distractors`). Z3 then proves every emitted puzzle in the pipeline.

Modules: sampling and search per variant (:mod:`.chain` for ``chain`` and ``coded``,
:mod:`.coded`, :mod:`.photo`, :mod:`.family_puzzle`; :mod:`.derive` composes stated facts),
difficulty (:mod:`.levels`), rendering (:mod:`.render`, :mod:`.solution`, :mod:`.text`),
augmentation (:mod:`.augment`, :mod:`.edit`, :mod:`.mislabel`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from typing import Any

from verifiers.blood_relations import INFO
from verifiers.solver import blood_relations as SOLVER  # noqa: N812

from ..family import Draft, Family, Variant
from . import chain, family_puzzle, photo
from .augment import TRANSFORMS
from .levels import LEVELS_DOC, level_of
from .mislabel import mislabel
from .render import finalize

Drafter = Callable[[random.Random, int, dict[str, Any]], Draft | None]

# variant -> (the card's line about it, its drafter): the one place that dispatches on it
_VARIANTS: dict[str, tuple[str, Drafter]] = {
    "chain": (
        "A chain of 1-6 relation facts (A is the son of B, B is the sister of C, ...); "
        "how is the first person related to the last?",
        partial(chain.draft, coded=False),
    ),
    "coded": (
        "Relations written as operator codes (P + Q means P is the mother of Q); decode an "
        "expression, or pick the expression that means a given relation (MCQ).",
        partial(chain.draft, coded=True),
    ),
    "photo": (
        "Photograph riddles: 'Pointing to a man, Ravi (a man) said: His mother is the only "
        "daughter of my mother.' The speaker's sex is always stated.",
        photo.draft,
    ),
    "family_puzzle": (
        "A family of 5-10 people described by several facts, some indirect; one "
        "relation, or how many sons/daughters/children someone has.",
        family_puzzle.draft,
    ),
}
VARIANTS = tuple(_VARIANTS)


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    return _VARIANTS[variant][1](rng, level, options)


_variants = tuple(Variant(name, doc) for name, (doc, _) in _VARIANTS.items())
FAMILY = Family(
    INFO, _variants, SOLVER, draft, level_of, finalize, TRANSFORMS, mislabel, LEVELS_DOC,
    summary=__doc__.split("\n\n")[0],
)  # fmt: skip
