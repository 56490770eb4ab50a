"""Seating augmentations and deliberately unsolvable / ambiguous variants.

Every transform maps a draft (placeholder names) to a new draft or None and checks its
intent exactly without Z3: equivalences clue by clue
(:func:`generators.seating.logic.implies`), forced answers with the propagation solver's
complete case analysis, and worlds with a small depth-first enumerator over the same
propagators. The pipeline then proves the result with Z3. Each transform is a pure function of ``(draft, rng)``.
"""

from __future__ import annotations

import random

from verifiers.seating.spec import (
    At,
    Category,
    Clue,
    Facing,
    Gap,
    Is,
    Next,
    Opposite,
    SeatingSpec,
    Side,
    entities,
    normal,
)

from ..augment import reshuffled
from ..family import Draft
from .deducer import Budget, Conflict, Deducer, Search, bits
from .draft import metrics_of
from .logic import frame_of, holds_world, implies
from .objects import phrased
from .sample import World, clue_kinds, pick, propose
from .search import add_until_forced, fits_table, gives_away
from .trace import Trace, derive
from .variants import BY_NAME, level_of

OTHER_SIDE = {"left": "right", "right": "left"}


def _owners(spec: SeatingSpec) -> list[list[int]]:
    return [c.owner for c in spec.attributes]


def _holds(spec: SeatingSpec, c: Clue) -> bool:
    return holds_world(c, spec.seats, spec.facing, _owners(spec), frame_of(spec))


def answer_value(spec: SeatingSpec):
    """The answer to the question in the spec's hidden world (hashable), or None when the
    world does not answer it (no such neighbour, not exactly one true option, ...)."""
    q, n = spec.question, spec.n
    k = q.kind
    if k == "who_at":
        return spec.seats.index(q.seat)
    if k in ("who_side", "opposite", "who_has"):
        hits = []
        for p in range(n):
            if p == q.a:
                continue
            if k == "who_side":
                c: Clue = Side(a=p, b=q.a, k=q.k, side=q.side)
            elif k == "opposite":
                c = Opposite(a=p, b=q.a)
            else:
                c = Is(a=p, b=q.a)
            if _holds(spec, c):
                hits.append(p)
        return hits[0] if len(hits) == 1 else None
    if k == "attr_of":
        return spec.attributes[q.cat - 1].owner.index(q.a)
    if k == "count_between":
        sa, sb = spec.seats[q.a], spec.seats[q.b]
        if spec.layout == "rows" and sa // (n // 2) != sb // (n // 2):
            return None
        d = abs(sa - sb)
        if spec.layout == "circle":
            d = min(d, n - d)
        return d - 1
    if k == "facing":
        return spec.facing[q.a]
    if k == "pair":
        t = tuple(_holds(spec, Next(a=a, b=b)) for a, b in q.pairs)
        return t if sum(t) == 1 else None
    if k == "statement":
        t = tuple(_holds(spec, c) for c in q.options)
        return t if sum(t) == 1 else None
    return tuple(spec.seats)  # arrangement


def goal_of(spec: SeatingSpec) -> list[Clue] | None:
    """Clues that hold exactly when the answer does (as the generator poses them)."""
    q, n = spec.question, spec.n
    v = answer_value(spec)
    if v is None:
        return None
    k = q.kind
    if k == "who_at":
        return [At(a=v, where="seat", seat=q.seat)]
    if k == "who_side":
        return [Side(a=v, b=q.a, k=q.k, side=q.side)]
    if k == "opposite":
        return [normal(Opposite(a=v, b=q.a))]
    if k == "count_between":
        return [normal(Gap(a=q.a, b=q.b, k=v))]
    if k == "facing":
        return [Facing(a=q.a, toward=v)]
    if k == "who_has":
        return [normal(Is(a=q.a, b=v))]
    if k == "attr_of":
        return [normal(Is(a=q.cat * n + v, b=q.a))]
    goal: list[Clue] = [At(a=p, where="seat", seat=spec.seats[p]) for p in range(n)]
    if spec.mixed and k != "arrangement":
        goal += [Facing(a=p, toward=spec.facing[p]) for p in range(n)]
    return goal


def _with_world(spec: SeatingSpec, world: tuple) -> SeatingSpec:
    seats, facing, owners = world
    cats = [
        Category(name=c.name, values=c.values, owner=o)
        for c, o in zip(spec.attributes, owners, strict=True)
    ]
    return spec.model_copy(update={"seats": seats, "facing": facing, "attributes": cats})


def worlds(
    spec: SeatingSpec, clues: list[Clue], limit: int = 1, want=None, budget: int = 4000
) -> list[tuple] | None:
    """Up to ``limit`` worlds (seats, facing, owners) satisfying ``clues`` for which
    ``want(world)`` holds; exact depth-first search with propagation. None: over budget."""
    fr = frame_of(spec)
    n, n_cats = spec.n, len(spec.attributes)
    ded = Deducer(fr, n_cats, list(clues))
    out: list[tuple] = []
    nodes = 0

    def decode(dom: list[int]) -> tuple:
        vals = [bits(d)[0] for d in dom]
        seats = [u // 2 for u in vals[:n]]
        facing = [bool(u % 2) for u in vals[:n]]
        at = {s: p for p, s in enumerate(seats)}
        owners = [[at[vals[(c + 1) * n + x] // 2] for x in range(n)] for c in range(n_cats)]
        return seats, facing, owners

    def rec(dom: list[int]) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > budget:
            raise Budget()
        try:
            ded.propagate(dom, 0, False)
        except Conflict:
            return
        open_ = [e for e in range(ded.n_ent) if dom[e] & (dom[e] - 1)]
        if not open_:
            w = decode(dom)
            if all(holds_world(c, w[0], w[1], w[2], fr) for c in clues) and (
                want is None or want(w)
            ):
                out.append(w)
            return
        e = min(open_, key=lambda x: (len(bits(dom[x])), x))
        for u in bits(dom[e]):
            trial = list(dom)
            trial[e] = 1 << u
            rec(trial)
            if len(out) >= limit:
                return

    try:
        rec(list(ded.init))
    except Budget:
        return None
    return out


def _redraft(spec: SeatingSpec, old: dict, keep_forced: bool = True) -> Draft | None:
    """A draft of ``spec`` if its hidden world satisfies every clue and the propagation
    solver forces the answer (complete case analysis); metrics and trace recomputed."""
    goal = goal_of(spec)
    if goal is None or not all(_holds(spec, c) for c in spec.clues):
        return None
    fr = frame_of(spec)
    tr = derive(fr, len(spec.attributes), list(spec.clues), goal)
    if tr is None:
        return None
    m = metrics_of(spec, tr, fits_table(fr, len(spec.attributes)))
    if keep_forced and old.get("forced_size"):
        m.update(forced_size=True, target_level=old["target_level"])
    return Draft(spec, m, trace=(tr, goal))


# --- transforms --------------------------------------------------------------------------


def reorder(d: Draft, rng: random.Random) -> Draft | None:
    """Shuffle the order of the clues (the canonical hash is unchanged)."""
    clues = reshuffled(d.spec.clues, rng)
    return (
        None if clues is None else _redraft(d.spec.model_copy(update={"clues": clues}), d.metrics)
    )


def _rewordings(c: Clue) -> list[Clue]:
    """Candidate equivalent forms of one clue (checked exactly before use)."""
    k = c.kind
    out: list[Clue] = []
    if k == "side":  # "A is k-th left of B" <-> "B is k-th right of A" (same facing)
        out.append(Side(a=c.b, b=c.a, k=c.k, side=OTHER_SIDE[c.side], neg=c.neg))
    if k == "between":
        out.append(c.model_copy(update={"b": c.c, "c": c.b}))
    if k in ("next", "gap", "opposite", "same_facing", "is"):
        out.append(c.model_copy(update={"a": c.b, "b": c.a}))
    return out


def reword(d: Draft, rng: random.Random) -> Draft | None:
    """Restate one clue in an equivalent form, proven equivalent over its entities."""
    spec: SeatingSpec = d.spec
    fr = frame_of(spec)
    cands = [(i, new) for i, c in enumerate(spec.clues) for new in _rewordings(c)]
    rng.shuffle(cands)
    # Prefer a real restatement (left <-> right of the other person) to a swapped order.
    cands.sort(key=lambda x: x[1].kind != "side")
    for i, new in cands:
        old = spec.clues[i]
        if not (implies(old, new, fr) and implies(new, old, fr)):
            continue
        clues = list(spec.clues)
        clues[i] = new
        return _redraft(spec.model_copy(update={"clues": clues}), d.metrics)
    return None


def _world_obj(spec: SeatingSpec) -> World:
    return World(frame_of(spec), list(spec.seats), list(spec.facing), _owners(spec))


def distract(d: Draft, rng: random.Random) -> Draft | None:
    """Add a true clue that every solution already satisfies (the solution set is unchanged)."""
    spec: SeatingSpec = d.spec
    goal = goal_of(spec)
    if goal is None:
        return None
    world = _world_obj(spec)
    fr, kinds = world.fr, clue_kinds(world)
    have = {normal(c) for c in spec.clues}
    listed = {normal(c) for c in spec.question.options} | {
        normal(Next(a=a, b=b)) for a, b in spec.question.pairs
    }
    for _ in range(40):
        c = propose(world, pick(kinds, rng), rng)
        if c is None or normal(c) in have or normal(c) in listed:
            continue
        if gives_away(c, goal, fr, len(spec.attributes)):
            continue
        ded = Deducer(fr, len(spec.attributes), list(spec.clues))
        try:
            implied = ded.prove([c], budget=400, log=False)
        except Budget:
            continue
        if not implied:
            continue
        clues = list(spec.clues)
        clues.insert(rng.randrange(len(clues) + 1), c)
        return _redraft(spec.model_copy(update={"clues": clues}), d.metrics)
    return None


def _complete(spec: SeatingSpec, rng: random.Random) -> SeatingSpec | None:
    """Add true clues until propagation forces the answer; drop the added ones it can spare."""
    goal = goal_of(spec)
    if goal is None:
        return None
    world = _world_obj(spec)
    fr, kinds = world.fr, clue_kinds(world)
    s = Search(Deducer(fr, 0, []))
    s.dom = list(s.ded.init)
    try:
        for c in spec.clues:
            s.add(c)
    except Conflict:
        return None
    base = len(s.ded.clues)
    if not add_until_forced(s, world, goal, kinds, rng, 40 * fr.n + 60, set(spec.clues)):
        return None
    clues = list(s.ded.clues)
    keep = list(range(len(clues)))
    for i in sorted(range(base, len(clues)), key=lambda _: rng.random()):
        rest = [j for j in keep if j != i]
        if s.ded.forced(goal, rest):
            keep = rest
    return spec.model_copy(update={"clues": [clues[j] for j in keep]})


def _grow(spec: SeatingSpec, rng: random.Random) -> SeatingSpec | None:
    """One more person, seated at a random place; the clues still true are kept."""
    n = spec.n
    if n + 1 > BY_NAME[spec.variant].sizes[1] or spec.question.kind == "opposite":
        return None
    s = rng.randrange(1 if spec.layout == "circle" else 0, n + 1)
    seats = [x + (x >= s) for x in spec.seats] + [s]
    facing = [*spec.facing, (rng.random() < 0.5) if spec.mixed else spec.facing[0]]
    new = spec.model_copy(
        update={"people": [f"P{i}" for i in range(n + 1)], "seats": seats, "facing": facing}
    )
    return _keep_true(new)


def _keep_true(spec: SeatingSpec) -> SeatingSpec:
    odd_circle = spec.layout == "circle" and spec.n % 2
    clues = [c for c in spec.clues if _holds(spec, c) and not (odd_circle and c.kind == "opposite")]
    return spec.model_copy(update={"clues": clues})


def _shrink(spec: SeatingSpec, rng: random.Random) -> SeatingSpec | None:
    """One person fewer (never one the question names); the clues still true are kept."""
    n, q = spec.n, spec.question
    if n - 1 < BY_NAME[spec.variant].sizes[0] or q.kind == "opposite":
        return None
    if q.kind == "who_at" and q.seat >= n - 1:
        return None
    cands = [
        p for p in range(n) if p not in (q.a, q.b) and not (spec.layout == "circle" and p == 0)
    ]
    if not cands:
        return None
    p = rng.choice(cands)
    s = spec.seats[p]

    def re(e: int) -> int:
        return e - (e > p)

    seats = [x - (x > s) for i, x in enumerate(spec.seats) if i != p]
    facing = [f for i, f in enumerate(spec.facing) if i != p]
    clues = []
    for c in spec.clues:
        if p in entities(c):
            continue
        upd = {f: re(getattr(c, f)) for f in ("a", "b", "c") if hasattr(c, f)}
        clues.append(c.model_copy(update=upd))
    q2 = q.model_copy(update={"a": re(q.a) if q.a >= 0 else q.a, "b": re(q.b) if q.b >= 0 else q.b})
    new = spec.model_copy(
        update={
            "people": [f"P{i}" for i in range(n - 1)],
            "seats": seats,
            "facing": facing,
            "clues": clues,
            "question": q2,
        }
    )
    if new.mixed and (all(facing) or not any(facing)):
        return None
    return _keep_true(new)


def scale(d: Draft, rng: random.Random) -> Draft | None:
    """One person more or fewer so that the level moves by exactly one; still unique."""
    spec: SeatingSpec = d.spec
    if spec.attributes or spec.layout == "rows" or spec.question.kind in ("pair", "statement"):
        return None
    level = level_of(d.metrics)
    ways = [_grow, _shrink]
    rng.shuffle(ways)
    for way in ways:
        for _ in range(2):
            new = way(spec, rng)
            if new is None:
                continue
            new = _complete(new, rng)
            if new is None:
                continue
            nd = _redraft(new, d.metrics, keep_forced=False)
            if nd is not None and abs(level_of(nd.metrics) - level) == 1:
                return nd
    return None


def _edits(spec: SeatingSpec, i: int) -> list[Clue]:
    """Single-leaf changes of clue ``i``: polarity, side, distance, place, a person swapped
    (of the objects variant: only those that its phrase bank says)."""
    c = spec.clues[i]
    n = spec.n
    k = c.kind
    out: list[Clue] = []
    if hasattr(c, "neg"):
        out.append(c.model_copy(update={"neg": not c.neg}))
    if k == "side":
        out.append(c.model_copy(update={"side": OTHER_SIDE[c.side]}))
        out += [c.model_copy(update={"k": x}) for x in (c.k - 1, c.k + 1) if 1 <= x < n]
    if k == "gap":
        out += [c.model_copy(update={"k": x}) for x in (c.k - 1, c.k + 1) if 0 <= x <= n - 2]
    if k == "order":
        out.append(c.model_copy(update={"a": c.b, "b": c.a}))
    if k == "at" and c.where == "seat":
        out += [c.model_copy(update={"seat": s}) for s in range(n) if s != c.seat]
    if k == "facing":
        out.append(c.model_copy(update={"toward": not c.toward}))
    if k == "same_facing":
        out.append(c.model_copy(update={"same": not c.same}))
    for f in ("a", "b"):  # swap one person for another
        e = getattr(c, f, None)
        if e is not None and e < n:
            used = set(entities(c))
            out += [c.model_copy(update={f: p}) for p in range(n) if p not in used]
    if spec.variant == "objects":  # its bank phrases fewer kinds of clue
        out = [x for x in out if phrased(x)]
    return out


def perturb(d: Draft, rng: random.Random) -> Draft | None:
    """Change one clue so that the answer changes and stays unique (answer-changing)."""
    spec: SeatingSpec = d.spec
    before = answer_value(spec)
    edits = [(i, e) for i in range(len(spec.clues)) for e in _edits(spec, i)]
    rng.shuffle(edits)
    fr = frame_of(spec)
    for i, new_clue in edits[:40]:
        clues = list(spec.clues)
        clues[i] = new_clue
        if len(set(clues)) < len(clues):
            continue
        found = worlds(spec, clues, limit=1, budget=2000)
        if not found:
            continue
        new = _with_world(spec.model_copy(update={"clues": clues}), found[0])
        after = answer_value(new)
        goal = goal_of(new)
        if after is None or after == before or goal is None:
            continue
        if gives_away(new_clue, goal, fr, len(spec.attributes)):
            continue
        nd = _redraft(new, d.metrics)
        if nd is not None:
            return nd
    return None


TRANSFORMS = dict(reword=reword, reorder=reorder, distract=distract, scale=scale, perturb=perturb)


def _labelled(spec: SeatingSpec, d: Draft, kind: str) -> Draft:
    """A mislabelled draft: no derivation."""
    metrics = {**d.metrics, "n_clues": len(spec.clues)}
    return Draft(spec, metrics, trace=(Trace([]), goal_of(spec) or []), label=kind)


def _neighbours_of(spec: SeatingSpec) -> list[Clue]:
    """Neighbour facts of the hidden round table (each a relative fact a clue may deny)."""
    n = spec.n
    at = {s: p for p, s in enumerate(spec.seats)}
    return [normal(Next(a=p, b=at[(spec.seats[p] + 1) % n])) for p in range(n)]


def mislabel(d: Draft, kind: str, rng: random.Random) -> tuple[Draft, Draft | None] | None:
    """A contradictory variant (kind='unsolvable': one clue changed, or the negation of a
    forced fact added) or one with two consistent answers (kind='ambiguous': one clue
    dropped; the second draft holds a consistent world with another answer)."""
    spec: SeatingSpec = d.spec
    goal = goal_of(spec)
    if goal is None:
        return None
    if kind == "unsolvable":
        edits = [(i, e) for i in range(len(spec.clues)) for e in _edits(spec, i)]
        rng.shuffle(edits)
        for i, new_clue in edits[:30]:
            clues = list(spec.clues)
            clues[i] = new_clue
            if worlds(spec, clues, limit=1, budget=2000) == []:
                return _labelled(spec.model_copy(update={"clues": clues}), d, kind), None
        neg = [g for g in goal if hasattr(g, "neg")]
        if spec.layout == "circle":  # a numbered seat means nothing at a round table
            neg = [g for g in neg if g.kind != "at"] or _neighbours_of(spec)
        if not neg:
            return None
        g = rng.choice(neg)
        clues = [*spec.clues, g.model_copy(update={"neg": not g.neg})]
        if worlds(spec, clues, limit=1, budget=2000) == []:
            return _labelled(spec.model_copy(update={"clues": clues}), d, kind), None
        return None
    before = answer_value(spec)
    order = list(range(len(spec.clues)))
    rng.shuffle(order)
    values = {e for c in spec.clues for e in entities(c) if e >= spec.n}
    for drop in order:
        clues = [c for j, c in enumerate(spec.clues) if j != drop]
        if values - {e for c in clues for e in entities(c)}:
            continue  # every declared attribute value stays in some clue
        new = spec.model_copy(update={"clues": clues})

        def other(w: tuple, new: SeatingSpec = new) -> bool:
            v = answer_value(_with_world(new, w))
            return v is not None and v != before

        found = worlds(spec, clues, limit=1, want=other, budget=3000)
        if found:
            return _labelled(new, d, kind), _labelled(_with_world(new, found[0]), d, kind)
    return None
