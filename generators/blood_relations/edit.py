"""Spec surgery for the transforms: renumber and (un)name people, flip a couple's sexes,
restate facts for a changed family, and the closed-world check that every fact holds."""

from __future__ import annotations

import random

from verifiers.blood_relations.relations import TERMS, gendered
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Expr,
    HiddenWorld,
    Ref,
    Rel,
    SexFact,
    resolve,
)
from verifiers.solver import blood_relations as S

from .descriptions import desc_base, desc_steps, map_desc, path_people, restep
from .terms import OTHER_SEX
from .world import is_valid


def renumber(spec: BloodRelationsSpec, order: list[int], n_named: int) -> BloodRelationsSpec:
    """People renumbered: new person k is old person ``order[k]``; the first ``n_named`` are named."""
    m = {old: new for new, old in enumerate(order)}
    w = spec.world

    def arr(a: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(m[a[o]] if a[o] >= 0 else -1 for o in order)

    world = HiddenWorld(
        sex=tuple(w.sex[o] for o in order),
        father=arr(w.father),
        mother=arr(w.mother),
        spouse=arr(w.spouse),
    )

    def fact(f):
        if isinstance(f, Rel):
            return f.model_copy(update={"a": map_desc(f.a, m), "b": map_desc(f.b, m)})
        return f.model_copy(update={"a": map_desc(f.a, m)})

    def expr(e: Expr) -> Expr:
        return Expr(people=tuple(m[p] for p in e.people), ops=e.ops)

    q = spec.question
    q = q.model_copy(
        update={
            "a": map_desc(q.a, m),
            "b": map_desc(q.b, m) if q.b is not None else None,
            "options": tuple(expr(o) for o in q.options),
        }
    )
    return spec.model_copy(
        update={
            "people": [f"P{i}" for i in range(n_named)],
            "facts": [fact(f) for f in spec.facts],
            "expression": expr(spec.expression) if spec.expression else None,
            "question": q,
            "world": world,
        }
    )


def name_person(spec: BloodRelationsSpec, p: int) -> tuple[BloodRelationsSpec, int]:
    """Make hidden person ``p`` a named person (the next index); return the spec and its index."""
    n = len(spec.people)
    if p < n:
        return spec, p
    order = list(range(len(spec.world.sex)))
    order[n], order[p] = order[p], order[n]
    return renumber(spec, order, n + 1), n


def _mentioned(spec: BloodRelationsSpec) -> set[int]:
    out: set[int] = set()
    for f in spec.facts:
        out.add(desc_base(f.a))
        if isinstance(f, Rel):
            out.add(desc_base(f.b))
    if spec.expression:
        out.update(spec.expression.people)
    q = spec.question
    out.add(desc_base(q.a))
    if q.b is not None:
        out.add(desc_base(q.b))
    for o in q.options:
        out.update(o.people)
    return out


def tidy(spec: BloodRelationsSpec) -> BloodRelationsSpec:
    """Unname the named people that no fact or question mentions any more."""
    n = len(spec.people)
    used = _mentioned(spec)
    if spec.variant == "photo" or all(i in used for i in range(n)):
        return spec
    # each unmentioned person swaps places with the last named one, so that everybody
    # else keeps their index (and, through the pipeline's pinned names, their name)
    order = list(range(len(spec.world.sex)))
    last = n
    for k in sorted((i for i in range(n) if i not in used), reverse=True):
        last -= 1
        order[k], order[last] = order[last], order[k]
    return renumber(spec, order, last)


def flip_couple(world: HiddenWorld, p: int) -> HiddenWorld:
    """``p`` and their spouse change sex; their children's father and mother swap.

    The result obeys every world axiom again (parents married, a father a man, ...), and
    every relation between two people is the same up to the sex words.
    """
    sex, fa, mo = list(world.sex), list(world.father), list(world.mother)
    s = world.spouse[p]
    for q in (p, s) if s >= 0 else (p,):
        sex[q] = OTHER_SEX[sex[q]]
    if s >= 0:
        for c in range(len(sex)):
            if fa[c] in (p, s):
                fa[c], mo[c] = mo[c], fa[c]
    return HiddenWorld(sex=tuple(sex), father=tuple(fa), mother=tuple(mo), spouse=world.spouse)


def holds_all(spec: BloodRelationsSpec, world: HiddenWorld | None = None) -> bool:
    """Whether a concrete family (default: the hidden one) obeys the axioms and every fact.

    Closed world: ``only`` and counts range over every person of the family.
    """
    w = (world or spec.world).world()
    if not is_valid(w):
        return False
    n = len(w.sex)
    for f in spec.all_facts():
        if isinstance(f, SexFact):
            p = resolve(f.a, w)
            if p < 0 or w.sex[p] != f.sex:
                return False
        elif isinstance(f, Rel):
            a, b = resolve(f.a, w), resolve(f.b, w)
            if a < 0 or b < 0 or not w.holds(f.term, a, b):
                return False
            if f.only and any(z != a and w.holds(f.term, z, b) for z in range(n)):
                return False
        else:
            a = resolve(f.a, w)
            if a < 0 or sum(w.holds(f.term, z, a) for z in range(n)) != f.k:
                return False
    return True


def regender(spec: BloodRelationsSpec, world: HiddenWorld) -> BloodRelationsSpec:
    """The facts restated for ``world`` (same people and links, sexes possibly changed):
    gendered words follow the new sexes, sex facts too."""
    old, new = spec.world.world(), world.world()

    def desc(d):
        return restep(path_people(d, old), new, Ref(person=desc_base(d)))

    def term(t: str, who: int) -> str:
        tt = TERMS[t]
        if tt.sex is None:
            return t
        word = gendered(tt.base, new.sex[who])
        return f"{tt.side} {word}" if tt.side else word

    facts = []
    for f in spec.facts:
        if isinstance(f, Rel):
            a = resolve(f.a, old)
            facts.append(
                f.model_copy(update={"a": desc(f.a), "b": desc(f.b), "term": term(f.term, a)})
            )
        elif isinstance(f, SexFact):
            facts.append(f.model_copy(update={"a": desc(f.a), "sex": new.sex[resolve(f.a, old)]}))
        else:
            facts.append(f)
    return spec.model_copy(update={"facts": facts, "world": world})


def world_answer(spec: BloodRelationsSpec, world: HiddenWorld) -> str | None:
    """What the question's answer is in a concrete family (no derivation)."""
    q = spec.question
    w = world.world()
    if q.kind == "count":
        a = resolve(q.a, w)
        want = "M" if q.term == "son" else "F"
        kids = [c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c])]
        return str(sum(w.sex[c] == want for c in kids))
    if q.kind == "relation":
        return S.hidden_term(spec.model_copy(update={"world": world}))
    return None


def stated_pairs(spec: BloodRelationsSpec) -> set[frozenset]:
    return {
        frozenset((desc_base(f.a), desc_base(f.b))) for f in spec.all_facts() if isinstance(f, Rel)
    }


def photo_parts(spec: BloodRelationsSpec) -> tuple[Rel, list[str], list[str]]:
    fact = next(f for f in spec.facts if isinstance(f, Rel))
    return fact, desc_steps(fact.b), desc_steps(fact.a)


def flips(spec: BloodRelationsSpec, rng: random.Random) -> list[int]:
    """People whose sex (with their spouse's) may decide the answer, most likely first."""
    q = spec.question
    w = spec.world.world()
    first: list[int] = []
    if q.kind == "count":
        a = q.a.person
        first = [c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c])]
    else:
        first = [desc_base(q.a)]
        if spec.variant == "photo":
            first.append(desc_base(q.b))
    rest = [p for p in range(len(spec.people)) if p not in first]
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest
