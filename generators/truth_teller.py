"""Truth-tellers and liars: knights and knaves, webs of lies, and islands with normals.

Method: sample a hidden world, propose statements that are consistent with it, keep
each one that narrows the set of possible worlds (exact bitmask enumeration, see
:mod:`generators.tt_logic`) until the answer is unique, then drop statements that are
redundant. Z3 proves the final puzzle in the pipeline.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from templates import data, indefinite, join_names, render, render_string, slot_renderer
from verifiers.answers import Answer
from verifiers.solver import truth_teller as SOLVER  # noqa: F401, N812  (the family contract)
from verifiers.truth_teller import INFO
from verifiers.truth_teller.spec import (
    And,
    Count,
    Expr,
    Iff,
    Implies,
    Is,
    Not,
    Or,
    Question,
    Same,
    Statement,
    TruthTellerSpec,
    depth,
)

from .family import Draft, Family, Final, RenderContext, Variant
from .tt_logic import Deducer, Step, TooLong, Worlds

VARIANTS = ("knights_knaves", "liar_chain", "knights_knaves_normals")
QUESTIONS = ("all", "one")

# Level thresholds (documented in the dataset card). The level is the larger of the
# level by size and the level by case splits of the propagation solver.
N_LEVELS = {  # variant -> upper bound of n for levels 1, 2, 3 (level 4 above)
    "knights_knaves": (3, 5, 8),
    "liar_chain": (4, 6, 9),
    "knights_knaves_normals": (3, 4, 6),
}
SPLIT_LEVELS = {  # variant -> case splits allowed at levels 1, 2, 3
    "knights_knaves": (1, 3, 6),
    "liar_chain": (1, 3, 6),
    "knights_knaves_normals": (2, 5, 10),
}
N_RANGE = {"knights_knaves": (2, 16), "liar_chain": (3, 14), "knights_knaves_normals": (3, 8)}

VARIANT_DOCS = {  # for the dataset card (see generators.family)
    "knights_knaves": "Truth-tellers (knights) and liars (knaves) make statements about each "
    "other, counts and nested claims; who is what?",
    "liar_chain": "A web of lies: each person says whether the previous one lies; one fact "
    "anchors the chain; is the last person truthful?",
    "knights_knaves_normals": "Knights, knaves and normals (who may say anything), with the "
    "number of normals given.",
}


def _levels_doc() -> str:
    rows = [
        "| variant | people L1 / L2 / L3 / L4 | case splits L1 / L2 / L3 / L4 |",
        "|---|---|---|",
    ]
    for v in VARIANTS:
        ns, ss = N_LEVELS[v], SPLIT_LEVELS[v]
        lo, hi = N_RANGE[v]
        bounds = (lo - 1, *ns, hi)
        people = " / ".join(
            f"{a + 1}–{b}" if b > a + 1 else f"{b}"
            for a, b in zip(bounds, bounds[1:], strict=False)
        )
        splits = f"≤{ss[0]} / ≤{ss[1]} / ≤{ss[2]} / >{ss[2]}"
        rows.append(f"| {v} | {people} | {splits} |")
    return (
        "The level is the larger of the level by size (`n_people`) and the level by "
        "`case_splits`, the number of case splits the propagation solver needs before every "
        "asked role is forced.\n\n" + "\n".join(rows)
    )


LEVELS_DOC = _levels_doc()
MAX_DEPTH = {1: 1, 2: 2, 3: 2, 4: 3}


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from size and case splits."""
    ns = N_LEVELS[m["variant"]]
    by_n = 1 + sum(m["n_people"] > t for t in ns)
    by_s = 1 + sum(m["case_splits"] > t for t in SPLIT_LEVELS[m["variant"]])
    return max(by_n, by_s)


def level_for_n(variant: str, n: int) -> int:
    """The smallest level a puzzle of ``n`` people can have."""
    return 1 + sum(n > t for t in N_LEVELS[variant])


def _n_for_level(variant: str, level: int, rng: random.Random) -> int:
    lo, hi = N_RANGE[variant]
    bounds = (lo - 1, *N_LEVELS[variant], hi)
    return rng.randint(max(lo, bounds[level - 1] + 1), min(hi, bounds[level]))


# --- sampling ------------------------------------------------------------------------


class _Node:
    """A light AST node used during the search, with the pydantic node's attribute names.

    :func:`_holds` (as :func:`verifiers.truth_teller.spec.evaluate`), :func:`depth` and
    :meth:`Worlds.table` read it as they read the pydantic node; a kept statement is converted once by
    :func:`_model`. Most sampled claims are rejected, so they never pay for validation.
    """

    __slots__ = ("kind", "person", "role", "arg", "args", "a", "b", "op", "k", "people", "same")

    def __init__(self, kind: str, **fields: Any):
        self.kind = kind
        for key, value in fields.items():
            setattr(self, key, value)


class _Is(_Node):
    __slots__ = ()

    def __init__(self, person: int, role: str):
        self.kind, self.person, self.role = "is", person, role


class _Count(_Node):
    __slots__ = ()

    def __init__(self, op: str, k: int, role: str, people: tuple[int, ...]):
        self.kind, self.op, self.k, self.role, self.people = "count", op, k, role, people


class _Same(_Node):
    __slots__ = ()

    def __init__(self, a: int, b: int, same: bool):
        self.kind, self.a, self.b, self.same = "same", a, b, same


class _Pair(_Node):
    """``and`` / ``or`` of two claims."""

    __slots__ = ()

    def __init__(self, kind: str, a: _Node, b: _Node):
        self.kind, self.args = kind, (a, b)


class _Arrow(_Node):
    """``implies`` / ``iff``."""

    __slots__ = ()

    def __init__(self, kind: str, a: _Node, b: _Node):
        self.kind, self.a, self.b = kind, a, b


def _holds(e: _Node, truth: list[str]) -> bool:
    """:func:`evaluate` for light nodes (counts over everyone by ``list.count``)."""
    k = e.kind
    if k == "is":
        return truth[e.person] == e.role
    if k == "count":
        people = e.people
        if len(people) == len(truth) and people == tuple(range(len(truth))):
            c = truth.count(e.role)
        else:
            c = sum(truth[p] == e.role for p in people)
        return c == e.k if e.op == "exactly" else (c >= e.k if e.op == "at_least" else c <= e.k)
    if k == "same":
        return (truth[e.a] == truth[e.b]) == e.same
    if k == "and":
        return all(_holds(a, truth) for a in e.args)
    if k == "or":
        return any(_holds(a, truth) for a in e.args)
    if k == "not":
        return not _holds(e.arg, truth)
    if k == "implies":
        return (not _holds(e.a, truth)) or _holds(e.b, truth)
    if k == "iff":
        return _holds(e.a, truth) == _holds(e.b, truth)
    raise ValueError(f"unknown expression kind {k!r}")


def _model(e: _Node) -> Expr:
    """The validated pydantic node for a light node."""
    k = e.kind
    if k == "is":
        return Is(person=e.person, role=e.role)
    if k == "count":
        return Count(op=e.op, k=e.k, role=e.role, people=e.people)
    if k == "same":
        return Same(a=e.a, b=e.b, same=e.same)
    if k == "not":
        return Not(arg=_model(e.arg))
    if k == "and":
        return And(args=tuple(_model(a) for a in e.args))
    if k == "or":
        return Or(args=tuple(_model(a) for a in e.args))
    if k == "implies":
        return Implies(a=_model(e.a), b=_model(e.b))
    if k == "iff":
        return Iff(a=_model(e.a), b=_model(e.b))
    raise ValueError(f"unknown expression kind {k!r}")


@lru_cache(maxsize=1024)
def _others(n: int, speaker: int) -> tuple[int, ...]:
    return tuple(p for p in range(n) if p != speaker)


@lru_cache(maxsize=64)
def _everyone(n: int) -> tuple[int, ...]:
    return tuple(range(n))


def _atom(rng: random.Random, n: int, speaker: int, roles: list[str]) -> _Node:
    others = _others(n, speaker)
    kind = rng.random()
    if kind < 0.62:
        p = rng.choice(others) if others and rng.random() < 0.9 else speaker
        return _Is(p, rng.choice(roles))
    if kind < 0.82:
        role = rng.choice(roles)
        k = rng.randint(0, n) if role != "normal" else rng.randint(0, max(1, n // 2))
        op = rng.choice(("exactly", "exactly", "at_least", "at_most"))
        return _Count(op, k, role, _everyone(n))
    a, b = rng.sample(range(n), 2)
    return _Same(a, b, rng.random() < 0.5)


def _claim(rng: random.Random, d: int, n: int, speaker: int, roles: list[str]) -> _Node:
    if d <= 1:
        return _atom(rng, n, speaker, roles)
    kind = rng.choice(("and", "or", "implies", "iff", "not_and", "or"))
    a = _claim(rng, d - 1, n, speaker, roles)
    b = _claim(rng, rng.randint(1, d - 1), n, speaker, roles)
    if rng.random() < 0.5:
        a, b = b, a
    if kind in ("and", "or"):
        return _Pair(kind, a, b)
    if kind in ("implies", "iff"):
        return _Arrow(kind, a, b)
    return _Node("not", arg=_Pair("and", a, b))


def _consistent_light(
    rng: random.Random, d: int, n: int, speaker: int, truth: list[str], roles: list[str]
) -> _Node | None:
    """A random claim of depth up to ``d`` that ``speaker`` can make in ``truth``, or None."""
    want = {"knight": True, "knave": False}.get(truth[speaker])
    for _ in range(12):
        c = _claim(rng, d, n, speaker, roles)
        if want is None or _holds(c, truth) == want:
            return c
    return None


def _consistent_claim(
    rng: random.Random, d: int, n: int, speaker: int, truth: list[str], roles: list[str]
) -> Expr | None:
    """As :func:`_consistent_light`, as a validated pydantic node (same random draws)."""
    c = _consistent_light(rng, d, n, speaker, truth, roles)
    return None if c is None else _model(c)


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed."""
    n = int(options["n"]) if options.get("n") else _n_for_level(variant, level, rng)
    qmix = options.get("questions") or {"all": 0.6, "one": 0.4}
    if variant == "liar_chain":
        return _draft_chain(n, rng)
    roles = (
        ["knight", "knave", "normal"]
        if variant == "knights_knaves_normals"
        else ["knight", "knave"]
    )
    truth = [rng.choice(roles) for _ in range(n)]
    facts: list[Expr] = []
    if variant == "knights_knaves_normals":
        if "normal" not in truth:
            truth[rng.randrange(n)] = "normal"
        facts.append(
            Count(op="exactly", k=truth.count("normal"), role="normal", people=tuple(range(n)))
        )
    qkind = "all" if rng.random() < qmix.get("all", 0.0) / max(sum(qmix.values()), 1e-9) else "one"
    person = rng.randrange(n) if qkind == "one" else None
    worlds = Worlds(n, tuple(roles))
    base = worlds.full
    for f in facts:
        base &= worlds.table(f)
    sol = base
    truth_bit = 1 << worlds.index(truth)

    def done(s: int) -> bool:
        if qkind == "all":
            return s == truth_bit
        return s & ~worlds.role(person, truth[person]) == 0

    max_d = MAX_DEPTH[level]
    order = list(range(n))
    rng.shuffle(order)
    found: list[tuple[int, _Node]] = []  # (speaker, claim)
    allowed: list[int] = []
    spoken = [0] * n
    budget = 6 * n + 12
    k = 0
    while not done(sol) and budget > 0:
        budget -= 1
        speaker = order[k % n] if k < n else rng.randrange(n)
        k += 1
        if spoken[speaker] >= 2:
            continue
        claim = _consistent_light(rng, rng.randint(1, max_d), n, speaker, truth, roles)
        if claim is None:
            continue
        a = worlds.allowed_claim(speaker, claim)  # type: ignore[arg-type]
        if sol & a == sol:
            continue
        sol &= a
        found.append((speaker, claim))
        allowed.append(a)
        spoken[speaker] += 1
    if not done(sol):
        return None
    # Drop redundant statements, in a random order.
    keep = _drop_redundant(allowed, base, done, rng)
    rank = {p: i for i, p in enumerate(order)}
    kept = sorted((found[j] for j in keep), key=lambda sc: rank[sc[0]])
    statements = [Statement(speaker=sp, claim=_model(c)) for sp, c in kept]
    spec = TruthTellerSpec(
        variant=variant,
        people=[f"P{i}" for i in range(n)],
        roles=roles,
        statements=statements,
        facts=facts,
        question=Question(kind=qkind, person=person),
        truth=truth,
    )
    return _draft_of(spec)


def _drop_redundant(allowed: list[int], base: int, done, rng: random.Random) -> list[int]:
    """Indices of the statements kept after dropping, in a random order, each one whose
    removal leaves the answer forced (``done``). The rest of the kept set is the AND of a
    prefix and a suffix, rebuilt only after a drop."""
    keep = list(range(len(allowed)))
    idx = keep[:]
    rng.shuffle(idx)
    prefix: list[int] = []
    suffix: list[int] = []
    stale = True
    for i in idx:
        if stale:
            prefix = [base]
            for j in keep:
                prefix.append(prefix[-1] & allowed[j])
            suffix = [-1] * (len(keep) + 1)
            for pos in range(len(keep) - 1, -1, -1):
                suffix[pos] = suffix[pos + 1] & allowed[keep[pos]]
            where = {j: pos for pos, j in enumerate(keep)}
            stale = False
        pos = where[i]
        if done(prefix[pos] & suffix[pos + 1]):
            keep.pop(pos)
            stale = True
    return keep


def _draft_chain(n: int, rng: random.Random) -> Draft:
    truth = [rng.choice(("knight", "knave")) for _ in range(n)]
    facts: list[Expr] = [Is(person=0, role=truth[0])]
    statements = []
    for i in range(1, n):
        said = (
            truth[i - 1]
            if truth[i] == "knight"
            else ("knave" if truth[i - 1] == "knight" else "knight")
        )
        statements.append(Statement(speaker=i, claim=Is(person=i - 1, role=said)))
    spec = TruthTellerSpec(
        variant="liar_chain",
        people=[f"P{i}" for i in range(n)],
        roles=["knight", "knave"],
        statements=statements,
        facts=facts,
        question=Question(kind="truthful", person=n - 1),
        truth=truth,
    )
    return _draft_of(spec)


def _targets(spec: TruthTellerSpec) -> list[int]:
    return list(range(len(spec.people))) if spec.question.kind == "all" else [spec.question.person]


@dataclass
class TTDraft(Draft):
    """A draft that keeps the propagation solver's derivation for the solution trace.

    ``traced`` is the spec the derivation belongs to: a transform that swaps the spec
    (reorder, reword, ...) makes :func:`finalize` derive again.
    """

    steps: list[Step] | None = None
    derived: list[set[str]] | None = None
    traced: TruthTellerSpec | None = None


# A solution trace longer than this is no derivation a person could follow (refutation by
# cases can blow up exponentially): such drafts are rejected and the item tries again.
MAX_TRACE_STEPS = 400


def _draft_of(spec: TruthTellerSpec) -> TTDraft | None:
    """Run the propagation solver once: its splits give the metrics, its steps the trace.

    None when the derivation needs more than ``MAX_TRACE_STEPS`` steps.
    """
    ded = Deducer(spec, max_steps=MAX_TRACE_STEPS)
    try:
        dom = ded.solve(_targets(spec), log=True)
    except TooLong:
        return None
    return TTDraft(spec, _metrics(spec, ded), ded.steps, dom, spec)


def _metrics(spec: TruthTellerSpec, ded: Deducer | None = None) -> dict[str, Any]:
    if ded is None:
        ded = Deducer(spec)
        ded.solve(_targets(spec), log=False)
    return {
        "variant": spec.variant,
        "n_people": len(spec.people),
        "n_statements": len(spec.statements),
        "n_facts": len(spec.facts),
        "max_depth": max((depth(s.claim) for s in spec.statements), default=0),
        "log2_search_space": round(len(spec.people) * math.log2(len(spec.roles)), 3),
        "case_splits": ded.splits,
        "deduction_depth": ded.splits,
        "max_nesting": ded.max_nesting,
        "clues_per_person": round((len(spec.statements) + len(spec.facts)) / len(spec.people), 3),
    }


# --- rendering -----------------------------------------------------------------------

LINE_STYLES = ('{p} says: "{c}."', '{p}: "{c}."', '{p} claims, "{c}."')
CHAIN_PERSONA = "truth_tellers"


class _Phrases:
    """The phrase banks rendered with one persona's words ``w``.

    Each phrase is compiled once per (phrase, role, count, words) by
    :func:`templates.slot_renderer`; names and sub-claims are its slots, so rendering a
    repeated phrase is one ``str.format``.
    """

    _fills: dict[tuple, Any] = {}

    def __init__(self, w: dict):
        self.w = w
        self.wkey = tuple(w.items())
        self.bank = data("truth_teller/phrases.yaml")

    def __call__(
        self, key: str, rng: random.Random, words: bool = False, role=None, k=None, **slots: str
    ) -> str:
        """Phrase of bank ``key`` chosen by ``rng``; ``words``: the phrase gets ``w``."""
        options = self.bank[key]
        source = options[rng.randrange(len(options))]
        names = tuple(slots)
        cache_key = (source, names, self.wkey if words else None, role, k)
        fill = self._fills.get(cache_key)
        if fill is None:
            fixed: dict[str, Any] = {"w": self.w} if words else {}
            if role is not None:
                fixed["role"] = role
            if k is not None:
                fixed["k"] = k
            if len(self._fills) > 20_000:
                self._fills.clear()
            fill = self._fills[cache_key] = slot_renderer(source, names, **fixed)
        return fill(**slots)


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


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _persona(variant: str, rng: random.Random, ctx: RenderContext) -> dict:
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
    fresh = [x for x in ctx.names if x not in pinned]
    names = pinned + rng.sample(fresh, n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    persona = _persona(spec.variant, rng, ctx)
    w = {k: v for k, v in persona.items() if k not in ("id", "intro")}
    ph = _Phrases(w)
    chain = spec.variant == "liar_chain"
    normals = "normal" in spec.roles
    style = rng.randrange(len(LINE_STYLES))
    lines = []
    for s in spec.statements:
        c = _claim_text(s.claim, s.speaker, names, ph, rng, chain)
        if chain:
            lines.append(f"{names[s.speaker]} says {c}.")
        else:
            lines.append(LINE_STYLES[style].format(p=names[s.speaker], c=_cap(c)))
    facts = [_cap(_claim_text(f, -1, names, ph, rng, chain)) + "." for f in spec.facts]
    if chain:
        intro = "Each of the following people either always tells the truth or always lies."
    else:
        intro = " ".join(render_string(persona["intro"], n=n, names=names, normals=normals).split())
    q = spec.question
    roles_text = " or ".join(indefinite(w[r]) for r in spec.roles)
    if q.kind == "all":
        question_line = f"Who is {roles_text}? Determine the role of each of {', '.join(names)}."
    elif q.kind == "one":
        question_line = f"Is {names[q.person]} {roles_text}?"
    else:
        question_line = f"Does {names[q.person]} tell the truth?"
    question = render(
        "truth_teller/puzzle.j2",
        intro=intro,
        statements=lines,
        facts=facts,
        facts_first=chain,
        question=question_line,
    )
    aliases = {w[r]: r for r in spec.roles}
    answer, distractors = _answers(spec, aliases, rng, ctx.n_choices)
    words = {r: w[r] for r in spec.roles}
    if d.metrics.get("labelled"):
        solution = ""  # deliberately unsolvable / ambiguous: the pipeline writes the Z3 note
    else:
        if isinstance(d, TTDraft) and d.traced is d.spec and d.steps and d.derived:
            steps, dom = d.steps, d.derived
        else:
            ded = Deducer(spec)
            dom = ded.solve(_targets(spec), log=True)
            steps = ded.steps
        solution = _solution(spec, names, w, answer, words, steps, dom)
    template_id = f"truth_teller/{persona['id']}/{'chain' if chain else f'line{style}'}"
    return Final(
        spec,
        answer,
        distractors,
        question,
        solution,
        template_id,
        words,
        {"template": persona["id"]},
    )


def _answers(
    spec: TruthTellerSpec, aliases: dict, rng: random.Random, k: int
) -> tuple[Answer, list[Answer]]:
    q = spec.question
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
    seen = {ans.key()}
    out: list[Answer] = []
    n = len(spec.people)
    total = len(spec.roles) ** n
    for _ in range(60):
        if len(out) >= min(k - 1, total - 1):
            break
        world = dict(truth)
        for p in rng.sample(spec.people, rng.randint(1, min(n, 2))):
            world[p] = rng.choice([r for r in spec.roles if r != world[p]])
        cand = Answer(type="assignment", value=world, space=list(spec.roles), aliases=aliases)
        if cand.key() not in seen:
            seen.add(cand.key())
            out.append(cand)
    return ans, out


def _source(spec: TruthTellerSpec, names: list[str], src: int, w: dict) -> str:
    if src >= 0:
        return f"{names[spec.statements[src].speaker]}'s statement"
    return "the stated fact"


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
    lines = []
    for st in steps:
        pad = "  " * st.depth
        if st.kind == "assume":
            lines.append(f"{pad}Suppose {names[st.person]} is {indefinite(w[st.role])}.")
        elif st.kind == "contradiction":
            lines.append(
                f"{pad}  Then {_source(spec, names, st.source, w)} cannot hold: contradiction."
            )
        elif st.kind == "conclude":
            lines.append(f"{pad}So {names[st.person]} is not {indefinite(w[st.role])}.")
        elif st.note == "not":
            excluded = [r for r in spec.roles if r not in st.role.split("|")]
            lines.append(
                f"{pad}From {_source(spec, names, st.source, w)}, {names[st.person]} is not "
                + " or ".join(indefinite(w[r]) for r in excluded)
                + "."
            )
        else:
            lines.append(
                f"{pad}From {_source(spec, names, st.source, w)}, {names[st.person]} is {indefinite(w[st.role])}."
            )
    derived = {names[p]: next(iter(dom[p])) for p in _targets(spec) if len(dom[p]) == 1}
    q = spec.question
    if q.kind == "all":
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
        raise AssertionError("solution trace does not reach the proven answer")
    lines.append(f"Answer: {answer.text(words)}")
    return "\n".join(lines)


# The data-quality contract, and the cross-family variant seating_claims
# (generators.tt_seating_claims): its own draft, levels, rendering and transforms, reached
# by dispatch on the variant.
from . import tt_seating_claims as _sc  # noqa: E402
from .tt_augment import TRANSFORMS, mislabel  # noqa: E402

VARIANTS = (*VARIANTS, _sc.VARIANT)
VARIANT_DOCS[_sc.VARIANT] = _sc.DOC
LEVELS_DOC += "\n\n`seating_claims` (people / case splits): " + _sc.LEVELS_ROW
draft, level_of, finalize, TRANSFORMS, mislabel = _sc.dispatch(  # noqa: F811
    draft, level_of, finalize, TRANSFORMS, mislabel
)


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
