"""Relation chains, plain or coded: walk a path through a hidden family hop by hop.

Each hop is stated as a fact (or as an operator code, for ``coded``); composing the hops
from the end of the path must be forced at every step, and the pair's true relation must
be an answer word and the only one between them. Harder chains add compound hops, a sex
that only another fact states, and true facts off the path.
"""

from __future__ import annotations

import random
from typing import Any

from verifiers.blood_relations.relations import (
    CANNOT,
    INTERNAL,
    TERMS,
    World,
    answer_space,
    neutral,
)
from verifiers.blood_relations.spec import BloodRelationsSpec, Expr, Question, Ref, Rel

from ..family import Draft
from .coded import CODE_SYMBOLS, CODE_TERMS, expression_options
from .derive import spec_route
from .levels import score_range
from .terms import answer_term, compose, world_ok
from .world import COMPOUND, PRIMITIVE, Relatives, generations, hidden, sample_tree, true_term

PEOPLE_CAP = 30


def _chain_walk(
    rng: random.Random,
    w: World,
    rels: Relatives,
    hops: int,
    compound: int,
    terms: tuple[str, ...] | None = None,
) -> tuple[list[int], list[str], list[str]] | None:
    """A path x=P0..Ph=y with hop terms (P_i is term_i of P_{i+1}) whose composition from
    the end is forced at every step. Returns (path, hop terms, composed relations r_i of
    P_i to y), or None."""
    n = len(w.sex)
    y = rng.randrange(n)
    path, hop_terms, composed = [y], [], []
    used_compound = 0
    for _ in range(hops):
        cur = path[0]
        bases = PRIMITIVE
        if used_compound < compound:
            bases = bases + COMPOUND
        options = rels.related(cur, bases)
        rng.shuffle(options)
        if used_compound < compound:  # prefer a compound hop when one is wanted
            options.sort(key=lambda qt: TERMS[qt[1]].base in PRIMITIVE)
        for q, term in options:
            if q in path or (terms is not None and term not in terms):
                continue
            r = term if not composed else compose(term, composed[0])
            if r is None or r in INTERNAL and len(path) == hops:
                continue
            path.insert(0, q)
            hop_terms.insert(0, term)
            composed.insert(0, r)
            used_compound += TERMS[term].base not in PRIMITIVE
            break
        else:
            return None
    return path, hop_terms, composed


def _plan(
    rng: random.Random, level: int, options: dict[str, Any], variant: str = "chain"
) -> tuple[int, int]:
    """(hops, extra score points) aimed at ``level``; ``options['hops']`` forces the hops."""
    lo, hi = score_range(level, variant)
    forced = options.get("hops")
    if forced:
        hops = int(forced)
    else:
        hops = {
            1: 2,  # one hop states the answer: no puzzle
            2: rng.randint(2, 3),
            3: rng.randint(3, 4),
            4: rng.randint(4, 6),
        }[level]
    target = rng.randint(max(lo, hops), max(hi, hops))
    return hops, max(0, target - hops)


def draft(rng: random.Random, level: int, options: dict[str, Any], coded: bool) -> Draft | None:
    """One chain (``coded``: operator codes) aimed at ``level``; None if the attempt failed."""
    hops, extra = _plan(rng, level, options, "coded" if coded else "chain")
    hops = max(1, min(hops, 6))
    gens = min(5, max(3, 2 + (hops + 1) // 2))
    fam = sample_tree(rng, generations=gens, max_people=min(PEOPLE_CAP, 10 + 3 * hops))
    w0, _ = fam.freeze()
    rels = Relatives(w0)
    gender_inferred = False
    codes: dict[str, str] = {}
    expression_q = False
    compound = 0
    if coded:
        expression_q = hops >= 2 and extra >= 2 and rng.random() < 0.6
        extra -= 2 * int(expression_q)
        n_ops = 3 + min(2, max(0, extra))
        terms = tuple(rng.sample(CODE_TERMS, n_ops))
        walk = _chain_walk(rng, w0, rels, hops, 0, terms)
    else:
        terms = None
        if extra >= 1 and rng.random() < 0.35:
            gender_inferred = True
            extra -= 1
        compound = rng.randint(0, min(extra, hops))
        walk = _chain_walk(rng, w0, rels, hops, compound)
    ok = False
    for _ in range(8):
        if walk is not None:
            path, hop_terms, composed = walk
            x, y = path[0], path[-1]
            qualified = bool(options.get("qualified", 0.25) > rng.random()) and not coded
            ans = answer_term(composed[0], qualified)
            # a side is forced only through blood (a grandparent): an uncle by blood on one
            # side can be an uncle by marriage on the other in some family
            if ans is None or (
                qualified and (not TERMS[ans].side or TERMS[ans].base != "grandparent")
            ):
                qualified = False
                ans = answer_term(composed[0], False)
            if ans is not None and world_ok(w0, x, y, ans, qualified):
                ok = True
                break
        walk = _chain_walk(rng, w0, rels, hops, compound if not coded else 0, terms)
    if not ok:
        return None
    used_compound = sum(TERMS[t].base not in PRIMITIVE for t in hop_terms)
    if not coded:
        extra -= used_compound
    named = list(path)
    facts_raw: list[tuple[int, str, int]] = [
        (path[i], hop_terms[i], path[i + 1]) for i in range(hops)
    ]
    sex_facts: list[tuple[int, str, int]] = []  # (person, term, other): reveals x's sex
    if gender_inferred:
        reveal = _reveal_sex(rng, rels, x, set(path))
        if reveal is None or TERMS[hop_terms[0]].sex is None:
            return None
        q, t = reveal
        named.append(q)
        sex_facts.append((x, t, q))
        facts_raw[0] = (x, neutral(hop_terms[0]), path[1])
    distract: list[tuple[int, str, int]] = []
    pairs = {frozenset((a, b)) for a, _, b in facts_raw + sex_facts}
    n_distract = 0 if coded else 2 * max(0, extra)
    if n_distract and rng.random() < 0.5:
        n_distract -= 1
    for _ in range(n_distract * 4):
        if len(distract) >= n_distract:
            break
        d = _distractor_fact(rng, w0, rels, set(path), named)
        if d is not None and frozenset((d[0], d[2])) not in pairs:
            pairs.add(frozenset((d[0], d[2])))
            distract.append(d)
            for p in (d[0], d[2]):
                if p not in named:
                    named.append(p)
    if len(distract) < n_distract:
        return None
    w, perm = fam.freeze(named)
    idx = {old: k for k, old in enumerate(perm)}
    facts: list = []
    expression = None
    if coded:
        syms = rng.sample(CODE_SYMBOLS, len(terms))
        codes = dict(zip(syms, terms, strict=True))
        inv = {t: s for s, t in codes.items()}
        expression = Expr(people=tuple(idx[p] for p in path), ops=tuple(inv[t] for t in hop_terms))
    else:
        all_raw = facts_raw + sex_facts + distract
        order = list(range(len(all_raw)))
        if level >= 3:
            rng.shuffle(order)
        facts = [
            Rel(
                a=Ref(person=idx[all_raw[i][0]]),
                term=all_raw[i][1],
                b=Ref(person=idx[all_raw[i][2]]),
            )
            for i in order
        ]
    if expression_q:
        opts = expression_options(rng, w0, rels, path, hop_terms, ans, codes, idx)
        if opts is None:
            return None
        question = Question(
            kind="expression",
            a=Ref(person=idx[x]),
            b=Ref(person=idx[y]),
            term=ans,
            options=opts,
        )
    else:
        question = Question(
            kind="relation", a=Ref(person=idx[x]), b=Ref(person=idx[y]), qualified=qualified
        )
    spec = BloodRelationsSpec(
        variant="coded" if coded else "chain",
        people=[f"P{i}" for i in range(len(named))],
        codes=codes,
        expression=expression if not expression_q else None,
        facts=facts,
        question=question,
        world=hidden(w),
    )
    if not coded:
        route = spec_route(spec)
        if route is None or len(route) != hops:
            return None  # a true fact off the path gave a shortcut: fewer hops than planned
    gen = generations(w0)
    n_ops = len(codes)
    score = (
        hops + 2 * int(expression_q) + n_ops - 3
        if coded
        else hops + used_compound + int(gender_inferred) + (len(distract) + 1) // 2
    )
    metrics = {
        "variant": spec.variant,
        "hops": hops,
        "compound_hops": used_compound,
        "generations": max(gen[p] for p in path) - min(gen[p] for p in path) + 1,
        "n_people": len(named),
        "n_world": len(w.sex),
        "n_facts": len(spec.all_facts()),
        "distractor_facts": len(distract),
        "coded_operators": n_ops,
        "gender_inferred": int(gender_inferred),
        "deduction_depth": hops - 1 + int(gender_inferred),
        "question": question.kind,
        "score": score,
    }
    return Draft(spec, metrics)


def _reveal_sex(
    rng: random.Random, rels: Relatives, x: int, avoid: set[int]
) -> tuple[int, str] | None:
    """A gendered fact "x is the <term> of q" with q off the path (spouse, sibling, child)."""
    opts = [
        (q, t)
        for q, t in rels.related(x, ("spouse", "sibling", "child", "parent"))
        if q not in avoid
    ]
    if not opts:
        return None
    q, _ = rng.choice(opts)
    for t in answer_space():
        if t != CANNOT and TERMS[t].base in PRIMITIVE and rels.w.holds(t, x, q):
            return q, t
    return None


def _distractor_fact(
    rng: random.Random, w: World, rels: Relatives, path: set[int], named: list[int]
) -> tuple[int, str, int] | None:
    """A true fact about someone off the path (it cannot change the forced answer)."""
    off = [p for p in range(len(w.sex)) if p not in path]
    if not off:
        return None
    a = rng.choice(off)
    opts = rels.related(a, PRIMITIVE)
    if not opts:
        return None
    q, _ = rng.choice(opts)
    t = true_term(w, a, q)  # the term "a is T of q"
    return None if t is None else (a, t, q)
