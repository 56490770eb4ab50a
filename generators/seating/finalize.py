"""The seating family's finalize: things (``objects``) have their own words and phrase bank
(:mod:`.objects`); every other variant seats people (:mod:`.render`)."""

from __future__ import annotations

from ..family import Draft, Final, RenderContext
from .objects import finalize_objects
from .render import finalize_people


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the entities, render question and solution, build answer and distractors."""
    if d.spec.variant == "objects":
        return finalize_objects(d, ctx)
    return finalize_people(d, ctx)
