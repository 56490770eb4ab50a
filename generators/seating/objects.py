"""Rendering the seating variant ``objects``: things, not people, in one order.

Books on a shelf, birds on a branch, vehicles by age, fruits by price: each setting of
``templates/seating/objects.yaml`` orders its things along one axis, ``lr`` (left to right)
or ``cmp`` (a comparison: the newest first, the cheapest first, ...); position 1 is the
left end, or the ``sup1`` end. The spec is a row (layout ``line``, everyone facing north),
so "left of" is "before". The things are named with their article ("the owl"), drawn from
the setting's reserved pool in the test split when names are held out; the reserved
settings appear only with held-out templates. Every clue and question phrasing comes from
the bank ``templates/seating/objects/phrases.yaml`` (:class:`templates.phrases.Phrases`).
The solution is the seating trace (:mod:`generators.seating.trace`) in positions.
"""

from __future__ import annotations

from typing import Any

from templates import data, indefinite, join_names, render, render_string
from templates.phrases import Phrases
from verifiers.answers import Answer
from verifiers.seating.spec import Clue, SeatingSpec

from ..family import Draft, Final, RenderContext, TraceMismatch
from .logic import frame_of
from .render import _answers, _solution  # the seating answers and solution, shared
from .trace import derive

VOCAB = "seating/objects.yaml"
BANK = "seating/objects/phrases.yaml"
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven")
# the seating trace's words for people, and the words for things
THING_WORDS = (
    ("No one else can be in ", "Nothing else can be in "),
    ("No one is left for ", "Nothing is left for "),
    ("everyone's place is fixed", "every position is fixed"),
)


def phrased(c: Clue) -> bool:
    """Whether the objects bank phrases clue ``c`` (the kinds that
    :meth:`ObjectsRenderer.clue` says; an edited clue of another kind is never drawn)."""
    k = c.kind
    if k == "at":
        return c.where in ("end", "seat")
    if k == "side":
        return c.k == 1 and not c.neg
    if k == "between":
        return not c.immediate
    return k in ("order", "next")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class ObjectsRenderer:
    """Words for one objects puzzle: the setting, the things, places and clue phrasings."""

    def __init__(self, spec: SeatingSpec, setting: dict, book: Phrases, rng):
        self.spec, self.w, self.book, self.rng = spec, setting, book, rng
        self.axis = setting["axis"]
        self.n = spec.n
        self.fr = frame_of(spec)
        self.words: dict[str, str] = {}
        self.order = True

    def ref(self, e: int) -> str:
        return self.spec.people[e]

    def place(self, s: int) -> str:
        return f"position {s + 1}"

    def numbering(self) -> str:
        w = self.w
        if self.axis == "lr":
            return f"Number the positions 1 to {self.n} from left to right."
        return (
            f"Number the positions 1 to {self.n} from the {w['sup1']} to the {w['sup2']}: "
            f"position 1 is the {w['sup1']}."
        )

    def pos(self, s: int) -> dict[str, Any]:
        """The slots that name place ``s``, counted from the nearer end."""
        n, w = self.n, self.w
        k1, k2 = s + 1, n - s
        first = k1 < k2 or (k1 == k2 and self.rng.random() < 0.5)
        k = k1 if first else k2
        o = ORDINALS[k - 1]
        out: dict[str, Any] = {"ord": o, "num": k, "cnt": k - 1, "cw": NUMBERS[k - 1]}
        if self.axis == "lr":
            end = "the left" if first else "the right"
            top = "the leftmost" if first else "the rightmost"
            out.update(end=end, pos=top if k == 1 else f"the {o} from {end}")
            return out
        sup, other = (w["sup1"], w["sup2"]) if first else (w["sup2"], w["sup1"])
        out.update(
            pos=f"the {sup}" if k == 1 else f"the {o}-{sup}",
            sup_from=sup,
            sup_to=other,
            adj_side=w["adj1"] if first else w["adj2"],
        )
        return out

    def say(self, key: str, **slots: Any) -> str:
        return _cap(self.book.say(f"{self.axis}.{key}", w=self.w, **slots))

    def clue(self, c: Clue) -> str:
        r, k, w = self.ref, c.kind, self.w
        neg = "not_" if getattr(c, "neg", False) else ""
        if k == "at" and c.where == "end":
            return self.say(neg + "at_end", a=r(c.a), one=indefinite(w["thing"]))
        if k == "at" and c.where == "seat":
            return self.say(neg + "at_seat", a=r(c.a), **self.pos(c.seat))
        if k == "side" and c.k == 1 and not neg:
            left = c.side == "left"
            return self.say(
                "side1", a=r(c.a), b=r(c.b), rel=c.side, other="right" if left else "left",
                adj=w.get("adj1" if left else "adj2"), adj_o=w.get("adj2" if left else "adj1"),
                sup_o=w.get("sup2" if left else "sup1"), pre="before" if left else "after",
            )  # fmt: skip
        if k == "order":
            return self.say("order", a=r(c.a), b=r(c.b))
        if k == "next":
            return self.say(neg + "next", a=r(c.a), b=r(c.b))
        if k == "between" and not c.immediate:
            return self.say("between", a=r(c.a), b=r(c.b), c=r(c.c))
        # only a transformed or mislabelled draft brings other kinds: the pipeline redraws
        raise TraceMismatch(f"seating/objects: no phrasing for the clue {c!r} in {BANK}")

    def question(self) -> str:
        q, w = self.spec.question, self.w
        if q.kind == "who_at":
            return self.say("who_at", **self.pos(q.seat))
        if q.kind == "arrangement":
            ends = ("left", "right") if self.axis == "lr" else (w["sup1"], w["sup2"])
            a, b = ends if q.k == 0 else ends[::-1]
            return self.say("arrangement", **{"from": a, "to": b})
        if q.kind == "statement":
            return self.book.say("mcq")
        raise ValueError(f"seating/objects: no question form {q.kind!r}")


def _setting(ctx: RenderContext) -> dict:
    """The setting: pinned, else from the held-out pool for the test split, else the rest."""
    fits = data(VOCAB)
    pinned = ctx.pin.get("template")
    for s in fits:
        if s["id"] == pinned:
            return s
    pool = [s for s in fits if s["id"] != ctx.avoid.get("template")] or fits
    held = [s for s in pool if s.get("heldout")]
    pool = held if ctx.held_out_templates and held else [s for s in pool if not s.get("heldout")]
    return pool[ctx.rng.randrange(len(pool))]


def _things(setting: dict, ctx: RenderContext, n: int) -> list[str]:
    """The names of the things: pinned ones where they belong to the pool, else drawn."""
    pool = setting["reserved" if ctx.held_out_names else "objects"]
    pinned = list(ctx.pin.get("names") or [])[:n]
    if len(pinned) == n and all(x in pool for x in pinned):
        return pinned
    return ctx.rng.sample(pool, n)


def finalize_objects(d: Draft, ctx: RenderContext) -> Final:
    """Name the things, render the question and the solution, build the answer and options
    (the MCQ of one statement per object keeps all of them: ``Final.all_options``)."""

    spec: SeatingSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    setting = _setting(ctx)
    names = _things(setting, ctx, spec.n)
    spec = spec.model_copy(update={"people": names})
    book = Phrases(BANK, rng, held_out=ctx.held_out_templates)
    r = ObjectsRenderer(spec, setting, book, rng)
    nw = NUMBERS[spec.n]
    intro = render_string(setting["intro"], n=spec.n, nw=nw, Nw=_cap(nw), list=join_names(names))
    clues = [r.clue(c) + "." for c in spec.clues]
    qtext = r.question()
    if spec.question.kind == "statement":
        answer, distractors, wmap, listed = _statements(spec, r)
    else:
        answer, distractors, wmap, listed = _answers(spec, r, rng, ctx.n_choices)
    question = render(
        "seating/puzzle.j2", intro=intro, convention="", clues=clues, question=qtext, listed=listed
    )
    if d.trace is None:
        raise ValueError("a seating draft carries its trace (Trace, goal)")
    tr, goal = d.trace
    if tr is None:  # a transformed draft: derive it now
        tr = derive(r.fr, 0, list(spec.clues), goal)
        if tr is None:
            raise TraceMismatch("solution trace does not reach the proven answer")
    r.words = wmap
    solution = _solution(spec, r, answer, tr, goal)  # type: ignore[arg-type]
    for old, new in THING_WORDS:
        solution = solution.replace(old, new)
    return Final(
        spec, answer, distractors, question, solution, f"seating/objects/{setting['id']}", wmap,
        {"template": setting["id"]}, phrase_ids=book.ids(),
        all_options=spec.question.kind == "statement",
    )  # fmt: skip


def _statements(spec: SeatingSpec, r: ObjectsRenderer):
    """(answer, distractors, words, listed) of the one-statement-per-object MCQ: every
    option in one phrasing of a place, the true one the answer."""
    src = r.book.source(f"{r.axis}.at_seat")
    texts = [
        _cap(render_string(src, a=r.ref(c.a), w=r.w, **r.pos(c.seat)))
        for c in spec.question.options
    ]
    ids = [f"s{i}" for i in range(len(texts))]
    truth = [spec.seats[c.a] == c.seat for c in spec.question.options]
    v = ids[truth.index(True)]
    aliases = dict(zip(texts, ids, strict=True))
    words = dict(zip(ids, texts, strict=True))
    mk = lambda x: Answer(type="label", value=x, space=ids, aliases=aliases)  # noqa: E731
    return mk(v), [mk(x) for x in ids if x != v], words, texts
