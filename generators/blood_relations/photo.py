"""Photograph riddles: "Pointing to a man, Ravi said: His mother is the only daughter of my
mother." Sampling the two descriptions, and the riddle's own exact reasoning."""

from __future__ import annotations

import random
from typing import Any

from verifiers.blood_relations.relations import TERMS, World, gendered
from verifiers.blood_relations.spec import BloodRelationsSpec, Question, Ref, Rel, SexFact, resolve

from ..family import Draft
from .descriptions import STEP_SEX, chain_rel, desc
from .levels import score_range
from .terms import answer_term, compose, inverse
from .world import Relatives, generations, hidden, sample_tree


def _desc_chain(rng: random.Random, w: World, start: int, k: int) -> list[str] | None:
    """``k`` functional steps from ``start`` that exist in ``w``: father, mother, or a
    first-step husband/wife."""
    steps: list[str] = []
    cur = start
    for _ in range(k):
        opts = []
        if w.father[cur] >= 0:
            opts += [("father", w.father[cur]), ("mother", w.mother[cur])]
        if w.spouse[cur] >= 0 and not steps:
            opts.append(("husband" if w.sex[cur] == "F" else "wife", w.spouse[cur]))
        if not opts:
            return None
        st, cur = rng.choice(opts)
        steps.append(st)
    return steps


def solve_riddle(
    sex_p: str, pp: list[str], sex_s: str, ps: list[str], t: str, only: bool
) -> tuple[str, dict[str, Any]] | None:
    """Own reasoning for "Z is the (only) t of U" with Z = pointed person's description and
    U = speaker's description: (answer, what the derivation used), or None if not forced.

    The composition table assumes three different people; the cases where Z may be the
    speaker are resolved first: with ``only``, U a parent of K (the speaker or the next
    person on the speaker's chain) and K of t's sex, Z is K; Z is never assumed to differ
    from the speaker unless their sexes differ.
    """
    rel_u = chain_rel(ps)  # U is rel_u of the speaker (None: U is the speaker)
    if ps and rel_u is None:
        return None
    info: dict[str, Any] = {"rel_u": rel_u}
    z_is: str | None  # Z is z_is of the speaker; None: Z is the speaker
    if only:
        if not ps or ps[-1] not in ("father", "mother") or TERMS[t].base != "child":
            return None
        k_sex = sex_s if len(ps) == 1 else STEP_SEX[ps[-2]]
        k_rel = None if len(ps) == 1 else chain_rel(ps[:-1])  # K is k_rel of the speaker
        if len(ps) > 1 and k_rel is None:
            return None
        if k_sex == TERMS[t].sex:
            z_is = k_rel
            info["only"] = "same"
        else:
            sib = gendered("sibling", TERMS[t].sex)
            z_is = sib if k_rel is None else compose(sib, k_rel)
            info["only"] = "other"
            if z_is is None:
                return None
    else:
        if TERMS[t].sex == sex_s:
            return None  # Z might be the speaker
        z_is = t if rel_u is None else compose(t, rel_u)
        if z_is is None:
            return None
    info["z_is"] = z_is
    # the pointed person P to Z: up the chain of P's description
    p_is: str | None = None  # P is p_is of Z; None: P is Z
    cur_sex = sex_p
    for st in pp:
        back = inverse(st, cur_sex)  # current node is `back` of the next one
        p_is = back if p_is is None else compose(p_is, back)
        if p_is is None:
            return None
        cur_sex = STEP_SEX[st]
    info["p_is"] = p_is
    if z_is is None:
        ans = p_is
    elif p_is is None:
        ans = z_is
    else:
        ans = compose(p_is, z_is)
    if ans is None:
        return None
    out = answer_term(ans, False)
    return (out, info) if out else None


def riddle_term(
    w: World, rels: Relatives, s: int, ps: list[str], p: int, pp: list[str], only: bool
) -> str | None:
    """T in "<p's description> is the (only) T of <s's description>" when that riddle is
    sound in ``w``: the two described people have one relation, the 'only' clause holds, and
    :func:`solve_riddle` forces the answer, which is the only relation of p to s."""
    u = resolve(desc(s, ps), w)
    z = resolve(desc(p, pp), w)
    if u < 0 or z < 0 or z == u:
        return None
    zr = w.relations(z, u)
    if len(zr) != 1:
        return None
    t = zr[0]
    if only and (
        TERMS[t].base != "child" or [c for c in rels.kids[u] if w.sex[c] == w.sex[z]] != [z]
    ):
        return None
    solved = solve_riddle(w.sex[p], pp, w.sex[s], ps, t, only)
    if solved is None or w.relations(p, s) != [solved[0]]:
        return None
    return t


def draft(rng: random.Random, level: int, options: dict[str, Any]) -> Draft | None:
    """One photo riddle aimed at ``level``; None if the attempt failed."""
    fam = sample_tree(rng, generations=4, max_people=22)
    w0, _ = fam.freeze()
    rels = Relatives(w0)
    n = len(w0.sex)
    s = rng.randrange(n)
    lo, hi = score_range(level, "photo")
    for _ in range(30):
        ks = rng.randint(1, 2) if rng.random() < 0.85 else 0
        kp = rng.randint(0, 2)
        only = rng.random() < 0.5
        part = kp + ks + 2 * only
        # no description at all ("She is my aunt.") states the answer: no riddle
        if kp + ks >= 1 and part <= hi and part + 3 >= lo:
            break
    if kp + ks == 0:
        return None
    ps = _desc_chain(rng, w0, s, ks)
    if ps is None:
        return None
    gen = generations(w0)

    def fits(p: int) -> bool:  # the score adds the generation gap of the two people
        score = part + abs(gen[p] - gen[s])
        return lo <= score <= hi or level == 4 and score > hi

    cands = [p for p in range(n) if p != s and fits(p)]
    rng.shuffle(cands)
    for p in cands[:10]:
        pp = _desc_chain(rng, w0, p, kp)
        if pp is None:
            continue
        t = riddle_term(w0, rels, s, ps, p, pp, only)
        if t is not None:
            break
    else:
        return None
    span = abs(gen[p] - gen[s])
    score = kp + ks + 2 * int(only) + span
    w, _perm = fam.freeze([s, p])
    facts = [
        SexFact(a=Ref(person=0), sex=w.sex[0]),
        SexFact(a=Ref(person=1), sex=w.sex[1]),
        Rel(a=desc(1, pp), term=t, b=desc(0, ps), only=only),
    ]
    spec = BloodRelationsSpec(
        variant="photo",
        people=["P0", "P1"],
        speaker=0,
        pointed=1,
        facts=facts,
        question=Question(kind="relation", a=Ref(person=1), b=Ref(person=0)),
        world=hidden(w),
    )
    metrics = {
        "variant": "photo",
        "hops": kp + ks + 1,
        "compound_hops": 0,
        "generations": span + 1,
        "n_people": 2,
        "n_world": len(w.sex),
        "n_facts": len(facts),
        "distractor_facts": 0,
        "coded_operators": 0,
        "gender_inferred": 1,
        "deduction_depth": kp + ks + int(only),
        "only": int(only),
        "question": "relation",
        "score": score,
    }
    return Draft(spec, metrics)
