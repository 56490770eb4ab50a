"""The contract between the generic pipeline and a puzzle family.

A family is one :class:`Family` object, registered once (:mod:`generators.registry`): its
name, its :class:`Variant` entries, the consumer-side :class:`verifiers.registry.FamilyInfo`
(spec model, answer words, process facts), its Z3 encoder and these functions:

- ``draft(variant, level, rng, options) -> Draft | None``: sample a hidden world, add clues
  until the answer is unique (own exact search), drop redundant clues. Names are
  placeholders; ``None`` means the attempt failed and the pipeline retries;
- ``level_of(metrics) -> int``: the documented thresholds, 1–4;
- ``finalize(draft, ctx) -> Final``: choose names and templates, render the question and
  the step-by-step solution, build the structured answer and the MCQ distractors. It raises
  :class:`TraceMismatch` when its derivation does not reach the proven answer (the pipeline
  counts and redraws); any other exception is a bug and propagates.

Optional, for the data-quality layer (the pipeline skips what a family lacks, and counts it):

- ``transforms``: name -> ``fn(draft, rng) -> Draft | None``, spec-level augmentations
  (``reword``, ``reorder``, ``distract``, ``scale``, ``perturb``); ``rename`` and ``reskin``
  are render-level and need only ``finalize`` to honour ``ctx.pin``;
- ``mislabel(draft, kind, rng) -> (Draft, Draft | None) | None``: a variant of the draft
  whose clues are contradictory (``kind="unsolvable"``) or leave the answer open
  (``kind="ambiguous"``; the second draft holds another consistent world); its drafts carry
  ``label=kind`` (the pipeline writes it into the ``difficulty`` metrics as ``labelled``).

For the dataset card: each :class:`Variant`'s ``doc`` line and the family's ``levels_doc``,
Markdown stating the level thresholds that ``level_of`` applies, built from the same
constants so that the card cannot drift from the code.

A spec (``draft.spec``) is a pydantic model with a ``variant`` field and a
``canonical_hash()`` method (names replaced by role indices, clues in sorted order); a
``people`` list, if it has one, names the entities and keys the record id.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from verifiers.answers import Answer
from verifiers.family import FamilyInfo


class TraceMismatch(Exception):
    """A family's solution trace does not reach the proven answer: the draw is redrawn."""


@dataclass
class Draft:
    """A proven-unique candidate puzzle before rendering.

    ``trace``: what the family's search found that ``finalize`` turns into the solution
    (None: ``finalize`` derives it); ``label``: "" or the deliberate status of a
    :func:`Family.mislabel` draft ("unsolvable" / "ambiguous").
    """

    spec: BaseModel
    metrics: dict[str, Any]
    trace: Any = None
    label: str = ""


@dataclass
class RenderContext:
    """What the pipeline decides before rendering: the name pool and options."""

    rng: random.Random
    names: list[str]
    n_choices: int = 4
    options: dict[str, Any] = field(default_factory=dict)
    split: str = "train"
    held_out_templates: bool = False  # use only the templates reserved for the test split
    held_out_names: bool = False  # names (and object words) from the test split's reserved pools
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
    phrase_ids: list[str] = field(default_factory=list)  # templates.phrases ids the text used
    all_options: bool = False  # every distractor is an MCQ option (not only choices - 1)


class Solver(Protocol):
    """A family's Z3 encoder (a ``verifiers.solver`` module): the pipeline proves with it."""

    def encode(self, spec: Any) -> Any: ...

    def answer_literal(self, spec: Any, answer: Answer) -> str: ...


@dataclass(frozen=True)
class Variant:
    """One variant of a family: its name, the card's line about it, and the levels it makes."""

    name: str
    doc: str = ""
    levels: tuple[int, ...] = (1, 2, 3, 4)


DraftFn = Callable[[str, int, random.Random, dict[str, Any]], Draft | None]
TransformFn = Callable[[Draft, random.Random], Draft | None]
MislabelFn = Callable[[Draft, str, random.Random], tuple[Draft, Draft | None] | None]


@dataclass(frozen=True)
class Family:
    """One puzzle family, as the pipeline, config, cards, validate and stats see it."""

    info: FamilyInfo
    variants: tuple[Variant, ...]
    solver: Solver
    draft: DraftFn
    level_of: Callable[[dict[str, Any]], int]
    finalize: Callable[[Draft, RenderContext], Final]
    transforms: Mapping[str, TransformFn] = field(default_factory=dict)
    mislabel: MislabelFn | None = None
    levels_doc: str = ""
    summary: str = ""  # the card's one-paragraph description of the family
    # options.<key> whose values are template ids -> the template data file listing them
    option_ids: Mapping[str, str] = field(default_factory=dict)
    # options.<key> whose values are weights over named kinds -> those kinds
    option_weights: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    templates: Path | None = None  # a folder of the family's own template files, if not templates/

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def variant_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)

    def variant(self, name: str) -> Variant:
        return next(v for v in self.variants if v.name == name)
