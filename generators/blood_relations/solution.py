"""Solution traces: the step-by-step derivation a person would write, checked against the
proven answer (a mismatch raises :class:`generators.family.TraceMismatch`)."""

from __future__ import annotations

from verifiers.answers import Answer
from verifiers.blood_relations.relations import TERMS
from verifiers.blood_relations.spec import BloodRelationsSpec, Count, Of, Ref, Rel, expr_text

from ..family import TraceMismatch
from .coded import option_rel, right_option
from .derive import derive, known_sex, rel_facts, route_of
from .descriptions import desc_steps
from .photo import solve_riddle
from .terms import answer_term, compose
from .text import cap, claim, desc_text, poss, show


def _route_lines(
    spec: BloodRelationsSpec, names: list[str], x: int, y: int
) -> tuple[list[str], str | None]:
    """Hop-by-hop derivation of x's relation to y from the facts, and the relation."""
    facts = rel_facts(spec)
    sex, why = known_sex(spec, names)
    rel, via = derive(facts, sex, y)
    if x not in rel:
        return [], None
    route = route_of(via, x, y)
    stated = {(a, b): t for a, t, b in facts}
    lines: list[str] = []
    cur: str | None = None
    ny = names[y]
    for q, t, o in reversed(route):
        nq, no = names[q], names[o]
        said = stated.get((q, o))
        r = t if cur is None else compose(t, cur)
        if r is None:
            return lines, None
        # the conclusion about the person asked about reads "X is the <term> of Y" (a claim
        # that the process reward checks); other statements are possessive
        concl = claim(nq, r, ny)
        if said is None:  # used the other way round
            turned = f"{no} is {poss(nq)} {stated[(o, q)]}, so "
            step = concl if cur is None else f"{nq} is {poss(no)} {show(t)}"
            lines.append(f"{turned}{step}.")
        elif said != t:
            sx = "man" if sex[q] == "M" else "woman"
            step = concl if cur is None else f"{nq} is {poss(no)} {t}"
            lines.append(f"{nq} is {poss(no)} {said} and {nq} is a {sx} ({why[q]}), so {step}.")
        elif cur is None:
            lines.append(f"{concl}.")
        if cur is not None:
            lines.append(
                f"{nq} is {poss(no)} {show(t)} and {no} is {poss(ny)} {show(cur)}, so {concl}."
            )
        cur = r
    return lines, cur


def write_solution(spec: BloodRelationsSpec, answer: Answer) -> str:
    """Step-by-step derivation; checked against the proven answer."""
    names = spec.people
    q = spec.question
    lines: list[str] = []
    if spec.variant == "coded" and spec.expression is not None:
        for f in spec.expression_rels():
            op = next(s for s, t in spec.codes.items() if t == f.term)
            na, nb = names[f.a.person], names[f.b.person]
            lines.append(f"{na} {op} {nb} means {na} is {poss(nb)} {f.term}.")
    if q.kind == "expression":
        right = right_option(spec)
        na, nb = names[q.a.person], names[q.b.person]
        for i, o in enumerate(q.options):
            r = option_rel(spec, o)
            decoded = ", ".join(
                f"{names[a]} is {poss(names[b])} {spec.codes[op]}"
                for a, op, b in zip(o.people, o.ops, o.people[1:], strict=False)
            )
            if i == right:
                if answer_term(r or "", False) != q.term and r != q.term:
                    raise TraceMismatch("solution trace does not reach the proven answer")
                lines.append(f"{expr_text(spec, o)}: {decoded}; so {claim(na, q.term, nb)}.")
            else:
                what = f"{na} would be {poss(nb)} {show(r)}" if r else "the relation is not fixed"
                lines.append(f"If {expr_text(spec, o)}: {decoded}; then {what}, not the {q.term}.")
        lines.append(
            f"Only {expr_text(spec, q.options[right])} means {na} is the {q.term} of {nb}."
        )
    elif q.kind == "count":
        a = q.a.person
        facts = rel_facts(spec)
        sex, _ = known_sex(spec, names)
        rel, _ = derive(facts, sex, a)
        kids = [c for c, r in rel.items() if TERMS[r].base == "child"]
        k = next(f.k for f in spec.facts if isinstance(f, Count))
        lines.append(f"{names[a]} has exactly {k} children: {', '.join(names[c] for c in kids)}.")
        for c in kids:  # how each child's relation (and sex) follows from the facts
            route, _ = _route_lines(spec, names, c, a)
            lines += [ln for ln in route if ln not in lines]
        want = q.term
        n = sum(rel[c] == want for c in kids)
        if len(kids) != k or str(n) != answer.value:
            raise TraceMismatch("solution trace does not reach the proven answer")
        lines.append(f"So {names[a]} has {n} {want}{'s' if n != 1 else ''}.")
    else:
        route, rel = _route_lines(spec, names, q.a.person, q.b.person)
        if rel is None or answer_term(rel, q.qualified) != answer.value:
            raise TraceMismatch("solution trace does not reach the proven answer")
        lines += route
    lines.append(f"Answer: {answer.text()}")
    return "\n".join(lines)


def write_photo_solution(
    spec: BloodRelationsSpec, fact: Rel, s: str, pw: str, sw: str, answer: Answer
) -> str:
    w = spec.world.world()
    pp, ps = desc_steps(fact.a), desc_steps(fact.b)
    solved = solve_riddle(w.sex[1], pp, w.sex[0], ps, fact.term, fact.only)
    if solved is None or solved[0] != answer.value:
        raise TraceMismatch("solution trace does not reach the proven answer")
    ans, info = solved
    P = f"the {pw}"
    dp_t = (
        desc_text(fact.a, False, w.sex[1])
        .replace("his ", f"the {pw}'s ")
        .replace("her ", f"the {pw}'s ")
    )
    if dp_t in ("he", "she"):
        dp_t = P
    ds_t = desc_text(fact.b, True, w.sex[0]).replace("my ", f"{poss(s)} ")
    lines: list[str] = []
    if info["rel_u"] and len(ps) > 1:
        lines.append(f"{cap(ds_t)} is {poss(s)} {show(info['rel_u'])}.")
    if fact.only:
        k_desc = (
            s
            if len(ps) == 1
            else desc_text(
                Of(step=ps[-2], of=Ref(person=0)) if len(ps) == 2 else fact.b, True, w.sex[0]
            ).replace("my ", f"{poss(s)} ")
        )
        if info["only"] == "same":
            lines.append(
                f"{cap(k_desc)} is a {fact.term} of {ds_t}, and {dp_t} is the only {fact.term} of {ds_t}, so {dp_t} is {k_desc}."
            )
        else:
            what = f"a {sw}" if k_desc == s else "not a " + fact.term
            sib = "brother" if TERMS[fact.term].sex == "M" else "sister"
            lines.append(
                f"{cap(k_desc)} is {what}, so the only {fact.term} of {ds_t} is a {sib} of {k_desc}."
            )
    z_is, p_is = info["z_is"], info["p_is"]
    z_text = s if z_is is None else f"{poss(s)} {show(z_is)}"
    if not fact.only:
        lines.append(f"{cap(dp_t)} is the {fact.term} of {ds_t}, so {dp_t} is {z_text}.")
    elif info["only"] == "other":
        lines.append(f"So {dp_t} is {z_text}.")
    if dp_t != P:
        lines.append(
            f"{cap(P)} is the {show(p_is)} of {dp_t}, and {dp_t} is {z_text}, so {P} is {poss(s)} {ans}."
        )
    back = w.relations(0, 1)
    if back:  # the claim from the speaker's side, for the process reward
        lines[-1] = f"{lines[-1][:-1]}, and {claim(s, back[0], P)}."
    lines.append(f"Answer: {answer.text()}")
    return "\n".join(lines)
