"""Rendering: names, template style, fact and question text, MCQ options, and ``finalize``.

Options come from the table of relations that can never hold together (so Z3 refutes each
one); the solution comes from :mod:`.solution`.
"""

from __future__ import annotations

import random
from functools import lru_cache

from templates import render, render_string
from verifiers.answers import Answer
from verifiers.blood_relations.names import name_sexes
from verifiers.blood_relations.relations import TERMS, World, aliases_for, answer_space
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Count,
    Rel,
    SexFact,
    expr_text,
    resolve,
    stated_sexes,
)

from ..family import Draft, Final, RenderContext
from .coded import right_option
from .distractors import clues_of
from .distractors import pick as pick_distractors
from .solution import write_photo_solution, write_solution
from .text import PRON, cap, desc_text, num, phrases, pick


def _style(ctx: RenderContext) -> int:
    pinned = ctx.pin.get("template")
    if pinned is not None:
        return int(pinned)
    if ctx.held_out_templates:
        return -1
    styles = [s for s in range(6) if s != ctx.avoid.get("template")]
    return styles[ctx.rng.randrange(len(styles))]


NAME_MODES = ("by_sex", "mismatched")


@lru_cache(maxsize=4)
def _pools(names: tuple[str, ...]) -> dict[str, list[str]]:
    tags = name_sexes()
    out: dict[str, list[str]] = {"F": [], "M": [], "N": []}
    for x in names:
        out[tags.get(x, "N")].append(x)
    return out


def _names(ctx: RenderContext, sexes: list[str]) -> list[str]:
    """A name per person: from the pool of their sex (``F``/``M``; ``N``: a neutral name for
    someone whose sex the puzzle never states). Option ``names: mismatched`` draws from the
    whole pool instead, so that no name hints at a sex. Pinned names are kept where they fit."""
    mode = ctx.options.get("names", "by_sex")
    if mode not in NAME_MODES:
        from ..config import ConfigError  # (the config module imports the families)

        raise ConfigError(
            f"families.blood_relations.options.names: {mode!r} is not a naming mode; "
            f"use one of {', '.join(NAME_MODES)}"
        )
    pinned = list(ctx.pin.get("names") or [])[: len(sexes)]
    if mode == "mismatched":
        fresh = [x for x in ctx.names if x not in pinned]
        return pinned + ctx.rng.sample(fresh, len(sexes) - len(pinned))
    tags = name_sexes()
    pools = _pools(tuple(ctx.names))
    out: list[str] = []
    for i, sex in enumerate(sexes):
        if i < len(pinned) and tags.get(pinned[i], sex) == sex:
            out.append(pinned[i])
            continue
        pool = pools[sex] or pools["N"]
        pick = ctx.rng.choice(pool)
        while pick in out or pick in pinned:
            pick = ctx.rng.choice(pool)
        out.append(pick)
    return out


def _sexes(spec: BloodRelationsSpec, w: World) -> list[str]:
    """Each named person's sex where the puzzle states or forces it, else ``N``."""
    known = stated_sexes(spec)
    q = spec.question
    if q.kind == "relation" and q.a.kind == "ref" and q.b is not None:
        known.setdefault(q.a.person, w.sex[q.a.person])  # the proven answer word is gendered
    if q.kind == "expression":
        right = q.options[right_option(spec)]
        known.update(stated_sexes(spec, spec.expression_rels(right)))
    return [w.sex[i] if i in known else "N" for i in range(len(spec.people))]


FUNCTIONAL = ("parent", "spouse", "grandparent", "great-grandparent", "parent-in-law")


def _rel_text(a: str, t: str, b: str, style: int, only: bool = False) -> str:
    bank = phrases()
    src = pick(bank["only"] if only else bank["rel"], style)
    if not only and TERMS[t].base in FUNCTIONAL and src == bank["rel"][2]:
        src = bank["rel"][0]  # "a father of" reads wrong: one father, one spouse
    return cap(render_string(src, a=a, t=t, b=b))


def _fact_text(f, names: list[str], style: int) -> str:
    bank = phrases()
    if isinstance(f, Rel):
        return _rel_text(names[f.a.person], f.term, names[f.b.person], style, f.only)
    if isinstance(f, SexFact):
        return render_string(pick(bank["sex"][f.sex], style), a=names[f.a.person])
    return render_string(pick(bank["count"], style), a=names[f.a.person], k=num(f.k))


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: BloodRelationsSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    style = _style(ctx)
    # a labelled (unsolvable / ambiguous) item gets the pipeline's labelled solution
    labelled = bool(d.label)
    if spec.variant == "photo":
        return _finalize_photo(spec, ctx, style, labelled)
    w = spec.world.world()
    names = _names(ctx, _sexes(spec, w))
    spec = spec.model_copy(update={"people": names})
    q = spec.question
    bank = phrases()
    facts_text = [_fact_text(f, names, style) for f in spec.facts]
    legend: list[str] = []
    if spec.variant == "coded":
        legend = [
            render_string(pick(bank["code_line"], style), sym=sym, t=t)
            for sym, t in spec.codes.items()
        ]
    if q.kind == "expression":
        qtext = render_string(
            pick(bank["question"]["expression"], style),
            a=names[q.a.person],
            b=names[q.b.person],
            t=q.term,
            opts=", ".join(expr_text(spec, o) for o in q.options),
        )
    elif q.kind == "count":
        qtext = render_string(pick(bank["question"]["count"], style), a=names[q.a.person], t=q.term)
    elif spec.variant == "coded":
        qtext = render_string(
            pick(bank["question"]["decode"], style),
            expr=expr_text(spec, spec.expression),
            a=names[q.a.person],
            b=names[q.b.person],
        )
    else:
        qtext = render_string(
            pick(bank["question"]["relation"], style), a=names[q.a.person], b=names[q.b.person]
        )
        if q.qualified:
            qtext += bank["question"]["qualified"]
    if spec.variant == "coded":
        question = render(
            "blood_relations/coded.j2",
            intro=pick(bank["code_intro"], style),
            legend=legend,
            rules=pick(bank["rules"], style),
            facts=facts_text,
            question=qtext,
        )
    else:
        intro = render_string(
            pick(bank["intro"]["chain" if spec.variant == "chain" else "family_puzzle"], style),
            n=len(names),
        )
        question = render(
            "blood_relations/puzzle.j2",
            intro=intro,
            rules=pick(bank["rules"], style),
            facts=facts_text,
            question=qtext,
        )
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    if offered:
        spec = spec.model_copy(update={"question": q.model_copy(update={"offered": offered})})
    solution = "" if labelled else write_solution(spec, answer)
    return _final(spec, answer, distractors, question, solution, style)


def _answers(
    spec: BloodRelationsSpec, w: World, rng: random.Random, k: int
) -> tuple[Answer, list[Answer], tuple[str, ...]]:
    q = spec.question
    if q.kind == "expression":
        texts = [expr_text(spec, o) for o in q.options]
        right = right_option(spec)
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
        wrong = [Answer(type="label", value=v, space=space) for v in _count_options(spec, n)]
        return ans, wrong[: k - 1], ()
    x = resolve(q.a, w)
    y = resolve(q.b, w)
    rels = w.relations(x, y, q.qualified)
    ans_t = ([r for r in rels if TERMS[r].side] or rels)[0] if q.qualified else rels[0]
    space = answer_space(q.qualified)
    aliases = {ans_t: ans_t} if q.qualified else aliases_for(ans_t)
    ans = Answer(type="label", value=ans_t, space=space, aliases=aliases)
    clues = clues_of(spec) if q.a.kind == q.b.kind == "ref" else []
    picks = pick_distractors(ans_t, w.sex[x], space, rng, k - 1, x, y, clues)
    wrong = [Answer(type="label", value=p, space=space) for p in picks]
    offered = tuple(dict.fromkeys([ans_t, *picks]))
    return ans, wrong, offered


def _count_options(spec: BloodRelationsSpec, n: int) -> list[str]:
    """Wrong counts that no single clue rules out: at most the stated number of children, and
    at least one where a clue names a child of the asked sex; others only to make two."""
    q = spec.question
    k = next((f.k for f in spec.facts if isinstance(f, Count) and f.a == q.a), 8)
    named = any(
        isinstance(f, Rel) and f.term == q.term and f.b == q.a and f.a.kind == "ref"
        for f in spec.facts
    )
    good = [v for v in range(int(named), k + 1) if v != n]
    fill = [v for v in range(k + 1, 9) if v != n]
    return [str(v) for v in (good + fill[: max(0, 2 - len(good))])]


def _finalize_photo(
    spec: BloodRelationsSpec, ctx: RenderContext, style: int, labelled: bool = False
) -> Final:
    rng = ctx.rng
    bank = phrases()
    w = spec.world.world()
    s_name = _names(ctx, [w.sex[0]])[0]
    sex_s, sex_p = w.sex[0], w.sex[1]
    pw = {"M": "man", "F": "woman"}[sex_p]
    sw = {"M": "man", "F": "woman"}[sex_s]
    spec = spec.model_copy(update={"people": [s_name, f"the {pw}"]})
    fact = next(f for f in spec.facts if isinstance(f, Rel))
    dp = desc_text(fact.a, False, sex_p)
    ds = desc_text(fact.b, True, sex_s)
    only = "only " if fact.only else ""
    if ds == "me":
        st = f"{cap(dp)} is my {only}{fact.term}."
    else:
        st = f"{cap(dp)} is the {only}{fact.term} of {ds}."
    riddle = render_string(
        pick(bank["photo"], style),
        s=s_name,
        sw=sw,
        pw=pw,
        st=st,
        poss=PRON[sex_s][1],
    )
    qtext = render_string(pick(bank["photo_question"], style), pw=pw, s=s_name)
    rules = pick(bank["rules"], style) + " " + pick(bank["photo_rule"], style)
    question = render(
        "blood_relations/photo.j2", rules=rules, riddle=riddle, facts=[], question=qtext
    )
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    spec = spec.model_copy(
        update={"question": spec.question.model_copy(update={"offered": offered})}
    )
    solution = "" if labelled else write_photo_solution(spec, fact, s_name, pw, sw, answer)
    return _final(spec, answer, distractors, question, solution, style)


def _final(
    spec: BloodRelationsSpec,
    answer: Answer,
    distractors: list[Answer],
    question: str,
    solution: str,
    style: int,
) -> Final:
    """The rendered item; its template id names the variant and the phrasing style."""
    template_id = f"blood_relations/{spec.variant}/{'heldout' if style < 0 else f's{style}'}"
    key = {"template": style}
    return Final(spec, answer, distractors, question, solution, template_id, render_key=key)
