"""Item i of a family: a pure function of (config, seed, i).

plan (variant, level) -> draft (own exact search) -> split by canonical hash ->
finalize (names, text, solution, distractors) -> Z3 proof -> record.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from verifiers import prompt as prompt_mod
from verifiers.answers import OUTCOMES, Answer
from verifiers.blood_relations.names import flat
from verifiers.hashing import stable_hash
from verifiers.record import CANARY, Record
from verifiers.solver import session

from . import registry
from .augment import choose_chain, supported
from .composition import mix_of
from .config import SuiteConfig
from .family import Family, RenderContext, TraceMismatch
from .version import GENERATOR_VERSION

GOLDEN = 0.6180339887498949
SILVER = 0.41421356237309503


@dataclass
class Outcome:
    """One item: a record (and its augmented rows), or the reason it was dropped."""

    index: int
    record: Record | None
    dropped: str | None = None
    attempts: int = 0
    extra: list[Record] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)


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
    to its weight in the planned mix (``composition``: the target, small cells capped at
    what they hold), so any contiguous range of items hits the mix closely.
    """
    return _pick(mix_of(cfg, family), (index * GOLDEN + 0.5 * GOLDEN) % 1.0)


def split_of(canonical_hash: str, cfg: SuiteConfig) -> str:
    """The split of a puzzle is a function of its canonical hash (its original's, for augmentations)."""
    u = int(canonical_hash[:8], 16) / 16**8
    return _pick({k: cfg.splits[k] for k in ("train", "validation", "test")}, u)


@lru_cache(maxsize=4)
def name_pool(held_out: bool, broad: bool = False) -> list[str]:
    """The flat list of first names (the test split's held-out pool with ``held_out``): every
    sex-tagged pool of ``templates/names.yaml`` in file order, female, male, then neutral; with
    ``broad`` (config ``name_pool: broad``) then ``templates/names_broad.yaml``'s ~12k names."""
    return flat(held_out, broad)


def item_rng(cfg: SuiteConfig, family: str, index: int) -> random.Random:
    return random.Random(f"{cfg.seed}:{family}:{index}")


def label_kind(cfg: SuiteConfig, family: str, index: int) -> str:
    """'unique', or 'unsolvable' / 'ambiguous' for the configured fraction of items."""
    lab = cfg.labelled
    if not lab.enabled:
        return "unique"
    # A low-discrepancy walk (sqrt(2) - 1, independent of the plan's golden ratio): any
    # contiguous range of items gets the configured fractions to within an item or two.
    u = (index * SILVER + 0.5 * SILVER) % 1.0
    if u < lab.unsolvable:
        return "unsolvable"
    if u < lab.unsolvable + lab.ambiguous:
        return "ambiguous"
    return "unique"


def _context(cfg: SuiteConfig, family: str, rng: random.Random, split: str, **kw) -> RenderContext:
    test = split == "test"
    return RenderContext(
        rng=rng,
        names=name_pool(cfg.held_out_names and test, cfg.name_pool == "broad"),
        n_choices=cfg.choices,
        options=cfg.families[family].options,
        split=split,
        held_out_templates=cfg.held_out_templates and test,
        held_out_names=cfg.held_out_names and test,
        **kw,
    )


def _prove_unique(
    fam: Family, fin, cfg: SuiteConfig, enc: session.Encoding | None = None
) -> session.Proof:
    """Z3: the answer is the only one; every plain distractor is refuted (outcome options are
    refuted by uniqueness itself). ``enc``: the encoding of ``fin.spec``, if already made."""
    plain = [x for x in fin.distractors if not x.outcome]
    return session.prove_unique(fam.solver, fin.spec, fin.answer, plain, cfg.solver.rlimit, enc)


def _with_outcomes(fin, kind: str, outcomes: list[str], alt=None) -> None:
    """Set the gold and MCQ options of a unique / unsolvable / ambiguous item in place."""
    if not outcomes:
        return
    plain = fin.answer.model_copy(update={"outcomes": outcomes})
    special = [plain.model_copy(update={"outcome": o}) for o in OUTCOMES]
    others = [x.model_copy(update={"outcomes": outcomes}) for x in fin.distractors]
    if kind == "unique":
        fin.answer, fin.distractors = plain, [*special, *others]
    elif kind == "unsolvable":
        fin.answer = special[0]
        fin.distractors = [special[1], plain, *others]
    else:
        fin.answer = special[1]
        alt_plain = alt.model_copy(update={"outcomes": outcomes})
        rest = [x for x in others if x.key() not in (plain.key(), alt_plain.key())]
        fin.distractors = [special[0], plain, alt_plain, *rest]


DUPLICATE = "duplicate"  # Outcome.dropped of an item skipped by ``make_item(..., seen=...)``
HELD_OUT = "held_out"  # Outcome.dropped of an item skipped by ``make_item(..., splits=...)``


def make_item(
    cfg: SuiteConfig,
    family: str,
    index: int,
    seen: Callable[[str], bool] | None = None,
    splits: tuple[str, ...] | None = None,
) -> Outcome:
    """Generate, prove and render item ``index`` of ``family``; never raises for a bad draw.

    ``seen(canonical_hash)``: True when an earlier item of the family already emitted that
    puzzle, so assembly would drop this one as a duplicate. Such an item is then returned
    unproven with ``dropped=DUPLICATE`` (its record would never be published). The check
    comes after ``finalize``, so an attempt that would be redrawn for a trace mismatch still
    is. The skipped proof is of a puzzle whose canonical twin was proven, and a budget
    overrun drops an item either way: only an unrefuted distractor (a family bug) could
    have sent it back for a redraw.

    ``splits``: only puzzles of these splits are wanted (the training stream keeps validation
    and test puzzles unseen). The first draft whose split is another ends the item with
    ``dropped=HELD_OUT``, before it is rendered or proven. A record returned with ``splits`` is
    the one returned without it.
    """
    fam = registry.get(family)
    fc = cfg.families[family]
    variant, level = plan(cfg, family, index)
    rng = item_rng(cfg, family, index)
    kind = label_kind(cfg, family, index)
    notes: Counter = Counter()
    if kind != "unique" and fam.mislabel is None:
        notes[f"labelled_unsupported:{kind}"] += 1
        kind = "unique"
    outcomes = list(OUTCOMES) if cfg.labelled.enabled else []
    reason = "no_draft"
    for attempt in range(1, cfg.solver.max_attempts + 1):
        d = fam.draft(variant, level, rng, fc.options)
        if d is None:
            reason = "no_draft"
            continue
        if fam.level_of(d.metrics) != level:
            reason = "off_level"
            continue
        alt_draft = None
        if kind != "unique":
            m = fam.mislabel(d, kind, rng)
            if m is None:
                reason = f"no_{kind}_variant"
                continue
            d, alt_draft = m
        chash = d.spec.canonical_hash()
        split = split_of(chash, cfg)
        if splits is not None and split not in splits:
            return Outcome(index, None, HELD_OUT, attempt, notes=notes)
        state = rng.getstate()
        try:
            fin = fam.finalize(d, _context(cfg, family, rng, split))
            alt = None
            if alt_draft is not None:
                alt_rng = random.Random()
                alt_rng.setstate(state)  # same names and template as the labelled puzzle
                alt = fam.finalize(alt_draft, _context(cfg, family, alt_rng, split)).answer
        except TraceMismatch:
            reason = "trace_mismatch"
            continue
        if seen is not None and seen(chash):
            return Outcome(index, None, DUPLICATE, attempt, notes=notes)
        enc = fam.solver.encode(fin.spec)
        if kind == "unique":
            _with_outcomes(fin, kind, outcomes)
            proof = _prove_unique(fam, fin, cfg, enc)
            if proof.status == "unknown":
                return Outcome(index, None, "solver_budget", attempt, notes=notes)
            if not proof.ok:
                reason = (
                    f"not_{proof.status}" if proof.status != "unique" else "distractor_not_refuted"
                )
                continue
            stats = proof.stats
        elif kind == "unsolvable":
            verdict = session.prove_label(enc, cfg.solver.rlimit)
            if verdict != "unsolvable":
                reason = "solver_budget" if verdict == "unknown" else "unsolvable_not_proven"
                continue
            _with_outcomes(fin, kind, outcomes)
            stats = {}
        else:
            lits = [fam.solver.answer_literal(fin.spec, x) for x in (fin.answer, alt)]
            if fin.answer.key() == alt.key() or any(
                session.satisfiable(enc, x, cfg.solver.rlimit) != "sat" for x in lits
            ):
                reason = "ambiguity_not_proven"
                continue
            _with_outcomes(fin, kind, outcomes, alt)
            stats = {}
        metrics = {**d.metrics, **{f"z3_{k}": v for k, v in stats.items()}, "level": level}
        if kind != "unique":
            metrics["labelled"] = kind  # the difficulty column names a deliberate label
        rec = _record(cfg, family, index, fin, metrics, chash, level, status=kind, split=split)
        extra = []
        if kind == "unique" and cfg.augment.per_item:
            extra = augment_item(cfg, fam, index, d, fin, rec, split, notes)
        return Outcome(index, rec, None, attempt, extra, notes)
    return Outcome(index, None, reason, cfg.solver.max_attempts, notes=notes)


def augment_item(
    cfg: SuiteConfig,
    fam: Family,
    index: int,
    draft,
    parent,
    parent_rec: Record,
    split: str,
    notes: Counter,
) -> list[Record]:
    """``cfg.augment.per_item`` re-proven variants of one original item."""
    family = fam.name
    rows: list[Record] = []
    seen = {parent_rec.id}
    available = supported(fam)
    outcomes = list(OUTCOMES) if cfg.labelled.enabled else []
    template = parent.render_key.get("template")
    for j in range(cfg.augment.per_item):
        arng = random.Random(f"{cfg.seed}:{family}:{index}:aug{j}")
        chain = choose_chain(cfg.augment.transforms, available, cfg.augment.chain, arng)
        if not chain:
            notes["augment_unsupported"] += 1
            continue
        d = draft
        pin: dict = {"names": list(parent.spec.people), "template": template}
        avoid: dict = {}
        for t in chain:
            if t == "rename":
                pin.pop("names", None)
            elif t == "reskin":
                pin.pop("template", None)
                avoid["template"] = template
            else:
                d = fam.transforms[t](d, arng)
                if d is None:
                    break
        if d is None:
            notes[f"augment_failed:{chain[-1] if len(chain) == 1 else '+'.join(chain)}"] += 1
            continue
        try:
            fin = fam.finalize(d, _context(cfg, family, arng, split, pin=pin, avoid=avoid))
        except TraceMismatch:
            notes["augment_trace_mismatch"] += 1
            continue
        if "reskin" in chain and fin.template_id == parent.template_id:
            notes["augment_failed:reskin"] += 1  # the family has no other template for this variant
            continue
        _with_outcomes(fin, "unique", outcomes)
        proof = _prove_unique(fam, fin, cfg)
        if not proof.ok:
            notes[f"augment_unproven:{'+'.join(chain)}"] += 1
            continue
        level = fam.level_of(d.metrics)
        metrics = {**d.metrics, **{f"z3_{k}": v for k, v in proof.stats.items()}, "level": level}
        chash = d.spec.canonical_hash()
        rec = _record(
            cfg,
            family,
            index,
            fin,
            metrics,
            chash,
            level,
            split=split,
            augmentation=chain,
            parent_id=parent_rec.id,
        )
        if rec.id in seen:
            notes["augment_duplicate"] += 1
            continue
        seen.add(rec.id)
        rows.append(rec)
        notes[f"augmented:{'+'.join(chain)}"] += 1
    return rows


def _record(
    cfg: SuiteConfig,
    family: str,
    index: int,
    fin,
    metrics: dict,
    chash: str,
    level: int,
    status: str = "unique",
    split: str = "train",
    augmentation: list[str] | None = None,
    parent_id: str = "",
) -> Record:
    k = 1 + len(fin.distractors if fin.all_options else fin.distractors[: cfg.choices - 1])
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
            "s": status,
            "a": augmentation or [],
            "p": fin.phrase_ids,
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
        solution=fin.solution if status == "unique" else _labelled_solution(fin, status),
        status=status,
        spec=fin.spec.model_dump_json(),
        answer_json=answer_json,
        difficulty=json.dumps(metrics, sort_keys=True),
        augmentation=augmentation or [],
        parent_id=parent_id,
        seed=cfg.seed,
        generator_version=GENERATOR_VERSION,
        template_id=fin.template_id,
        phrase_ids=fin.phrase_ids,
        canary=CANARY if split == "test" else "",
    )


def _labelled_solution(fin, status: str) -> str:
    if status == "unsolvable":
        return (
            "Every assignment of the unknowns violates at least one clue (Z3 proves the clues unsatisfiable).\nAnswer: "
            + fin.answer.text()
        )
    return (
        "At least two different answers are consistent with every clue (Z3 finds a model of each), so the clues do not fix the answer.\nAnswer: "
        + fin.answer.text()
    )


def answer_of(record: Record | dict) -> Answer:
    aj = record["answer_json"] if isinstance(record, dict) else record.answer_json
    return Answer.model_validate_json(aj)
