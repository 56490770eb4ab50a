"""Truth-tellers and liars: knights and knaves, webs of lies, islands with normals, and
knights and knaves in a row of chairs (`seating_claims`).

Questions (:mod:`.questions`, weighted by ``options.questions``): everyone's role, one
person's role, yes/no "does X tell the truth?", "who is lying?" (a set of names) and "how
many are truth-tellers?"; statements laid out (:mod:`.layout`, ``options.layouts``) one a
line, as a numbered list, as a paragraph or as a chain of reported speech.

The family's parts: :mod:`.levels` (sizes and level thresholds), :mod:`.claims` (random
claims), :mod:`.logic` (exact bitmask worlds and the propagation solver), :mod:`.sample`
(hidden world and clue proposals), :mod:`.search` (redundancy dropping, metrics, the
derivation), :mod:`.render` (question, options, solution) and :mod:`.augment` (transforms,
labelled variants); :mod:`.seating_claims` has the same parts for its variant. The table
:data:`IMPLEMENTATIONS` says which parts serve which variant.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from verifiers.solver import truth_teller as SOLVER  # noqa: N812  (the family contract)
from verifiers.truth_teller import INFO

from ..family import (
    Draft,
    DraftFn,
    Family,
    Final,
    MislabelFn,
    RenderContext,
    TransformFn,
    Variant,
)
from . import augment, levels, render, sample
from .layout import LAYOUTS
from .search import MAX_TRACE_STEPS
from .seating_claims import augment as sc_augment
from .seating_claims import levels as sc_levels
from .seating_claims import render as sc_render
from .seating_claims import sample as sc_sample


@dataclass(frozen=True)
class Implementation:
    """The functions that make, level, render and augment the puzzles of some variants."""

    draft: DraftFn
    level_of: Callable[[dict[str, Any]], int]
    finalize: Callable[[Draft, RenderContext], Final]
    transforms: Mapping[str, TransformFn]
    mislabel: MislabelFn


CLASSIC = Implementation(
    sample.draft, levels.level_of, render.finalize, augment.TRANSFORMS, augment.mislabel
)
SEATING_CLAIMS = Implementation(
    sc_sample.draft,
    sc_levels.level_of,
    sc_render.finalize,
    sc_augment.TRANSFORMS,
    sc_augment.mislabel,
)
IMPLEMENTATIONS = {**dict.fromkeys(levels.VARIANTS, CLASSIC), sc_levels.VARIANT: SEATING_CLAIMS}

VARIANTS = tuple(IMPLEMENTATIONS)
VARIANT_DOCS = {**levels.VARIANT_DOCS, sc_levels.VARIANT: sc_levels.DOC}
LEVELS_DOC = (
    levels.LEVELS_DOC + "\n\n`seating_claims` (people / case splits): " + sc_levels.LEVELS_ROW
)
N_RANGE = levels.N_RANGE  # people per classic variant


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    return IMPLEMENTATIONS[variant].draft(variant, level, rng, options)


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 of a draft's metrics, by its variant's thresholds."""
    return IMPLEMENTATIONS[m["variant"]].level_of(m)


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    return IMPLEMENTATIONS[d.spec.variant].finalize(d, ctx)


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory (``unsolvable``) or open (``ambiguous``) variant of ``d``, or None."""
    return IMPLEMENTATIONS[d.spec.variant].mislabel(d, kind, rng)


def _transform(name: str) -> TransformFn:
    """Transform ``name`` of the draft's variant; None where that variant lacks it."""

    def apply(d: Draft, rng: random.Random) -> Draft | None:
        fn = IMPLEMENTATIONS[d.spec.variant].transforms.get(name)
        return fn(d, rng) if fn else None

    apply.__name__ = name
    return apply


TRANSFORMS = {name: _transform(name) for name in augment.TRANSFORMS}

_ENTRIES = tuple(Variant(v, VARIANT_DOCS[v]) for v in VARIANTS)
FAMILY = Family(
    INFO, _ENTRIES, SOLVER, draft, level_of, finalize, TRANSFORMS, mislabel, LEVELS_DOC,
    summary=__doc__.split("\n\n")[0],
    option_ids={"personas": "truth_teller/personas.yaml"},
    option_weights={"questions": sample.QUESTIONS, "layouts": LAYOUTS},
)  # fmt: skip

__all__ = [
    "FAMILY",
    "IMPLEMENTATIONS",
    "LEVELS_DOC",
    "MAX_TRACE_STEPS",
    "N_RANGE",
    "TRANSFORMS",
    "VARIANTS",
    "VARIANT_DOCS",
    "draft",
    "finalize",
    "level_of",
    "mislabel",
]
