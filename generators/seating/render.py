"""Rendering a seating puzzle: the words, the question, the options and the solution.

:class:`Renderer` holds one puzzle's words (setting, names, attribute references, places)
and writes each clue and the question in phrasings from templates/seating/phrases.yaml
(:class:`templates.phrases.Phrases`: reserved ones for the test split with held-out
templates; the ids go into the record's ``phrase_ids``); :func:`finalize` names the
people, picks the setting and writes the question, the answer with its distractors, and
the step-by-step solution from the propagation solver's trace.
"""

from __future__ import annotations

import itertools
import random
import re
from functools import lru_cache
from typing import Any

from templates import data, join_names, render, render_string
from templates.phrases import Phrases
from verifiers.answers import Answer
from verifiers.seating.spec import Clue, Is, Next, Opposite, SeatingSpec, Side
from verifiers.seating.worlds import hidden_value, survives
from verifiers.solver import seating as SOLVER

from ..family import Draft, Final, RenderContext, TraceMismatch
from .deducer import bits
from .logic import frame_of, holds_world
from .trace import Line, Trace, derive

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")  # fmt: skip
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve")  # fmt: skip


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


BANK = "seating/phrases.yaml"
# Slots a phrasing may use only where the renderer gives them: a possessive ("Ana's", for
# names only) and the converse side (only where everyone in a row faces the same way).
OPTIONAL = frozenset({"a_s", "b_s", "flip"})
GROUPS = ("seat", "order", "attr")  # the bank's top-level groups
OTHER_SIDE = {"left": "right", "right": "left"}
DIGITS_SHARE = 0.3  # the share of puzzles that write counts and ordinals in digits


_OPTIONAL_SLOT = re.compile(r"{{\s*(" + "|".join(sorted(OPTIONAL)) + r")\s*}}")


@lru_cache(maxsize=4096)
def optional_slots(source: str) -> frozenset[str]:
    """The optional slots (:data:`OPTIONAL`) a phrasing prints."""
    return frozenset(_OPTIONAL_SLOT.findall(source))


def _ordinal_digits(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


class Renderer:
    """Words for one puzzle: the setting, people's names and attribute references, and
    its phrasings (:class:`templates.phrases.Phrases`, ids in ``book.ids()``)."""

    def __init__(self, spec: SeatingSpec, ctx: dict, rng: random.Random, held_out: bool = False):
        self.spec, self.rng = spec, rng
        self.ctx = {"neighbour": "neighbour", "neighbours": "neighbours", **ctx}
        self.order = ctx["layouts"] == ["order"]
        self.group = "order" if self.order else "seat"
        self.book = Phrases(BANK, rng, held_out=held_out)
        self.digits = rng.random() < DIGITS_SHARE
        self.cats = {c["name"]: c for c in data("seating/attributes.yaml")}
        self.n = spec.n
        self.fr = frame_of(spec)
        self._refs: dict[int, str] = {}
        self.words: dict[str, str] = {}  # canonical answer value -> surface word

    def ref(self, e: int) -> str:
        if e < self.n:
            return self.spec.people[e]
        t = self._refs.get(e)
        if t is None:
            cat = self.spec.attributes[e // self.n - 1]
            t = render_string(self.cats[cat.name]["ref"], v=cat.values[e % self.n])
            self._refs[e] = t
        return t

    def ordinal(self, i: int) -> str:
        """The ordinal of the 0-based index ``i``: "third" or "3rd" (per puzzle; "first"
        always: "1st from the left end" reads as a slip)."""
        return _ordinal_digits(i + 1) if self.digits and i else ORDINALS[i]

    def number(self, k: int) -> str:
        """A count: "two" or "2" (per puzzle)."""
        return str(k) if self.digits else NUMBERS[k]

    def people(self, k: int) -> str:
        """``k`` people: "one person", "2 people"."""
        return f"{self.number(k)} {'person' if k == 1 else 'people'}"

    def dir_word(self, toward: bool) -> str:
        if self.spec.layout == "circle":
            return "the centre" if toward else "outward"
        return "north" if toward else "south"

    def pos(self, s: int, style: int = 0) -> str:
        """A place in words, as the puzzle's people would say it."""
        n, spec, o = self.n, self.spec, self.ordinal
        if self.order:
            return render_string(self.ctx["pos"], s=s, n=n, ord=o(s))
        if spec.layout == "rows":
            m = n // 2
            row = "north" if s < m else "south"
            return f"{o(s % m)} from the west end of the {row} {self.ctx['row']}"
        if spec.layout == "circle":
            return f"seat {s}"
        if spec.mixed:
            if style and n - s <= s + 1:
                return f"{o(n - 1 - s)} from the east end"
            return f"{o(s)} from the west end"
        left = s if spec.facing[0] else n - 1 - s
        if style and n - left <= left + 1:
            return f"{o(n - 1 - left)} from the right end"
        return f"{o(left)} from the left end"

    def place(self, s: int) -> str:
        """A numbered place, for the solution trace (see :meth:`numbering`)."""
        if self.spec.layout == "circle":
            return f"seat {s}"
        if self.spec.layout == "rows":
            m = self.n // 2
            return f"place {s % m + 1} of the {'north' if s < m else 'south'} {self.ctx['row']}"
        return f"{'position' if self.order else 'place'} {s + 1}"

    def numbering(self) -> str:
        spec = self.spec
        if self.order:
            return f"Number the positions 1 to {self.n}, {self.ctx['list']}."
        if spec.layout == "circle":
            return (
                "Only relative places matter at a round table, so number the seats 0 to "
                f"{self.n - 1} clockwise (seen from above), starting with {spec.people[0]}'s "
                "seat as seat 0."
            )
        if spec.layout == "rows":
            return "Number the places of each row 1, 2, ... from the west end."
        hint = ""
        if not spec.mixed:
            hint = " (from their left)" if spec.facing[0] else " (from their right)"
        return f"Number the places 1 to {self.n} from the west end{hint}."

    def phrase(self, key: str, skip: str = "", **kw: Any) -> str:
        """One phrasing of ``key`` (dotted; relative to this puzzle's group, seat or
        order, unless it names a group), none that uses the slot ``skip`` or an optional
        slot (:data:`OPTIONAL`) that ``kw`` does not give; ``v`` (the setting's words)
        defaults to :attr:`ctx`."""
        if "." not in key or key.split(".")[0] not in GROUPS:
            key = f"{self.group}.{key}"
        missing = OPTIONAL - set(kw)

        def keep(src: str) -> bool:
            return not (skip and skip in src) and not optional_slots(src) & missing

        kw.setdefault("v", self.ctx)
        return render_string(self.book.source(key, keep), **kw)

    def _pair(self, a: int, b: int) -> dict[str, str]:
        """The slots of two entities: references, and possessives of names."""
        kw = {"a": self.ref(a), "b": self.ref(b)}
        for slot, e in (("a_s", a), ("b_s", b)):
            if e < self.n:
                kw[slot] = f"{self.spec.people[e]}'s"
        return kw

    def _count(self, k: int) -> dict[str, Any]:
        """The slots of a count ``k``: k, kw, kn, k1n and the verbs agreeing with them."""
        v = self.ctx
        return {
            "k": k,
            "kw": self.number(k),
            "kn": self.people(k),
            "k1n": self.people(k - 1) if k else "",
            "be_k": "is" if k == 1 else "are",
            "be_k1": "is" if k == 2 else "are",
            "sit_k": v.get("sits", "") if k == 1 else v.get("sit", ""),
            "come_k": "comes" if k == 1 else "come",
        }

    def clue(self, c: Clue) -> str:
        r, k = self.ref, c.kind
        n = self.n
        if k == "is":
            if c.a < n:
                s, val = c.a, c.b
            else:
                s, val = (c.b, c.a) if c.b >= n and c.b // n > c.a // n else (c.a, c.b)
                if c.b < n:
                    s, val = c.b, c.a
            words = self.cats[self.spec.attributes[val // n - 1].name]
            value = self.spec.attributes[val // n - 1].values[val % n]
            link = render_string(words["is_not" if c.neg else "is"], s=r(s), v=value)
            key = "attr.not_is" if c.neg else "attr.is"
            return _cap(self.phrase(key, s=r(s), ref=r(val), link=link))
        if self.order:
            return _cap(self._order_clue(c))
        return _cap(self._seat_clue(c))

    def _seat_clue(self, c: Clue) -> str:
        r, k, lay = self.ref, c.kind, self.spec.layout
        neg = "not_" if getattr(c, "neg", False) else ""
        if k == "at":
            if c.where == "end":
                key = ("rows_" if lay == "rows" else "") + neg + "at_end"
                return self.phrase(key, a=r(c.a))
            one = {"a": r(c.a)} | ({"a_s": f"{r(c.a)}'s"} if c.a < self.n else {})
            if c.where == "seat":
                return self.phrase(
                    neg + "at_seat", pos=self.pos(c.seat, self.rng.randrange(2)), **one
                )
            if c.where == "middle":
                return self.phrase(neg + "middle", **one)
            return self.phrase(neg + "row", r="north" if c.seat == 0 else "south", **one)
        if k == "side":
            key = neg + ("side1" if c.k == 1 else "sidek")
            # the converse (B to the right of A) is exact only where both face the same way
            flip = {} if self.spec.mixed else {"flip": OTHER_SIDE[c.side]}
            return self.phrase(
                key, side=c.side, kth=self.ordinal(c.k - 1), **self._count(c.k), **flip,
                **self._pair(c.a, c.b),
            )  # fmt: skip
        if k == "order":
            side = "left" if self.spec.facing[0] else "right"
            return self.phrase("order", side=side, flip=OTHER_SIDE[side], **self._pair(c.a, c.b))
        if k == "next":
            return self.phrase(neg + "next", **self._pair(c.a, c.b))
        if k == "between":
            return self.phrase(
                "between1" if c.immediate else "between", a=r(c.a), b=r(c.b), c=r(c.c)
            )
        if k == "gap":
            if lay == "circle":
                ring = self.ctx.get("table", self.ctx["row"])
                return self.phrase("circle_gap", a=r(c.a), b=r(c.b), ring=ring, **self._count(c.k))
            return self.phrase("gap", a=r(c.a), b=r(c.b), **self._count(c.k))
        if k == "opposite":
            return self.phrase(neg + "opposite", **self._pair(c.a, c.b))
        if k == "facing":
            return self.phrase(
                "facing", a=r(c.a), dir=self.dir_word(c.toward), odir=self.dir_word(not c.toward)
            )
        if k == "same_facing":
            return self.phrase("same_facing" if c.same else "diff_facing", a=r(c.a), b=r(c.b))
        raise ValueError(k)

    def _order_words(self, side: str = "left") -> dict[str, Any]:
        """The ranking words: ``rel`` for ``side`` (left: before), ``rev`` the other, ends."""
        v = self.ctx
        rel, rev = (v["before"], v["after"]) if side == "left" else (v["after"], v["before"])
        return {"rel": rel, "rev": rev, "first": self.pos(0), "last": self.pos(self.n - 1)}

    def _order_clue(self, c: Clue) -> str:
        r, k, v = self.ref, c.kind, self.ctx
        neg = "not_" if getattr(c, "neg", False) else ""
        w = self._order_words(getattr(c, "side", "left"))
        if k == "at":
            if c.where == "end":
                return self.phrase(neg + "at_end", a=r(c.a), **w)
            if c.where == "seat":
                pos = self.pos(c.seat)
                return self.phrase(
                    neg + "at_seat", a=r(c.a), pos=pos, rank=self.ordinal(c.seat), num=c.seat + 1
                )
            return self.phrase(neg + "middle", a=r(c.a), **w)
        if k == "side":
            key = neg + ("side1" if c.k == 1 else "sidek")
            return self.phrase(key, a=r(c.a), b=r(c.b), **w, **self._count(c.k))
        if k == "order":
            return self.phrase("order", a=r(c.a), b=r(c.b), **w)
        if k in ("next", "gap"):
            between = render_string(v["between"], a=r(c.a), b=r(c.b))
            return self.phrase(
                neg + k, v={**v, "between_ab": between}, a=r(c.a), b=r(c.b), **w,
                **self._count(getattr(c, "k", 0)),
            )  # fmt: skip
        if k == "between":
            between = render_string(v["between"], a=r(c.b), b=r(c.c))
            key = "between1" if c.immediate else "between"
            return self.phrase(
                key, v={**v, "between_bc": between}, a=r(c.a), b=r(c.b), c=r(c.c), **w
            )
        raise ValueError(k)

    def convention(self) -> str:
        spec, lay = self.spec, self.spec.layout
        if self.order:
            return ""
        if lay == "circle":
            face = (
                "Some of them face the centre and the others face outward."
                if spec.mixed
                else f"All of them face {'the centre' if spec.facing[0] else 'outward, away from the centre'}."
            )
            return (
                f"{face} Left and right are always from the person's own point of view: seen from "
                "above, a person facing the centre has clockwise on their left, and a person "
                "facing outward has anticlockwise on their left. Neighbours are the two people "
                "on either side."
            )
        if lay == "rows":
            return (
                "The people in the north row face south and the people in the south row face "
                "north, so each person sits directly opposite one person in the other row. Left "
                "and right are from each person's own point of view; neighbours sit next to each "
                "other in the same row."
            )
        face = (
            "Each of them faces either north or south."
            if spec.mixed
            else f"All of them face {'north' if spec.facing[0] else 'south'}."
        )
        return (
            f"The row runs from west to east. {face} Left and right are always from the "
            "person's own point of view."
        )


def _context(spec: SeatingSpec, ctx: RenderContext) -> dict:
    """The setting: pinned, else from the held-out pool for the test split, else the rest."""
    want = "order" if spec.variant == "ordering" else spec.layout
    fits = [c for c in data("seating/contexts.yaml") if want in c["layouts"]]
    fits = [c for c in fits if not (spec.attributes and c.get("no_attributes"))]
    pinned = ctx.pin.get("template")
    for c in fits:
        if c["id"] == pinned:
            return c
    allowed = ctx.options.get("contexts")
    pool = [
        c
        for c in fits
        if (not allowed or c["id"] in allowed) and c["id"] != ctx.avoid.get("template")
    ] or fits
    held = [c for c in pool if c.get("heldout")]
    pool = (
        held
        if (ctx.held_out_templates and held)
        else [c for c in pool if not c.get("heldout")] or pool
    )
    return pool[ctx.rng.randrange(len(pool))]


def finalize_people(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors (every
    variant but ``objects``: :func:`generators.seating.finalize.finalize` dispatches)."""
    spec: SeatingSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    pinned = list(ctx.pin.get("names") or [])[: spec.n]
    fresh = [x for x in ctx.names if x not in pinned]
    names = pinned + rng.sample(fresh, spec.n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    c = _context(spec, ctx)
    words = dict(c)
    intro_src = c.get(f"intro_{spec.layout}", c.get("intro"))
    r = Renderer(spec, words, rng, held_out=ctx.held_out_templates)
    intro = render_string(intro_src, n=spec.n) + f" They are {join_names(names)}."
    if spec.attributes:
        intro += " " + " ".join(
            f"Each has a different {cat.name}: {join_names(cat.values)}." for cat in spec.attributes
        )
    clues = [r.clue(x) + "." for x in spec.clues]
    answer, distractors, wmap, listed = _answers(spec, r, rng, ctx.n_choices)
    question = render(
        "seating/puzzle.j2",
        intro=intro,
        convention=r.convention(),
        clues=clues,
        question=_question_text(spec, r),
        listed=listed,
    )
    if d.trace is None:
        raise ValueError("a seating draft carries its trace (Trace, goal)")
    tr, goal = d.trace
    if tr is None:  # no derivation yet (a transformed draft): derive it now
        tr = derive(r.fr, len(spec.attributes), list(spec.clues), goal)
        if tr is None:
            raise TraceMismatch("solution trace does not reach the proven answer")
    r.words = wmap
    solution = _solution(spec, r, answer, tr, goal)
    template_id, render_key = f"seating/{c['id']}", {"template": c["id"]}
    return Final(
        spec, answer, distractors, question, solution, template_id, wmap, render_key,
        phrase_ids=r.book.ids(),
    )  # fmt: skip


def _question_text(spec: SeatingSpec, r: Renderer) -> str:
    """The question, in one of the bank's phrasings of its kind (``<group>.ask.<kind>``)."""
    q, lay, n = spec.question, spec.layout, spec.n
    p, v = spec.people, r.ctx
    k = q.kind
    if k == "who_has":
        cat = spec.attributes[q.a // n - 1]
        who = render_string(r.cats[cat.name]["who"], v=cat.values[q.a % n])
        return r.phrase("attr.ask.who_has", who=who, ref=r.ref(q.a))
    if k == "attr_of":
        cat = spec.attributes[q.cat - 1]
        what = render_string(r.cats[cat.name]["what"], p=p[q.a])
        cats = cat.name[:-1] + "ies" if cat.name.endswith("y") else cat.name + "s"
        return r.phrase(
            "attr.ask.attr_of", what=what, cat=cat.name, cats=cats, p=p[q.a], p_s=f"{p[q.a]}'s"
        )
    kw: dict[str, Any] = {"nw": r.number(n)}
    if q.a >= 0:
        kw |= {"a": p[q.a], "a_s": f"{p[q.a]}'s"}
    if q.b >= 0:
        kw["b"] = p[q.b]
    ring = v.get("table", v.get("row", ""))
    if k == "who_at":
        pos = r.pos(q.seat) if r.order else r.pos(q.seat, 1)
        return r.phrase("ask.who_at", pos=pos, rank=r.ordinal(q.seat), num=q.seat + 1, **kw)
    if k == "who_side":
        kind = "ask.who_side1" if q.k == 1 else "ask.who_sidek"
        if r.order:
            return r.phrase(kind, **kw, **r._order_words(q.side), **r._count(q.k))
        flip = {} if spec.mixed else {"flip": OTHER_SIDE[q.side]}
        return r.phrase(kind, side=q.side, kth=r.ordinal(q.k - 1), **flip, **kw)
    if k == "opposite":
        return r.phrase("ask.opposite", **kw)
    if k == "count_between":
        if r.order:
            between = render_string(v["between"], a=p[q.a], b=p[q.b])
            return r.phrase("ask.count_between", v={**v, "between_ab": between}, **kw)
        kind = "ask.circle_count_between" if lay == "circle" else "ask.count_between"
        return r.phrase(kind, ring=ring, **kw)
    if k in ("pair", "statement"):
        return r.phrase(f"ask.{k}", **kw)
    if k == "facing":
        d1, d2 = ("the centre", "outward") if lay == "circle" else ("north", "south")
        return r.phrase("ask.facing", d1=d1, d2=d2, **kw)
    # arrangement
    if r.order:
        return r.phrase("ask.arrange", **kw)
    if lay == "circle":
        way = "clockwise" if q.k == 0 else "anticlockwise"
        return r.phrase("ask.arrange_circle", way=way, ring=ring, **kw)
    if lay == "rows":
        return r.phrase("ask.arrange_rows", **kw)
    if spec.mixed:
        ends = ("west", "east")
    else:
        ends = ("left", "right") if spec.facing[0] else ("right", "left")
    first, last = ends if q.k == 0 else ends[::-1]
    return r.phrase("ask.arrange_line", first=first, last=last, **kw)


def _arrangement(spec: SeatingSpec) -> list[str]:
    n, q = spec.n, spec.question
    at = [""] * n
    for i, s in enumerate(spec.seats):
        at[s] = spec.people[i]
    if spec.layout == "circle":
        s0 = spec.seats[q.a]
        return [at[(s0 + (j if q.k == 0 else -j)) % n] for j in range(n)]
    return at if q.k == 0 else at[::-1]


def _answers(spec: SeatingSpec, r: Renderer, rng: random.Random, k: int):
    """(answer, distractors, words, listed options) for the question."""
    q, n, names = spec.question, spec.n, spec.people
    want = max(k - 1, 1)
    if q.kind == "arrangement":
        seq = _arrangement(spec)
        ans = Answer(type="sequence", value=seq, space=list(names))
        alts = wrong_values(spec)
        tiers = [[a for a in alts if _moved(spec, a) == t] for t in (2, 3)]
        for t in tiers:
            rng.shuffle(t)
        alts = tiers[0] + tiers[1]
        out = [
            Answer(
                type="sequence",
                value=_arrangement(spec.model_copy(update={"seats": list(a)})),
                space=list(names),
            )
            for a in hard_first(spec, alts, want)
        ]
        return ans, out, {}, []
    if q.kind in ("who_at", "who_side", "opposite", "who_has"):
        p = spec.seats.index(q.seat) if q.kind == "who_at" else _goal_person(spec)
        space = list(names)
        wrong = [
            x for x in range(n) if x != p and (q.kind not in ("who_side", "opposite") or x != q.a)
        ]
        rng.shuffle(wrong)
        return (
            Answer(type="label", value=names[p], space=space),
            [
                Answer(type="label", value=names[x], space=space)
                for x in hard_first(spec, wrong, want)
            ],
            {},
            [],
        )
    if q.kind == "attr_of":
        cat = spec.attributes[q.cat - 1]
        v = cat.owner.index(q.a)
        wrong = [x for x in range(n) if x != v]
        rng.shuffle(wrong)
        space = list(cat.values)
        return (
            Answer(type="label", value=cat.values[v], space=space),
            [
                Answer(type="label", value=cat.values[x], space=space)
                for x in hard_first(spec, wrong, want)
            ],
            {},
            [],
        )
    if q.kind == "count_between":
        d = abs(spec.seats[q.a] - spec.seats[q.b])
        top = n - 2
        if spec.layout == "circle":
            d = min(d, n - d)
            top = (n - 2) // 2
        space = [str(i) for i in range(top + 1)]
        v = str(d - 1)
        wrong = [x for x in range(top + 1) if x != d - 1]
        rng.shuffle(wrong)
        wrong = [str(x) for x in hard_first(spec, wrong, want)]
        return (
            Answer(type="label", value=v, space=space),
            [Answer(type="label", value=x, space=space) for x in wrong[:want]],
            {},
            [],
        )
    if q.kind == "facing":
        a, b = ("centre", "outward") if spec.layout == "circle" else ("north", "south")
        v = a if spec.facing[q.a] else b
        space = [a, b]
        return (
            Answer(type="label", value=v, space=space),
            [Answer(type="label", value=b if v == a else a, space=space)],
            {},
            [],
        )
    if q.kind == "pair":
        labels = [SOLVER.pair_label(spec, a, b) for a, b in q.pairs]
        aliases = {}
        for a, b in q.pairs:  # the listed order first: it is the word the prompt shows
            aliases[SOLVER.pair_label(spec, a, b)] = SOLVER.pair_label(spec, a, b)
            aliases[f"{names[b]} and {names[a]}"] = SOLVER.pair_label(spec, a, b)
        fr = r.fr
        good = [
            lab
            for lab, (a, b) in zip(labels, q.pairs, strict=True)
            if holds_world(Next(a=a, b=b), spec.seats, spec.facing, [], fr)
        ]
        v = good[0]
        ans = Answer(type="label", value=v, space=labels, aliases=aliases)
        return (
            ans,
            [
                Answer(type="label", value=x, space=labels, aliases=aliases)
                for x in labels
                if x != v
            ],
            {},
            labels,
        )
    # statement
    texts = [r.clue(c) for c in q.options]
    ids = [f"s{i}" for i in range(len(texts))]
    owners = [c.owner for c in spec.attributes]
    fr = r.fr
    truth = [holds_world(c, spec.seats, spec.facing, owners, fr) for c in q.options]
    v = ids[truth.index(True)]
    aliases = dict(zip(texts, ids, strict=True))
    words = dict(zip(ids, texts, strict=True))
    mk = lambda x: Answer(type="label", value=x, space=ids, aliases=aliases)  # noqa: E731
    return mk(v), [mk(x) for x in ids if x != v], words, texts


def hard(spec: SeatingSpec, value) -> bool:
    """Whether a wrong answer survives every single clue on its own; a wrong arrangement,
    which always breaks some clue, when it breaks only one."""
    if spec.question.kind == "arrangement":
        return sum(not survives(spec, c, value) for c in spec.clues) <= 1
    return all(survives(spec, c, value) for c in spec.clues)


def hard_first(spec: SeatingSpec, values: list, want: int, strict: bool = False) -> list:
    """Up to ``want`` wrong answers that agree with every single clue on its own (so that
    no one-clue check removes them), in the given order; when none does, the first other
    one (``strict``: none)."""
    good, rest = [], []
    for v in values:
        (good if hard(spec, v) else rest).append(v)
        if len(good) >= want:
            break
    return good if strict else (good + rest)[: max(len(good), 1)]


def _moved(spec: SeatingSpec, seats: tuple[int, ...]) -> int:
    return sum(a != b for a, b in zip(seats, spec.seats, strict=True))


def _cycled(spec: SeatingSpec, ps: tuple[int, ...]) -> tuple[int, ...]:
    """The seats with persons ``ps`` moved one along the cycle (a round table turned back so
    that person 0 is in seat 0)."""
    seats = list(spec.seats)
    for x, y in zip(ps, ps[1:] + ps[:1], strict=True):
        seats[y] = spec.seats[x]
    if spec.layout == "circle":
        seats = [(s - seats[0]) % spec.n for s in seats]
    return tuple(seats)


def wrong_values(spec: SeatingSpec) -> list:
    """Every wrong answer the question admits, in a fixed order, as
    :func:`verifiers.seating.worlds.answer_test` takes it (an arrangement: the hidden one
    with two people swapped, then three moved round; pair and statement: option indices)."""
    q, n = spec.question, spec.n
    right = hidden_value(spec)
    k = q.kind
    if k == "arrangement":
        ps = range(n)
        moves = [*itertools.combinations(ps, 2), *itertools.permutations(ps, 3)]
        out = dict.fromkeys(_cycled(spec, m) for m in moves if len(m) == 2 or m[0] == min(m))
        return [a for a in out if a != right]
    if k in ("who_at", "who_side", "opposite", "who_has"):
        return [
            p for p in range(n) if p != right and (k not in ("who_side", "opposite") or p != q.a)
        ]
    if k in ("attr_of", "count_between"):
        top = n if k == "attr_of" else (n - 2) // 2 + 1 if spec.layout == "circle" else n - 1
        return [x for x in range(top) if x != right]
    if k == "facing":
        return [not right]
    return [i for i in range(len(q.pairs or q.options)) if i != right]


def enough_distractors(spec: SeatingSpec, want: int) -> bool:
    """Whether ``want`` wrong answers agree with every single clue on its own."""
    return len(hard_first(spec, wrong_values(spec), want, strict=True)) >= want


def _goal_person(spec: SeatingSpec) -> int:
    q, n = spec.question, spec.n
    fr = frame_of(spec)
    owners = [c.owner for c in spec.attributes]
    for p in range(n):
        if q.kind == "who_side":
            c: Clue = Side(a=p, b=q.a, k=q.k, side=q.side)
        elif q.kind == "opposite":
            c = Opposite(a=p, b=q.a)
        else:
            c = Is(a=p, b=q.a)
        if p != q.a and holds_world(c, spec.seats, spec.facing, owners, fr):
            return p
    raise AssertionError("no person answers the question")


def _solution(spec: SeatingSpec, r: Renderer, answer: Answer, tr: Trace, goal) -> str:
    """The step-by-step derivation (:mod:`generators.seating.trace`), ending in the answer."""
    lines = [r.numbering()]
    for ln in tr.lines:
        lines.append("  " * ln.depth + _line_text(spec, r, ln, goal))
    q = spec.question
    if q.kind in ("who_has", "attr_of"):  # tie the places back to the asked link
        e = q.a if q.kind == "who_has" else q.cat * spec.n + answer_index(spec, answer)
        p = _goal_person(spec) if q.kind == "who_has" else q.a
        cat = spec.attributes[e // spec.n - 1]
        link = render_string(r.cats[cat.name]["is"], s=spec.people[p], v=cat.values[e % spec.n])
        where = "position" if r.order else "place"
        lines.append(f"{_cap(r.ref(e))} is in the same {where} as {spec.people[p]}, so {link}.")
    lines.append(f"Answer: {answer.text(r.words)}")
    return "\n".join(lines)


def answer_index(spec: SeatingSpec, answer: Answer) -> int:
    """The value index of an attr_of answer."""
    return spec.attributes[spec.question.cat - 1].values.index(str(answer.value))


def _line_text(spec: SeatingSpec, r: Renderer, ln: Line, goal) -> str:
    k = ln.kind
    if k == "fact":
        fact = _fact_text(spec, r, ln.entity, ln.dom)
        if ln.why == "clue":
            return f"From clue {ln.src + 1}: {_cap(fact)}."
        if ln.why == "taken":
            return f"{_cap(r.place(ln.options[0]))} is taken by {r.ref(ln.src)}, so {fact}."
        return f"No one else can be in {r.place(ln.src)}, so {fact}."
    if k == "split":
        cases = " or ".join(_part_text(spec, r, ln.entity, u) for u in ln.options)
        return f"Try each case for {r.ref(ln.entity)}: {cases}."
    if k == "assume":
        return f"Suppose {_fact_text(spec, r, ln.entity, ln.dom)}."
    if k == "conflict":
        if ln.why == "clue":
            return f"This breaks clue {ln.src + 1}, so this case is impossible."
        if ln.why == "both":
            where = r.place(ln.options[0])
            return (
                f"{_cap(r.ref(ln.entity))} and {r.ref(ln.src)} cannot both be in {where}, "
                "so this case is impossible."
            )
        return f"No one is left for {r.place(ln.src)}, so this case is impossible."
    if ln.depth and goal is not None and len(goal) == 1:
        return f"In this case: {r.clue(goal[0])}."
    if ln.depth:
        return "In this case everyone's place is fixed."
    return "This settles the question."


def _part_text(spec: SeatingSpec, r: Renderer, e: int, part: int) -> str:
    """One case of a split: a place (with a facing when only one is left), or a facing."""
    seats = {u // 2 for u in bits(part)}
    facings = {u % 2 for u in bits(part)}
    if len(seats) > 1:
        return f"facing {r.dir_word(bool(next(iter(facings))))}"
    t = f"in {r.place(next(iter(seats)))}"
    if spec.mixed and e < spec.n and len(facings) == 1:
        t += f", facing {r.dir_word(bool(next(iter(facings))))}"
    return t


def _fact_text(spec: SeatingSpec, r: Renderer, e: int, d: int) -> str:
    """What is known of entity ``e``: its places (or the places it is not in) and facing."""
    n = spec.n
    seats = sorted({u // 2 for u in bits(d)})
    facings = {u % 2 for u in bits(d)}
    who = r.ref(e)
    face = spec.mixed and e < n and len(facings) == 1
    word = r.dir_word(bool(next(iter(facings)))) if face else ""
    if face and len(seats) == n:
        return f"{who} faces {word}"
    if not face and len(seats) > 3 and n - len(seats) < len(seats):
        rest = [s for s in range(n) if s not in seats]
        return f"{who} is not in " + " or ".join(r.place(s) for s in rest)
    t = f"{who} is in " + " or ".join(r.place(s) for s in seats)
    return t + (f", facing {word}" if face else "")
