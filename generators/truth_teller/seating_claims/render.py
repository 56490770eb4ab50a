"""Rendering for ``seating_claims``: names, persona, question, MCQ options and the
solution (the propagation solver's derivation, with its case splits)."""

from __future__ import annotations

import random
from typing import Any

from templates import indefinite, render, render_string
from templates.phrases import Phrases
from verifiers.answers import Answer
from verifiers.truth_teller.seating_claims import SeatingClaimsSpec, SExpr, seat_key

from ...family import Draft, Final, RenderContext, TraceMismatch
from ..augment import OTHER
from ..render import NUMBERS, cap, choose_persona, statement_names
from .deduce import CHAIRS, role_of
from .levels import ROLES, VARIANT
from .search import SeatDerivation, derive, near_answers

BANK = "truth_teller/seating_claims.yaml"
OPPOSITE = {"left": "right", "right": "left"}


def _forms(who: str, me: bool) -> dict[str, str]:
    """A person's words in a claim by ``me`` or not: subject, object, possessives, and the
    verb endings that go with the subject (``I sit``, ``Ann sits``)."""
    poss = "my" if me else f"{who}'s"
    return {
        "subj": "I" if me else who,
        "obj": "me" if me else who,
        "poss": poss,
        "mine": "mine" if me else poss,
        "s": "" if me else "s",
        "does": "do" if me else "does",
        "am": "am" if me else "is",
    }


class _Words:
    """The seating_claims bank with one persona's words ``w``; :attr:`book` picks the
    phrasings (the test split's reserved ones when ``held_out``) and records their ids."""

    def __init__(self, names: list[str], w: dict, rng: random.Random, held_out: bool):
        self.names, self.w = names, w
        self.book = Phrases(BANK, rng, held_out=held_out)

    def ph(self, key: str, **kw: Any) -> str:
        return self.book.say(key, w=self.w, **kw)

    def claim(self, e: SExpr, speaker: int) -> str:
        k = e.kind
        if k == "is":
            return self.ph("is", p=self.names[e.person], role=e.role, other=OTHER[e.role])
        if k in ("and", "or"):
            return self.ph(k, a=self.claim(e.args[0], speaker), b=self.claim(e.args[1], speaker))
        c = e.clue
        f = _forms(self.names[c.a], c.a == speaker)
        subj = {"a": f["subj"], "s": f["s"], "does": f["does"], "am": f["am"]}
        subj.update(a_obj=f["obj"], a_poss=f["poss"], a_mine=f["mine"])
        b = getattr(c, "b", -1)
        if b >= 0:
            f = _forms(self.names[b], b == speaker)
            subj.update(b=f["obj"], b_subj=f["subj"], b_poss=f["poss"], b_mine=f["mine"])
            subj.update(b_s=f["s"], b_am=f["am"])
        neg = "not_" if getattr(c, "neg", False) else ""
        if c.kind == "at":
            key = neg + ("at_seat" if c.where == "seat" else "at_end")
            return self.ph(key, k=c.seat + 1, kw=NUMBERS[c.seat + 1], n=len(self.names), **subj)
        if c.kind == "next":
            return self.ph(neg + "next", **subj)
        if c.kind == "side":
            key = neg + ("side_me" if b == speaker else "side")
            return self.ph(key, side=c.side, opp=OPPOSITE[c.side], **subj)
        if c.kind == "order":
            return self.ph("order", **subj)
        if c.kind == "gap":
            return self.ph("gap", k=c.k, kw=NUMBERS[c.k], a2=subj["a_obj"], b=subj["b"])
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
    words = _Words(names, w, rng, ctx.held_out_templates)
    line = words.book.source("line")  # one line style for the whole puzzle
    lines = [
        render_string(line, p=names[s.speaker], c=cap(words.claim(s.claim, s.speaker)))
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
    return Final(
        spec,
        answer,
        distractors,
        question,
        solution,
        template_id,
        role_words,
        key,
        phrase_ids=words.book.ids(),
    )


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
