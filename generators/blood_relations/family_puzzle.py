"""Family puzzles: a family of 5-10 people described by a spanning set of true facts (some
indirect); ask one relation the facts force, or how many sons/daughters someone has."""

from __future__ import annotations

import random
from typing import Any

from verifiers.blood_relations.relations import TERMS, gendered, neutral
from verifiers.blood_relations.spec import BloodRelationsSpec, Count, Question, Ref, Rel, SexFact

from ..family import Draft
from .derive import derive, route_of
from .levels import score_range
from .terms import INVERSE, answer_term, world_ok
from .world import Relatives, generations, graph, hidden, sample_tree


def draft(rng: random.Random, level: int, options: dict[str, Any]) -> Draft | None:
    """One family puzzle aimed at ``level``; None if the attempt failed."""
    lo, hi = score_range(level, "family_puzzle")
    # the score counts (people - 5) // 2: a family too big for the level can never fit it
    cap = {1: 6, 2: 7, 3: 8, 4: 10}[level]
    fam = sample_tree(rng, generations=3, max_people=cap, kids=(2, 3), inlaw_family=0.0)
    w0, _ = fam.freeze()
    n = len(w0.sex)
    if not 5 <= n <= 10:
        return None
    rels = Relatives(w0)
    g = graph(w0)
    # facts: a spanning set of true relations (some indirect), sexes stated sparingly
    facts_raw: list[tuple[int, str, int]] = []
    known_sex: dict[int, str] = {}
    edges = list(g.edges(data=True))
    rng.shuffle(edges)
    seen_pairs: set[frozenset] = set()

    root = list(range(n))  # union-find over the facts chosen so far (a spanning tree)

    def find(p: int) -> int:
        while root[p] != p:
            root[p] = root[root[p]]
            p = root[p]
        return p

    for a, b, d in edges:
        if frozenset((a, b)) in seen_pairs or find(a) == find(b):
            continue
        seen_pairs.add(frozenset((a, b)))
        root[find(a)] = find(b)
        base = "parent" if d["kind"] == "parent" else "spouse"
        x, y = (a, b) if rng.random() < 0.5 else (b, a)
        bx = base if x == a else INVERSE[base]
        # indirect: sometimes the neutral term (sex left to another fact)
        term = gendered(bx, w0.sex[x]) if rng.random() < 0.6 else bx
        if TERMS[term].sex:
            known_sex[x] = w0.sex[x]
        if TERMS[term].base == "spouse" and TERMS[term].sex:
            known_sex[y] = "F" if w0.sex[x] == "M" else "M"
        facts_raw.append((x, term, y))
    if len({find(p) for p in range(n)}) > 1:
        return None
    # some indirect facts: a compound relation replaces nothing, it adds a route
    for _ in range(rng.randint(0, 2)):
        a = rng.randrange(n)
        opts = rels.related(
            a, ("grandparent", "pibling", "sibling", "sibling-in-law", "child-in-law")
        )
        if opts:
            q, t = rng.choice(opts)
            if frozenset((q, a)) in seen_pairs:
                continue
            seen_pairs.add(frozenset((q, a)))
            facts_raw.append((q, t, a))
            known_sex[q] = w0.sex[q]
    sex_facts: list[int] = []
    for p in rng.sample(range(n), k=min(n, rng.randint(1, 3))):
        if p not in known_sex:
            sex_facts.append(p)
            known_sex[p] = w0.sex[p]
    count_q = rng.random() < 0.35
    spec_q = None
    extra_facts: list = []
    deriv = 0
    if count_q:
        parents = [p for p in range(n) if len(rels.kids[p]) >= 2]
        if not parents:
            return None
        a = rng.choice(parents)
        kids = rels.kids[a]
        term = rng.choice(("son", "daughter"))
        # every child's sex must be known and each must be a stated child of a
        for c in kids:
            if c not in known_sex:
                sex_facts.append(c)
                known_sex[c] = w0.sex[c]
        derived, _ = derive(facts_raw, known_sex, a)
        if any(c not in derived or neutral(derived[c]) != "child" for c in kids):
            return None
        k_ans = sum(w0.sex[c] == ("M" if term == "son" else "F") for c in kids)
        extra_facts.append(("count", a, len(kids)))
        spec_q = ("count", a, term, k_ans)
        deriv = len(kids)
    else:
        base = max(0, n - 5) // 2

        def fits(deriv: int) -> bool:
            return lo <= base + deriv <= hi or level == 4 and base + deriv > hi

        stated = {frozenset((f[0], f[2])) for f in facts_raw}
        ys = list(range(n))
        rng.shuffle(ys)
        for y in ys[:6]:  # one breadth-first derivation per person asked about
            derived, via = derive(facts_raw, known_sex, y)
            xs = sorted(derived)
            rng.shuffle(xs)
            for x in xs:
                route = len(route_of(via, x, y)) - 1
                if not fits(route) or frozenset((x, y)) in stated:
                    continue  # off the level, or stated directly
                ans = answer_term(derived[x], False)
                if ans is None or not world_ok(w0, x, y, ans, False):
                    continue
                spec_q = ("relation", x, y, ans)
                deriv = route
                break
            if spec_q is not None:
                break
        if spec_q is None:
            return None
    score = max(0, n - 5) // 2 + deriv + int(count_q)
    if not (lo <= score <= hi or level == 4 and score > hi):
        return None
    order = list(range(n))
    w, perm = fam.freeze(order)
    facts: list = [Rel(a=Ref(person=a), term=t, b=Ref(person=b)) for a, t, b in facts_raw]
    facts += [SexFact(a=Ref(person=p), sex=w0.sex[p]) for p in sex_facts]
    for _, a, k in extra_facts:
        facts.append(Count(a=Ref(person=a), term="child", k=k))
    rng.shuffle(facts)
    if spec_q[0] == "count":
        question = Question(kind="count", a=Ref(person=spec_q[1]), term=spec_q[2])
    else:
        question = Question(kind="relation", a=Ref(person=spec_q[1]), b=Ref(person=spec_q[2]))
    spec = BloodRelationsSpec(
        variant="family_puzzle",
        people=[f"P{i}" for i in range(n)],
        facts=facts,
        question=question,
        world=hidden(w),
    )
    gen = generations(w0)
    metrics = {
        "variant": "family_puzzle",
        "hops": deriv,
        "generations": max(gen) - min(gen) + 1,
        "n_people": n,
        "n_world": n,
        "n_facts": len(facts),
        "distractor_facts": 0,
        "coded_operators": 0,
        "gender_inferred": int(any(TERMS[t].sex is None for _, t, _ in facts_raw)),
        "deduction_depth": deriv,
        "question": spec_q[0],
        "score": score,
    }
    return Draft(spec, metrics)
