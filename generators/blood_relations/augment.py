"""Blood-relations augmentations: spec-level transforms, each checked without Z3 before the
pipeline proves the result:

- the hidden world must satisfy every fact exactly (:func:`.edit.holds_all`: a closed-world
  evaluation over the concrete family, ``only`` and counts included);
- the answer must be forced by the family's own reasoning (the composition table, whose
  entries are Z3-proven), i.e. :func:`.render.finalize` renders the puzzle and its
  derivation without a mismatch, and it must be the hidden world's only relation between
  the pair.

Metrics are recomputed from the spec by :func:`.levels.metrics_of`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from verifiers.blood_relations.relations import INTERNAL, TERMS, gendered
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Expr,
    HiddenWorld,
    Question,
    Ref,
    Rel,
    SexFact,
    resolve,
)
from verifiers.solver import blood_relations as S

from ..family import Draft, RenderContext, TraceMismatch, TransformFn
from .coded import CODE_SYMBOLS, CODE_TERMS
from .derive import known_sex, spec_route
from .descriptions import desc, desc_base, desc_steps, path_people, restep
from .edit import (
    flip_couple,
    flips,
    holds_all,
    name_person,
    photo_parts,
    regender,
    renumber,
    stated_pairs,
    tidy,
)
from .levels import level_of, metrics_of
from .photo import riddle_term
from .render import finalize
from .terms import INVERSE, world_ok
from .world import COMPOUND, PRIMITIVE, Relatives, true_term

NAMES = [f"P{i}" for i in range(64)]  # placeholder names for known_sex's reasons


# what a finalize over an edited spec may raise when the edit broke the derivation: the
# trace not reaching the answer (TraceMismatch), or a lookup the edit left dangling
_CHECKED = (
    TraceMismatch,
    AssertionError,
    IndexError,
    KeyError,
    StopIteration,
    ValueError,
    TypeError,
)


def finalized(spec: BloodRelationsSpec, metrics: dict | None = None):
    """The family's finalize on placeholder names, or None when its derivation does not
    reach the hidden world's answer (the answer is not forced by the composition table)."""
    ctx = RenderContext(
        rng=random.Random(0), names=[], pin={"names": list(spec.people), "template": 0}
    )
    try:
        return finalize(Draft(spec, metrics or {}), ctx)
    except _CHECKED:
        return None


def answer_of(spec: BloodRelationsSpec) -> str | None:
    """The forced answer (checked as in :func:`finalized`) that the hidden world gives, or None."""
    if not holds_all(spec):
        return None
    q = spec.question
    if q.kind == "relation":
        w = spec.world.world()
        x, y = resolve(q.a, w), resolve(q.b, w)
        t = S.hidden_term(spec)
        if t is None or not world_ok(w, x, y, t, q.qualified):
            return None
    fin = finalized(spec)
    return None if fin is None else str(fin.answer.value)


def _draft(spec: BloodRelationsSpec) -> Draft | None:
    """A checked draft: valid spec, facts true in the hidden world, answer forced."""
    try:
        spec = BloodRelationsSpec.model_validate(spec.model_dump())
    except ValueError:
        return None
    words = [f.term for f in spec.all_facts() if isinstance(f, Rel)] + list(spec.codes.values())
    if any(t in INTERNAL for t in words) or answer_of(spec) is None:
        return None
    m = metrics_of(spec)
    return None if m is None else Draft(spec, m)


def _same(d: Draft, new: Draft | None) -> Draft | None:
    """``new`` if it keeps the answer of ``d`` (by person index), else None."""
    if new is None or answer_of(new.spec) != answer_of(d.spec):
        return None
    return new


def reorder(d: Draft, rng: random.Random) -> Draft | None:
    """Shuffle the facts (or the code legend); the canonical hash is unchanged."""
    spec: BloodRelationsSpec = d.spec
    if spec.variant == "coded":
        items = list(spec.codes.items())
        if len(items) < 2:
            return None
        for _ in range(5):
            rng.shuffle(items)
            if items != list(spec.codes.items()):
                return Draft(spec.model_copy(update={"codes": dict(items)}), dict(d.metrics))
        return None
    facts = list(spec.facts)
    if spec.variant == "photo" or len(facts) < 2:
        return None
    for _ in range(5):
        rng.shuffle(facts)
        if facts != list(spec.facts):
            return _same(d, _draft(spec.model_copy(update={"facts": facts})))
    return None


def _inverted(facts: list, i: int) -> Rel | None:
    """Fact ``i`` ("A is B's t") stated from the other end ("B is A's t'"), when the two
    say exactly the same given the other facts (no sex is lost or added), else None."""
    f = facts[i]
    if not isinstance(f, Rel) or f.only or f.a.kind != "ref" or f.b.kind != "ref":
        return None
    t = TERMS[f.term]
    if t.side:
        return None
    a, b = f.a.person, f.b.person
    holder = BloodRelationsSpec.model_construct  # only known_sex reads it (facts)
    sex_old, _ = known_sex(holder(facts=facts, expression=None, codes={}), NAMES)
    inv = INVERSE[t.base]
    new_t = gendered(inv, sex_old.get(b))
    if new_t in INTERNAL:
        return None
    new = Rel(a=Ref(person=b), term=new_t, b=Ref(person=a))
    if t.sex:
        rest = [*facts[:i], new, *facts[i + 1 :]]
        sex_new, _ = known_sex(holder(facts=rest, expression=None, codes={}), NAMES)
        if sex_new.get(a) != t.sex:
            return None
    return new


def reword(d: Draft, rng: random.Random) -> Draft | None:
    """Restate facts from the other end ("A is B's father" -> "B is A's son"; "A is B's
    husband" -> "B is A's wife"), one fact or the whole chain in reverse; every restated
    fact says exactly what it said before, given the others."""
    spec: BloodRelationsSpec = d.spec
    if spec.variant not in ("chain", "family_puzzle"):
        return None
    facts = list(spec.facts)
    idx = list(range(len(facts)))
    rng.shuffle(idx)
    whole = rng.random() < 0.35
    changed = 0
    for i in idx:
        new = _inverted(facts, i)
        if new is None:
            continue
        facts[i] = new
        changed += 1
        if not whole:
            break
    if not changed:
        return None
    if whole:
        facts.reverse()  # the chain read from the other end
    return _same(d, _draft(spec.model_copy(update={"facts": facts})))


def _add_fact(
    spec: BloodRelationsSpec, rng: random.Random, avoid: set[int]
) -> BloodRelationsSpec | None:
    """One more true fact about someone outside ``avoid`` (a parent, child, sibling or
    spouse link of the hidden world), naming a hidden person where needed."""
    w = spec.world.world()
    rels = Relatives(w)
    n_world = len(w.sex)
    fam = spec.variant == "family_puzzle"
    pool = range(len(spec.people)) if fam else range(n_world)
    off = [p for p in pool if p not in avoid]
    q = spec.question
    stated = stated_pairs(spec)
    if q.b is not None:
        stated.add(frozenset((desc_base(q.a), desc_base(q.b))))
    rng.shuffle(off)
    for a in off[:12]:
        opts = [
            q
            for q, _ in rels.related(a, PRIMITIVE)
            if frozenset((a, q)) not in stated and (not fam or q < len(spec.people))
        ]
        if not opts:
            continue
        q = rng.choice(opts)
        t = true_term(w, a, q)
        if t is None:
            continue
        n = len(spec.people)
        new, ai = name_person(spec, a)
        # naming a swaps it with the first hidden person, who may be q
        new, qi = name_person(new, a if q == n and a >= n else q)
        facts = list(new.facts)
        facts.insert(rng.randrange(len(facts) + 1), Rel(a=Ref(person=ai), term=t, b=Ref(person=qi)))
        return new.model_copy(update={"facts": facts})
    return None


def _route_people(spec: BloodRelationsSpec) -> set[int]:
    q = spec.question
    if q.kind == "count":
        w = spec.world.world()
        a = q.a.person
        return {a, *(c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c]))}
    route = spec_route(spec) or []
    return {q.a.person, q.b.person, *(o for _, _, o in route)}


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a true fact about people off the relation path (chains, family puzzles), or an
    unused operator code (coded). A true fact is consistent with the rest and can only
    narrow the models, so the forced answer stays forced and the same."""
    spec: BloodRelationsSpec = d.spec
    if spec.variant == "coded":
        syms = [s for s in CODE_SYMBOLS if s not in spec.codes]
        terms = [t for t in CODE_TERMS if t not in spec.codes.values()]
        if not syms or not terms:
            return None
        items = list(spec.codes.items())
        items.insert(rng.randrange(len(items) + 1), (rng.choice(syms), rng.choice(terms)))
        return _same(d, _draft(spec.model_copy(update={"codes": dict(items)})))
    if spec.variant == "photo":
        return None
    for _ in range(4):
        new = _add_fact(spec, rng, _route_people(spec))
        if new is None:
            return None
        out = _same(d, _draft(new))
        if out is not None:
            return out
    return None


def _hop_swap(
    spec: BloodRelationsSpec, rng: random.Random, end: str, mode: str
) -> BloodRelationsSpec | None:
    """Change the chain at one end.

    ``mode``: ``add`` (a new first/last person linked to the old one), ``drop`` (the end
    person leaves the chain) or ``swap`` (the end person is replaced by another relative
    of its neighbour, keeping its index).
    """
    q = spec.question
    if q.kind != "relation":
        return None
    coded = spec.variant == "coded"
    if coded:
        people = list(spec.expression.people)
        terms = [spec.codes[o] for o in spec.expression.ops]
    else:
        route = spec_route(spec)
        if route is None:
            return None
        people = [q.a.person] + [o for _, _, o in route]
        terms = [t for _, t, _ in route]
    w = spec.world.world()
    rels = Relatives(w)
    hops = len(terms)
    inv = {t: s for s, t in spec.codes.items()}
    if mode == "drop":
        if hops < 2:
            return None
        keep = people[1:] if end == "x" else people[:-1]
        gone = people[0] if end == "x" else people[-1]
        if coded:
            ops = spec.expression.ops[1:] if end == "x" else spec.expression.ops[:-1]
            new = spec.model_copy(update={"expression": Expr(people=tuple(keep), ops=ops)})
        else:
            facts = [
                f
                for f in spec.facts
                if gone not in (desc_base(f.a), desc_base(getattr(f, "b", f.a)))
            ]
            new = spec.model_copy(update={"facts": facts})
        qa = Ref(person=keep[0])
        qb = Ref(person=keep[-1])
        new = new.model_copy(update={"question": q.model_copy(update={"a": qa, "b": qb})})
        return tidy(new)
    anchor = people[0] if mode == "add" and end == "x" else people[-1] if mode == "add" else None
    if mode == "swap":
        anchor = people[1] if end == "x" else people[-2]
    bases = PRIMITIVE + (() if coded else COMPOUND)
    opts = [(p, t) for p, t in rels.related(anchor, bases) if p not in people]
    if coded:
        opts = [(p, t) for p, t in opts if t in inv]
    if not opts:
        return None
    p, t = rng.choice(opts)
    named = set(range(len(spec.people)))
    if p in named and mode == "swap":
        return None
    if mode == "swap":
        # p takes the index of the end person, who leaves the puzzle
        old = people[0] if end == "x" else people[-1]
        order = list(range(len(w.sex)))
        order[old], order[p] = order[p], order[old]
        # the world is renumbered, the facts are not: index ``old`` now names p
        new = spec.model_copy(update={"world": renumber(spec, order, len(spec.people)).world})
        w2 = new.world.world()
        if coded:
            ops = list(new.expression.ops)
            k = 0 if end == "x" else -1
            if end == "x":
                ops[k] = inv[t]
            else:
                rel_last = [r for r in w2.relations(anchor, old) if r in inv]
                if not rel_last:
                    return None
                ops[k] = inv[rel_last[0]]
            return new.model_copy(
                update={"expression": Expr(people=new.expression.people, ops=tuple(ops))}
            )
        facts = []
        for f in new.facts:
            pair = {desc_base(f.a), desc_base(getattr(f, "b", f.a))}
            if isinstance(f, Rel) and pair == {old, anchor}:
                if end == "x":
                    facts.append(Rel(a=Ref(person=old), term=t, b=Ref(person=anchor)))
                else:
                    tt = w2.relations(anchor, old)
                    if not tt:
                        return None
                    facts.append(Rel(a=Ref(person=anchor), term=tt[0], b=Ref(person=old)))
            elif old in pair and not holds_all(new.model_copy(update={"facts": [f]})):
                continue  # a fact about the person who left
            else:
                facts.append(f)
        return tidy(new.model_copy(update={"facts": facts}))
    new, pi = name_person(spec, p)
    if coded:
        ppl = list(new.expression.people)
        ops = list(new.expression.ops)
        if end == "x":
            ppl.insert(0, pi)
            ops.insert(0, inv[t])
        else:
            back = [r for r in new.world.world().relations(anchor, pi) if r in inv]
            if not back:
                return None
            ppl.append(pi)
            ops.append(inv[back[0]])
        new = new.model_copy(update={"expression": Expr(people=tuple(ppl), ops=tuple(ops))})
        qa, qb = Ref(person=ppl[0]), Ref(person=ppl[-1])
    else:
        facts = list(new.facts)
        if end == "x":
            fact = Rel(a=Ref(person=pi), term=t, b=Ref(person=anchor))
            qa, qb = Ref(person=pi), q.b
        else:
            back = new.world.world().relations(anchor, pi)
            if not back:
                return None
            fact = Rel(a=Ref(person=anchor), term=back[0], b=Ref(person=pi))
            qa, qb = q.a, Ref(person=pi)
        facts.insert(rng.randrange(len(facts) + 1), fact)
        new = new.model_copy(update={"facts": facts})
    return new.model_copy(update={"question": q.model_copy(update={"a": qa, "b": qb})})


def _qualified_fit(spec: BloodRelationsSpec) -> BloodRelationsSpec:
    """Drop the paternal/maternal request when the new answer takes no side."""
    q = spec.question
    if not q.qualified:
        return spec
    t = S.hidden_term(spec)
    if t is not None and TERMS[t].side:
        return spec
    return spec.model_copy(update={"question": q.model_copy(update={"qualified": False})})


def _photo_build(
    world: HiddenWorld, s: int, p: int, ps: list[str], pp: list[str], only: bool
) -> BloodRelationsSpec | None:
    """A photo riddle over ``world`` (speaker s, pointed p, description steps), with the
    checks of the family's own drafting: a single relation Z -> U, the 'only' condition,
    and an answer forced by its photo reasoning."""
    w = world.world()
    if s == p or any(st in ("husband", "wife") for st in (ps[1:] + pp[1:])):
        return None
    t = riddle_term(w, Relatives(w), s, ps, p, pp, only)
    if t is None:
        return None
    order = [s, p] + [i for i in range(len(w.sex)) if i not in (s, p)]
    base = BloodRelationsSpec(
        variant="photo",
        people=["P0", "P1"],
        speaker=0,
        pointed=1,
        facts=[
            SexFact(a=Ref(person=s), sex=w.sex[s]),
            SexFact(a=Ref(person=p), sex=w.sex[p]),
            Rel(a=desc(p, pp), term=t, b=desc(s, ps), only=only),
        ],
        question=Question(kind="relation", a=Ref(person=p), b=Ref(person=s)),
        world=world,
    )
    return renumber(base, order, 2)


def _photo_scale(spec: BloodRelationsSpec, rng: random.Random) -> list[BloodRelationsSpec]:
    """Photo riddles one description step longer or shorter (same two people)."""
    fact, ps, pp = photo_parts(spec)
    out = []
    for which in ("ps", "pp"):
        steps = ps if which == "ps" else pp
        cands = [steps[:-1]] if steps else []
        cands += [[*steps, "father"], [*steps, "mother"]]
        if not steps:
            cands += [["husband"], ["wife"]]
        for c in cands:
            a, b = (c, pp) if which == "ps" else (ps, c)
            new = _photo_build(spec.world, 0, 1, a, b, fact.only)
            if new is not None:
                out.append(new)
    rng.shuffle(out)
    return out


def _shortcuts(spec: BloodRelationsSpec) -> list[Callable[[], BloodRelationsSpec | None]]:
    """A true fact from the person asked about to someone two or more steps along the
    derivation route (a shorter route: one level down)."""
    q = spec.question
    if q.kind != "relation":
        return []
    route = spec_route(spec) or []
    w = spec.world.world()
    x = q.a.person
    out = []
    for _, _, o in route[1:-1]:
        rels = w.relations(x, o)
        if rels and frozenset((x, o)) not in stated_pairs(spec):
            fact = Rel(a=Ref(person=x), term=rels[0], b=Ref(person=o))
            out.append(lambda f=fact: spec.model_copy(update={"facts": [*spec.facts, f]}))
    return out


def scale(d: Draft, rng: random.Random) -> Draft | None:
    """One level up or down: a person more or fewer on the chain, a description step more
    or fewer (photo), or a fact more or fewer; the result is forced and one level away."""
    spec: BloodRelationsSpec = d.spec
    level = level_of(d.metrics)
    targets = {level - 1, level + 1} & {1, 2, 3, 4}
    cands: list[Callable[[], BloodRelationsSpec | None]] = []
    if spec.variant == "photo":
        photo = _photo_scale(spec, rng)
        cands += [lambda s=s: s for s in photo]
    elif spec.question.kind == "relation" and spec.variant in ("chain", "coded"):
        for end in ("x", "y"):
            for mode in ("add", "drop"):
                cands.append(lambda e=end, m=mode: _hop_swap(spec, rng, e, m))
    if spec.variant == "coded":
        cands.append(lambda: getattr(distract(d, rng), "spec", None))
        if len(spec.codes) > 1:
            used = set(spec.expression.ops if spec.expression else ())
            for o in spec.question.options:
                used.update(o.ops)
            spare = [s for s in spec.codes if s not in used]
            if spare:
                sym = rng.choice(spare)
                codes = {k: v for k, v in spec.codes.items() if k != sym}
                cands.append(lambda c=codes: spec.model_copy(update={"codes": c}))
    elif spec.variant in ("chain", "family_puzzle"):
        cands.append(lambda: _add_fact(spec, rng, _route_people(spec)))
        cands += _shortcuts(spec)
        k = len(spec.facts) if spec.variant == "family_puzzle" else 4
        for i in rng.sample(range(len(spec.facts)), min(k, len(spec.facts))):
            facts = [f for j, f in enumerate(spec.facts) if j != i]
            cands.append(lambda f=facts: tidy(spec.model_copy(update={"facts": f})))
    rng.shuffle(cands)
    for make in cands:
        new = make()
        if new is None:
            continue
        out = _draft(_qualified_fit(new))
        if out is not None and level_of(out.metrics) in targets:
            return out
    return None


def perturb(d: Draft, rng: random.Random) -> Draft | None:
    """Change the answer on purpose: flip one person's stated sex (with their spouse's, so
    the family stays valid; every sex word follows), or swap the relation at one end of a
    chain for another true one. The new answer is forced, and differs from the old one."""
    spec: BloodRelationsSpec = d.spec
    q = spec.question
    if q.kind == "expression":
        return None
    before = answer_of(spec)
    cands: list[Callable[[], BloodRelationsSpec | None]] = []
    for p in flips(spec, rng)[:6]:
        world = flip_couple(spec.world, p)
        if spec.variant == "photo":
            old = spec.world.world()
            fact, _, _ = photo_parts(spec)
            new_w = world.world()
            zb, ub = path_people(fact.a, old), path_people(fact.b, old)
            pp, ps = (
                desc_steps(restep(zb, new_w, Ref(person=1))),
                desc_steps(restep(ub, new_w, Ref(person=0))),
            )
            cands.append(lambda w=world, a=ps, b=pp, o=fact.only: _photo_build(w, 0, 1, a, b, o))
        else:
            cands.append(lambda w=world: regender(spec, w))
    if spec.variant in ("chain", "coded") and q.kind == "relation":
        cands += [lambda e=e: _hop_swap(spec, rng, e, "swap") for e in ("x", "y") * 3]
    for make in cands:
        new = make()
        if new is None:
            continue
        out = _draft(_qualified_fit(new))
        if out is None:
            continue
        after = answer_of(out.spec)
        if after is not None and after != before:
            return out
    return None


TRANSFORMS: dict[str, TransformFn] = dict(
    reword=reword, reorder=reorder, distract=distract, scale=scale, perturb=perturb
)
