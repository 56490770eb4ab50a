"""Layouts of the statements of a classic puzzle, chosen per item by ``options.layouts``:

- ``lines``: one quoted statement a line (``Ann says: "Ben is a knave."``);
- ``numbered``: the same as a numbered list (``1. Ann says: ...``);
- ``paragraph``: the quoted statements as running prose after a lead-in sentence;
- ``chain``: reported speech as running prose (``Ann says Ben lies. Ben says Cy tells the
  truth.``), for puzzles whose every claim is about other people's roles (webs of lies
  always; no normals, who may say anything).

A chain variant has no quoted statements: ``paragraph`` is its ``chain``.
"""

from __future__ import annotations

import random
from typing import Any

from templates.phrases import Phrases
from verifiers.truth_teller.spec import Expr, TruthTellerSpec

from .fill import slots
from .mix import draw

LAYOUTS = ("lines", "numbered", "paragraph", "chain")
DEFAULT_LAYOUTS = {"lines": 1.0}  # without options.layouts, one statement a line


def _about_others(e: Expr, speaker: int) -> bool:
    """A claim that reads as reported speech: a role, or "same kind", of others only."""
    if e.kind == "is":
        return e.person != speaker
    if e.kind == "not":
        return e.arg.kind == "is" and e.arg.person != speaker
    if e.kind == "same":
        return speaker not in (e.a, e.b)
    return False


def chain_ready(spec: TruthTellerSpec) -> bool:
    """Whether the statements can be written as a chain of reported speech."""
    if spec.variant == "liar_chain":
        return True
    return "normal" not in spec.roles and all(
        _about_others(s.claim, s.speaker) for s in spec.statements
    )


def choose_layout(spec: TruthTellerSpec, options: dict[str, Any], rng: random.Random) -> str:
    """The layout of one puzzle, drawn by the weights ``options["layouts"]``."""
    move = None
    if spec.variant == "liar_chain":
        move = ("paragraph", "chain")  # a chain's statements are reported speech
    elif not chain_ready(spec):
        move = ("chain", "paragraph")
    return draw(options, "layouts", LAYOUTS, DEFAULT_LAYOUTS, rng, move)


def lay_out(layout: str, lines: list[str], book: Phrases, lead: bool = True) -> list[str]:
    """The statement lines of the puzzle text in ``layout`` (a paragraph is one line);
    ``lead``: a paragraph opens with a lead-in sentence (not when the intro has one)."""
    if layout == "numbered":
        fill = slots(book.source("layout.numbered"), ("i", "s"))
        return [fill(i=i + 1, s=line) for i, line in enumerate(lines)]
    if layout == "paragraph":
        lead_in = slots(book.source("layout.paragraph"), ())() if lead else ""
        return [" ".join([lead_in, *lines] if lead else lines)]
    if layout == "chain":
        return [" ".join(lines)]
    return lines
