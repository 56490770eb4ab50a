"""Search over stated facts: which relations to a person the facts force, and by which route.

Composing facts breadth-first from the person asked about (:func:`derive`) is what a person
would do with the puzzle; its route (:func:`route_of`) is both the solution's derivation and a
difficulty metric.
"""

from __future__ import annotations

from verifiers.blood_relations.relations import TERMS, gendered
from verifiers.blood_relations.spec import BloodRelationsSpec, Rel, SexFact

from .terms import compose, inverse
from .text import poss


def fact_edges(
    facts: list[tuple[int, str, int]], sex: dict[int, str]
) -> list[tuple[int, str, int]]:
    """Each fact both ways, gendered where the subject's sex is known: (q, "q is t of o", o)."""
    out = []
    for a, t, b in facts:
        out.append((a, gendered(t, sex.get(a)), b))
        out.append((b, inverse(t, sex.get(b)), a))
    return out


def derive(
    facts: list[tuple[int, str, int]], sex: dict[int, str], y: int
) -> tuple[dict[int, str], dict[int, tuple[int, str, int]]]:
    """Breadth-first from y: rel[x] is a forced relation of x to y, by composing facts from
    y outwards; via[x] is the fact used last (x is t of o)."""
    edges = fact_edges(facts, sex)
    rel: dict[int, str] = {}
    via: dict[int, tuple[int, str, int]] = {}
    frontier = [y]
    seen = {y}
    while frontier:
        nxt = []
        for node in frontier:
            for q, tq, o in edges:
                if o != node or q in seen:
                    continue
                rq = tq if node == y else compose(tq, rel[node])
                if rq is None:
                    continue
                seen.add(q)
                rel[q] = rq
                via[q] = (q, tq, o)
                nxt.append(q)
        frontier = nxt
    return rel, via


def route_of(via: dict[int, tuple[int, str, int]], x: int, y: int) -> list[tuple[int, str, int]]:
    """The facts from x back to y used by :func:`derive` (x first)."""
    out = []
    cur = x
    while cur != y:
        f = via[cur]
        out.append(f)
        cur = f[2]
    return out


def known_sex(spec: BloodRelationsSpec, names: list[str]) -> tuple[dict[int, str], dict[int, str]]:
    """Sexes the facts state (person -> sex) and, for each, the fact that says so."""
    sex: dict[int, str] = {}
    why: dict[int, str] = {}
    for f in spec.all_facts():
        if isinstance(f, SexFact) and f.a.kind == "ref":
            sex.setdefault(f.a.person, f.sex)
            why.setdefault(f.a.person, "stated")
        elif isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref":
            a, b, t = f.a.person, f.b.person, TERMS[f.term]
            if t.sex:
                if a not in sex:
                    sex[a], why[a] = t.sex, f"{names[a]} is {poss(names[b])} {f.term}"
                if t.base == "spouse" and b not in sex:
                    sex[b] = "F" if t.sex == "M" else "M"
                    why[b] = f"{names[a]} is {poss(names[b])} {f.term}"
    return sex, why


def rel_facts(spec: BloodRelationsSpec) -> list[tuple[int, str, int]]:
    return [
        (f.a.person, f.term, f.b.person)
        for f in spec.all_facts()
        if isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref" and not f.only
    ]


def spec_route(spec: BloodRelationsSpec) -> list[tuple[int, str, int]] | None:
    """The derivation route (x is t of o, ..., down to y) of a relation question."""
    q = spec.question
    facts = rel_facts(spec)
    sex, _ = known_sex(spec, spec.people)
    rel, via = derive(facts, sex, q.b.person)
    if q.a.person not in rel:
        return None
    return route_of(via, q.a.person, q.b.person)
