"""Deliberately unsolvable or ambiguous variants of a draft (labelled items).

An unsolvable variant must break the hidden world (:func:`.edit.holds_all` fails); an
ambiguous one needs two concrete families that satisfy every fact and answer differently
(each checked by :func:`.edit.holds_all` and by the exact closed-world Z3 check
:func:`verifiers.solver.blood_relations.check`). Both drafts carry ``label=kind``.
"""

from __future__ import annotations

import random

from verifiers.blood_relations.relations import INTERNAL, TERMS, gendered
from verifiers.blood_relations.spec import BloodRelationsSpec, Expr, Ref, Rel, SexFact, resolve
from verifiers.solver import blood_relations as S

from ..family import Draft
from .coded import CODE_SYMBOLS
from .derive import known_sex
from .descriptions import desc_base
from .edit import flip_couple, flips, holds_all, photo_parts, world_answer
from .levels import metrics_of
from .terms import OTHER_SEX


def _labelled(spec: BloodRelationsSpec, d: Draft, kind: str) -> Draft:
    """``spec`` as a draft labelled ``kind``, with its metrics recomputed."""
    m = metrics_of(spec) or {}
    return Draft(spec, {**d.metrics, **m}, label=kind)


def _unsolvable(spec: BloodRelationsSpec, rng: random.Random) -> BloodRelationsSpec | None:
    q = spec.question
    w = spec.world.world()
    if spec.variant == "photo":
        # the statement gives the described person the other sex: "His mother is the son of ..."
        fact, _, pp = photo_parts(spec)
        z = resolve(fact.a, w)
        t = TERMS[fact.term]
        word = gendered(t.base, OTHER_SEX[w.sex[z]]) if t.sex else None
        if word is None or word == fact.term or TERMS[word].sex is None:
            return None
        facts = [f if f is not fact else f.model_copy(update={"term": word}) for f in spec.facts]
        return spec.model_copy(update={"facts": facts})
    if q.kind == "expression":
        sex = TERMS[q.term].sex
        if sex is None:
            return None
        bad = SexFact(a=q.a, sex=OTHER_SEX[sex])  # "A is a woman": A cannot be the uncle
        return spec.model_copy(update={"facts": [*spec.facts, bad]})
    options = []
    known, _ = known_sex(spec, spec.people)
    for p, sx in known.items():
        options.append(SexFact(a=Ref(person=p), sex=OTHER_SEX[sx]))
    if q.kind == "relation":
        t = S.hidden_term(spec)
        x, y = q.a.person, q.b.person
        if t is not None and TERMS[t].gen != 0:
            # a generation cycle: the younger one stated to be the parent of the older
            young, old = (x, y) if TERMS[t].gen > 0 else (y, x)
            options.append(
                Rel(
                    a=Ref(person=young),
                    term=gendered("parent", known.get(young)),
                    b=Ref(person=old),
                )
            )
    if not options:
        return None
    bad = rng.choice(options)
    facts = list(spec.facts)
    facts.insert(rng.randrange(len(facts) + 1), bad)
    return spec.model_copy(update={"facts": facts})


def _neutralised(spec: BloodRelationsSpec, who: set[int]) -> BloodRelationsSpec | None:
    """Every statement of the sex of ``who`` removed: their gendered relation words made
    neutral (a coded operator gets a new neutral code), their sex facts dropped."""
    facts = []
    for f in spec.facts:
        if isinstance(f, SexFact) and desc_base(f.a) in who and f.a.kind == "ref":
            continue
        if isinstance(f, Rel) and f.a.kind == "ref" and f.a.person in who and TERMS[f.term].sex:
            if TERMS[f.term].base in INTERNAL:
                return None  # no everyday neutral word ("pibling")
            f = f.model_copy(update={"term": TERMS[f.term].base})
        facts.append(f)
    new = spec.model_copy(update={"facts": facts})
    if spec.expression is None:
        return new
    codes = dict(spec.codes)
    ops = list(spec.expression.ops)
    for i, (a, op) in enumerate(zip(spec.expression.people, spec.expression.ops, strict=False)):
        t = TERMS[codes[op]]
        if a in who and t.sex:
            if t.base in INTERNAL:
                return None
            sym = next((s for s, v in codes.items() if v == t.base), None)
            if sym is None:
                free = [s for s in CODE_SYMBOLS if s not in codes]
                if not free:
                    return new
                sym = free[0]
                codes[sym] = t.base
            ops[i] = sym
    return new.model_copy(
        update={"codes": codes, "expression": Expr(people=spec.expression.people, ops=tuple(ops))}
    )


def _ambiguous(
    spec: BloodRelationsSpec, rng: random.Random
) -> tuple[BloodRelationsSpec, BloodRelationsSpec] | None:
    q = spec.question
    if spec.variant == "photo" or q.kind == "expression":
        return None
    for p in flips(spec, rng)[:6]:
        world = flip_couple(spec.world, p)
        who = {p, spec.world.spouse[p]} - {-1}
        new = _neutralised(spec, who)
        if new is None:
            continue
        alt = new.model_copy(update={"world": world})
        a1, a2 = world_answer(new, new.world), world_answer(alt, world)
        if a1 is None or a2 is None or a1 == a2:
            continue
        if not (holds_all(new) and holds_all(alt)):
            continue
        if not (S.check(new) and S.check(alt)):  # the exact closed-world check in Z3
            continue
        return new, alt
    return None


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory variant (``unsolvable``: a person given both sexes, a generation
    cycle, or a photo statement that gives someone the other sex) or an under-determined
    one (``ambiguous``: the statements of one person's sex dropped; the second draft is the
    same puzzle over the concrete family where that person and their spouse have the other
    sex, which satisfies every fact and answers differently)."""
    spec: BloodRelationsSpec = d.spec
    if kind == "unsolvable":
        new = _unsolvable(spec, rng)
        if new is None or holds_all(new):
            return None
        return _labelled(new, d, kind), None
    pair = _ambiguous(spec, rng)
    if pair is None:
        return None
    new, alt = pair
    labelled = _labelled(new, d, kind)
    return labelled, Draft(alt, dict(labelled.metrics), label=kind)
