"""Difficulty: each variant's score formula, the level thresholds, and the metrics of a spec.

The drafters compute their metrics while they search; :func:`metrics_of` recomputes the
same ones from a finished spec (for transformed and labelled drafts) by the formulas of
``SCORE_DOC`` (a test checks that both agree on originals).
"""

from __future__ import annotations

from typing import Any

from verifiers.blood_relations.relations import TERMS
from verifiers.blood_relations.spec import BloodRelationsSpec, Rel, SexFact

from .derive import spec_route
from .descriptions import desc_steps
from .world import PRIMITIVE, generations

# Level thresholds: every variant computes a difficulty score; the level is set by it
# (score <= first threshold: L1, <= second: L2, <= third: L3, above: L4).
SCORE_LEVELS = {
    "chain": (2, 4, 6),
    "coded": (2, 4, 6),
    "photo": (2, 3, 4),
    "family_puzzle": (2, 3, 4),
}
SCORE_DOC = {
    "chain": "hops + compound hops (e.g. 'grandfather', 'brother-in-law') + gender inferred "
    "through another fact + half the distractor facts (rounded up)",
    "coded": "hops + 2 for the 'which expression' MCQ + operator codes beyond three",
    "photo": "description steps (his mother's father: 2) + 2 for an 'only' clause + the "
    "generation gap between the two people",
    "family_puzzle": "(people - 5) / 2 (rounded down) + facts on the derivation route + 1 "
    "for a counting question",
}


def _levels_doc() -> str:
    rows = [
        "| variant | difficulty score | L1 | L2 | L3 | L4 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for v, d in SCORE_DOC.items():
        a, b, c = SCORE_LEVELS[v]
        rows.append(f"| {v} | {d} | <= {a} | {a + 1}-{b} | {b + 1}-{c} | > {c} |")
    return "\n".join(rows)


LEVELS_DOC = _levels_doc()


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from the variant's difficulty score (see ``SCORE_DOC``)."""
    return 1 + sum(m["score"] > t for t in SCORE_LEVELS[m["variant"]])


def score_range(level: int, variant: str = "chain") -> tuple[int, int]:
    th = SCORE_LEVELS[variant]
    lo = 1 if level == 1 else th[level - 2] + 1
    hi = th[level - 1] if level <= 3 else th[2] + 3
    return lo, hi


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
    gen = generations(w)
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
        kp, ks, only = len(desc_steps(fact.a)), len(desc_steps(fact.b)), int(fact.only)
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
            route = spec_route(spec)
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
    route = spec_route(spec)
    if route is None:
        return None
    x = q.a.person
    facts = spec.facts
    on = _used(route, facts)
    path = [x] + [o for _, _, o in route]
    compound = sum(TERMS[t].base not in PRIMITIVE for _, t, _ in route)
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
