"""The contract between the generic pipeline and a puzzle family.

A family module (``generators/truth_teller.py``, ``generators/seating.py``, ...) exposes:

- ``FAMILY`` and ``VARIANTS``;
- ``draft(variant, level, rng, options) -> Draft | None``: sample a hidden world, add clues
  until the answer is unique (own exact search), drop redundant clues. Names are
  placeholders; ``None`` means the attempt failed and the pipeline retries;
- ``level_of(metrics) -> int``: the documented thresholds, 1–4;
- ``finalize(draft, ctx) -> Final``: choose names and templates, render the question and
  the step-by-step solution, build the structured answer and the MCQ distractors;
- ``SOLVER``: the ``verifiers.solver`` module with ``encode(spec)`` and
  ``answer_literal(spec, answer)``, used by the pipeline to prove the final puzzle.

Optional, for the data-quality layer (the pipeline skips what a family lacks, and counts it):

- ``TRANSFORMS``: name -> ``fn(draft, rng) -> Draft | None``, spec-level augmentations
  (``reword``, ``reorder``, ``distract``, ``scale``, ``perturb``); ``rename`` and ``reskin``
  are render-level and need only ``finalize`` to honour ``ctx.pin``;
- ``mislabel(draft, kind, rng) -> (Draft, Draft | None) | None``: a variant of the draft
  whose clues are contradictory (``kind="unsolvable"``) or leave the answer open
  (``kind="ambiguous"``; the second draft holds another consistent world).

Optional, for the dataset card (``cards/``; the card degrades gracefully without them):

- ``VARIANT_DOCS``: variant -> one line saying what the variant is;
- ``LEVELS_DOC``: Markdown stating the level thresholds that ``level_of`` applies, built
  from the same constants so that the card cannot drift from the code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from verifiers.answers import Answer


@dataclass
class Draft:
    spec: BaseModel
    metrics: dict[str, Any]


@dataclass
class RenderContext:
    """What the pipeline decides before rendering: the name pool and options."""

    rng: random.Random
    names: list[str]
    n_choices: int = 4
    options: dict[str, Any] = field(default_factory=dict)
    split: str = "train"
    held_out_templates: bool = False  # use only the templates reserved for the test split
    pin: dict[str, Any] = field(default_factory=dict)  # render choices to keep: "names", "template"
    avoid: dict[str, Any] = field(default_factory=dict)  # render choices to avoid: "template"


@dataclass
class Final:
    spec: BaseModel
    answer: Answer
    distractors: list[Answer]
    question: str
    solution: str
    template_id: str
    words: dict[str, str] = field(default_factory=dict)  # canonical value -> surface word
    render_key: dict[str, Any] = field(default_factory=dict)
