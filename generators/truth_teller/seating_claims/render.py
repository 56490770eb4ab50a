"""Rendering for ``seating_claims``: names, persona, question, MCQ options and the
solution (the propagation solver's derivation, with its case splits)."""

from __future__ import annotations

import random
from typing import Any

from templates import data, indefinite, render, render_string
from verifiers.answers import Answer
from verifiers.truth_teller.seating_claims import SeatingClaimsSpec, SExpr, seat_key

from ...family import Draft, Final, RenderContext, TraceMismatch
from ..render import cap, choose_persona, statement_names
from .deduce import CHAIRS, role_of
from .levels import ROLES, VARIANT
from .search import SeatDerivation, derive, near_answers


class _Words:
    def __init__(self, names: list[str], w: dict, rng: random.Random):
        self.names, self.w, self.rng = names, w, rng
        self.bank = data("truth_teller/seating_claims.yaml")

    def ph(self, key: str, **kw: Any) -> str:
        return render_string(self.bank[key], w=self.w, **kw)

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
    distractors = [
        _answer(spec, ["knight" if b else "knave" for b in bits], chair, aliases)
        for bits, chair in near_answers(spec, rng, ctx.n_choices - 1)
    ]
    role_words = {r: w[r] for r in ROLES}
    solution = "" if d.label else _solution(spec, answer, role_words, d.trace)
    template_id, key = f"truth_teller/{persona['id']}/seating_claims", {"template": persona["id"]}
    return Final(spec, answer, distractors, question, solution, template_id, role_words, key)


def _chairs(mask: int) -> str:
    seats = [str(i + 1) for i in range(mask.bit_length()) if mask >> i & 1]
    if len(seats) == 1:
        return f"chair {seats[0]}"
    return "chair " + ", ".join(seats[:-1]) + " or " + seats[-1]


def _solution(spec: SeatingClaimsSpec, answer: Answer, rw: dict, trace: Any) -> str:
    """The solver's derivation (propagation and case splits), checked against the answer.

    ``trace`` is the draft's :class:`SeatDerivation` (derived again if it is another spec's)."""
    names, n = spec.people, spec.n
    if isinstance(trace, SeatDerivation) and trace.spec.statements == spec.statements:
        tr, dom = trace.steps, trace.domains
    else:
        ded, dom = derive(spec)
        tr = ded.steps

    def value(v: int, mask: int, negate: bool = False) -> str:
        if v < n:
            role = role_of(mask)
            return f"{names[v]} is {'not ' if negate else ''}{indefinite(rw[role])}"
        verb = "does not sit in" if negate else "sits in"
        return f"{names[v - n]} {verb} {_chairs(mask)}"

    source = statement_names(spec)
    lines = []
    for st in tr:
        pad = "  " * st.depth
        mask = int(st.role) if st.role else 0
        if st.kind == "assume":
            lines.append(f"{pad}Suppose {value(st.person, mask)}.")
        elif st.kind == "conclude":
            lines.append(f"{pad}So {value(st.person, mask, negate=True)}.")
        elif st.kind == "contradiction":
            what = "one person per chair" if st.source == CHAIRS else source[st.source]
            lines.append(f"{pad}  Then {what} cannot hold: contradiction.")
        elif st.source == CHAIRS:
            lines.append(f"{pad}With one person per chair, {value(st.person, mask)}.")
        else:
            lines.append(f"{pad}From {source[st.source]}, {value(st.person, mask)}.")
    roles = [role_of(dom[p]) if not dom[p] & (dom[p] - 1) else "?" for p in range(n)]
    q = n + spec.question.person
    chair = dom[q].bit_length() - 1 if not dom[q] & (dom[q] - 1) else -1
    got = _answer(spec, roles, chair, {})
    if got.key() != answer.key():
        raise TraceMismatch("solution trace does not reach the proven answer")
    lines.append(f"Answer: {answer.text(rw)}")
    return "\n".join(lines)
