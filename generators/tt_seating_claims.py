"""``seating_claims``: knights and knaves who make claims about a row of chairs.

A variant of the truth_teller family that composes it with the seating family (issue 5's
cross-family ``compose``). Method: sample a hidden world (a role per person and a chair
per person), propose claims the speaker can make in it (a knight's claim true, a knave's
false), keep each that narrows the set of possible worlds, until everyone's role and the
queried person's chair are the same in every remaining world; then drop redundant
statements. The search is exact: every world (2^n role vectors x n! seatings, n <= 5) is a
row of a numpy table. Z3 proves the final puzzle in the pipeline.

Answer format: see :mod:`verifiers.truth_teller.seating_claims` (roles plus ``"<name>'s seat"``).
"""

from __future__ import annotations

import itertools
import math
import random
from functools import lru_cache
from typing import Any

import numpy as np

from templates import data, render, render_string
from verifiers.answers import Answer
from verifiers.seating.spec import At, Gap, Next, Order, Side
from verifiers.truth_teller.seating_claims import (
    And,
    ClaimStatement,
    Or,
    Seat,
    SeatingClaimsSpec,
    SeatQuestion,
    SExpr,
    seat_key,
)
from verifiers.truth_teller.spec import Is

from .family import Draft, Final, RenderContext
from .seating.logic import Frame, holds
from .tt_augment import reorder  # the same statement shuffle as the classic variants

VARIANT = "seating_claims"
DOC = (
    "Knights and knaves in a row of chairs make claims about where they sit ('I sit next to "
    "B'); who is what, and where does one of them sit?"
)
N_BY_LEVEL = {1: 3, 2: 4, 3: 5, 4: 5}
N_RANGE = (3, 5)
# Level: by size (3 / 4 / 5 people -> L1 / L2 / L3); five people with more than
# HARD_SPLITS `case_splits` (wrong role assignments that no single statement rules out)
# are L4.
HARD_SPLITS = 17
LEVELS_ROW = (
    "L1: 3 people; L2: 4; L3: 5 with at most "
    f"{HARD_SPLITS} case splits; L4: 5 with more than {HARD_SPLITS}."
)
ROLES = ("knight", "knave")


def level_of(m: dict[str, Any]) -> int:
    by_n = 1 + sum(m["n_people"] > t for t in (3, 4))
    return 4 if by_n == 3 and m["case_splits"] > HARD_SPLITS else by_n


# --- the exact world table -----------------------------------------------------------------


@lru_cache(maxsize=4)
def table(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(K, P): K[w, i] person i is a knight, P[w, i] the chair of person i, for every world."""
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int8)
    roles = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    K = np.repeat(roles, len(perms), axis=0)
    P = np.tile(perms, (len(roles), 1))
    return K, P


def truth_mask(e: SExpr, n: int) -> np.ndarray:
    """Where claim ``e`` holds, over every world of ``table(n)``."""
    K, P = table(n)
    k = e.kind
    if k == "is":
        return K[:, e.person] if e.role == "knight" else ~K[:, e.person]
    if k == "seat":
        fr = Frame(n, "line", False, True)
        return np.broadcast_to(holds(e.clue, lambda x: P[:, x], lambda x: True, fr), (len(P),))
    parts = [truth_mask(a, n) for a in e.args]
    out = parts[0].copy()
    for p in parts[1:]:
        out = out & p if k == "and" else out | p
    return out


def allowed(st: ClaimStatement, n: int) -> np.ndarray:
    """Worlds where the speaker's claim has the truth value their role demands."""
    K, _ = table(n)
    return K[:, st.speaker] == truth_mask(st.claim, n)


def world_index(n: int, roles: list[str], seats: list[int]) -> int:
    K, P = table(n)
    hit = (K == np.array([r == "knight" for r in roles])).all(1) & (P == np.array(seats)).all(1)
    return int(np.flatnonzero(hit)[0])


def answers(spec: SeatingClaimsSpec, sol: np.ndarray) -> set[tuple]:
    """The distinct answers (role vector, chair of the queried person) over worlds ``sol``."""
    K, P = table(spec.n)
    rows = np.flatnonzero(sol)
    q = spec.question.person
    return {(tuple(K[w]), int(P[w, q])) for w in rows}


def solutions(spec: SeatingClaimsSpec) -> np.ndarray:
    K, _ = table(spec.n)
    sol = np.ones(len(K), dtype=bool)
    for st in spec.statements:
        sol &= allowed(st, spec.n)
    return sol


# --- sampling --------------------------------------------------------------------------------


def _atom(rng: random.Random, n: int, speaker: int) -> SExpr:
    others = [p for p in range(n) if p != speaker]
    a = speaker if rng.random() < 0.7 else rng.choice(others)
    b = rng.choice([p for p in range(n) if p != a])
    u = rng.random()
    if u < 0.15:
        return Is(person=rng.choice(others), role=rng.choice(ROLES))
    if u < 0.3:
        return Seat(clue=At(a=a, where="seat", seat=rng.randrange(n), neg=rng.random() < 0.3))
    if u < 0.4:
        return Seat(clue=At(a=a, where="end", neg=rng.random() < 0.4))
    if u < 0.6:
        return Seat(clue=Next(a=a, b=b, neg=rng.random() < 0.35))
    if u < 0.75:
        side = rng.choice(("left", "right"))
        return Seat(clue=Side(a=a, b=b, k=1, side=side, neg=rng.random() < 0.2))
    if u < 0.88:
        return Seat(clue=Order(a=a, b=b))
    return Seat(clue=Gap(a=a, b=b, k=rng.randint(1, max(1, n - 2))))


def _claim(rng: random.Random, n: int, speaker: int, compound: float) -> SExpr:
    a = _atom(rng, n, speaker)
    if rng.random() >= compound:
        return a
    b = _atom(rng, n, speaker)
    if a == b:
        return a
    return (And if rng.random() < 0.5 else Or)(args=(a, b))


def _done(spec_answers: set) -> bool:
    return len(spec_answers) == 1


def draft(level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a seating_claims puzzle aimed at ``level``; None if it failed."""
    n = int(options["n"]) if options.get("n") else N_BY_LEVEL[level]
    n = max(N_RANGE[0], min(N_RANGE[1], n))
    truth = [rng.choice(ROLES) for _ in range(n)]
    seats = list(range(n))
    rng.shuffle(seats)
    q = rng.randrange(n)
    K, P = table(n)
    w0 = world_index(n, truth, seats)
    compound = {1: 0.0, 2: 0.2, 3: 0.2, 4: 0.45}[level]
    base = SeatingClaimsSpec(
        people=[f"P{i}" for i in range(n)],
        statements=[],
        question=SeatQuestion(person=q),
        truth=truth,
        seats=seats,
    )
    sol = np.ones(len(K), dtype=bool)
    found: list[ClaimStatement] = []
    masks: list[np.ndarray] = []
    order = list(range(n))
    rng.shuffle(order)
    spoken = [0] * n
    for step in range(20 * n + 30):
        if _done(answers(base, sol)):
            break
        speaker = order[step % n] if step < n else rng.randrange(n)
        if spoken[speaker] >= 3:
            continue
        claim = _claim(rng, n, speaker, compound)
        st = ClaimStatement(speaker=speaker, claim=claim)
        a = allowed(st, n)
        if not a[w0] or (sol & a).sum() == sol.sum():
            continue
        sol &= a
        found.append(st)
        masks.append(a)
        spoken[speaker] += 1
    if not _done(answers(base, sol)):
        return None
    keep = list(range(len(found)))
    idx = keep[:]
    rng.shuffle(idx)
    for i in idx:
        rest = [j for j in keep if j != i]
        s = np.ones(len(K), dtype=bool)
        for j in rest:
            s &= masks[j]
        if _done(answers(base, s)):
            keep = rest
    rank = {p: r for r, p in enumerate(order)}
    kept = sorted((found[j] for j in keep), key=lambda st: rank[st.speaker])
    return draft_of(base.model_copy(update={"statements": kept}))


def _n_atoms(e: SExpr) -> tuple[int, int]:
    """(seat atoms, role atoms) of a claim."""
    if e.kind == "seat":
        return 1, 0
    if e.kind == "is":
        return 0, 1
    parts = [_n_atoms(a) for a in e.args]
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def eliminations(spec: SeatingClaimsSpec) -> list[tuple[tuple, list[int]]]:
    """For each wrong role vector, a small set of statements that rules it out (a single
    statement when one suffices, else a pair, else all)."""
    n = spec.n
    K, _ = table(n)
    masks = [allowed(st, n) for st in spec.statements]
    sol = solutions(spec)
    right = {a[0] for a in answers(spec, sol)}
    out = []
    for bits in itertools.product((True, False), repeat=n):
        if bits in right:
            continue
        rows = (K == np.array(bits)).all(1)
        singles = [j for j, m in enumerate(masks) if not (m & rows).any()]
        if singles:
            out.append((bits, [singles[0]]))
            continue
        pair = next(
            (
                [i, j]
                for i, j in itertools.combinations(range(len(masks)), 2)
                if not (masks[i] & masks[j] & rows).any()
            ),
            None,
        )
        out.append((bits, pair or list(range(len(masks)))))
    return out


def metrics(spec: SeatingClaimsSpec) -> dict[str, Any]:
    el = eliminations(spec)
    atoms = [_n_atoms(s.claim) for s in spec.statements]
    n = spec.n
    return {
        "variant": VARIANT,
        "n_people": n,
        "n_statements": len(spec.statements),
        "n_facts": 0,
        "n_seat_atoms": sum(a[0] for a in atoms),
        "n_role_atoms": sum(a[1] for a in atoms),
        "max_depth": max((1 + (s.claim.kind in ("and", "or")) for s in spec.statements), default=0),
        "log2_search_space": round(n + math.log2(math.factorial(n)), 3),
        "case_splits": sum(len(ks) > 1 for _, ks in el),
        "deduction_depth": max((len(ks) for _, ks in el), default=0),
        "clues_per_person": round(len(spec.statements) / n, 3),
    }


def draft_of(spec: SeatingClaimsSpec) -> Draft:
    return Draft(spec, metrics(spec))


# --- rendering -------------------------------------------------------------------------------


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


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _answer(spec: SeatingClaimsSpec, roles, chair: int, aliases: dict) -> Answer:
    value = dict(zip(spec.people, roles, strict=True))
    value[seat_key(spec.people[spec.question.person])] = str(chair + 1)
    space = [*ROLES, *[str(i + 1) for i in range(spec.n)]]
    return Answer(type="assignment", value=value, space=space, aliases=aliases)


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    from .truth_teller import _persona

    spec: SeatingClaimsSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    n = spec.n
    pinned = list(ctx.pin.get("names") or [])[:n]
    fresh = [x for x in ctx.names if x not in pinned]
    names = pinned + rng.sample(fresh, n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    persona = _persona(VARIANT, rng, ctx)
    w = {k: v for k, v in persona.items() if k not in ("id", "intro")}
    words = _Words(names, w, rng)
    lines = [
        words.ph("line", p=names[s.speaker], c=_cap(words.claim(s.claim, s.speaker)))
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
    solution = "" if d.metrics.get("labelled") else _solution(spec, words, answer, role_words)
    return Final(
        spec,
        answer,
        distractors,
        question,
        solution,
        f"truth_teller/{persona['id']}/seating_claims",
        role_words,
        {"template": persona["id"]},
    )


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
        raise AssertionError("solution trace does not reach the proven answer")
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
        raise AssertionError("solution trace does not reach the proven answer")
    lines.append(f"Answer: {answer.text(rw)}")
    return "\n".join(lines)


# --- data quality: transforms and labelled variants ------------------------------------------


def _with_world(spec: SeatingClaimsSpec, w: int) -> SeatingClaimsSpec:
    K, P = table(spec.n)
    truth = ["knight" if b else "knave" for b in K[w]]
    return spec.model_copy(update={"truth": truth, "seats": [int(x) for x in P[w]]})


def _answer_of(spec: SeatingClaimsSpec) -> tuple:
    return (tuple(r == "knight" for r in spec.truth), spec.seats[spec.question.person])


def _unique(spec: SeatingClaimsSpec) -> SeatingClaimsSpec | None:
    """``spec`` with its hidden world moved to a solution, if the answer is unique."""
    sol = solutions(spec)
    if len(answers(spec, sol)) != 1:
        return None
    return _with_world(spec, int(np.flatnonzero(sol)[0]))


def _leaves(e: SExpr, path: tuple = ()) -> list[tuple[tuple, SExpr]]:
    if e.kind in ("and", "or"):
        return [x for i, a in enumerate(e.args) for x in _leaves(a, (*path, i))]
    return [(path, e)]


def _put(e: SExpr, path: tuple, new: SExpr) -> SExpr:
    if not path:
        return new
    args = list(e.args)
    args[path[0]] = _put(args[path[0]], path[1:], new)
    return e.model_copy(update={"args": tuple(args)})


def _restated(e: SExpr) -> SExpr | None:
    """An equivalent leaf: "A is immediately left of B" <-> "B is immediately right of A"."""
    if e.kind == "seat" and e.clue.kind == "side":
        c = e.clue
        side = "right" if c.side == "left" else "left"
        return Seat(clue=Side(a=c.b, b=c.a, k=c.k, side=side, neg=c.neg))
    if e.kind == "seat" and e.clue.kind in ("next", "gap"):
        return Seat(clue=e.clue.model_copy(update={"a": e.clue.b, "b": e.clue.a}))
    return None


def reword(d: Draft, rng: random.Random) -> Draft | None:
    """Restate one leaf equivalently (truth masks over every world must match)."""
    spec: SeatingClaimsSpec = d.spec
    cands = [(i, p, x) for i, s in enumerate(spec.statements) for p, x in _leaves(s.claim)]
    rng.shuffle(cands)
    for i, path, leaf in cands:
        new = _restated(leaf)
        if new is None or not (truth_mask(new, spec.n) == truth_mask(leaf, spec.n)).all():
            continue
        st = list(spec.statements)
        st[i] = ClaimStatement(speaker=st[i].speaker, claim=_put(st[i].claim, path, new))
        return draft_of(spec.model_copy(update={"statements": st}))
    return None


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a statement that every solution already satisfies (solution set unchanged)."""
    spec: SeatingClaimsSpec = d.spec
    n = spec.n
    sol = solutions(spec)
    for _ in range(60):
        speaker = rng.randrange(n)
        st = ClaimStatement(speaker=speaker, claim=_claim(rng, n, speaker, 0.3))
        a = allowed(st, n)
        if (a & sol).sum() == sol.sum() and not a.all():
            return draft_of(spec.model_copy(update={"statements": [*spec.statements, st]}))
    return None


def _leaf_edits(spec: SeatingClaimsSpec) -> list[tuple[int, tuple, SExpr]]:
    n = spec.n
    out = []
    for i, s in enumerate(spec.statements):
        for path, x in _leaves(s.claim):
            if x.kind == "is":
                out.append(
                    (i, path, Is(person=x.person, role="knave" if x.role == "knight" else "knight"))
                )
                continue
            c = x.clue
            if hasattr(c, "neg"):
                out.append((i, path, Seat(clue=c.model_copy(update={"neg": not c.neg}))))
            if c.kind == "side":
                out.append(
                    (
                        i,
                        path,
                        Seat(
                            clue=c.model_copy(
                                update={"side": "right" if c.side == "left" else "left"}
                            )
                        ),
                    )
                )
            if c.kind == "at" and c.where == "seat":
                out += [
                    (i, path, Seat(clue=c.model_copy(update={"seat": t})))
                    for t in range(n)
                    if t != c.seat
                ]
            if c.kind in ("order", "gap") or (c.kind == "next"):
                out.append(
                    (i, path, Seat(clue=c.model_copy(update={"a": c.b, "b": c.a})))
                    if c.kind == "order"
                    else None
                )
                if c.kind == "gap":
                    out += [
                        (i, path, Seat(clue=c.model_copy(update={"k": k})))
                        for k in (c.k - 1, c.k + 1)
                        if 0 <= k <= n - 2
                    ]
            b = getattr(c, "b", None)
            if b is not None:
                out += [
                    (i, path, Seat(clue=c.model_copy(update={"b": p})))
                    for p in range(n)
                    if p not in (c.a, b)
                ]
    return [e for e in out if e is not None]


def _edited(spec: SeatingClaimsSpec, edit) -> SeatingClaimsSpec:
    i, path, new = edit
    st = list(spec.statements)
    st[i] = ClaimStatement(speaker=st[i].speaker, claim=_put(st[i].claim, path, new))
    return spec.model_copy(update={"statements": st})


def perturb(d: Draft, rng: random.Random) -> Draft | None:
    """Change one leaf so that the answer changes and stays unique (answer-changing)."""
    spec: SeatingClaimsSpec = d.spec
    before = _answer_of(spec)
    edits = _leaf_edits(spec)
    rng.shuffle(edits)
    for edit in edits[:60]:
        new = _unique(_edited(spec, edit))
        if new is not None and _answer_of(new) != before:
            return draft_of(new)
    return None


TRANSFORMS = {"reword": reword, "reorder": reorder, "distract": distract, "perturb": perturb}


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory variant, or one with two consistent answers (and that other world)."""
    spec: SeatingClaimsSpec = d.spec
    meta = {**d.metrics, "labelled": kind}
    if kind == "unsolvable":
        edits = _leaf_edits(spec)
        rng.shuffle(edits)
        for edit in edits[:60]:
            new = _edited(spec, edit)
            if not solutions(new).any():
                return Draft(new, meta), None
        return None
    before = _answer_of(spec)
    order = list(range(len(spec.statements)))
    rng.shuffle(order)
    for drop in order:
        new = spec.model_copy(
            update={"statements": [s for i, s in enumerate(spec.statements) if i != drop]}
        )
        sol = solutions(new)
        for w in np.flatnonzero(sol):
            alt = _with_world(new, int(w))
            if _answer_of(alt) != before:
                return Draft(new, {**meta, "n_statements": len(new.statements)}), Draft(alt, meta)
    return None


def dispatch(draft_fn, level_fn, finalize_fn, transforms: dict, mislabel_fn):
    """The truth_teller family's entry points, extended to this variant by dispatch."""

    def draft_any(variant, level, rng, options):
        if variant == VARIANT:
            return draft(level, rng, options)
        return draft_fn(variant, level, rng, options)

    def level_any(m):
        return level_of(m) if m.get("variant") == VARIANT else level_fn(m)

    def finalize_any(d, ctx):
        return finalize(d, ctx) if d.spec.variant == VARIANT else finalize_fn(d, ctx)

    def one(name, fn):
        def t(d, rng):
            if d.spec.variant == VARIANT:
                mine = TRANSFORMS.get(name)
                return mine(d, rng) if mine else None
            return fn(d, rng)

        t.__name__ = name
        return t

    def mislabel_any(d, kind, rng):
        if d.spec.variant == VARIANT:
            return mislabel(d, kind, rng)
        return mislabel_fn(d, kind, rng)

    return (
        draft_any,
        level_any,
        finalize_any,
        {name: one(name, fn) for name, fn in transforms.items()},
        mislabel_any,
    )
