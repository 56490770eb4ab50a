"""Truth-teller augmentations and deliberately unsolvable / ambiguous variants.

Every transform maps a draft (placeholder names) to a new draft or None, and checks its
intent exactly with the bitmask enumerator; the pipeline then proves the result with Z3.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import TypeVar

from pydantic import BaseModel

from verifiers.truth_teller.degenerate import spec_defects
from verifiers.truth_teller.spec import (
    And,
    Count,
    Expr,
    Is,
    Not,
    Or,
    Same,
    Statement,
    TruthTellerSpec,
    asked,
    evaluate,
)

from ..augment import reshuffled
from ..family import Draft
from .claims import consistent_claim, random_claim, to_expr
from .levels import N_RANGE
from .logic import Worlds
from .sample import max_silent
from .search import draft_of, targets

OTHER = {"knight": "knave", "knave": "knight"}
SpecT = TypeVar("SpecT", bound=BaseModel)  # a spec with ``statements``
T = TypeVar("T")


def _worlds(spec: TruthTellerSpec) -> Worlds:
    return Worlds(len(spec.people), tuple(spec.roles))


def sound(spec: TruthTellerSpec) -> bool:
    """No degenerate statement and at most a third of the people silent (issue 14)."""
    n = len(spec.people)
    silent = n - len({s.speaker for s in spec.statements})
    return silent <= max_silent(n) and not spec_defects(spec)


def _sound_draft(spec: TruthTellerSpec) -> Draft | None:
    return draft_of(spec) if sound(spec) else None


def _answer_values(spec: TruthTellerSpec, w: Worlds, sols: int) -> set:
    """The distinct roles of the asked people (:func:`.search.targets`) over ``sols``."""
    who = targets(spec)
    out = set()
    for i in range(w.full.bit_length()):
        if sols >> i & 1:
            world = w.decode(i)
            out.add(tuple(world[p] for p in who))
    return out


def _forced(spec: TruthTellerSpec) -> tuple | None:
    """The forced roles of the asked people, or None if they are not forced."""
    w = _worlds(spec)
    values = _answer_values(spec, w, w.solutions(spec))
    return values.pop() if len(values) == 1 else None


def _with_truth(spec: TruthTellerSpec, **update) -> TruthTellerSpec | None:
    """``spec`` updated; its truth replaced by the first consistent world (None if none)."""
    new = spec.model_copy(update=update)
    w = _worlds(new)
    sols = w.solutions(new)
    if not sols:
        return None
    if sols >> w.index(new.truth) & 1:
        return new
    return new.model_copy(update={"truth": w.decode((sols & -sols).bit_length() - 1)})


# --- node rewriting --------------------------------------------------------------------


def _nodes(e: Expr, path: tuple = ()) -> list[tuple[tuple, Expr]]:
    out = [(path, e)]
    k = e.kind
    if k == "not":
        out += _nodes(e.arg, (*path, "arg"))
    elif k in ("and", "or"):
        for i, a in enumerate(e.args):
            out += _nodes(a, (*path, i))
    elif k in ("implies", "iff"):
        out += _nodes(e.a, (*path, "a")) + _nodes(e.b, (*path, "b"))
    return out


def _replace(e: Expr, path: tuple, new: Expr) -> Expr:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if head == "arg":
        return e.model_copy(update={"arg": _replace(e.arg, rest, new)})
    if head in ("a", "b"):
        return e.model_copy(update={head: _replace(getattr(e, head), rest, new)})
    args = list(e.args)
    args[head] = _replace(args[head], rest, new)
    return e.model_copy(update={"args": tuple(args)})


def _equivalent(e: Expr, roles: list[str]) -> Expr | None:
    """An equivalent form of node ``e``, or None."""
    two = "normal" not in roles
    k = e.kind
    if k == "is" and two:
        return Not(arg=Is(person=e.person, role=OTHER[e.role]))
    if k == "not" and e.arg.kind == "is" and two:
        return Is(person=e.arg.person, role=OTHER[e.arg.role])
    if k == "not" and e.arg.kind == "and" and all(a.kind == "is" for a in e.arg.args):
        roles_in = {a.role for a in e.arg.args}
        people = tuple(a.person for a in e.arg.args)
        if len(roles_in) == 1 and len(set(people)) == len(people):
            # "not both A and B are knights" == "at most one of A and B is a knight"
            return Count(op="at_most", k=len(people) - 1, role=roles_in.pop(), people=people)
    if k == "count" and e.op == "at_most" and e.k == len(e.people) - 1 and len(e.people) >= 2:
        return Not(arg=And(args=tuple(Is(person=p, role=e.role) for p in e.people)))
    if k == "implies":
        return Or(args=(Not(arg=e.a), e.b))
    if k in ("and", "or") and len(e.args) == 2:
        return e.model_copy(update={"args": (e.args[1], e.args[0])})
    if k == "iff":
        return e.model_copy(update={"a": e.b, "b": e.a})
    if k == "same":
        return Same(a=e.b, b=e.a, same=e.same)
    return None


# --- transforms --------------------------------------------------------------------------


def reorder(d: Draft, rng: random.Random) -> Draft | None:
    """Shuffle the order of the statements (the canonical hash is unchanged)."""
    st = reshuffled(d.spec.statements, rng)
    return None if st is None else Draft(d.spec.model_copy(update={"statements": st}), d.metrics)


def some_of(edits: list[T], rng: random.Random, k: int = 60) -> list[T]:
    """At most ``k`` of ``edits``, in a random order (``edits`` is shuffled in place)."""
    rng.shuffle(edits)
    return edits[:k]


def one_dropped(spec: SpecT, rng: random.Random) -> Iterator[SpecT]:
    """``spec`` without one of its statements, for each statement in a random order."""
    order = list(range(len(spec.statements)))
    rng.shuffle(order)
    for drop in order:
        st = [s for i, s in enumerate(spec.statements) if i != drop]
        yield spec.model_copy(update={"statements": st})


def reword(d: Draft, rng: random.Random) -> Draft | None:
    """Restate one node of one statement in an equivalent form (truth tables must match)."""
    spec: TruthTellerSpec = d.spec
    w = _worlds(spec)
    candidates = [
        (si, path, node) for si, s in enumerate(spec.statements) for path, node in _nodes(s.claim)
    ]
    rng.shuffle(candidates)
    for si, path, node in candidates:
        new = _equivalent(node, spec.roles)
        if new is None:
            continue
        claim = _replace(spec.statements[si].claim, path, new)
        if w.table(claim) != w.table(spec.statements[si].claim):
            continue
        st = list(spec.statements)
        st[si] = Statement(speaker=st[si].speaker, claim=claim)
        new = _sound_draft(spec.model_copy(update={"statements": st}))
        if new is not None:
            return new
    return None


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a true-to-role statement that provably leaves the solution set unchanged."""
    spec: TruthTellerSpec = d.spec
    w = _worlds(spec)
    sols = w.solutions(spec)
    n = len(spec.people)
    for _ in range(30):
        speaker = rng.randrange(n)
        claim = consistent_claim(rng, 1, n, speaker, spec.truth, spec.roles)
        if claim is None:
            continue
        st = Statement(speaker=speaker, claim=claim)
        if w.allowed(st) & sols == sols and w.allowed(st) != w.full:
            new = _sound_draft(spec.model_copy(update={"statements": [*spec.statements, st]}))
            if new is not None:
                return new
    return None


def scale(d: Draft, rng: random.Random) -> Draft | None:
    """One level up in size: a new person whose statement about another fixes their own role."""
    spec: TruthTellerSpec = d.spec
    n = len(spec.people)
    if n + 1 > N_RANGE[spec.variant][1]:
        return None
    role = rng.choice([r for r in spec.roles if r != "normal"])
    truth = [*spec.truth, role]
    if spec.variant == "liar_chain":
        target = n - 1
    else:
        target = rng.randrange(n)
    said = spec.truth[target] if role == "knight" else OTHER.get(spec.truth[target], "knight")
    if spec.truth[target] == "normal":
        said = "normal" if role == "knight" else "knight"
    st = Statement(speaker=n, claim=Is(person=target, role=said))
    facts = list(spec.facts)
    counted = {"knights_knaves_normals": "normal", "liar_chain": "knave"}.get(spec.variant)
    if counted:
        facts = [
            Count(op="exactly", k=truth.count(counted), role=counted, people=tuple(range(n + 1)))
        ]
    q = spec.question
    if spec.variant == "liar_chain":
        q = q.model_copy(update={"person": n})
    new = spec.model_copy(
        update={
            "people": [*spec.people, f"P{n}"],
            "statements": [*spec.statements, st],
            "facts": facts,
            "truth": truth,
            "question": q,
        }
    )
    if _forced(new) is None:
        return None
    return _sound_draft(new)


def _leaf_edits(spec: TruthTellerSpec) -> list[tuple[str, int, tuple, Expr]]:
    """(where, index, path, replacement) for every single-leaf change."""
    edits = []
    sources = [("statement", i, s.claim) for i, s in enumerate(spec.statements)] + [
        ("fact", i, f) for i, f in enumerate(spec.facts)
    ]
    for where, i, claim in sources:
        for path, node in _nodes(claim):
            if node.kind == "is":
                for r in spec.roles:
                    if r != node.role:
                        edits.append((where, i, path, Is(person=node.person, role=r)))
            elif node.kind == "count":
                for k in (node.k - 1, node.k + 1):
                    if 0 <= k <= len(node.people):
                        edits.append((where, i, path, node.model_copy(update={"k": k})))
            elif node.kind == "same":
                edits.append((where, i, path, node.model_copy(update={"same": not node.same})))
    return edits


def _apply(spec: TruthTellerSpec, edit) -> dict:
    where, i, path, new = edit
    if where == "statement":
        st = list(spec.statements)
        st[i] = Statement(speaker=st[i].speaker, claim=_replace(st[i].claim, path, new))
        return {"statements": st}
    facts = list(spec.facts)
    facts[i] = _replace(facts[i], path, new)
    return {"facts": facts}


def perturb(d: Draft, rng: random.Random) -> Draft | None:
    """Change one leaf so that the answer changes and stays unique (answer-changing)."""
    spec: TruthTellerSpec = d.spec
    before = _forced(spec)
    for edit in some_of(_leaf_edits(spec), rng):
        new = _with_truth(spec, **_apply(spec, edit))
        if new is None:
            continue
        after = _forced(new)
        if after is None or after == before:
            continue
        # The hidden world agrees with the forced roles of the asked people.
        assert tuple(new.truth[p] for p in targets(new)) == after
        if sound(new):
            return draft_of(new)
    return None


TRANSFORMS: dict[str, Callable[[Draft, random.Random], Draft | None]] = dict(
    reword=reword, reorder=reorder, distract=distract, scale=scale, perturb=perturb
)


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory variant (kind='unsolvable') or one with two consistent answers
    (kind='ambiguous': the second draft holds the other world)."""
    spec: TruthTellerSpec = d.spec
    w = _worlds(spec)
    if kind == "unsolvable":
        for edit in some_of(_leaf_edits(spec), rng):
            new = spec.model_copy(update=_apply(spec, edit))
            if w.solutions(new) == 0 and sound(new):
                return Draft(new, d.metrics, label=kind), None
        # Else one more statement that no remaining world allows (chains need this).
        sols = w.solutions(spec)
        n = len(spec.people)
        for _ in range(40):
            speaker = rng.randrange(n)
            claim = to_expr(random_claim(rng, 1, n, speaker, spec.roles))
            st = Statement(speaker=speaker, claim=claim)
            new = spec.model_copy(update={"statements": [*spec.statements, st]})
            if w.allowed(st) & sols == 0 and sound(new):
                metrics = {**d.metrics, "n_statements": len(new.statements)}
                return Draft(new, metrics, label=kind), None
        return None
    for new in one_dropped(spec, rng):
        if not sound(new):
            continue
        sols = w.solutions(new)
        mine = asked(spec.question, spec.truth)
        for i in range(w.full.bit_length()):
            if sols >> i & 1:
                world = w.decode(i)
                if asked(spec.question, world) != mine and all(
                    evaluate(f, world) for f in new.facts
                ):
                    metrics = {**d.metrics, "n_statements": len(new.statements)}
                    other = new.model_copy(update={"truth": world})
                    return Draft(new, metrics, label=kind), Draft(other, metrics, label=kind)
    return None
