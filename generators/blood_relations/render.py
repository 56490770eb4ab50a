"""Rendering: names, template style, fact and question text, MCQ options, and ``finalize``.

Options come from the table of relations that can never hold together (so Z3 refutes each
one); the solution comes from :mod:`.solution`.
"""

from __future__ import annotations

import random
from functools import lru_cache

from templates import render, render_string
from templates.phrases import Phrases, kind_of
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
from .text import BANK, INVERSE, PRON, article, cap, desc_text, num, plural, poss, surname, unique

# Phrasing. Facts choose their phrasing per clue: a list of facts in one voice reads like a
# form, one that varies reads like a puzzle book, and the variety is what a model must meet.
# The frame (rules, intro, question) appears once per puzzle anyway; a code legend and the
# numbers (words or digits) keep one style per puzzle, because a definitions table that
# switches between forms, or "two" beside "3", reads as carelessness rather than variety.
# The render key "template" is an integer that seeds every choice (pinned: the same text for
# the same facts); its rules phrasing (key modulo the number of rules phrasings) names the
# template, so that a reskin changes the rules sentence as well as the facts.
KEYS = 1 << 16


def _book(ctx: RenderContext) -> tuple[Phrases, int]:
    """The puzzle's phrase book and its render key (pinned, else drawn, avoiding a rules
    phrasing to avoid)."""
    held = ctx.held_out_templates
    n = len(Phrases(BANK, ctx.rng, held_out=held).options("rules"))
    pinned = ctx.pin.get("template")
    if pinned is not None:
        key = int(pinned)
    else:
        avoid = ctx.avoid.get("template")
        key = ctx.rng.randrange(KEYS)
        while avoid is not None and n > 1 and key % n == int(avoid) % n:
            key = ctx.rng.randrange(KEYS)
    return Phrases(BANK, random.Random(f"blood_relations:{key}"), held_out=held), key


def _rules(book: Phrases, key: int) -> str:
    """The rules sentence that the render key names (recorded as used)."""
    opts = book.options("rules")
    pid, src = opts[key % len(opts)]
    book.used.append(pid)
    return src


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


def _rel_text(book: Phrases, a: str, t: str, b: str, only: bool = False) -> str:
    """ "a is the t of b" in one of its phrasings, or "b is the INVERSE[t] of a" (half the
    time, where that says exactly the same)."""
    if not only and t in INVERSE and book.rng.random() < 0.5:
        a, t, b = b, INVERSE[t], a
    if only:
        key = "only"
    else:
        key = "rel.one" if unique(t) else "rel.some"  # never "a father of", "one of her wives"
    ctx = dict(a=a, t=t, ts=plural(t), art=article(t), b=b, bp=poss(b))
    return cap(book.say(key, **ctx))


def _fact_text(book: Phrases, f, names: list[str], digits: bool) -> str:
    if isinstance(f, Rel):
        return _rel_text(book, names[f.a.person], f.term, names[f.b.person], f.only)
    if isinstance(f, SexFact):
        return book.say(f"sex.{f.sex}", a=names[f.a.person])
    noun = f.term if f.k == 1 else plural(f.term)
    return book.say("count", a=names[f.a.person], k=num(f.k, digits), noun=noun)


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: BloodRelationsSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    book, key = _book(ctx)
    # a labelled (unsolvable / ambiguous) item gets the pipeline's labelled solution
    labelled = bool(d.label)
    if spec.variant == "photo":
        return _finalize_photo(spec, ctx, book, key, labelled)
    w = spec.world.world()
    names = _names(ctx, _sexes(spec, w))
    spec = spec.model_copy(update={"people": names})
    rules = _rules(book, key)
    digits = book.rng.random() < 0.5
    q = spec.question
    facts_text = [_fact_text(book, f, names, digits) for f in spec.facts]
    na, nb = names[q.a.person], names[q.b.person] if q.b is not None else ""
    who = dict(a=na, ap=poss(na), b=nb, bp=poss(nb))
    if q.kind == "expression":
        opts = ", ".join(expr_text(spec, o) for o in q.options)
        qtext = book.say("question.expression", t=q.term, opts=opts, **who)
    elif q.kind == "count":
        qtext = book.say("question.count", ts=plural(q.term or "child"), **who)
    elif spec.variant == "coded":
        qtext = book.say("question.decode", expr=expr_text(spec, spec.expression), **who)
    else:
        qtext = book.say("question.relation", **who)
        if q.qualified:
            qtext += " " + book.say("question.qualified")
    qtext = cap(qtext)
    if spec.variant == "coded":
        line = book.source("code_line")  # one phrasing for the whole legend
        question = render(
            "blood_relations/coded.j2",
            intro=book.say("code_intro"),
            legend=[render_string(line, sym=sym, t=t) for sym, t in spec.codes.items()],
            rules=rules,
            facts=facts_text,
            question=qtext,
        )
    else:
        kind = "chain" if spec.variant == "chain" else "family_puzzle"
        fam = ""
        if kind == "family_puzzle" and book.rng.random() < 0.5:  # "the Okafor family"
            kind, fam = "family_named", surname(rng, ctx.held_out_names, na)
        question = render(
            "blood_relations/puzzle.j2",
            intro=book.say(f"intro.{kind}", k=num(len(names), digits), fam=fam),
            rules=rules,
            facts=facts_text,
            question=qtext,
        )
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    if offered:
        spec = spec.model_copy(update={"question": q.model_copy(update={"offered": offered})})
    solution = "" if labelled else write_solution(spec, answer)
    return _final(spec, answer, distractors, question, solution, book, key, ctx)


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


def _spoken(book: Phrases, a: str, t: str, b: str, only: bool) -> str:
    """The speaker's statement "a is the (only) t of b" (a: "he", "his mother"; b: "me", "my
    father") in a phrasing that names ``a`` first, so that "his" and "he" point back to the
    person pictured and never to a man in ``b`` ("my father"), and never says "of me"."""
    me = b == "me"

    def keep(src: str) -> bool:
        first = src.find("{{ a }}") < min(src.find(x) for x in ("{{ b }}", "{{ bp }}") if x in src)
        return first and not (me and "{{ b }}" in src)

    key = "only" if only else ("rel.one" if unique(t) else "rel.some")
    bp = "my" if me else poss(b)
    words = dict(a=a, t=t, ts=plural(t), art=article(t), b=b, bp=bp)
    return cap(book.say(key, keep=keep, **words))


def _finalize_photo(
    spec: BloodRelationsSpec, ctx: RenderContext, book: Phrases, key: int, labelled: bool
) -> Final:
    rng = ctx.rng
    w = spec.world.world()
    s_name = _names(ctx, [w.sex[0]])[0]
    sex_s, sex_p = w.sex[0], w.sex[1]
    pw = {"M": "man", "F": "woman"}[sex_p]
    sw = {"M": "man", "F": "woman"}[sex_s]
    spec = spec.model_copy(update={"people": [s_name, f"the {pw}"]})
    fact = next(f for f in spec.facts if isinstance(f, Rel))
    dp = desc_text(fact.a, False, sex_p)
    ds = desc_text(fact.b, True, sex_s)
    st = _spoken(book, dp, fact.term, ds, fact.only)
    rules = _rules(book, key) + " " + book.say("photo_rule")
    riddle = book.say("photo", s=s_name, sw=sw, pw=pw, st=st, poss=PRON[sex_s][1])
    qtext = book.say("photo_question", pw=pw, s=s_name)
    question = render(
        "blood_relations/photo.j2", rules=rules, riddle=riddle, facts=[], question=qtext
    )
    answer, distractors, offered = _answers(spec, w, rng, ctx.n_choices)
    spec = spec.model_copy(
        update={"question": spec.question.model_copy(update={"offered": offered})}
    )
    solution = "" if labelled else write_photo_solution(spec, fact, s_name, pw, sw, answer)
    return _final(spec, answer, distractors, question, solution, book, key, ctx)


def _final(
    spec: BloodRelationsSpec,
    answer: Answer,
    distractors: list[Answer],
    question: str,
    solution: str,
    book: Phrases,
    key: int,
    ctx: RenderContext,
) -> Final:
    """The rendered item; its template id names the variant, the split's phrasings (reserved
    or training) and the rules phrasing; ``phrase_ids`` every phrasing used."""
    ids = book.ids()
    rules = next(p for p in ids if kind_of(p) == f"{book.prefix}:rules").rpartition("#")[2]
    pool = "heldout" if ctx.held_out_templates else "train"
    template_id = f"blood_relations/{spec.variant}/{pool}/rules{rules}"
    return Final(
        spec,
        answer,
        distractors,
        question,
        solution,
        template_id,
        render_key={"template": key},
        phrase_ids=ids,
    )
