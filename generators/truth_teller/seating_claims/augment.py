"""``seating_claims`` augmentations and deliberately unsolvable / ambiguous variants,
each checked exactly on the world table (the pipeline then proves the result with Z3)."""

from __future__ import annotations

import random

import numpy as np

from verifiers.seating.spec import Side
from verifiers.truth_teller.seating_claims import ClaimStatement, Seat, SeatingClaimsSpec, SExpr
from verifiers.truth_teller.spec import Is

from ...family import Draft
from ..augment import one_dropped, reorder, some_of  # as for the classic variants
from ..sample import max_silent
from .sample import random_claim
from .search import allowed, answers, claim_defect, draft_of, solutions, table, truth_mask


def sound(spec: SeatingClaimsSpec) -> bool:
    """No degenerate statement and at most a third of the people silent (issue 14)."""
    silent = spec.n - len({s.speaker for s in spec.statements})
    return silent <= max_silent(spec.n) and not any(
        claim_defect(s, spec.n) for s in spec.statements
    )


def _sound_draft(spec: SeatingClaimsSpec) -> Draft | None:
    return draft_of(spec) if sound(spec) else None


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
        out = _sound_draft(spec.model_copy(update={"statements": st}))
        if out is not None:
            return out
    return None


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a statement that every solution already satisfies (solution set unchanged)."""
    spec: SeatingClaimsSpec = d.spec
    n = spec.n
    sol = solutions(spec)
    for _ in range(60):
        speaker = rng.randrange(n)
        st = ClaimStatement(speaker=speaker, claim=random_claim(rng, n, speaker, 0.3))
        a = allowed(st, n)
        if (a & sol).sum() == sol.sum() and not a.all():
            out = _sound_draft(spec.model_copy(update={"statements": [*spec.statements, st]}))
            if out is not None:
                return out
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
    for edit in some_of(_leaf_edits(spec), rng):
        new = _unique(_edited(spec, edit))
        if new is not None and _answer_of(new) != before and sound(new):
            out = draft_of(new)
            if out is not None:
                return out
    return None


TRANSFORMS = dict(reword=reword, reorder=reorder, distract=distract, perturb=perturb)


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory variant, or one with two consistent answers (and that other world)."""
    spec: SeatingClaimsSpec = d.spec
    meta = d.metrics
    if kind == "unsolvable":
        for edit in some_of(_leaf_edits(spec), rng):
            new = _edited(spec, edit)
            if not solutions(new).any() and sound(new):
                return Draft(new, meta, label=kind), None
        return None
    before = _answer_of(spec)
    for new in one_dropped(spec, rng):
        if not sound(new):
            continue
        sol = solutions(new)
        for w in np.flatnonzero(sol):
            alt = _with_world(new, int(w))
            if _answer_of(alt) != before:
                first = {**meta, "n_statements": len(new.statements)}
                return Draft(new, first, label=kind), Draft(alt, meta, label=kind)
    return None
