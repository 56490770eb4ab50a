"""Item i of a family: a pure function of (config, seed, i).

plan (variant, level) -> draft (own exact search) -> split by canonical hash ->
finalize (names, text, solution, distractors) -> Z3 proof -> record.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache

from templates import data
from verifiers import prompt as prompt_mod
from verifiers.answers import Answer
from verifiers.record import Record
from verifiers.solver import session
from verifiers.specs import stable_hash

from . import GENERATOR_VERSION
from .config import SuiteConfig, family_module
from .family import RenderContext

GOLDEN = 0.6180339887498949


@dataclass
class Outcome:
    """One item: a record, or the reason it was dropped."""

    index: int
    record: Record | None
    dropped: str | None = None
    attempts: int = 0


def _pick(weights: dict, u: float):
    total = sum(weights.values())
    acc = 0.0
    for key, w in weights.items():
        acc += w / total
        if u < acc:
            return key
    return list(weights)[-1]


def plan(cfg: SuiteConfig, family: str, index: int) -> tuple[str, int]:
    """(variant, level) for item ``index``: a low-discrepancy walk over the target mix.

    The golden-ratio sequence visits every cell of the variant x level grid in proportion
    to its weight, so any contiguous range of items hits the mix closely.
    """
    fc = cfg.families[family]
    cells = {(v, lv): wv * wl for v, wv in fc.variants.items() for lv, wl in fc.levels.items()}
    cells = {k: w for k, w in cells.items() if w > 0}
    return _pick(cells, (index * GOLDEN + 0.5 * GOLDEN) % 1.0)


def split_of(canonical_hash: str, cfg: SuiteConfig) -> str:
    """The split of a puzzle is a function of its canonical hash (its original's, for augmentations)."""
    u = int(canonical_hash[:8], 16) / 16**8
    return _pick({k: cfg.splits[k] for k in ("train", "validation", "test")}, u)


@lru_cache(maxsize=2)
def name_pool(held_out: bool) -> list[str]:
    names = data("names.yaml")
    if held_out:
        return list(names["heldout"])
    return [n for pool in names["pools"].values() for n in pool]


def item_rng(cfg: SuiteConfig, family: str, index: int) -> random.Random:
    return random.Random(f"{cfg.seed}:{family}:{index}")


def make_item(cfg: SuiteConfig, family: str, index: int) -> Outcome:
    """Generate, prove and render item ``index`` of ``family``; never raises for a bad draw."""
    mod = family_module(family)
    fc = cfg.families[family]
    variant, level = plan(cfg, family, index)
    rng = item_rng(cfg, family, index)
    reason = "no_draft"
    for attempt in range(1, cfg.solver.max_attempts + 1):
        d = mod.draft(variant, level, rng, fc.options)
        if d is None:
            reason = "no_draft"
            continue
        if mod.level_of(d.metrics) != level:
            reason = "off_level"
            continue
        chash = d.spec.canonical_hash()
        split = split_of(chash, cfg)
        held = cfg.held_out_names and split == "test"
        ctx = RenderContext(
            rng=rng, names=name_pool(held), n_choices=cfg.choices, options=fc.options
        )
        try:
            fin = mod.finalize(d, ctx)
        except AssertionError:
            reason = "trace_mismatch"
            continue
        lits = [mod.SOLVER.answer_literal(fin.spec, x) for x in fin.distractors]
        proof = session.prove(
            mod.SOLVER.encode(fin.spec),
            mod.SOLVER.answer_literal(fin.spec, fin.answer),
            lits,
            cfg.solver.rlimit,
        )
        if proof.status == "unknown":
            return Outcome(index, None, "solver_budget", attempt)
        if not proof.ok:
            reason = f"not_{proof.status}" if proof.status != "unique" else "distractor_not_refuted"
            continue
        metrics = {**d.metrics, **{f"z3_{k}": v for k, v in proof.stats.items()}, "level": level}
        return Outcome(
            index, _record(cfg, family, index, fin, metrics, chash, level), None, attempt
        )
    return Outcome(index, None, reason, cfg.solver.max_attempts)


def _record(
    cfg: SuiteConfig, family: str, index: int, fin, metrics: dict, chash: str, level: int
) -> Record:
    k = 1 + len(fin.distractors[: cfg.choices - 1])
    pos = index % k
    wrong = [x.text(fin.words) for x in fin.distractors[: k - 1]]
    right = fin.answer.text(fin.words)
    choices = wrong[:pos] + [right] + wrong[pos:]
    answer_json = fin.answer.model_dump_json()
    rid = stable_hash(
        {
            "c": chash,
            "names": list(getattr(fin.spec, "people", [])),
            "t": fin.template_id,
            "r": fin.render_key,
            "ch": choices,
        }
    )
    return Record(
        id=rid,
        canonical_hash=chash,
        family=family,
        variant=fin.spec.variant,
        level=level,
        question=fin.question,
        choices=choices,
        answer_label=prompt_mod.LETTERS[pos],
        answer=right,
        prompt=prompt_mod.build(fin.question, fin.answer, style=cfg.prompt_style),
        solution=fin.solution,
        status="unique",
        spec=fin.spec.model_dump_json(),
        answer_json=answer_json,
        difficulty=json.dumps(metrics, sort_keys=True),
        seed=cfg.seed,
        generator_version=GENERATOR_VERSION,
        template_id=fin.template_id,
    )


def answer_of(record: Record | dict) -> Answer:
    aj = record["answer_json"] if isinstance(record, dict) else record.answer_json
    return Answer.model_validate_json(aj)
