"""Rendering for the classic variants: names, persona, question text, MCQ options and the
step-by-step solution from the propagation solver's derivation."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from templates import data, indefinite, join_names, slot_renderer
from templates.phrases import Phrases
from verifiers.answers import Answer
from verifiers.truth_teller.spec import Expr, TruthTellerSpec

from ..family import Draft, Final, RenderContext, TraceMismatch
from . import questions
from .augment import OTHER
from .fill import filled, template_source
from .layout import choose_layout, lay_out
from .logic import Deducer, Step, Worlds
from .search import Derivation, targets

LINE_STYLES = ('{p} says: "{c}."', '{p}: "{c}."', '{p} claims, "{c}."')
CHAIN_PERSONA = "truth_tellers"


NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
           "eighteen", "nineteen", "twenty")  # fmt: skip
TWO_ROLES = "{# two roles #}"  # a phrasing that holds only where there are no normals


def _any_world(source: str) -> bool:
    return not source.startswith(TWO_ROLES)


class _Phrases:
    """The statement bank (templates/truth_teller/phrases.yaml) rendered with one persona's
    words ``w``: the test split's reserved phrasings when ``held_out``, and, in a world
    with normals (``roles``), none of the phrasings marked as holding for two roles only.

    Each phrase is compiled once per (phrase, role, count, words) by
    :func:`templates.slot_renderer`; names and sub-claims are its slots, so rendering a
    repeated phrase is one ``str.format``. :meth:`ids` lists the phrasings used.
    """

    BANK = "truth_teller/phrases.yaml"
    _fills: ClassVar[dict[tuple, Any]] = {}

    def __init__(self, w: dict, rng: random.Random, held_out: bool, roles: tuple[str, ...]):
        self.w = w
        self.wkey = tuple(w.items())
        self.two = "normal" not in roles
        self.book = Phrases(self.BANK, rng, held_out=held_out)
        self.keep = None if self.two else _any_world

    def __call__(
        self, key: str, rng: random.Random, words: bool = False, role=None, k=None, **slots: str
    ) -> str:
        """A phrasing of bank ``key`` (drawn by the book from the puzzle's ``rng``, the same
        generator); ``words``: the phrase gets ``w``."""
        if k == 0 and key.startswith("count") and not key.endswith("at_least"):
            key = ("count_all" if key.startswith("count_all") else "count") + "_none"
        if key in ("same", "different"):
            slots["b_obj"] = "me" if slots["b"] == "I" else slots["b"]
        source = self.book.source(key, self.keep)
        names = tuple(slots)
        cache_key = (source, names, self.wkey if words else None, role, k)
        fill = self._fills.get(cache_key)
        if fill is None:
            fixed: dict[str, Any] = {"w": self.w} if words else {}
            if role is not None:
                fixed["role"] = role
                if self.two and role in OTHER:
                    fixed["other"] = OTHER[role]
            if k is not None:
                noun = self.w[role] if k == 1 else self.w[role + "s"]
                fixed.update(k=k, kw=NUMBERS[k] if k < len(NUMBERS) else str(k), noun=noun)
                fixed["be"] = f"is {indefinite(noun)}" if k == 1 else f"are {noun}"
            if len(self._fills) > 20_000:
                self._fills.clear()
            fill = self._fills[cache_key] = slot_renderer(source, names, **fixed)
        return fill(**slots)

    def ids(self) -> list[str]:
        """The phrase ids this puzzle used (the record's ``phrase_ids``)."""
        return self.book.ids()


def _bracket(x: Expr) -> bool:
    """A compound child is bracketed, so nested claims read unambiguously."""
    return x.kind in ("and", "or", "implies", "iff") or (x.kind == "not" and x.arg.kind != "is")


def _claim_text(
    e: Expr, speaker: int, names: list[str], ph: _Phrases, rng: random.Random, chain: bool
) -> str:
    def who(p: int) -> str:
        return "I" if p == speaker else names[p]

    def sub(x: Expr) -> str:
        t = _claim_text(x, speaker, names, ph, rng, chain)
        return f"({t})" if _bracket(x) else t

    k = e.kind
    if k == "is":
        if chain:
            return ph(
                "chain_truthful" if e.role == "knight" else "chain_lies", rng, p=names[e.person]
            )
        key = "is_self" if e.person == speaker else "is"
        return ph(key, rng, True, e.role, p=who(e.person))
    if k == "not":
        if e.arg.kind == "is":
            key = "not_is_self" if e.arg.person == speaker else "not_is"
            return ph(key, rng, True, e.arg.role, p=who(e.arg.person))
        return ph("not", rng, a=sub(e.arg))
    if k in ("and", "or"):
        return ph(k, rng, a=sub(e.args[0]), b=sub(e.args[1]))
    if k in ("implies", "iff"):
        return ph(k, rng, a=sub(e.a), b=sub(e.b))
    if k == "count":
        everyone = len(e.people) == len(names)
        suffix = "" if e.op == "exactly" else "_" + e.op
        if everyone and speaker >= 0:
            return ph("count_all" + suffix, rng, True, e.role, e.k)
        group = join_names([names[p] for p in e.people])
        return ph("count" + suffix, rng, True, e.role, e.k, group=group)
    if k == "same":
        a, b = who(e.a), who(e.b)
        if a == "I":
            a, b = b, a
        return ph("same" if e.same else "different", rng, True, a=a, b=b)
    raise ValueError(k)


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def choose_persona(variant: str, rng: random.Random, ctx: RenderContext) -> dict:
    """A persona: pinned, else from the held-out pool for the test split, else the rest."""
    personas = data("truth_teller/personas.yaml")
    if variant == "liar_chain":
        return next(p for p in personas if p["id"] == CHAIN_PERSONA)
    pinned = ctx.pin.get("template")
    if pinned:
        return next(p for p in personas if p["id"] == pinned)
    allowed = ctx.options.get("personas")
    pool = [
        p
        for p in personas
        if (not allowed or p["id"] in allowed) and p["id"] != ctx.avoid.get("template")
    ]
    held = [p for p in pool if p.get("heldout")]
    pool = (
        held
        if (ctx.held_out_templates and held)
        else [p for p in pool if not p.get("heldout")] or pool
    )
    return pool[rng.randrange(len(pool))]


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: TruthTellerSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    n = len(spec.people)
    pinned = list(ctx.pin.get("names") or [])[:n]
    fresh = [x for x in ctx.names if x not in pinned] if pinned else ctx.names
    names = pinned + rng.sample(fresh, n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    persona = choose_persona(spec.variant, rng, ctx)
    w = {k: v for k, v in persona.items() if k not in ("id", "intro")}
    ph = _Phrases(w, rng, ctx.held_out_templates, tuple(spec.roles))
    chain = spec.variant == "liar_chain"
    normals = "normal" in spec.roles
    style = rng.randrange(len(LINE_STYLES))
    book = Phrases(questions.BANK, rng, held_out=ctx.held_out_templates)
    layout = choose_layout(spec, ctx.options, rng)
    reported = chain or layout == "chain"  # "Ann says Ben lies."
    lines = []
    for s in spec.statements:
        c = _claim_text(s.claim, s.speaker, names, ph, rng, reported)
        if reported:
            lines.append(f"{names[s.speaker]} says {c}.")
        else:
            lines.append(LINE_STYLES[style].format(p=names[s.speaker], c=cap(c)))
    facts = [cap(_claim_text(f, -1, names, ph, rng, chain)) + "." for f in spec.facts]
    if chain:
        intro = "Each of the following people either always tells the truth or always lies."
    else:
        intro = filled(persona["intro"], {"n": n, "normals": normals}, names=names)
        intro = " ".join(intro.split())
    lines = lay_out(layout, lines, book, lead=not intro.endswith("statements."))
    question_line = questions.question_text(spec, names, w, book)
    question = filled(
        template_source("truth_teller/puzzle.j2"),
        {"facts_first": chain},
        intro=intro,
        statements=lines,
        facts=facts,
        question=question_line,
    ).strip()
    aliases = {w[r]: r for r in spec.roles}
    answer, distractors = _answers(spec, aliases, rng, ctx.n_choices)
    words = {r: w[r] for r in spec.roles}
    if d.label:
        solution = ""  # deliberately unsolvable / ambiguous: the pipeline writes the Z3 note
    else:
        tr = d.trace
        if isinstance(tr, Derivation) and tr.spec is d.spec and tr.steps and tr.derived:
            steps, dom = tr.steps, tr.derived
        else:
            ded = Deducer(spec)
            dom = ded.solve(targets(spec), log=True)
            steps = ded.steps
        solution = _solution(spec, names, w, answer, words, steps, dom)
    shape = "" if reported else str(style)
    template_id = f"truth_teller/{persona['id']}/{layout}{shape}/{spec.question.kind}"
    key = {"template": persona["id"]}
    phrase_ids = sorted(set(ph.ids()) | set(book.ids()))
    return Final(spec, answer, distractors, question, solution, template_id, words, key, phrase_ids)


def _answers(
    spec: TruthTellerSpec, aliases: dict, rng: random.Random, k: int
) -> tuple[Answer, list[Answer]]:
    q = spec.question
    other = questions.answers(spec, aliases, rng, k, near_misses)
    if other is not None:
        return other
    if q.kind == "truthful":
        yes = spec.truth[q.person] == "knight"
        ans = Answer(type="label", value="yes" if yes else "no", space=["yes", "no"])
        return ans, [Answer(type="label", value="no" if yes else "yes", space=["yes", "no"])]
    if q.kind == "one":
        r = spec.truth[q.person]
        ans = Answer(type="label", value=r, space=list(spec.roles), aliases=aliases)
        return ans, [
            Answer(type="label", value=o, space=list(spec.roles), aliases=aliases)
            for o in spec.roles
            if o != r
        ]
    truth = dict(zip(spec.people, spec.truth, strict=True))
    ans = Answer(type="assignment", value=truth, space=list(spec.roles), aliases=aliases)
    w = Worlds(len(spec.people), tuple(spec.roles))
    out = [
        Answer(
            type="assignment",
            value=dict(zip(spec.people, w.decode(i), strict=True)),
            space=list(spec.roles),
            aliases=aliases,
        )
        for i in near_misses(spec, w, rng, k - 1)
    ]
    return ans, out


def _bits(m: int, limit: int) -> list[int]:
    """The positions of the lowest ``limit`` set bits of ``m``."""
    out = []
    while m and len(out) < limit:
        low = m & -m
        out.append(low.bit_length() - 1)
        m ^= low
    return out


def near_misses(spec: TruthTellerSpec, w: Worlds, rng: random.Random, k: int) -> list[int]:
    """Up to ``k`` wrong worlds for the MCQ options: each agrees with every stated fact and
    breaks one statement only (a near miss), so that no count of roles and no check of a
    clue that the answer alone passes picks the answer out. Where there are fewer than two
    near misses, the closest other worlds make up two."""
    base = w.full
    for f in spec.facts:
        base &= w.table(f)
    allowed = [w.allowed(s) for s in spec.statements]
    truth = 1 << w.index(spec.truth)
    pools = []
    for j in range(len(allowed)):
        m = base & ~allowed[j]
        for i, a in enumerate(allowed):
            if i != j:
                m &= a
        if m:
            pools.append(_bits(m, 64))
    rng.shuffle(pools)
    picked: list[int] = []
    while len(picked) < k and any(pools):
        for pool in pools:
            if pool and len(picked) < k:
                picked.append(pool.pop(rng.randrange(len(pool))))
    want = min(k, 2)  # fewer options rather than ones that fail two statements, but two wrong
    if len(picked) < want:  # too few near misses: the fact-respecting worlds closest to them
        rest = _bits(base & ~truth & ~sum(1 << i for i in picked), 4096)
        rest.sort(key=lambda i: (sum(not a >> i & 1 for a in allowed), i))
        picked += rest[: want - len(picked)]
    return picked


ORDINALS = ("first", "second", "third", "fourth")


def statement_names(spec: Any) -> list[str]:
    """How the solution cites each statement: "Ann's statement", or "Ann's second
    statement" where Ann says more than one."""
    count: dict[int, int] = {}
    for s in spec.statements:
        count[s.speaker] = count.get(s.speaker, 0) + 1
    seen: dict[int, int] = {}
    out = []
    for s in spec.statements:
        i = seen[s.speaker] = seen.get(s.speaker, 0) + 1
        which = f"{ORDINALS[i - 1]} " if count[s.speaker] > 1 else ""
        out.append(f"{spec.people[s.speaker]}'s {which}statement")
    return out


def _source(cited: list[str], src: int) -> str:
    return cited[src] if src >= 0 else "the stated fact"


def _solution(
    spec: TruthTellerSpec,
    names: list[str],
    w: dict,
    answer: Answer,
    words: dict,
    steps: list[Step],
    dom: list[set[str]],
) -> str:
    """Step-by-step derivation from the propagation solver; checked against the answer."""
    cited = statement_names(spec)
    lines = []
    for st in steps:
        pad = "  " * st.depth
        if st.kind == "assume":
            lines.append(f"{pad}Suppose {names[st.person]} is {indefinite(w[st.role])}.")
        elif st.kind == "contradiction":
            lines.append(f"{pad}  Then {_source(cited, st.source)} cannot hold: contradiction.")
        elif st.kind == "conclude":
            lines.append(f"{pad}So {names[st.person]} is not {indefinite(w[st.role])}.")
        elif st.note == "not":
            excluded = [r for r in spec.roles if r not in st.role.split("|")]
            lines.append(
                f"{pad}From {_source(cited, st.source)}, {names[st.person]} is not "
                + " or ".join(indefinite(w[r]) for r in excluded)
                + "."
            )
        else:
            lines.append(
                f"{pad}From {_source(cited, st.source)}, {names[st.person]} is {indefinite(w[st.role])}."
            )
    derived = {names[p]: next(iter(dom[p])) for p in targets(spec) if len(dom[p]) == 1}
    q = spec.question
    if q.kind in ("liars", "count"):
        got = questions.derived_answer(spec, names, derived)
    elif q.kind == "all":
        got = Answer(type="assignment", value=derived, space=answer.space)
    elif q.kind == "one":
        got = Answer(type="label", value=derived.get(names[q.person], "?"), space=answer.space)
    else:
        got = Answer(
            type="label",
            value="yes" if derived.get(names[q.person]) == "knight" else "no",
            space=answer.space,
        )
    if got.key() != answer.key():
        raise TraceMismatch("solution trace does not reach the proven answer")
    last = questions.closing(spec, names, w, derived)
    lines += [last] if last else []
    lines.append(f"Answer: {answer.text(words)}")
    return "\n".join(lines)
