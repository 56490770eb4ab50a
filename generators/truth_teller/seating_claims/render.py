"""Rendering for ``seating_claims``: names, persona, question, MCQ options and the
solution (every wrong role assignment eliminated, then the chair)."""

from __future__ import annotations

import random
from typing import Any

from templates import data, render, render_string
from verifiers.answers import Answer
from verifiers.truth_teller.seating_claims import SeatingClaimsSpec, SExpr, seat_key

from ...family import Draft, Final, RenderContext, TraceMismatch
from ..render import cap, choose_persona
from .levels import ROLES, VARIANT
from .search import answers, eliminations, solutions

# Jinja2 has no a/an filter; a macro keeps the phrase bank plain Jinja2 strings.
_AN_FILTER = "{% macro an_(x) %}{{ 'an' if x[:1] in 'aeiouAEIOU' else 'a' }} {{ x }}{% endmacro %}"


def _an(word: str) -> str:
    return ("an " if word[:1] in "aeiouAEIOU" else "a ") + word


class _Words:
    def __init__(self, names: list[str], w: dict, rng: random.Random):
        self.names, self.w, self.rng = names, w, rng
        self.bank = data("truth_teller/seating_claims.yaml")

    def ph(self, key: str, **kw: Any) -> str:
        return render_string(_AN_FILTER + self.bank[key], w=self.w, **kw)

    def claim(self, e: SExpr, speaker: int) -> str:
        k = e.kind
        if k == "is":
            return self.ph("is", p=self.names[e.person], role=e.role)
        if k in ("and", "or"):
            return self.ph(k, a=self.claim(e.args[0], speaker), b=self.claim(e.args[1], speaker))
        c = e.clue
        me = c.a == speaker
        subj = {
            "a": "I" if me else self.names[c.a],
            "s": "" if me else "s",
            "does": "do" if me else "does",
        }
        b = getattr(c, "b", -1)
        obj = "me" if b == speaker else (self.names[b] if b >= 0 else "")
        neg = "not_" if getattr(c, "neg", False) else ""
        if c.kind == "at":
            key = neg + ("at_seat" if c.where == "seat" else "at_end")
            return self.ph(key, k=c.seat + 1, **subj)
        if c.kind == "next":
            return self.ph(neg + "next", b=obj, **subj)
        if c.kind == "side":
            key = neg + ("side_me" if b == speaker else "side")
            return self.ph(key, b=obj, side=c.side, **subj)
        if c.kind == "order":
            return self.ph("order", b=obj, **subj)
        if c.kind == "gap":
            return self.ph("gap", k=c.k, a2="me" if me else self.names[c.a], b=obj)
        raise ValueError(f"seating_claims does not render clue kind {c.kind!r}")


def _answer(spec: SeatingClaimsSpec, roles, chair: int, aliases: dict) -> Answer:
    value = dict(zip(spec.people, roles, strict=True))
    value[seat_key(spec.people[spec.question.person])] = str(chair + 1)
    space = [*ROLES, *[str(i + 1) for i in range(spec.n)]]
    return Answer(type="assignment", value=value, space=space, aliases=aliases)


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: SeatingClaimsSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    n = spec.n
    pinned = list(ctx.pin.get("names") or [])[:n]
    fresh = [x for x in ctx.names if x not in pinned]
    names = pinned + rng.sample(fresh, n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    persona = choose_persona(VARIANT, rng, ctx)
    w = {k: v for k, v in persona.items() if k not in ("id", "intro")}
    words = _Words(names, w, rng)
    lines = [
        words.ph("line", p=names[s.speaker], c=cap(words.claim(s.claim, s.speaker)))
        for s in spec.statements
    ]
    qname = names[spec.question.person]
    question = render(
        "truth_teller/seating_claims.j2",
        intro=" ".join(words.ph("intro", n=n, names=names).split()),
        statements=lines,
        question=" ".join(words.ph("question", q=qname, names=names).split()),
    )
    aliases = {w[r]: r for r in ROLES}
    answer = _answer(spec, spec.truth, spec.seats[spec.question.person], aliases)
    distractors: list[Answer] = []
    seen = {answer.key()}
    for _ in range(60):
        if len(distractors) >= ctx.n_choices - 1:
            break
        roles = list(spec.truth)
        chair = spec.seats[spec.question.person]
        u = rng.random()
        if u < 0.7:
            for p in rng.sample(range(n), rng.randint(1, min(2, n))):
                roles[p] = "knave" if roles[p] == "knight" else "knight"
        if u > 0.4:
            chair = rng.choice([c for c in range(n) if c != chair])
        cand = _answer(spec, roles, chair, aliases)
        if cand.key() not in seen:
            seen.add(cand.key())
            distractors.append(cand)
    role_words = {r: w[r] for r in ROLES}
    solution = "" if d.label else _solution(spec, words, answer, role_words)
    template_id, key = f"truth_teller/{persona['id']}/seating_claims", {"template": persona["id"]}
    return Final(spec, answer, distractors, question, solution, template_id, role_words, key)


def _solution(spec: SeatingClaimsSpec, words: _Words, answer: Answer, rw: dict) -> str:
    """Elimination of every wrong role assignment, then the chair; checked against the answer."""
    names, n = spec.people, spec.n
    lines = [
        f"Each of the {n} people is {_an(rw['knight'])} or {_an(rw['knave'])}, so there are {2**n} "
        "ways to assign roles. A role assignment is possible only if one seating makes every "
        f"{rw['knight']}'s claim true and every {rw['knave']}'s claim false."
    ]

    def req(j: int, bits: tuple) -> str:
        s = spec.statements[j]
        how = "true" if bits[s.speaker] else "false"
        return f"statement {j + 1} ({names[s.speaker]}'s) would be {how}"

    for bits, ks in eliminations(spec):
        who = ", ".join(f"{names[i]} {rw['knight' if b else 'knave']}" for i, b in enumerate(bits))
        why = " and ".join(req(j, bits) for j in ks)
        lines.append(f"- {who}: {why}; no seating allows that, so this is impossible.")
    sol = solutions(spec)
    (roles_bits, chair), *rest = sorted(answers(spec, sol))
    if rest:
        raise TraceMismatch("solution trace does not reach the proven answer")
    roles = ["knight" if b else "knave" for b in roles_bits]
    who = ", ".join(f"{names[i]} is {_an(rw[r])}" for i, r in enumerate(roles))
    lines.append(f"Only one assignment is left: {who}.")
    facts = []
    for j, s in enumerate(spec.statements):
        t = words.claim(s.claim, s.speaker)
        truth = "true" if roles[s.speaker] == "knight" else "false"
        facts.append(f"statement {j + 1} ({names[s.speaker]}: {t}) is {truth}")
    q = names[spec.question.person]
    lines.append(
        "With these roles: "
        + "; ".join(facts)
        + f". In every seating that fits, {q} sits in chair {chair + 1}."
    )
    got = _answer(spec, roles, chair, {})
    if got.key() != answer.key():
        raise TraceMismatch("solution trace does not reach the proven answer")
    lines.append(f"Answer: {answer.text(rw)}")
    return "\n".join(lines)
