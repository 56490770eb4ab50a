"""Blood relations: relation chains, coded relations, photograph riddles and family puzzles.

Method: sample a hidden family (:mod:`generators.br_world`), walk a path of relations
through it, and state each hop as a fact. The generator's own reasoning is a composition
table derived once with Z3 (:mod:`generators.br_tablegen`): "A is t1 of B" and "B is t2 of
C" force "A is t3 of C". Composing hop by hop from the end of the path gives the answer and
the step-by-step solution ("B is C's sister, so B is D's aunt"); a path whose composition
is not forced at some step is abandoned, and so is one whose true relation is outside the
vocabulary or not the only relation between the pair. Sex is never inferred from a name:
it is stated by a gendered word, a "man"/"woman" fact, or a marriage ("X is Y's husband").
Distractors come from the table of relations that can never hold together, so each is
refuted. Z3 then proves every emitted puzzle in the pipeline.
"""

from __future__ import annotations

import random
from typing import Any

from templates import data, render, render_string
from verifiers.answers import Answer
from verifiers.blood_relations import INFO
from verifiers.blood_relations.relations import (
    CANNOT,
    INTERNAL,
    NUMBER_WORDS,
    TERMS,
    World,
    aliases_for,
    answer_space,
    gendered,
    neutral,
)
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Count,
    Expr,
    HiddenWorld,
    Of,
    Question,
    Ref,
    Rel,
    SexFact,
    expr_text,
    resolve,
)
from verifiers.solver import blood_relations as SOLVER  # noqa: F401, N812  (the family contract)

from . import br_world
from .br_tables import COMPOSE, EXCLUSIVE
from .family import Draft, Family, Final, RenderContext, Variant

VARIANTS = ("chain", "coded", "photo", "family_puzzle")
VARIANT_DOCS = {
    "chain": "A chain of 1-6 relation facts (A is the son of B, B is the sister of C, ...); "
    "how is the first person related to the last?",
    "coded": "Relations written as operator codes (P + Q means P is the mother of Q); decode an "
    "expression, or pick the expression that means a given relation (MCQ).",
    "photo": "Photograph riddles: 'Pointing to a man, Ravi (a man) said: His mother is the only "
    "daughter of my mother.' The speaker's sex is always stated.",
    "family_puzzle": "A family of 5-10 people described by several facts, some indirect; one "
    "relation, or how many sons/daughters/children someone has.",
}

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


def _score_range(level: int, variant: str = "chain") -> tuple[int, int]:
    th = SCORE_LEVELS[variant]
    lo = 1 if level == 1 else th[level - 2] + 1
    hi = th[level - 1] if level <= 3 else th[2] + 3
    return lo, hi


# --- reasoning helpers ------------------------------------------------------------------


def compose(t1: str, t2: str) -> str | None:
    """A is t1 of B, B is t2 of C: the forced relation of A to C, or None."""
    r = COMPOSE.get((t1, t2))
    return None if r == "CONTRADICTION" else r


def exclusive(a: str, b: str) -> bool:
    return a != b and ((a, b) in EXCLUSIVE or (b, a) in EXCLUSIVE)


def unqualified(term: str) -> str:
    return TERMS[term].unqualified


def _answer_term(rel: str, qualified: bool) -> str | None:
    """The answer word for a composed relation, or None if it is no answer term."""
    if rel in INTERNAL or rel not in TERMS:
        return None
    t = TERMS[rel]
    if t.sex is None and rel != "cousin":
        return None
    if qualified:
        return rel
    return unqualified(rel)


def _world_ok(w: World, x: int, y: int, ans: str, qualified: bool) -> bool:
    """The answer holds in the hidden world and is the only answer term between x and y."""
    rels = w.relations(x, y, qualified)
    if qualified:
        return (
            ans in rels
            and [r for r in rels if TERMS[r].side or r == ans] != []
            and all(
                r == ans or unqualified(r) == unqualified(ans) and not TERMS[r].side for r in rels
            )
        )
    return rels == [ans]


INVERSE = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "spouse": "spouse",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "great-grandparent": "great-grandchild",
    "great-grandchild": "great-grandparent",
    "pibling": "nibling",
    "nibling": "pibling",
    "cousin": "cousin",
    "parent-in-law": "child-in-law",
    "child-in-law": "parent-in-law",
    "sibling-in-law": "sibling-in-law",
}


def inverse(term: str, sex_of_b: str | None) -> str:
    """If A is ``term`` of B, B is ``inverse(term)`` of A (gendered by B's sex if known)."""
    return gendered(INVERSE[TERMS[term].base], sex_of_b)


# --- drafting ---------------------------------------------------------------------------

PEOPLE_CAP = 30


def _family(rng: random.Random, gens: int, cap: int = 24) -> br_world.Family:
    return br_world.sample(rng, generations=gens, max_people=cap)


def _chain_walk(
    rng: random.Random,
    w: World,
    rels: br_world.Relatives,
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
        bases = br_world.PRIMITIVE
        if used_compound < compound:
            bases = bases + br_world.COMPOUND
        options = rels.related(cur, bases)
        rng.shuffle(options)
        if used_compound < compound:  # prefer a compound hop when one is wanted
            options.sort(key=lambda qt: TERMS[qt[1]].base in br_world.PRIMITIVE)
        for q, term in options:
            if q in path or (terms is not None and term not in terms):
                continue
            r = term if not composed else compose(term, composed[0])
            if r is None or r in INTERNAL and len(path) == hops:
                continue
            path.insert(0, q)
            hop_terms.insert(0, term)
            composed.insert(0, r)
            used_compound += TERMS[term].base not in br_world.PRIMITIVE
            break
        else:
            return None
    return path, hop_terms, composed


def _plan(
    rng: random.Random, level: int, options: dict[str, Any], variant: str = "chain"
) -> tuple[int, int]:
    """(hops, extra score points) aimed at ``level``; ``options['hops']`` forces the hops."""
    lo, hi = _score_range(level, variant)
    forced = options.get("hops")
    if forced:
        hops = int(forced)
    else:
        hops = {
            1: rng.randint(1, 2),
            2: rng.randint(2, 3),
            3: rng.randint(3, 4),
            4: rng.randint(4, 6),
        }[level]
    target = rng.randint(max(lo, hops), max(hi, hops))
    return hops, max(0, target - hops)


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    if variant == "chain":
        return _draft_chain(rng, level, options, coded=False)
    if variant == "coded":
        return _draft_chain(rng, level, options, coded=True)
    if variant == "photo":
        return _draft_photo(rng, level, options)
    return _draft_family(rng, level, options)


CODE_SYMBOLS = ("+", "-", "×", "÷", "*", "#", "@", "$", "%", "&")
CODE_TERMS = ("father", "mother", "son", "daughter", "brother", "sister", "husband", "wife")


def _draft_chain(
    rng: random.Random, level: int, options: dict[str, Any], coded: bool
) -> Draft | None:
    hops, extra = _plan(rng, level, options, "coded" if coded else "chain")
    hops = max(1, min(hops, 6))
    gens = min(5, max(3, 2 + (hops + 1) // 2))
    fam = _family(rng, gens, cap=min(PEOPLE_CAP, 10 + 3 * hops))
    w0, _ = fam.freeze()
    rels = br_world.Relatives(w0)
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
            ans = _answer_term(composed[0], qualified)
            if ans is None or (qualified and not TERMS[ans].side):
                qualified = False
                ans = _answer_term(composed[0], False)
            if ans is not None and _world_ok(w0, x, y, ans, qualified):
                ok = True
                break
        walk = _chain_walk(rng, w0, rels, hops, compound if not coded else 0, terms)
    if not ok:
        return None
    used_compound = sum(TERMS[t].base not in br_world.PRIMITIVE for t in hop_terms)
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
    n_distract = 0 if coded else 2 * max(0, extra)
    if n_distract and rng.random() < 0.5:
        n_distract -= 1
    for _ in range(n_distract * 4):
        if len(distract) >= n_distract:
            break
        d = _distractor_fact(rng, w0, rels, set(path), named)
        if d is not None:
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
        opts = _expression_options(rng, w0, rels, path, hop_terms, ans, codes, idx)
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
        world=_hidden(w),
    )
    gen = br_world.generations(w0)
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


def _hidden(w: World) -> HiddenWorld:
    return HiddenWorld(sex=w.sex, father=w.father, mother=w.mother, spouse=w.spouse)


def _reveal_sex(
    rng: random.Random, rels: br_world.Relatives, x: int, avoid: set[int]
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
        if t != CANNOT and TERMS[t].base in br_world.PRIMITIVE and rels.w.holds(t, x, q):
            return q, t
    return None


def _distractor_fact(
    rng: random.Random, w: World, rels: br_world.Relatives, path: set[int], named: list[int]
) -> tuple[int, str, int] | None:
    """A true fact about someone off the path (it cannot change the forced answer)."""
    off = [p for p in range(len(w.sex)) if p not in path]
    if not off:
        return None
    a = rng.choice(off)
    opts = rels.related(a, br_world.PRIMITIVE)
    if not opts:
        return None
    q, _ = rng.choice(opts)
    # the term "a is T of q"
    for base in br_world.PRIMITIVE:
        t = gendered(base, w.sex[a])
        if w.holds(t, a, q):
            return a, t, q
    return None


def _expression_options(
    rng: random.Random,
    w: World,
    rels: br_world.Relatives,
    path: list[int],
    hop_terms: list[str],
    ans: str,
    codes: dict[str, str],
    idx: dict[int, int],
) -> tuple[Expr, ...] | None:
    """The right expression plus wrong ones over the same people, each forcing a relation
    that can never hold with the target (so Z3 refutes it)."""
    inv = {t: s for s, t in codes.items()}
    right = tuple(inv[t] for t in hop_terms)
    people = tuple(idx[p] for p in path)
    wrong: list[tuple[str, ...]] = []
    terms = list(codes.values())
    for _ in range(60):
        if len(wrong) >= 3:
            break
        ops = list(right)
        for k in rng.sample(range(len(ops)), rng.randint(1, len(ops))):
            ops[k] = inv[rng.choice(terms)]
        ops_t = tuple(ops)
        if ops_t == right or ops_t in wrong:
            continue
        r = None
        for t in reversed([codes[o] for o in ops_t]):
            r = t if r is None else compose(t, r)
            if r is None:
                break
        if r is None or r == ans or not exclusive(_answer_or_self(r), ans):
            continue
        if not _consistent(ops_t, codes):
            continue
        wrong.append(ops_t)
    if len(wrong) < 3:
        return None
    opts = [Expr(people=people, ops=o) for o in [right, *wrong]]
    rng.shuffle(opts)  # the answer space lists the options in this order
    return tuple(opts)


def _answer_or_self(r: str) -> str:
    return _answer_term(r, True) or r


def _consistent(ops: tuple[str, ...], codes: dict[str, str]) -> bool:
    """Stated sexes agree: a person who is husband/wife's object and a gendered subject."""
    sexes: list[set[str]] = [set() for _ in range(len(ops) + 1)]
    for i, o in enumerate(ops):
        t = TERMS[codes[o]]
        if t.sex:
            sexes[i].add(t.sex)
        if t.base == "spouse" and t.sex:
            sexes[i + 1].add("F" if t.sex == "M" else "M")
    return all(len(s) <= 1 for s in sexes)


# --- photo riddles ----------------------------------------------------------------------

STEP_SEX = {"father": "M", "mother": "F", "husband": "M", "wife": "F"}


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


def _desc(person: int, steps: list[str]) -> Ref | Of:
    d: Ref | Of = Ref(person=person)
    for st in steps:
        d = Of(step=st, of=d)
    return d


def _chain_rel(steps: list[str]) -> str | None:
    """The relation of the end of a description chain to its start ("my father's mother":
    paternal grandmother)."""
    r: str | None = None
    for st in steps:
        r = st if r is None else compose(st, r)
        if r is None:
            return None
    return r


def _photo_solve(
    sex_p: str, pp: list[str], sex_s: str, ps: list[str], t: str, only: bool
) -> tuple[str, dict[str, Any]] | None:
    """Own reasoning for "Z is the (only) t of U" with Z = pointed person's description and
    U = speaker's description: (answer, what the derivation used), or None if not forced.

    The composition table assumes three different people; the cases where Z may be the
    speaker are resolved first: with ``only``, U a parent of K (the speaker or the next
    person on the speaker's chain) and K of t's sex, Z is K; Z is never assumed to differ
    from the speaker unless their sexes differ.
    """
    rel_u = _chain_rel(ps)  # U is rel_u of the speaker (None: U is the speaker)
    if ps and rel_u is None:
        return None
    info: dict[str, Any] = {"rel_u": rel_u}
    z_is: str | None  # Z is z_is of the speaker; None: Z is the speaker
    if only:
        if not ps or ps[-1] not in ("father", "mother") or TERMS[t].base != "child":
            return None
        k_sex = sex_s if len(ps) == 1 else STEP_SEX[ps[-2]]
        k_rel = None if len(ps) == 1 else _chain_rel(ps[:-1])  # K is k_rel of the speaker
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
    out = _answer_term(ans, False)
    return (out, info) if out else None


def _draft_photo(rng: random.Random, level: int, options: dict[str, Any]) -> Draft | None:
    fam = _family(rng, 4, cap=22)
    w0, _ = fam.freeze()
    rels = br_world.Relatives(w0)
    n = len(w0.sex)
    s = rng.randrange(n)
    lo, hi = _score_range(level, "photo")
    for _ in range(30):
        ks = rng.randint(1, 2) if rng.random() < 0.85 else 0
        kp = rng.randint(0, 2)
        only = rng.random() < 0.5
        part = kp + ks + 2 * only
        if part <= hi and part + 3 >= lo:
            break
    ps = _desc_chain(rng, w0, s, ks)
    if ps is None:
        return None
    u = resolve(_desc(s, ps), w0)
    cands = [p for p in range(n) if p != s]
    rng.shuffle(cands)
    for p in cands[:10]:
        pp = _desc_chain(rng, w0, p, kp)
        if pp is None:
            continue
        z = resolve(_desc(p, pp), w0)
        if z < 0 or z == u:
            continue
        zr = w0.relations(z, u)
        if len(zr) != 1:
            continue
        t = zr[0]
        if only and (
            TERMS[t].base != "child" or [c for c in rels.kids[u] if w0.sex[c] == w0.sex[z]] != [z]
        ):
            continue
        solved = _photo_solve(w0.sex[p], pp, w0.sex[s], ps, t, only)
        if solved is None or w0.relations(p, s) != [solved[0]]:
            continue
        break
    else:
        return None
    gen = br_world.generations(w0)
    span = abs(gen[p] - gen[s])
    score = kp + ks + 2 * int(only) + span
    w, _perm = fam.freeze([s, p])
    facts = [
        SexFact(a=Ref(person=0), sex=w.sex[0]),
        SexFact(a=Ref(person=1), sex=w.sex[1]),
        Rel(a=_desc(1, pp), term=t, b=_desc(0, ps), only=only),
    ]
    spec = BloodRelationsSpec(
        variant="photo",
        people=["P0", "P1"],
        speaker=0,
        pointed=1,
        facts=facts,
        question=Question(kind="relation", a=Ref(person=1), b=Ref(person=0)),
        world=_hidden(w),
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


# --- family puzzles ---------------------------------------------------------------------


def _draft_family(rng: random.Random, level: int, options: dict[str, Any]) -> Draft | None:
    lo, hi = _score_range(level, "family_puzzle")
    fam = br_world.sample(rng, generations=3, max_people=10, kids=(2, 3), inlaw_family=0.0)
    w0, _ = fam.freeze()
    n = len(w0.sex)
    if not 5 <= n <= 10:
        return None
    rels = br_world.Relatives(w0)
    g = br_world.graph(w0)
    # facts: a spanning set of true relations (some indirect), sexes stated sparingly
    facts_raw: list[tuple[int, str, int]] = []
    known_sex: dict[int, str] = {}
    edges = list(g.edges(data=True))
    rng.shuffle(edges)
    seen_pairs: set[frozenset] = set()
    import networkx as nx

    tree = nx.Graph()
    tree.add_nodes_from(range(n))
    for a, b, d in edges:
        if frozenset((a, b)) in seen_pairs or nx.has_path(tree, a, b):
            continue
        seen_pairs.add(frozenset((a, b)))
        tree.add_edge(a, b)
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
    if not nx.is_connected(tree):
        return None
    # some indirect facts: a compound relation replaces nothing, it adds a route
    for _ in range(rng.randint(0, 2)):
        a = rng.randrange(n)
        opts = rels.related(
            a, ("grandparent", "pibling", "sibling", "sibling-in-law", "child-in-law")
        )
        if opts:
            q, t = rng.choice(opts)
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
        derived, _ = _derive(facts_raw, known_sex, a)
        if any(c not in derived or neutral(derived[c]) != "child" for c in kids):
            return None
        k_ans = sum(w0.sex[c] == ("M" if term == "son" else "F") for c in kids)
        extra_facts.append(("count", a, len(kids)))
        spec_q = ("count", a, term, k_ans)
        deriv = len(kids)
    else:
        pairs = [(x, y) for x in range(n) for y in range(n) if x != y]
        rng.shuffle(pairs)
        for x, y in pairs[:20]:
            derived, via = _derive(facts_raw, known_sex, y)
            r = derived.get(x)
            if r is None:
                continue
            ans = _answer_term(r, False)
            if ans is None or not _world_ok(w0, x, y, ans, False):
                continue
            if any(f[0] == x and f[2] == y or f[0] == y and f[2] == x for f in facts_raw):
                continue  # not stated directly
            spec_q = ("relation", x, y, ans)
            deriv = len(_route(via, x, y)) - 1
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
        world=_hidden(w),
    )
    gen = br_world.generations(w0)
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


def _edges(facts: list[tuple[int, str, int]], sex: dict[int, str]) -> list[tuple[int, str, int]]:
    """Each fact both ways, gendered where the subject's sex is known: (q, "q is t of o", o)."""
    out = []
    for a, t, b in facts:
        out.append((a, gendered(t, sex.get(a)), b))
        out.append((b, inverse(t, sex.get(b)), a))
    return out


def _derive(
    facts: list[tuple[int, str, int]], sex: dict[int, str], y: int
) -> tuple[dict[int, str], dict[int, tuple[int, str, int]]]:
    """Breadth-first from y: rel[x] is a forced relation of x to y, by composing facts from
    y outwards; via[x] is the fact used last (x is t of o)."""
    edges = _edges(facts, sex)
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


def _route(via: dict[int, tuple[int, str, int]], x: int, y: int) -> list[tuple[int, str, int]]:
    """The facts from x back to y used by :func:`_derive` (x first)."""
    out = []
    cur = x
    while cur != y:
        f = via[cur]
        out.append(f)
        cur = f[2]
    return out


# --- rendering --------------------------------------------------------------------------


def _bank() -> dict:
    return data("blood_relations/phrases.yaml")


def _pick(options: list[str], style: int) -> str:
    """Phrasing ``style`` of a bank; the last phrasing of every bank is held out for the
    test split (``style`` -1) when the bank has more than one."""
    if len(options) == 1:
        return options[0]
    if style < 0:
        return options[-1]
    return options[style % (len(options) - 1)]


def _style(ctx: RenderContext) -> int:
    pinned = ctx.pin.get("template")
    if pinned is not None:
        return int(pinned)
    if ctx.held_out_templates:
        return -1
    styles = [s for s in range(6) if s != ctx.avoid.get("template")]
    return styles[ctx.rng.randrange(len(styles))]


def _names(ctx: RenderContext, n: int) -> list[str]:
    pinned = list(ctx.pin.get("names") or [])[:n]
    fresh = [x for x in ctx.names if x not in pinned]
    return pinned + ctx.rng.sample(fresh, n - len(pinned))


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


FUNCTIONAL = ("parent", "spouse", "grandparent", "great-grandparent", "parent-in-law")


def _rel_text(a: str, t: str, b: str, style: int, only: bool = False) -> str:
    bank = _bank()
    src = _pick(bank["only"] if only else bank["rel"], style)
    if not only and TERMS[t].base in FUNCTIONAL and src == bank["rel"][2]:
        src = bank["rel"][0]  # "a father of" reads wrong: one father, one spouse
    return _cap(render_string(src, a=a, t=t, b=b))


def _fact_text(f, names: list[str], style: int) -> str:
    bank = _bank()
    if isinstance(f, Rel):
        return _rel_text(names[f.a.person], f.term, names[f.b.person], style, f.only)
    if isinstance(f, SexFact):
        return render_string(_pick(bank["sex"][f.sex], style), a=names[f.a.person])
    return render_string(_pick(bank["count"], style), a=names[f.a.person], k=_num(f.k))


def _num(k: int) -> str:
    return NUMBER_WORDS[k] if k < len(NUMBER_WORDS) else str(k)


def _distractors(ans: str, x_sex: str, space: list[str], rng: random.Random, k: int) -> list[str]:
    """Plausible wrong relations that can never hold with ``ans`` (refuted by Z3): the
    other sex, the reversed relation, "cannot be determined", then others of the same
    generation gap."""
    t = TERMS[ans]
    picks: list[str] = []
    other = gendered(t.base, "F" if t.sex == "M" else "M") if t.sex else None
    if other and t.side:
        other = f"{t.side} {other}"
    rev = gendered(INVERSE[t.base], x_sex)
    pool = [other, rev]
    same_gen = [s for s in space if s in TERMS and TERMS[s].gen == t.gen]
    rest = [s for s in space if s in TERMS]
    rng.shuffle(same_gen)
    rng.shuffle(rest)
    for c in pool + same_gen + rest:
        if c is None or c in picks or c == ans or c not in space:
            continue
        if not exclusive(c, ans):
            continue
        picks.append(c)
        if len(picks) >= k:
            break
    return picks


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: BloodRelationsSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    style = _style(ctx)
    # a labelled (unsolvable / ambiguous) item gets the pipeline's labelled solution
    labelled = bool(d.metrics.get("labelled"))
    if spec.variant == "photo":
        return _finalize_photo(spec, ctx, style, labelled)
    names = _names(ctx, len(spec.people))
    spec = spec.model_copy(update={"people": names})
    q = spec.question
    bank = _bank()
    w = spec.world.world()
    facts_text = [_fact_text(f, names, style) for f in spec.facts]
    legend: list[str] = []
    if spec.variant == "coded":
        legend = [
            render_string(_pick(bank["code_line"], style), sym=sym, t=t)
            for sym, t in spec.codes.items()
        ]
    if q.kind == "expression":
        qtext = render_string(
            _pick(bank["question"]["expression"], style),
            a=names[q.a.person],
            b=names[q.b.person],
            t=q.term,
        )
    elif q.kind == "count":
        qtext = render_string(
            _pick(bank["question"]["count"], style), a=names[q.a.person], t=q.term
        )
    elif spec.variant == "coded":
        qtext = render_string(
            _pick(bank["question"]["decode"], style),
            expr=expr_text(spec, spec.expression),
            a=names[q.a.person],
            b=names[q.b.person],
        )
    else:
        qtext = render_string(
            _pick(bank["question"]["relation"], style), a=names[q.a.person], b=names[q.b.person]
        )
        if q.qualified:
            qtext += bank["question"]["qualified"]
    if spec.variant == "coded":
        question = render(
            "blood_relations/coded.j2",
            intro=_pick(bank["code_intro"], style),
            legend=legend,
            facts=facts_text,
            question=qtext,
        )
    else:
        intro = render_string(
            _pick(bank["intro"]["chain" if spec.variant == "chain" else "family_puzzle"], style),
            n=len(names),
        )
        question = render(
            "blood_relations/puzzle.j2", intro=intro, facts=facts_text, question=qtext
        )
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    if offered:
        spec = spec.model_copy(update={"question": q.model_copy(update={"offered": offered})})
    solution = "" if labelled else _solution(spec, answer)
    template_id = f"blood_relations/{spec.variant}/{'heldout' if style < 0 else f's{style}'}"
    return Final(
        spec, answer, distractors, question, solution, template_id, {}, {"template": style}
    )


def _answers(
    spec: BloodRelationsSpec, w: World, rng: random.Random, k: int
) -> tuple[Answer, list[Answer], tuple[str, ...]]:
    q = spec.question
    if q.kind == "expression":
        texts = [expr_text(spec, o) for o in q.options]
        right = _right_option(spec)
        ans = Answer(type="label", value=texts[right], space=texts)
        wrong = [
            Answer(type="label", value=t, space=texts) for i, t in enumerate(texts) if i != right
        ]
        return ans, wrong[: k - 1], ()
    if q.kind == "count":
        kids = [
            c for c in range(len(w.sex)) if w.father[c] == q.a.person or w.mother[c] == q.a.person
        ]
        want = "M" if q.term == "son" else "F"
        n = sum(w.sex[c] == want for c in kids)
        space = [str(i) for i in range(9)]
        ans = Answer(type="label", value=str(n), space=space)
        others = [
            str(v) for v in (n + 1, n - 1, n + 2, len(kids), 0, n + 3) if 0 <= v <= 8 and v != n
        ]
        wrong = []
        for v in others:
            if v not in [x.value for x in wrong]:
                wrong.append(Answer(type="label", value=v, space=space))
        return ans, wrong[: k - 1], ()
    x = resolve(q.a, w)
    y = resolve(q.b, w)
    rels = w.relations(x, y, q.qualified)
    ans_t = ([r for r in rels if TERMS[r].side] or rels)[0] if q.qualified else rels[0]
    space = answer_space(q.qualified)
    aliases = {ans_t: ans_t} if q.qualified else aliases_for(ans_t)
    ans = Answer(type="label", value=ans_t, space=space, aliases=aliases)
    picks = _distractors(ans_t, w.sex[x], space, rng, k - 1)
    wrong = [Answer(type="label", value=p, space=space) for p in picks]
    offered = tuple(dict.fromkeys([ans_t, *picks]))
    return ans, wrong, offered


def _option_rel(spec: BloodRelationsSpec, e: Expr) -> str | None:
    r: str | None = None
    for o in reversed(e.ops):
        t = spec.codes[o]
        r = t if r is None else compose(t, r)
        if r is None:
            return None
    return r


def _right_option(spec: BloodRelationsSpec) -> int:
    q = spec.question
    for i, o in enumerate(q.options):
        r = _option_rel(spec, o)
        if r is not None and (r == q.term or _answer_term(r, False) == q.term):
            return i
    raise AssertionError("no option forces the target relation")


# --- solutions --------------------------------------------------------------------------

SHOW = {"pibling": "uncle or aunt", "nibling": "nephew or niece"}


def _show(t: str) -> str:
    return SHOW.get(t, t)


def _known_sex(spec: BloodRelationsSpec, names: list[str]) -> tuple[dict[int, str], dict[int, str]]:
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
                    sex[a], why[a] = t.sex, f"{names[a]} is {_poss(names[b])} {f.term}"
                if t.base == "spouse" and b not in sex:
                    sex[b] = "F" if t.sex == "M" else "M"
                    why[b] = f"{names[a]} is {_poss(names[b])} {f.term}"
    return sex, why


def _rel_facts(spec: BloodRelationsSpec) -> list[tuple[int, str, int]]:
    return [
        (f.a.person, f.term, f.b.person)
        for f in spec.all_facts()
        if isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref" and not f.only
    ]


def _route_lines(
    spec: BloodRelationsSpec, names: list[str], x: int, y: int
) -> tuple[list[str], str | None]:
    """Hop-by-hop derivation of x's relation to y from the facts, and the relation."""
    facts = _rel_facts(spec)
    sex, why = _known_sex(spec, names)
    rel, via = _derive(facts, sex, y)
    if x not in rel:
        return [], None
    route = _route(via, x, y)
    stated = {(a, b): t for a, t, b in facts}
    lines: list[str] = []
    cur: str | None = None
    ny = names[y]
    for q, t, o in reversed(route):
        nq, no = names[q], names[o]
        said = stated.get((q, o))
        if said is None:  # used the other way round
            lines.append(
                f"{no} is {_poss(nq)} {stated[(o, q)]}, so {nq} is {_poss(no)} {_show(t)}."
            )
        elif said != t:
            sx = "man" if sex[q] == "M" else "woman"
            lines.append(
                f"{nq} is {_poss(no)} {said} and {nq} is a {sx} ({why[q]}), so {nq} is {_poss(no)} {t}."
            )
        r = t if cur is None else compose(t, cur)
        if r is None:
            return lines, None
        # the conclusion about the person asked about reads "X is the <term> of Y" (a claim
        # that the process reward checks); other statements are possessive
        concl = _claim(nq, r, ny)
        if cur is None:
            lines.append(f"{concl}.")
        else:
            lines.append(
                f"{nq} is {_poss(no)} {_show(t)} and {no} is {_poss(ny)} {_show(cur)}, so {concl}."
            )
        cur = r
    return lines, cur


def _claim(x: str, term: str, y: str) -> str:
    """'X is the uncle of Y' for an answer word, else the possessive 'X is Y's paternal uncle'."""
    if term in TERMS and TERMS[term].sex and not TERMS[term].side or term == "cousin":
        return f"{x} is the {term} of {y}"
    return f"{x} is {_poss(y)} {_show(term)}"


def _solution(spec: BloodRelationsSpec, answer: Answer) -> str:
    """Step-by-step derivation; checked against the proven answer."""
    names = spec.people
    q = spec.question
    lines: list[str] = []
    if spec.variant == "coded" and spec.expression is not None:
        for f in spec.expression_rels():
            op = next(s for s, t in spec.codes.items() if t == f.term)
            na, nb = names[f.a.person], names[f.b.person]
            lines.append(f"{na} {op} {nb} means {na} is {_poss(nb)} {f.term}.")
    if q.kind == "expression":
        right = _right_option(spec)
        na, nb = names[q.a.person], names[q.b.person]
        for i, o in enumerate(q.options):
            r = _option_rel(spec, o)
            decoded = ", ".join(
                f"{names[a]} is {_poss(names[b])} {spec.codes[op]}"
                for a, op, b in zip(o.people, o.ops, o.people[1:], strict=False)
            )
            if i == right:
                if _answer_term(r or "", False) != q.term and r != q.term:
                    raise AssertionError("solution trace does not reach the proven answer")
                lines.append(f"{expr_text(spec, o)}: {decoded}; so {_claim(na, q.term, nb)}.")
            else:
                what = f"{na} would be {_poss(nb)} {_show(r)}" if r else "the relation is not fixed"
                lines.append(f"If {expr_text(spec, o)}: {decoded}; then {what}, not the {q.term}.")
        lines.append(
            f"Only {expr_text(spec, q.options[right])} means {na} is the {q.term} of {nb}."
        )
    elif q.kind == "count":
        a = q.a.person
        facts = _rel_facts(spec)
        sex, _ = _known_sex(spec, names)
        rel, _ = _derive(facts, sex, a)
        kids = [c for c, r in rel.items() if TERMS[r].base == "child"]
        k = next(f.k for f in spec.facts if isinstance(f, Count))
        lines.append(f"{names[a]} has exactly {k} children: {', '.join(names[c] for c in kids)}.")
        for c in kids:
            lines.append(f"{_claim(names[c], rel[c], names[a])}.")
        want = q.term
        n = sum(rel[c] == want for c in kids)
        if len(kids) != k or str(n) != answer.value:
            raise AssertionError("solution trace does not reach the proven answer")
        lines.append(f"So {names[a]} has {n} {want}{'s' if n != 1 else ''}.")
    else:
        route, rel = _route_lines(spec, names, q.a.person, q.b.person)
        if rel is None or _answer_term(rel, q.qualified) != answer.value:
            raise AssertionError("solution trace does not reach the proven answer")
        lines += route
    lines.append(f"Answer: {answer.text()}")
    return "\n".join(lines)


# --- photo rendering --------------------------------------------------------------------

PRON = {"M": ("he", "his"), "F": ("she", "her")}


def _desc_text(d, me: bool, sex_base: str) -> str:
    """'my father's mother' / 'his mother' / 'me' / 'he'."""
    steps = []
    while d.kind == "of":
        steps.append(d.step)
        d = d.of
    steps.reverse()
    if not steps:
        return "me" if me else PRON[sex_base][0]
    head = "my" if me else PRON[sex_base][1]
    return head + " " + "'s ".join(steps)


def _finalize_photo(
    spec: BloodRelationsSpec, ctx: RenderContext, style: int, labelled: bool = False
) -> Final:
    rng = ctx.rng
    bank = _bank()
    w = spec.world.world()
    s_name = _names(ctx, 1)[0]
    sex_s, sex_p = w.sex[0], w.sex[1]
    pw = {"M": "man", "F": "woman"}[sex_p]
    sw = {"M": "man", "F": "woman"}[sex_s]
    spec = spec.model_copy(update={"people": [s_name, f"the {pw}"]})
    fact = next(f for f in spec.facts if isinstance(f, Rel))
    dp = _desc_text(fact.a, False, sex_p)
    ds = _desc_text(fact.b, True, sex_s)
    only = "only " if fact.only else ""
    if ds == "me":
        st = f"{_cap(dp)} is my {only}{fact.term}."
    else:
        st = f"{_cap(dp)} is the {only}{fact.term} of {ds}."
    riddle = render_string(
        _pick(bank["photo"], style),
        s=s_name,
        sw=sw,
        pw=pw,
        st=st,
        poss=PRON[sex_s][1],
    )
    qtext = render_string(_pick(bank["photo_question"], style), pw=pw, s=s_name)
    question = render("blood_relations/photo.j2", riddle=riddle, facts=[], question=qtext)
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    spec = spec.model_copy(
        update={"question": spec.question.model_copy(update={"offered": offered})}
    )
    solution = "" if labelled else _photo_solution(spec, fact, s_name, pw, sw, answer)
    template_id = f"blood_relations/photo/{'heldout' if style < 0 else f's{style}'}"
    return Final(
        spec, answer, distractors, question, solution, template_id, {}, {"template": style}
    )


def _steps_of(d) -> list[str]:
    steps = []
    while d.kind == "of":
        steps.append(d.step)
        d = d.of
    return steps[::-1]


def _photo_solution(
    spec: BloodRelationsSpec, fact: Rel, s: str, pw: str, sw: str, answer: Answer
) -> str:
    w = spec.world.world()
    pp, ps = _steps_of(fact.a), _steps_of(fact.b)
    solved = _photo_solve(w.sex[1], pp, w.sex[0], ps, fact.term, fact.only)
    if solved is None or solved[0] != answer.value:
        raise AssertionError("solution trace does not reach the proven answer")
    ans, info = solved
    P = f"the {pw}"
    dp_t = (
        _desc_text(fact.a, False, w.sex[1])
        .replace("his ", f"the {pw}'s ")
        .replace("her ", f"the {pw}'s ")
    )
    if dp_t in ("he", "she"):
        dp_t = P
    ds_t = _desc_text(fact.b, True, w.sex[0]).replace("my ", f"{_poss(s)} ")
    lines = [f"{s} is a {sw}; {P} is a {pw}."]
    if info["rel_u"] and len(ps) > 1:
        lines.append(f"{_cap(ds_t)} is {_poss(s)} {_show(info['rel_u'])}.")
    if fact.only:
        k_desc = (
            s
            if len(ps) == 1
            else _desc_text(
                Of(step=ps[-2], of=Ref(person=0)) if len(ps) == 2 else fact.b, True, w.sex[0]
            ).replace("my ", f"{_poss(s)} ")
        )
        if info["only"] == "same":
            lines.append(
                f"{_cap(k_desc)} is a {fact.term} of {ds_t}, and {dp_t} is the only {fact.term} of {ds_t}, so {dp_t} is {k_desc}."
            )
        else:
            lines.append(
                f"{_cap(k_desc)} is not a {fact.term}, so the only {fact.term} of {ds_t} is a {'brother' if TERMS[fact.term].sex == 'M' else 'sister'} of {k_desc}."
            )
    if info["z_is"]:
        lines.append(f"So {dp_t} is {_poss(s)} {_show(info['z_is'])}.")
    if info["p_is"] and len(pp) > 1:
        lines.append(f"{_cap(P)} is the {_show(info['p_is'])} of {dp_t}.")
    back = w.relations(0, 1)
    if back:
        lines.append(f"So {_claim(s, back[0], P)}, and {P} is {_poss(s)} {ans}.")
    else:
        lines.append(f"So {P} is {_poss(s)} {ans}.")
    lines.append(f"Answer: {answer.text()}")
    return "\n".join(lines)


from .br_augment import TRANSFORMS, mislabel  # noqa: E402, F401  (the data-quality contract)

FAMILY = Family(
    info=INFO,
    variants=tuple(Variant(v, VARIANT_DOCS.get(v, "")) for v in VARIANTS),
    solver=SOLVER,
    draft=draft,
    level_of=level_of,
    finalize=finalize,
    transforms=TRANSFORMS,
    mislabel=mislabel,
    levels_doc=LEVELS_DOC,
)
