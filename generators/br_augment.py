"""Blood-relations augmentations and deliberately unsolvable / ambiguous variants.

Every transform maps a draft (placeholder names) to a new draft or None, and checks its
intent without Z3 before the pipeline proves the result:

- the hidden world must satisfy every fact exactly (:func:`holds_all`: a closed-world
  evaluation over the concrete family, ``only`` and counts included);
- the answer must be forced by the family's own reasoning (the composition table, whose
  entries are Z3-proven), i.e. :func:`generators.blood_relations.finalize` renders the
  puzzle and its derivation without a mismatch, and it must be the hidden world's only
  relation between the pair;
- an ambiguous label needs two concrete families that satisfy every fact and answer
  differently (each checked by :func:`holds_all` and by the exact closed-world Z3 check
  :func:`verifiers.solver.blood_relations.check`).

Metrics are recomputed from the spec by :func:`metrics_of`, which applies the formulas of
``SCORE_DOC`` (a test checks that it reproduces the draft's own metrics on originals).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from verifiers.blood_relations.relations import INTERNAL, TERMS, World, gendered
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Expr,
    HiddenWorld,
    Of,
    Ref,
    Rel,
    SexFact,
    resolve,
)
from verifiers.solver import blood_relations as S

from . import br_world
from .family import Draft, RenderContext

OTHER_SEX = {"M": "F", "F": "M"}
NAMES = [f"P{i}" for i in range(64)]


class _Family:
    """The family module, imported on first use (it imports this module at its end)."""

    def __getattr__(self, name: str):
        from . import blood_relations

        return getattr(blood_relations, name)


br = _Family()  # placeholder names for the family's trace helpers
_CHECKED = (AssertionError, IndexError, KeyError, StopIteration, ValueError, TypeError)

# --- people, worlds and facts -------------------------------------------------------------


def _map_desc(d, m: dict[int, int]):
    if d.kind == "ref":
        return Ref(person=m[d.person])
    return Of(step=d.step, of=_map_desc(d.of, m))


def _base(d) -> int:
    while d.kind == "of":
        d = d.of
    return d.person


def _steps(d) -> list[str]:
    out = []
    while d.kind == "of":
        out.append(d.step)
        d = d.of
    return out[::-1]


def _renumber(spec: BloodRelationsSpec, order: list[int], n_named: int) -> BloodRelationsSpec:
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
            return f.model_copy(update={"a": _map_desc(f.a, m), "b": _map_desc(f.b, m)})
        return f.model_copy(update={"a": _map_desc(f.a, m)})

    def expr(e: Expr) -> Expr:
        return Expr(people=tuple(m[p] for p in e.people), ops=e.ops)

    q = spec.question
    q = q.model_copy(
        update={
            "a": _map_desc(q.a, m),
            "b": _map_desc(q.b, m) if q.b is not None else None,
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


def _name(spec: BloodRelationsSpec, p: int) -> tuple[BloodRelationsSpec, int]:
    """Make hidden person ``p`` a named person (the next index); return the spec and its index."""
    n = len(spec.people)
    if p < n:
        return spec, p
    order = list(range(len(spec.world.sex)))
    order[n], order[p] = order[p], order[n]
    return _renumber(spec, order, n + 1), n


def _mentioned(spec: BloodRelationsSpec) -> set[int]:
    out: set[int] = set()
    for f in spec.facts:
        out.add(_base(f.a))
        if isinstance(f, Rel):
            out.add(_base(f.b))
    if spec.expression:
        out.update(spec.expression.people)
    q = spec.question
    out.add(_base(q.a))
    if q.b is not None:
        out.add(_base(q.b))
    for o in q.options:
        out.update(o.people)
    return out


def _tidy(spec: BloodRelationsSpec) -> BloodRelationsSpec:
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
    return _renumber(spec, order, last)


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
    if not br_world.is_valid(w):
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


def _path_people(d, w: World) -> list[int]:
    """The people a description walks through, from its base person to the one it names."""
    cur = _base(d)
    out = [cur]
    for st in _steps(d):
        cur = {"father": w.father, "mother": w.mother}.get(st, w.spouse)[cur]
        out.append(cur)
    return out


def _restep(people: list[int], w: World, base) -> object:
    """A description along ``people`` with the step words of world ``w``."""
    d = base
    for u, v in zip(people, people[1:], strict=False):
        if w.father[u] == v:
            st = "father"
        elif w.mother[u] == v:
            st = "mother"
        else:
            st = "husband" if w.sex[v] == "M" else "wife"
        d = Of(step=st, of=d)
    return d


def _regender(spec: BloodRelationsSpec, world: HiddenWorld) -> BloodRelationsSpec:
    """The facts restated for ``world`` (same people and links, sexes possibly changed):
    gendered words follow the new sexes, sex facts too."""
    old, new = spec.world.world(), world.world()

    def desc(d):
        return _restep(_path_people(d, old), new, Ref(person=_base(d)))

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


# --- the family's own reasoning -------------------------------------------------------------


def finalized(spec: BloodRelationsSpec, metrics: dict | None = None):
    """The family's finalize on placeholder names, or None when its derivation does not
    reach the hidden world's answer (the answer is not forced by the composition table)."""
    ctx = RenderContext(
        rng=random.Random(0), names=[], pin={"names": list(spec.people), "template": 0}
    )
    try:
        return br.finalize(Draft(spec, metrics or {}), ctx)
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
        if t is None or not br._world_ok(w, x, y, t, q.qualified):
            return None
    fin = finalized(spec)
    return None if fin is None else str(fin.answer.value)


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


def _route(spec: BloodRelationsSpec) -> list[tuple[int, str, int]] | None:
    """The derivation route (x is t of o, ..., down to y) of a relation question."""
    q = spec.question
    facts = br._rel_facts(spec)
    sex, _ = br._known_sex(spec, spec.people)
    rel, via = br._derive(facts, sex, q.b.person)
    if q.a.person not in rel:
        return None
    return br._route(via, q.a.person, q.b.person)


def _states_sex(f, p: int) -> bool:
    if isinstance(f, SexFact):
        return f.a.kind == "ref" and f.a.person == p
    if not isinstance(f, Rel) or f.a.kind != "ref" or f.b.kind != "ref":
        return False
    t = TERMS[f.term]
    return bool(t.sex) and (f.a.person == p or t.base == "spouse" and f.b.person == p)


def _used(route: list[tuple[int, str, int]], facts: list) -> set[int]:
    """Indices of the facts a route uses (stated either way round)."""
    pairs = {frozenset((q, o)) for q, _, o in route}
    return {
        i
        for i, f in enumerate(facts)
        if isinstance(f, Rel)
        and f.a.kind == f.b.kind == "ref"
        and frozenset((f.a.person, f.b.person)) in pairs
    }


def metrics_of(spec: BloodRelationsSpec) -> dict | None:
    """The difficulty metrics of a spec, by the family's documented formulas (``SCORE_DOC``)."""
    w = spec.world.world()
    gen = br_world.generations(w)
    v = spec.variant
    q = spec.question
    base = {
        "variant": v,
        "n_people": len(spec.people),
        "n_world": len(w.sex),
        "n_facts": len(spec.all_facts()),
        "coded_operators": len(spec.codes),
        "question": q.kind,
    }
    if v == "photo":
        fact = next(f for f in spec.facts if isinstance(f, Rel))
        kp, ks, only = len(_steps(fact.a)), len(_steps(fact.b)), int(fact.only)
        span = abs(gen[1] - gen[0])
        return {
            **base,
            "hops": kp + ks + 1,
            "compound_hops": 0,
            "generations": span + 1,
            "distractor_facts": 0,
            "gender_inferred": 1,
            "deduction_depth": kp + ks + only,
            "only": only,
            "score": kp + ks + 2 * only + span,
        }
    if v == "family_puzzle":
        n = len(spec.people)
        if q.kind == "count":
            a = q.a.person
            deriv = sum(a in (w.father[c], w.mother[c]) for c in range(len(w.sex)))
        else:
            route = _route(spec)
            if route is None:
                return None
            deriv = len(route) - 1
        rels = [f for f in spec.facts if isinstance(f, Rel)]
        return {
            **base,
            "hops": deriv,
            "generations": max(gen) - min(gen) + 1,
            "distractor_facts": 0,
            "gender_inferred": int(any(TERMS[f.term].sex is None for f in rels)),
            "deduction_depth": deriv,
            "score": max(0, n - 5) // 2 + deriv + int(q.kind == "count"),
        }
    if v == "coded":
        path = list(q.options[0].people if q.kind == "expression" else spec.expression.people)
        hops = len(path) - 1
        expr_q = int(q.kind == "expression")
        return {
            **base,
            "hops": hops,
            "compound_hops": 0,
            "generations": max(gen[p] for p in path) - min(gen[p] for p in path) + 1,
            "distractor_facts": 0,
            "gender_inferred": 0,
            "deduction_depth": hops - 1,
            "score": hops + 2 * expr_q + len(spec.codes) - 3,
        }
    route = _route(spec)
    if route is None:
        return None
    x = q.a.person
    facts = spec.facts
    on = _used(route, facts)
    path = [x] + [o for _, _, o in route]
    compound = sum(TERMS[t].base not in br_world.PRIMITIVE for _, t, _ in route)
    inferred = int(not any(_states_sex(facts[i], x) for i in on))
    off = [i for i in range(len(facts)) if i not in on]
    reveal = int(inferred and any(_states_sex(facts[i], x) for i in off))
    distract = len(off) - reveal
    hops = len(route)
    return {
        **base,
        "hops": hops,
        "compound_hops": compound,
        "generations": max(gen[p] for p in path) - min(gen[p] for p in path) + 1,
        "distractor_facts": distract,
        "gender_inferred": inferred,
        "deduction_depth": hops - 1 + inferred,
        "score": hops + compound + inferred + (distract + 1) // 2,
    }


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


# --- transforms -------------------------------------------------------------------------------


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
    holder = BloodRelationsSpec.model_construct  # only _known_sex reads it (facts)
    sex_old, _ = br._known_sex(holder(facts=facts, expression=None, codes={}), NAMES)
    inv = br.INVERSE[t.base]
    new_t = gendered(inv, sex_old.get(b))
    if new_t in INTERNAL:
        return None
    new = Rel(a=Ref(person=b), term=new_t, b=Ref(person=a))
    if t.sex:
        rest = [*facts[:i], new, *facts[i + 1 :]]
        sex_new, _ = br._known_sex(holder(facts=rest, expression=None, codes={}), NAMES)
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


def _true_fact(w: World, a: int, q: int) -> str | None:
    for base in br_world.PRIMITIVE:
        t = gendered(base, w.sex[a])
        if w.holds(t, a, q):
            return t
    return None


def _stated_pairs(spec: BloodRelationsSpec) -> set[frozenset]:
    return {frozenset((_base(f.a), _base(f.b))) for f in spec.all_facts() if isinstance(f, Rel)}


def _add_fact(
    spec: BloodRelationsSpec, rng: random.Random, avoid: set[int]
) -> BloodRelationsSpec | None:
    """One more true fact about someone outside ``avoid`` (a parent, child, sibling or
    spouse link of the hidden world), naming a hidden person where needed."""
    w = spec.world.world()
    rels = br_world.Relatives(w)
    n_world = len(w.sex)
    fam = spec.variant == "family_puzzle"
    pool = range(len(spec.people)) if fam else range(n_world)
    off = [p for p in pool if p not in avoid]
    q = spec.question
    stated = _stated_pairs(spec)
    if q.b is not None:
        stated.add(frozenset((_base(q.a), _base(q.b))))
    rng.shuffle(off)
    for a in off[:12]:
        opts = [
            q
            for q, _ in rels.related(a, br_world.PRIMITIVE)
            if frozenset((a, q)) not in stated and (not fam or q < len(spec.people))
        ]
        if not opts:
            continue
        q = rng.choice(opts)
        t = _true_fact(w, a, q)
        if t is None:
            continue
        n = len(spec.people)
        new, ai = _name(spec, a)
        # naming a swaps it with the first hidden person, who may be q
        new, qi = _name(new, a if q == n and a >= n else q)
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
    route = _route(spec) or []
    return {q.a.person, q.b.person, *(o for _, _, o in route)}


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a true fact about people off the relation path (chains, family puzzles), or an
    unused operator code (coded). A true fact is consistent with the rest and can only
    narrow the models, so the forced answer stays forced and the same."""
    spec: BloodRelationsSpec = d.spec
    if spec.variant == "coded":
        syms = [s for s in br.CODE_SYMBOLS if s not in spec.codes]
        terms = [t for t in br.CODE_TERMS if t not in spec.codes.values()]
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
        route = _route(spec)
        if route is None:
            return None
        people = [q.a.person] + [o for _, _, o in route]
        terms = [t for _, t, _ in route]
    w = spec.world.world()
    rels = br_world.Relatives(w)
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
            facts = [f for f in spec.facts if gone not in (_base(f.a), _base(getattr(f, "b", f.a)))]
            new = spec.model_copy(update={"facts": facts})
        qa = Ref(person=keep[0])
        qb = Ref(person=keep[-1])
        new = new.model_copy(update={"question": q.model_copy(update={"a": qa, "b": qb})})
        return _tidy(new)
    anchor = people[0] if mode == "add" and end == "x" else people[-1] if mode == "add" else None
    if mode == "swap":
        anchor = people[1] if end == "x" else people[-2]
    bases = br_world.PRIMITIVE + (() if coded else br_world.COMPOUND)
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
        new = spec.model_copy(update={"world": _renumber(spec, order, len(spec.people)).world})
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
            pair = {_base(f.a), _base(getattr(f, "b", f.a))}
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
        return _tidy(new.model_copy(update={"facts": facts}))
    new, pi = _name(spec, p)
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
    rels = br_world.Relatives(w)
    u = resolve(br._desc(s, ps), w)
    z = resolve(br._desc(p, pp), w)
    if u < 0 or z < 0 or z == u or s == p:
        return None
    if any(st in ("husband", "wife") for st in (ps[1:] + pp[1:])):
        return None
    zr = w.relations(z, u)
    if len(zr) != 1:
        return None
    t = zr[0]
    if only and (
        TERMS[t].base != "child" or [c for c in rels.kids[u] if w.sex[c] == w.sex[z]] != [z]
    ):
        return None
    solved = br._photo_solve(w.sex[p], pp, w.sex[s], ps, t, only)
    if solved is None or w.relations(p, s) != [solved[0]]:
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
            Rel(a=br._desc(p, pp), term=t, b=br._desc(s, ps), only=only),
        ],
        question=br.Question(kind="relation", a=Ref(person=p), b=Ref(person=s)),
        world=world,
    )
    return _renumber(base, order, 2)


def _photo_parts(spec: BloodRelationsSpec) -> tuple[Rel, list[str], list[str]]:
    fact = next(f for f in spec.facts if isinstance(f, Rel))
    return fact, _steps(fact.b), _steps(fact.a)


def _photo_scale(spec: BloodRelationsSpec, rng: random.Random) -> list[BloodRelationsSpec]:
    """Photo riddles one description step longer or shorter (same two people)."""
    fact, ps, pp = _photo_parts(spec)
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
    route = _route(spec) or []
    w = spec.world.world()
    x = q.a.person
    out = []
    for _, _, o in route[1:-1]:
        rels = w.relations(x, o)
        if rels and frozenset((x, o)) not in _stated_pairs(spec):
            fact = Rel(a=Ref(person=x), term=rels[0], b=Ref(person=o))
            out.append(lambda f=fact: spec.model_copy(update={"facts": [*spec.facts, f]}))
    return out


def scale(d: Draft, rng: random.Random) -> Draft | None:
    """One level up or down: a person more or fewer on the chain, a description step more
    or fewer (photo), or a fact more or fewer; the result is forced and one level away."""
    spec: BloodRelationsSpec = d.spec
    level = br.level_of(d.metrics)
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
            cands.append(lambda f=facts: _tidy(spec.model_copy(update={"facts": f})))
    rng.shuffle(cands)
    for make in cands:
        new = make()
        if new is None:
            continue
        out = _draft(_qualified_fit(new))
        if out is not None and br.level_of(out.metrics) in targets:
            return out
    return None


def _flips(spec: BloodRelationsSpec, rng: random.Random) -> list[int]:
    """People whose sex (with their spouse's) may decide the answer, most likely first."""
    q = spec.question
    w = spec.world.world()
    first: list[int] = []
    if q.kind == "count":
        a = q.a.person
        first = [c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c])]
    else:
        first = [_base(q.a)]
        if spec.variant == "photo":
            first.append(_base(q.b))
    rest = [p for p in range(len(spec.people)) if p not in first]
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest


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
    for p in _flips(spec, rng)[:6]:
        world = flip_couple(spec.world, p)
        if spec.variant == "photo":
            old = spec.world.world()
            fact, _, _ = _photo_parts(spec)
            new_w = world.world()
            zb, ub = _path_people(fact.a, old), _path_people(fact.b, old)
            pp, ps = (
                _steps(_restep(zb, new_w, Ref(person=1))),
                _steps(_restep(ub, new_w, Ref(person=0))),
            )
            cands.append(lambda w=world, a=ps, b=pp, o=fact.only: _photo_build(w, 0, 1, a, b, o))
        else:
            cands.append(lambda w=world: _regender(spec, w))
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


TRANSFORMS: dict[str, Callable[[Draft, random.Random], Draft | None]] = {
    "reword": reword,
    "reorder": reorder,
    "distract": distract,
    "scale": scale,
    "perturb": perturb,
}


# --- labelled items ---------------------------------------------------------------------------


def _labelled(spec: BloodRelationsSpec, d: Draft, kind: str) -> Draft:
    m = metrics_of(spec) or {}
    return Draft(spec, {**d.metrics, **m, "labelled": kind})


def _unsolvable(spec: BloodRelationsSpec, rng: random.Random) -> BloodRelationsSpec | None:
    q = spec.question
    w = spec.world.world()
    if spec.variant == "photo":
        # the statement gives the described person the other sex: "His mother is the son of ..."
        fact, _, pp = _photo_parts(spec)
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
    known, _ = br._known_sex(spec, spec.people)
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
        if isinstance(f, SexFact) and _base(f.a) in who and f.a.kind == "ref":
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
                free = [s for s in br.CODE_SYMBOLS if s not in codes]
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
    for p in _flips(spec, rng)[:6]:
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
    return _labelled(new, d, kind), Draft(alt, _labelled(new, d, kind).metrics)
