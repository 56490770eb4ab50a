"""The written seating derivation's shortcuts, cross-checked against the plain derivation on
the inputs that real draft attempts pass it (level 4, where most traces run long):

- ``derive(..., max_lines=L)`` is None exactly when the full derivation is None or has more
  than L lines, and otherwise the same trace;
- a case's propagation skips the revisions and groups that its parent's fixpoint already
  settles: the events are the same as when every one is run."""

from __future__ import annotations

import importlib
import random

import pytest

from generators import registry

trace = importlib.import_module("generators.seating.trace")
draft_mod = importlib.import_module("generators.seating.draft")


def _inputs(monkeypatch, variant: str, attempts: int) -> list[tuple]:
    """The (frame, categories, clues, goal) of every derivation that ``attempts`` draft
    attempts of ``variant`` at level 4 ask for."""
    seen: list[tuple] = []
    real = draft_mod.derive

    def spy(fr, n_cats, clues, goal, max_lines=None):
        seen.append((fr, n_cats, list(clues), list(goal)))
        return real(fr, n_cats, clues, goal, max_lines)

    monkeypatch.setattr(draft_mod, "derive", spy)
    fam = registry.get("seating")
    rng = random.Random(f"trace-shortcuts-{variant}")
    for _ in range(attempts):
        fam.draft(variant, 4, rng, {})
    monkeypatch.undo()
    return seen


@pytest.mark.parametrize("variant", ["linear", "ordering", "circular_mixed", "parallel_rows"])
def test_line_cap_and_case_skips_match_the_plain_derivation(monkeypatch, variant):
    inputs = _inputs(monkeypatch, variant, 40)
    assert len(inputs) >= 10
    plain_propagate = trace._propagate

    def no_skip(run, dom, last, depth, base=None):
        return plain_propagate(run, dom, last, depth, None)

    long = short = 0
    for args in inputs:
        full = trace.derive(*args)
        with monkeypatch.context() as m:
            m.setattr(trace, "_propagate", no_skip)
            assert trace.derive(*args) == full  # the skips change no event
        if full is not None:
            long += len(full.lines) > 37
            short += len(full.lines) <= 37
        for cap in (3, 20, 37, 60):
            want = None if full is None or len(full.lines) > cap else full
            assert trace.derive(*args, max_lines=cap) == want, (variant, cap)
    assert long and short  # both sides of the draft's cap were exercised
