"""Search for the classic variants: redundancy dropping, the propagation solver's run
that gives a draft its metrics and its derivation, and the metrics themselves.

The exact engines are in :mod:`.logic` (:class:`Worlds` bitmasks, the :class:`Deducer`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifiers.truth_teller.spec import WHOLE_WORLD, TruthTellerSpec, depth

from ..family import Draft
from .logic import Deducer, Step, TooLong

# A solution trace longer than this is no derivation a person could follow (refutation by
# cases can blow up exponentially): such drafts are rejected and the item tries again.
MAX_TRACE_STEPS = 400


@dataclass(frozen=True)
class Derivation:
    """The propagation solver's derivation of ``spec``: a draft's :attr:`Draft.trace`.

    ``spec`` is the spec it belongs to: a draft whose spec is another (a transform swapped
    it) makes :func:`generators.truth_teller.render.finalize` derive again.
    """

    spec: TruthTellerSpec
    steps: list[Step]
    derived: list[set[str]]  # each person's remaining roles


def targets(spec: TruthTellerSpec) -> list[int]:
    """The people whose roles the question asks about."""
    if spec.question.kind in WHOLE_WORLD:
        return list(range(len(spec.people)))
    return [spec.question.person]  # type: ignore[list-item]


def draft_of(spec: TruthTellerSpec) -> Draft | None:
    """Run the propagation solver once: its splits give the metrics, its steps the trace.

    None when the derivation needs more than ``MAX_TRACE_STEPS`` steps.
    """
    ded = Deducer(spec, max_steps=MAX_TRACE_STEPS)
    try:
        dom = ded.solve(targets(spec), log=True)
    except TooLong:
        return None
    return Draft(spec, metrics(spec, ded), trace=Derivation(spec, ded.steps, dom))


def metrics(spec: TruthTellerSpec, ded: Deducer) -> dict[str, Any]:
    """Size and proof metrics of ``spec``, from a :class:`Deducer` that has solved it."""
    return {
        "variant": spec.variant,
        "n_people": len(spec.people),
        "n_statements": len(spec.statements),
        "n_facts": len(spec.facts),
        "max_depth": max((depth(s.claim) for s in spec.statements), default=0),
        "log2_search_space": round(len(spec.people) * math.log2(len(spec.roles)), 3),
        "case_splits": ded.splits,
        "deduction_depth": ded.splits,
        "max_nesting": ded.max_nesting,
        "clues_per_person": round((len(spec.statements) + len(spec.facts)) / len(spec.people), 3),
    }


def drop_redundant(
    allowed: list[int],
    base: int,
    done: Callable[[int], bool],
    rng: random.Random,
    speakers: list[int] | None = None,
    n: int = 0,
    quiet: int = -1,
) -> list[int]:
    """Indices of the statements kept after dropping, in a random order, each one whose
    removal leaves the answer forced (``done``). With ``speakers`` (the speaker of each
    statement), ``n`` (people) and ``quiet``, a speaker's last statement is kept while
    ``quiet`` people are already silent. The rest of the kept set is the AND of a prefix and a suffix,
    rebuilt only after a drop."""
    keep = list(range(len(allowed)))
    idx = keep[:]
    rng.shuffle(idx)
    said: dict[int, int] = {}
    for sp in speakers or ():
        said[sp] = said.get(sp, 0) + 1
    silent = n - len(said)
    prefix: list[int] = []
    suffix: list[int] = []
    stale = True
    for i in idx:
        if speakers is not None and said[speakers[i]] == 1 and silent >= quiet >= 0:
            continue
        if stale:
            prefix = [base]
            for j in keep:
                prefix.append(prefix[-1] & allowed[j])
            suffix = [-1] * (len(keep) + 1)
            for pos in range(len(keep) - 1, -1, -1):
                suffix[pos] = suffix[pos + 1] & allowed[keep[pos]]
            where = {j: pos for pos, j in enumerate(keep)}
            stale = False
        pos = where[i]
        if done(prefix[pos] & suffix[pos + 1]):
            keep.pop(pos)
            stale = True
            if speakers is not None:
                said[speakers[i]] -= 1
                silent += said[speakers[i]] == 0
    return keep
