"""Seating arrangements: rows, round tables, facing rows and orderings, with attributes.

Method: sample a hidden world (seats, facings, attribute owners), pose a question, then
propose true clues and keep each one that narrows the possible worlds, until the answer
is forced; then drop clues that are redundant, in a random order. The search is exact on
a table of every world when that table is small (:class:`generators.seating_logic.Table`)
and otherwise uses the propagation solver. A clue that forces the answer on its own is
never used. A level-4 puzzle must need a case split: the propagation search drops the
clues that a short case analysis does without (below level 4, those that propagation does
without, so such puzzles are solvable by propagation alone), and a level-4 clue set that
propagation alone still solves is redrawn; level 4 also proposes pinning clues (a place, an
end, a facing) half as often. Z3 proves the final puzzle in the pipeline.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import Any

from templates import data, join_names, render, render_string
from verifiers.answers import Answer
from verifiers.seating import INFO
from verifiers.seating.spec import (
    MIXED,
    VARIANT_LAYOUT,
    At,
    Between,
    Category,
    Clue,
    Facing,
    Gap,
    Is,
    Next,
    Opposite,
    Order,
    Question,
    SameFacing,
    SeatingSpec,
    Side,
    entities,
    normal,
)
from verifiers.solver import seating as SOLVER

from .family import Draft, Family, Final, RenderContext, Variant
from .seating_logic import (
    Budget,
    Conflict,
    Deducer,
    Frame,
    Search,
    Table,
    holds_world,
    implies,
    table_size,
    to_int,
)

VARIANTS = ("linear", "linear_mixed", "circular", "circular_mixed", "parallel_rows", "ordering")
VARIANT_DOCS = {
    "linear": "One row of seats, everyone facing the same way (north or south, stated).",
    "linear_mixed": "One row where each person faces north or south; facing is hidden and "
    "can be asked.",
    "circular": "A round table, everyone facing the centre or everyone facing outward.",
    "circular_mixed": "A round table where some face the centre and some face outward.",
    "parallel_rows": "Two rows facing each other; each person sits opposite someone.",
    "ordering": "A ranking with no seats: a queue, finishing places, floors, a pile of "
    "books, ages (before/after, above/below, older/younger).",
}

# Level thresholds. The level is the largest of: the level by size (people), the level by
# attributes, and the level by case splits of the propagation solver. The generator also
# makes every level-4 puzzle need a case split (see `draft`).
N_LEVELS = {  # upper bound of n for levels 1, 2, 3 (level 4 above)
    "linear": (4, 6, 8),
    "ordering": (4, 6, 8),
    "linear_mixed": (4, 5, 6),
    "circular": (5, 6, 8),
    "circular_mixed": (4, 5, 6),
    "parallel_rows": (4, 6, 8),
}
N_RANGE = {
    "linear": (3, 12),
    "ordering": (3, 12),
    "linear_mixed": (3, 9),
    "circular": (4, 12),
    "circular_mixed": (4, 9),
    "parallel_rows": (4, 12),
}
ATTR_LEVEL = (1, 3, 4, 4)  # attribute categories 0, 1, 2, 3 -> at least this level
SPLIT_LEVELS = (1, 3, 8)  # case splits allowed at levels 1, 2, 3
TABLE_MAX = 400_000  # worlds: above this, search by propagation
PROVE_NODES = 40  # case-analysis nodes when the propagation search drops a clue
DROP_ORDERS = 3  # orders of dropping clues tried for a level-4 puzzle that needs a case split
ATTR_VARIANTS = ("linear", "circular", "parallel_rows", "ordering")


def _levels_doc() -> str:
    rows = ["| variant | people L1 / L2 / L3 / L4 |", "|---|---|"]
    for v in VARIANTS:
        lo, hi = N_RANGE[v]
        b = (lo - 1, *N_LEVELS[v], hi)
        rows.append(
            f"| {v} | "
            + " / ".join(
                f"{x + 1}–{y}" if y > x + 1 else f"{y}" for x, y in zip(b, b[1:], strict=False)
            )
            + " |"
        )
    return (
        "The level is the largest of the level by size (people, table below), the level by "
        f"attribute categories (1 category: at least L{ATTR_LEVEL[1]}, 2–3: L{ATTR_LEVEL[2]}) "
        "and the level by `case_splits`, the case splits the propagation solver needs to "
        f"force the answer (≤{SPLIT_LEVELS[0]} / ≤{SPLIT_LEVELS[1]} / ≤{SPLIT_LEVELS[2]} / "
        f">{SPLIT_LEVELS[2]}). A level-4 puzzle also needs at least one case split: the "
        "generator redraws one that propagation alone solves, so that the largest sizes are "
        "also the most interlocked. Parallel rows count even sizes only.\n\n" + "\n".join(rows)
    )


LEVELS_DOC = _levels_doc()


def level_of(m: dict[str, Any]) -> int:
    """Level 1–4 from size, attributes and case splits (forced sizes keep their plan)."""
    if m.get("forced_size"):
        return m["target_level"]
    by_n = 1 + sum(m["n_people"] > t for t in N_LEVELS[m["variant"]])
    by_a = ATTR_LEVEL[min(m["n_attributes"], 3)]
    by_s = 1 + sum(m["case_splits"] > t for t in SPLIT_LEVELS)
    return max(by_n, by_a, by_s)


# --- the hidden world -------------------------------------------------------------------


class World:
    """The hidden arrangement and helpers to read it."""

    def __init__(self, fr: Frame, seats: list[int], facing: list[bool], owners: list[list[int]]):
        self.fr, self.seats, self.facing, self.owners = fr, seats, facing, owners
        n = fr.n
        self.at = [0] * n
        for p, s in enumerate(seats):
            self.at[s] = p
        self.n_ent = n * (1 + len(owners))

    def person(self, e: int) -> int:
        n = self.fr.n
        return e if e < n else self.owners[e // n - 1][e % n]

    def seat(self, e: int) -> int:
        return self.seats[self.person(e)]

    def face(self, e: int) -> bool:
        return self.facing[self.person(e)]

    def ents_at(self, s: int) -> list[int]:
        p = self.at[s]
        n = self.fr.n
        return [p] + [(c + 1) * n + own.index(p) for c, own in enumerate(self.owners)]

    def holds(self, c: Clue) -> bool:
        return holds_world(c, self.seats, self.facing, self.owners, self.fr)

    def side_target(self, b: int, k: int, side: str) -> int | None:
        fr, n = self.fr, self.fr.n
        toward = self.face(b)
        if fr.layout == "circle":
            step = 1 if toward else -1
        else:
            step = -1 if toward else 1
        t = self.seat(b) + step * (k if side == "left" else -k)
        if fr.layout == "circle":
            return t % n
        if fr.layout == "rows":
            m = n // 2
            return t if 0 <= t < n and t // m == self.seat(b) // m else None
        return t if 0 <= t < n else None


def _sample_world(variant: str, n: int, n_attr: int, rng: random.Random) -> World:
    layout = VARIANT_LAYOUT[variant]
    seats = list(range(n))
    rng.shuffle(seats)
    if layout == "circle":
        shift = seats[0]
        seats = [(s - shift) % n for s in seats]
    if variant in MIXED:
        facing = [rng.random() < 0.5 for _ in range(n)]
        if all(facing) or not any(facing):
            facing[rng.randrange(n)] ^= True
        facing0 = facing[0]
    elif layout == "rows":
        facing = [s >= n // 2 for s in seats]
        facing0 = True
    else:
        facing0 = (
            True if variant == "ordering" else rng.random() < (0.7 if layout == "line" else 0.8)
        )
        facing = [facing0] * n
    owners = []
    for _ in range(n_attr):
        o = list(range(n))
        rng.shuffle(o)
        owners.append(o)
    fr = Frame(n, layout, variant in MIXED, facing0)
    return World(fr, seats, facing, owners)


# --- clue proposals ---------------------------------------------------------------------

KIND_WEIGHTS = {
    "line": {"at_end": 1.0, "at_seat": 1.2, "middle": 0.3, "not_at": 0.5, "side": 3.0,
             "not_side": 0.5, "order": 1.2, "next": 1.5, "not_next": 1.0, "between1": 1.0,
             "between": 0.8, "gap": 1.2},
    "circle": {"side": 4.0, "not_side": 0.6, "next": 1.5, "not_next": 1.0, "between1": 1.5,
               "gap": 1.5, "opposite": 1.5, "not_opposite": 0.6},
    "rows": {"at_end": 0.8, "at_seat": 0.8, "row": 1.0, "side": 3.0, "not_side": 0.4,
             "next": 1.2, "not_next": 0.8, "between1": 0.8, "gap": 0.8, "opposite": 2.0,
             "not_opposite": 0.6},
}  # fmt: skip
MIXED_WEIGHTS = {"facing": 1.2, "same_facing": 1.2}
ATTR_WEIGHTS = {"is": 2.5, "not_is": 1.2}
ABSOLUTE = ("at", "facing")
PINNING = ("at_end", "at_seat", "middle", "not_at", "row", "facing")  # proposals of ABSOLUTE
L4_PINNING_WEIGHT = 0.5  # level 4 prefers relative clues: pinning proposals weigh less


def _kinds(world: World, variant: str) -> dict[str, float]:
    fr = world.fr
    w = dict(KIND_WEIGHTS[fr.layout])
    if fr.mixed:
        w.update(MIXED_WEIGHTS)
        w.pop("order", None)
        w.pop("between", None)
    if fr.layout == "circle" and fr.n % 2:
        w.pop("opposite")
        w.pop("not_opposite")
    if fr.layout == "line" and fr.n % 2 == 0:
        w.pop("middle")
    if world.owners:
        w.update(ATTR_WEIGHTS)
    return w


def _pick(weights: dict[str, float], rng: random.Random) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _ent(world: World, rng: random.Random) -> int:
    if world.owners and rng.random() < 0.55:
        return rng.randrange(world.fr.n, world.n_ent)
    return rng.randrange(world.fr.n)


def _at(world: World, s: int, rng: random.Random) -> int:
    es = world.ents_at(s)
    return es[0] if len(es) == 1 or rng.random() < 0.45 else rng.choice(es[1:])


@lru_cache(maxsize=1024)
def _neighbours(fr: Frame, sa: int) -> tuple[int, ...]:
    """The seats next to seat ``sa``, in order."""
    return tuple(
        s for s in range(fr.n) if holds_world(Next(a=0, b=1), [s, sa], [True, True], [], fr)
    )


def _propose(world: World, kind: str, rng: random.Random) -> Clue | None:
    """A random clue of ``kind`` that is true in ``world`` (None if none was found)."""
    fr, n = world.fr, world.fr.n
    m = n // 2
    a = _ent(world, rng)
    sa = world.seat(a)
    if kind == "at_end":
        ends = [0, n - 1] if fr.layout == "line" else [0, m - 1, m, n - 1]
        return At(a=_at(world, rng.choice(ends), rng), where="end")
    if kind == "at_seat":
        return At(a=a, where="seat", seat=sa)
    if kind == "middle":
        return At(a=_at(world, n // 2, rng), where="middle")
    if kind == "row":
        return At(a=a, where="row", seat=sa // m)
    if kind == "not_at":
        s = rng.randrange(n)
        c = At(a=a, where="seat", seat=s, neg=True)
        if rng.random() < 0.5:
            c = At(a=a, where="end", neg=True)
        return c if world.holds(c) else None
    if kind in ("side", "not_side"):
        k = rng.choice((1, 1, 1, 2, 2, 3))
        side = rng.choice(("left", "right"))
        if kind == "side":
            t = world.side_target(a, k, side)
            return None if t is None else Side(a=_at(world, t, rng), b=a, k=k, side=side)
        b = _ent(world, rng)
        if world.seat(b) == sa:
            return None
        c = Side(a=b, b=a, k=k, side=side, neg=True)
        return c if world.holds(c) else None
    if kind == "order":
        b = _ent(world, rng)
        sb = world.seat(b)
        if sb == sa:
            return None
        return Order(a=a, b=b) if sa < sb else Order(a=b, b=a)
    if kind in ("next", "not_next"):
        if kind == "next":
            cands = _neighbours(fr, sa)
            return normal(Next(a=a, b=_at(world, rng.choice(cands), rng))) if cands else None
        b = _ent(world, rng)
        c = normal(Next(a=a, b=b, neg=True))
        return c if world.seat(b) != sa and world.holds(c) else None
    if kind == "between1":
        cands = _neighbours(fr, sa)
        if len(cands) < 2:
            return None
        s1, s2 = rng.sample(cands, 2)
        return normal(Between(a=a, b=_at(world, s1, rng), c=_at(world, s2, rng), immediate=True))
    if kind == "between":
        b, c = _ent(world, rng), _ent(world, rng)
        lo, hi = sorted((world.seat(b), world.seat(c)))
        if hi - lo < 2 or (fr.layout == "rows" and lo // m != hi // m):
            return None
        x = _at(world, rng.randrange(lo + 1, hi), rng)
        return normal(Between(a=x, b=b, c=c, immediate=False))
    if kind == "gap":
        b = _ent(world, rng)
        sb = world.seat(b)
        d = abs(sa - sb)
        if fr.layout == "circle":
            d = min(d, n - d)
        if d < 2 or (fr.layout == "rows" and sa // m != sb // m):
            return None
        return normal(Gap(a=a, b=b, k=d - 1))
    if kind == "opposite":
        t = (sa + m) % n if fr.layout == "circle" else (sa + m if sa < m else sa - m)
        return normal(Opposite(a=a, b=_at(world, t, rng)))
    if kind == "not_opposite":
        b = _ent(world, rng)
        c = normal(Opposite(a=a, b=b, neg=True))
        return c if world.seat(b) != sa and world.holds(c) else None
    if kind == "facing":
        p = rng.randrange(n)
        return Facing(a=p, toward=world.facing[p])
    if kind == "same_facing":
        p, q = rng.sample(range(n), 2)
        return normal(SameFacing(a=p, b=q, same=world.facing[p] == world.facing[q]))
    if kind == "is":
        e = rng.randrange(n, world.n_ent)
        others = [x for x in world.ents_at(world.seat(e)) if x // n != e // n]
        return normal(Is(a=e, b=rng.choice(others)))
    if kind == "not_is":
        e = rng.randrange(n, world.n_ent)
        b = _ent(world, rng)
        if b // n == e // n or world.seat(b) == world.seat(e):
            return None
        return normal(Is(a=e, b=b, neg=True))
    raise ValueError(kind)


# --- questions --------------------------------------------------------------------------

QUESTION_MIX = {
    "line": {"who_at": 0.2, "who_side": 0.2, "count_between": 0.1, "pair": 0.1,
             "statement": 0.1, "arrangement": 0.3},
    "circle": {"who_side": 0.3, "count_between": 0.1, "opposite": 0.15, "pair": 0.1,
               "statement": 0.1, "arrangement": 0.25},
    "rows": {"who_at": 0.15, "who_side": 0.2, "opposite": 0.2, "count_between": 0.05,
             "pair": 0.1, "statement": 0.1, "arrangement": 0.2},
}  # fmt: skip


def _question(
    world: World, rng: random.Random, mix: dict[str, float]
) -> tuple[Question, list[Clue]] | None:
    """A question about ``world`` and its goal: clues that hold exactly when the answer does."""
    fr, n = world.fr, world.fr.n
    m = n // 2
    kind = _pick(mix, rng)
    x = rng.randrange(n)
    if kind == "who_at":
        s = rng.randrange(n)
        return Question(kind="who_at", seat=s), [At(a=world.at[s], where="seat", seat=s)]
    if kind == "who_side":
        k, side = rng.choice((1, 1, 2, 2, 3)), rng.choice(("left", "right"))
        t = world.side_target(x, k, side)
        if t is None:
            return None
        return Question(kind="who_side", a=x, k=k, side=side), [
            Side(a=world.at[t], b=x, k=k, side=side)
        ]
    if kind == "opposite":
        t = (world.seats[x] + m) % n if fr.layout == "circle" else (world.seats[x] + m) % n
        return Question(kind="opposite", a=x), [normal(Opposite(a=world.at[t], b=x))]
    if kind == "count_between":
        y = rng.randrange(n)
        sx, sy = world.seats[x], world.seats[y]
        if x == y or (fr.layout == "rows" and sx // m != sy // m):
            return None
        d = abs(sx - sy)
        if fr.layout == "circle":
            d = min(d, n - d)
        return Question(kind="count_between", a=x, b=y), [normal(Gap(a=x, b=y, k=d - 1))]
    if kind == "facing":
        return Question(kind="facing", a=x), [Facing(a=x, toward=world.facing[x])]
    if kind == "who_has":
        e = rng.randrange(n, world.n_ent)
        return Question(kind="who_has", a=e), [normal(Is(a=e, b=world.person(e)))]
    if kind == "attr_of":
        c = rng.randrange(len(world.owners))
        v = world.owners[c].index(x)
        return Question(kind="attr_of", a=x, cat=c + 1), [normal(Is(a=(c + 1) * n + v, b=x))]
    k = 0
    if kind == "arrangement" and fr.layout != "rows":
        k = int(rng.random() < 0.3) if fr.layout == "circle" or fr.mixed else int(not fr.facing0)
    q = Question(kind=kind, a=x if fr.layout == "circle" else -1, k=k)
    goal: list[Clue] = [At(a=p, where="seat", seat=world.seats[p]) for p in range(n)]
    if fr.mixed and kind != "arrangement":  # listed options may speak of facings
        goal += [Facing(a=p, toward=world.facing[p]) for p in range(n)]
    return q, goal


def _mix(world: World, variant: str, options: dict[str, Any]) -> dict[str, float]:
    mix = dict(options.get("questions") or QUESTION_MIX[world.fr.layout])
    if world.fr.mixed:
        mix.setdefault("facing", 0.15)
    if world.owners and not options.get("questions"):
        mix = {"who_has": 0.5, "attr_of": 0.5}  # so that the attributes matter
    if world.fr.layout == "circle" and world.fr.n % 2:
        mix.pop("opposite", None)
    return {k: v for k, v in mix.items() if v > 0}


# --- search -----------------------------------------------------------------------------


def _gives_away(c: Clue, goal: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether ``c`` on its own forces the answer (never allowed as a clue).

    Exact on a table of worlds; otherwise exact over the entities both mention, plus what
    propagation from that one clue (with one person per place) reaches.
    """
    if not n_cats and table_size(fr) <= TABLE_MAX:
        tab = Table(fr)
        return not _full_mask(tab, c) & _bad_mask(tab, goal)
    if len(goal) == 1 and set(entities(c)) >= set(entities(goal[0])) and implies(c, goal[0], fr):
        return True
    if fr.n > 5 or len(goal) > 1:
        return False  # one clue pins at most three people: no forcing by elimination
    d = Deducer(fr, n_cats, [c])
    dom = list(d.init)
    try:
        d.propagate(dom, 0, False)
    except Conflict:
        return True
    return d.status(goal, dom) is True


def _search_table(world, goal, kinds, rng, fr, need_split=False) -> list[Clue] | None:
    """Add clues until the goal holds in every world of the table, then drop redundant ones.

    Sets of worlds are int bitmasks over the table's rows (bit r: world r).
    """
    tab = Table(fr)
    truth = tab.row_of(world.seats, world.facing)
    bad = _bad_mask(tab, goal)  # the worlds where the goal fails
    alive = (1 << tab.size) - 1
    clues: list[Clue] = []
    masks: list[int] = []
    seen: set[Clue] = set()
    tries = 0
    while alive & bad:
        tries += 1
        if tries > 40 * fr.n + 60:
            return None
        c = _propose(world, _pick(kinds, rng), rng)
        if c is None or c in seen:
            continue
        seen.add(c)
        mask = _full_mask(tab, c)
        if not mask & bad:  # it gives the answer away on its own
            continue
        if alive & mask == alive:
            continue
        alive &= mask
        clues.append(c)
        masks.append(mask)
    assert alive >> truth & 1

    def enough(rest: list[int]) -> bool:  # no goal-breaking world comes back in
        if not rest:
            return False
        acc = masks[rest[0]]
        for j in rest[1:]:
            acc &= masks[j]
        return not acc & bad

    return _drop_redundant(clues, enough, goal, fr, 0, rng, need_split)


_MASKS: dict = {}


def _full_mask(tab: Table, c: Clue) -> int:
    """The worlds of ``tab`` where ``c`` holds, as an int bitmask (cached)."""
    key = (tab.fr, c)
    m = _MASKS.get(key)
    if m is None:
        if len(_MASKS) > 20000:
            _MASKS.clear()
        m = to_int(tab.eval(c))
        _MASKS[key] = m
    return m


def _bad_mask(tab: Table, goal: list[Clue]) -> int:
    """The worlds of ``tab`` where some clue of ``goal`` fails."""
    good = (1 << tab.size) - 1
    for g in goal:
        good &= _full_mask(tab, g)
    return good ^ ((1 << tab.size) - 1)


def _search_prop(world, goal, kinds, rng, fr, need_split=False) -> list[Clue] | None:
    """Add clues until propagation alone forces the goal, then drop redundant ones: those
    that propagation does without, or with ``need_split`` a short case analysis
    (PROVE_NODES nodes)."""
    n_cats = len(world.owners)
    s = Search(Deducer(fr, n_cats, []))
    s.dom = list(s.ded.init)
    seen: set[Clue] = set()
    tries = 0
    while s.ded.status(goal, s.dom) is not True:
        tries += 1
        if tries > 60 * fr.n * (1 + n_cats) + 60:
            return None
        c = _propose(world, _pick(kinds, rng), rng)
        if c is None or c in seen:
            continue
        seen.add(c)
        if _gives_away(c, goal, fr, n_cats):
            continue
        try:
            s.add(c)
        except Conflict:
            return None
    clues = list(s.ded.clues)
    ded = s.ded

    def enough(rest: list[int]) -> bool:  # propagation, else a short case analysis, proves it
        if ded.forced(goal, rest):
            return True
        if not need_split:
            return False
        try:
            return ded.prove(goal, log=False, budget=PROVE_NODES, clue_ids=rest)
        except Budget:
            return False

    return _drop_redundant(clues, enough, goal, fr, n_cats, rng, need_split)


def _drop_redundant(
    clues: list[Clue], enough, goal: list[Clue], fr: Frame, n_cats: int, rng, need_split: bool
) -> list[Clue] | None:
    """Drop clues, in a random order, while ``enough(indices)`` still holds.

    With ``need_split`` the kept clues must not force the goal by propagation alone (so that
    the proof needs a case split): up to DROP_ORDERS orders are tried, else None.
    """
    for _ in range(DROP_ORDERS if need_split else 1):
        keep = list(range(len(clues)))
        order = keep[:]
        rng.shuffle(order)
        for i in order:
            rest = [j for j in keep if j != i]
            if enough(rest):
                keep = rest
        out = [clues[j] for j in keep]
        if not need_split or not Deducer(fr, n_cats, out).forced(goal):
            return out
    return None


# --- draft ------------------------------------------------------------------------------


def _n_for(variant: str, level: int, rng: random.Random, n_attr: int) -> int:
    lo, hi = N_RANGE[variant]
    if n_attr:
        lo, hi = max(lo, 4), min(hi, 7 if n_attr >= 2 else 8)
    bounds = (lo - 1, *N_LEVELS[variant], hi)
    a, b = max(lo, bounds[level - 1] + 1), min(hi, bounds[level])
    if a > b:
        a, b = lo, min(hi, bounds[level])
    cands = [x for x in range(a, b + 1) if variant != "parallel_rows" or x % 2 == 0]
    return rng.choice(cands or [4])


def _attr_count(variant: str, level: int, rng: random.Random) -> int:
    if variant not in ATTR_VARIANTS:
        return 0
    if level == 3 and rng.random() < 0.3:
        return 1
    if level == 4 and rng.random() < 0.45:
        return rng.choice((1, 2, 2, 3))
    return 0


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    """One attempt at a puzzle of ``variant`` aimed at ``level``; None if it failed.

    ``options["n"]`` forces the number of people and ``options["attributes"]`` the number
    of attribute categories (0–3; ignored by the mixed-facing variants); a forced size
    keeps the planned level.
    """
    forced = "n" in options or "attributes" in options
    if "attributes" in options:
        n_attr = int(options["attributes"])
    else:  # a forced size means no attributes unless they are forced too
        n_attr = 0 if "n" in options else _attr_count(variant, level, rng)
    if variant not in ATTR_VARIANTS:
        n_attr = 0
    n_attr = max(0, min(n_attr, 3))
    n = int(options["n"]) if "n" in options else _n_for(variant, level, rng, n_attr)
    lo, hi = N_RANGE[variant]
    n = max(lo, min(hi, n))
    if variant == "parallel_rows" and n % 2:
        n += 1 if n < hi else -1
    world = _sample_world(variant, n, n_attr, rng)
    fr = world.fr
    qg = _question(world, rng, _mix(world, variant, options))
    if qg is None:
        return None
    q, goal = qg
    kinds = _kinds(world, variant)
    use_table = not n_attr and table_size(fr) <= TABLE_MAX
    need_split = level == 4 and not forced  # a level-4 proof needs a case split
    if need_split:
        kinds = {k: w * (L4_PINNING_WEIGHT if k in PINNING else 1) for k, w in kinds.items()}
    search = _search_table if use_table else _search_prop
    clues = search(world, goal, kinds, rng, fr, need_split)
    if clues is None:
        return None
    rng.shuffle(clues)
    if q.kind in ("pair", "statement"):
        q = _options(q, world, clues, rng, fr)
        if q is None:
            return None
    cats = []
    if n_attr:
        pool = data("seating/attributes.yaml")
        for k, cat in enumerate(rng.sample(pool, n_attr)):
            vals = rng.sample(cat["values"], n)
            cats.append(Category(name=cat["name"], values=vals, owner=world.owners[k]))
    spec = SeatingSpec(
        variant=variant,
        people=[f"P{i}" for i in range(n)],
        seats=world.seats,
        facing=world.facing,
        attributes=cats,
        clues=clues,
        question=q,
    )
    ded = Deducer(fr, n_attr, clues)
    try:
        proved = ded.prove(goal, budget=300 if use_table else 60)
    except Budget:
        return None
    if not proved or (need_split and not ded.splits):
        return None
    metrics = _metrics(spec, ded, use_table)
    if forced:
        metrics.update(forced_size=True, target_level=level)
    d = Draft(spec, metrics)
    d.trace = (ded.steps, goal)  # type: ignore[attr-defined]
    return d


def _options(q: Question, world: World, clues: list[Clue], rng, fr: Frame) -> Question | None:
    """Listed options for pair/statement questions: one true (not a clue), three false."""
    n = fr.n
    if q.kind == "pair":
        true, false = [], []
        for a in range(n):
            for b in range(a + 1, n):
                (true if world.holds(Next(a=a, b=b)) else false).append((a, b))
        true = [p for p in true if not _told(Next(a=p[0], b=p[1]), clues, fr, len(world.owners))]
        if not true or len(false) < 3:
            return None
        pairs = [rng.choice(true), *rng.sample(false, 3)]
        rng.shuffle(pairs)
        return q.model_copy(update={"pairs": pairs})
    kinds = _kinds(world, "")
    kinds = {k: w for k, w in kinds.items() if k not in ("is", "not_is")}
    true_c = None
    for _ in range(40):
        c = _propose(world, _pick(kinds, rng), rng)
        if (
            c is not None
            and all(e < n for e in entities(c))
            and not _told(c, clues, fr, len(world.owners))
        ):
            true_c = c
            break
    if true_c is None:
        return None
    false: list[Clue] = []
    for _ in range(200):
        if len(false) == 3:
            break
        c = _propose(world, _pick(kinds, rng), rng)
        if c is None or any(e >= n for e in entities(c)):
            continue
        c = _flip(c, world, rng)
        if c is not None and not world.holds(c) and c not in false:
            false.append(c)
    if len(false) < 3:
        return None
    opts = [true_c, *false]
    rng.shuffle(opts)
    return q.model_copy(update={"options": opts})


def _told(fact: Clue, clues: list[Clue], fr: Frame, n_cats: int = 0) -> bool:
    """Whether one clue alone already says ``fact`` (so it would hand over the answer)."""
    return any(c == fact or _gives_away(c, [fact], fr, n_cats) for c in clues)


def _flip(c: Clue, world: World, rng: random.Random) -> Clue | None:
    """A false variant of a true clue."""
    k = c.kind
    if hasattr(c, "neg"):
        return c.model_copy(update={"neg": not c.neg})
    if k == "order":
        return Order(a=c.b, b=c.a)
    if k == "gap":
        return c.model_copy(update={"k": c.k + rng.choice((-1, 1)) if c.k > 1 else c.k + 1})
    if k == "between":
        return c.model_copy(update={"immediate": not c.immediate}) if not c.immediate else None
    if k == "facing":
        return c.model_copy(update={"toward": not c.toward})
    if k == "same_facing":
        return c.model_copy(update={"same": not c.same})
    return None


def _metrics(spec: SeatingSpec, ded: Deducer, table: bool) -> dict[str, Any]:
    n = spec.n
    fr = ded.fr
    kinds = [c.kind for c in spec.clues]
    rel = sum(k not in ABSOLUTE and k != "is" for k in kinds)
    absolute = sum(k in ABSOLUTE for k in kinds)
    space = math.log2(table_size(fr)) + len(spec.attributes) * math.log2(math.factorial(n))
    return {
        "variant": spec.variant,
        "n_people": n,
        "n_attributes": len(spec.attributes),
        "n_clues": len(spec.clues),
        "question": spec.question.kind,
        "log2_search_space": round(space, 3),
        "clues_per_person": round(len(spec.clues) / n, 3),
        "relative_share": round(rel / max(rel + absolute, 1), 3),
        "case_splits": ded.splits,
        "deduction_depth": ded.max_depth,
        "search": "table" if table else "propagation",
    }


# --- rendering --------------------------------------------------------------------------

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")  # fmt: skip
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve")  # fmt: skip


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Renderer:
    """Words for one puzzle: the setting, people's names and attribute references."""

    def __init__(self, spec: SeatingSpec, ctx: dict, rng: random.Random):
        self.spec, self.ctx, self.rng = spec, ctx, rng
        self.order = ctx["layouts"] == ["order"]
        self.bank = data("seating/phrases.yaml")["order" if self.order else "seat"]
        self.cats = {c["name"]: c for c in data("seating/attributes.yaml")}
        self.n = spec.n
        self.fr = Frame(spec.n, spec.layout, spec.mixed, spec.facing[0])
        self._refs: dict[int, str] = {}

    def ref(self, e: int) -> str:
        if e < self.n:
            return self.spec.people[e]
        t = self._refs.get(e)
        if t is None:
            cat = self.spec.attributes[e // self.n - 1]
            t = render_string(self.cats[cat.name]["ref"], v=cat.values[e % self.n])
            self._refs[e] = t
        return t

    def dir_word(self, toward: bool) -> str:
        if self.spec.layout == "circle":
            return "the centre" if toward else "outward"
        return "north" if toward else "south"

    def pos(self, s: int, style: int = 0) -> str:
        """A place in words, as the puzzle's people would say it."""
        n, spec = self.n, self.spec
        if self.order:
            return render_string(self.ctx["pos"], s=s, n=n, ord=ORDINALS[s])
        if spec.layout == "rows":
            m = n // 2
            row = "north" if s < m else "south"
            return f"{ORDINALS[s % m]} from the west end of the {row} {self.ctx['row']}"
        if spec.layout == "circle":
            return f"seat {s}"
        if spec.mixed:
            if style and n - s <= s + 1:
                return f"{ORDINALS[n - 1 - s]} from the east end"
            return f"{ORDINALS[s]} from the west end"
        left = s if spec.facing[0] else n - 1 - s
        if style and n - left <= left + 1:
            return f"{ORDINALS[n - 1 - left]} from the right end"
        return f"{ORDINALS[left]} from the left end"

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
                f"Only relative places matter at a round table, so call {spec.people[0]}'s seat "
                "seat 0 and number the seats clockwise (seen from above)."
            )
        if spec.layout == "rows":
            return "Number the places of each row 1, 2, ... from the west end."
        hint = ""
        if not spec.mixed:
            hint = " (from their left)" if spec.facing[0] else " (from their right)"
        return f"Number the places 1 to {self.n} from the west end{hint}."

    def phrase(self, key: str, **kw: Any) -> str:
        opts = self.bank[key]
        return render_string(opts[self.rng.randrange(len(opts))], v=self.ctx, **kw)

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
            cat = self.spec.attributes[val // n - 1]
            t = self.cats[cat.name]["is_not" if c.neg else "is"]
            return _cap(render_string(t, s=r(s), v=cat.values[val % n]))
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
            if c.where == "seat":
                return self.phrase(
                    neg + "at_seat", a=r(c.a), pos=self.pos(c.seat, self.rng.randrange(2))
                )
            if c.where == "middle":
                return self.phrase(neg + "middle", a=r(c.a))
            return self.phrase(neg + "row", a=r(c.a), r="north" if c.seat == 0 else "south")
        if k == "side":
            their = "their" if c.b >= self.n else f"{r(c.b)}'s"
            key = neg + ("side1" if c.k == 1 else "sidek")
            return self.phrase(
                key, a=r(c.a), b=r(c.b), side=c.side, kth=ORDINALS[c.k - 1], b_their=their
            )
        if k == "order":
            side = "left" if self.spec.facing[0] else "right"
            return self.phrase("order", a=r(c.a), b=r(c.b), side=side)
        if k == "next":
            return self.phrase(neg + "next", a=r(c.a), b=r(c.b))
        if k == "between":
            return self.phrase(
                "between1" if c.immediate else "between", a=r(c.a), b=r(c.b), c=r(c.c)
            )
        if k == "gap":
            key = "circle_gap" if lay == "circle" else "gap"
            return self.phrase(key, a=r(c.a), b=r(c.b), k=c.k, kw=NUMBERS[c.k])
        if k == "opposite":
            return self.phrase(neg + "opposite", a=r(c.a), b=r(c.b))
        if k == "facing":
            return self.phrase("facing", a=r(c.a), dir=self.dir_word(c.toward))
        if k == "same_facing":
            return self.phrase("same_facing" if c.same else "diff_facing", a=r(c.a), b=r(c.b))
        raise ValueError(k)

    def _order_clue(self, c: Clue) -> str:
        r, k, v = self.ref, c.kind, self.ctx
        neg = "not_" if getattr(c, "neg", False) else ""
        if k == "at":
            if c.where == "end":
                return self.phrase(neg + "at_end", a=r(c.a))
            if c.where == "seat":
                return self.phrase(neg + "at_seat", a=r(c.a), pos=self.pos(c.seat))
            return self.phrase(neg + "middle", a=r(c.a))
        if k == "side":
            rel = v["before"] if c.side == "left" else v["after"]
            key = neg + ("side1" if c.k == 1 else "sidek")
            return self.phrase(key, a=r(c.a), b=r(c.b), rel=rel, k=c.k, kw=NUMBERS[c.k])
        if k == "order":
            return self.phrase("order", a=r(c.a), b=r(c.b), rel=v["before"])
        if k in ("next", "gap"):
            between = render_string(v["between"], a=r(c.a), b=r(c.b))
            v2 = {**v, "between_ab": between}
            opts = self.bank[neg + k]
            t = opts[self.rng.randrange(len(opts))]
            kk = getattr(c, "k", 0)
            return render_string(t, v=v2, a=r(c.a), b=r(c.b), k=kk, kw=NUMBERS[kk])
        if k == "between":
            between = render_string(v["between"], a=r(c.b), b=r(c.c))
            opts = self.bank["between1" if c.immediate else "between"]
            t = opts[self.rng.randrange(len(opts))]
            return render_string(t, v={**v, "between_bc": between}, a=r(c.a), b=r(c.b), c=r(c.c))
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


def finalize(d: Draft, ctx: RenderContext) -> Final:
    """Name the people, render question and solution, build answer and distractors."""
    spec: SeatingSpec = d.spec  # type: ignore[assignment]
    rng = ctx.rng
    pinned = list(ctx.pin.get("names") or [])[: spec.n]
    fresh = [x for x in ctx.names if x not in pinned]
    names = pinned + rng.sample(fresh, spec.n - len(pinned))
    spec = spec.model_copy(update={"people": names})
    c = _context(spec, ctx)
    words = dict(c)
    intro_src = c.get(f"intro_{spec.layout}", c.get("intro"))
    r = Renderer(spec, words, rng)
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
    steps, goal = getattr(d, "trace", (None, None)) or (None, None)
    solution = _solution(spec, r, answer, wmap, steps, goal)
    return Final(
        spec,
        answer,
        distractors,
        question,
        solution,
        f"seating/{c['id']}",
        wmap,
        {"template": c["id"]},
    )


def _question_text(spec: SeatingSpec, r: Renderer) -> str:
    q, lay, n = spec.question, spec.layout, spec.n
    p, v = spec.people, r.ctx
    k = q.kind
    if k == "who_at":
        return (
            f"Who {v['verb']} {r.pos(q.seat)}?"
            if r.order
            else f"Who {v['sits']} {r.pos(q.seat, 1)}?"
        )
    if k == "who_side":
        if r.order:
            rel = v["before"] if q.side == "left" else v["after"]
            if q.k == 1:
                return f"Who {v['verb']} immediately {rel} {p[q.a]}?"
            return f"Who {v['verb']} exactly {NUMBERS[q.k]} {v['unit']} {rel} {p[q.a]}?"
        where = "immediately" if q.k == 1 else ORDINALS[q.k - 1]
        return f"Who {v['sits']} {where} to the {q.side} of {p[q.a]}?"
    if k == "opposite":
        return f"Who {v['sits']} directly opposite {p[q.a]}?"
    if k == "count_between":
        if r.order:
            return f"How many people are {render_string(v['between'], a=p[q.a], b=p[q.b])}?"
        extra = " (counting the shorter way round the table)" if lay == "circle" else ""
        return f"How many people {v['sit']} between {p[q.a]} and {p[q.b]}{extra}?"
    if k == "pair":
        where = v["in_seq"] if r.order else ""
        return f"Which of these pairs are next to each other{(' ' + where) if where else ''}? Answer with the pair."
    if k == "statement":
        return "Which one of the following statements must be true? Answer with the statement."
    if k == "facing":
        a, b = ("the centre", "outward") if lay == "circle" else ("north", "south")
        return f"Which way does {p[q.a]} face: {a} or {b}?"
    if k == "who_has":
        cat = spec.attributes[q.a // n - 1]
        return render_string(r.cats[cat.name]["who"], v=cat.values[q.a % n])
    if k == "attr_of":
        cat = spec.attributes[q.cat - 1]
        return render_string(r.cats[cat.name]["what"], p=p[q.a])
    # arrangement
    if r.order:
        return f"List everyone in order, {v['list']}."
    if lay == "circle":
        way = "clockwise" if q.k == 0 else "anticlockwise"
        return (
            f"Starting with {p[q.a]} and going {way} (as seen from above), list everyone around the "
            f"{v['row']}."
        )
    if lay == "rows":
        return f"List the north {v['row']} from west to east, then the south {v['row']} from west to east."
    if spec.mixed:
        return f"List everyone from the {'west' if q.k == 0 else 'east'} end to the {'east' if q.k == 0 else 'west'} end."
    left_first = (q.k == 0) == spec.facing[0]
    return f"List everyone from the {'left' if left_first else 'right'} end to the {'right' if left_first else 'left'} end."


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
    world_at = {s: names[i] for i, s in enumerate(spec.seats)}
    want = max(k - 1, 1)
    if q.kind == "arrangement":
        seq = _arrangement(spec)
        ans = Answer(type="sequence", value=seq, space=list(names))
        out, seen = [], {ans.key()}
        for _ in range(60):
            if len(out) >= want:
                break
            alt = list(seq)
            i, j = rng.sample(range(1 if spec.layout == "circle" else 0, n), 2)
            alt[i], alt[j] = alt[j], alt[i]
            a = Answer(type="sequence", value=alt, space=list(names))
            if a.key() not in seen:
                seen.add(a.key())
                out.append(a)
        return ans, out, {}, []
    if q.kind in ("who_at", "who_side", "opposite", "who_has"):
        if q.kind == "who_at":
            v = world_at[q.seat]
        else:
            goal = _goal_person(spec)
            v = names[goal]
        space = list(names)
        wrong = [x for x in space if x != v and (q.kind != "who_side" or x != names[q.a])]
        wrong = [x for x in wrong if q.kind not in ("opposite",) or x != names[q.a]]
        rng.shuffle(wrong)
        return (
            Answer(type="label", value=v, space=space),
            [Answer(type="label", value=x, space=space) for x in wrong[:want]],
            {},
            [],
        )
    if q.kind == "attr_of":
        cat = spec.attributes[q.cat - 1]
        v = cat.values[cat.owner.index(q.a)]
        wrong = [x for x in cat.values if x != v]
        rng.shuffle(wrong)
        space = list(cat.values)
        return (
            Answer(type="label", value=v, space=space),
            [Answer(type="label", value=x, space=space) for x in wrong[:want]],
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
        wrong = [x for x in space if x != v]
        rng.shuffle(wrong)
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


def _goal_person(spec: SeatingSpec) -> int:
    q, n = spec.question, spec.n
    fr = Frame(n, spec.layout, spec.mixed, spec.facing[0])
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


def _solution(spec: SeatingSpec, r: Renderer, answer: Answer, words: dict, steps, goal) -> str:
    """The step-by-step derivation (from the propagation solver), ending in the answer."""
    fr = r.fr
    if steps is None:
        qg_goal = goal
        ded = Deducer(fr, len(spec.attributes), list(spec.clues))
        if qg_goal is None:
            raise AssertionError("no goal for the solution trace")
        if not ded.prove(qg_goal, budget=400):
            raise AssertionError("solution trace does not reach the proven answer")
        steps = ded.steps
    lines = [r.numbering()]
    one = f"the fact that each {'position' if r.order else 'place'} holds one person"
    done: set[tuple[int, int]] = set()
    for st in steps:
        pad = "  " * st.depth
        if st.kind == "derive":
            if (st.entity, st.dom) in done:
                continue
            txt = _dom_text(spec, r, st.entity, st.dom)
            if txt is None:
                continue
            done.add((st.entity, st.dom))
            src = f"clue {st.source + 1}" if st.source >= 0 else one
            lines.append(f"{pad}From {src}: {txt}.")
        elif st.kind == "split":
            opts = " or ".join(_part_text(spec, r, st.entity, u) for u in st.options)
            lines.append(
                f"{pad}No clue decides more now, so try each case for {r.ref(st.entity)}: {opts}."
            )
        elif st.kind == "assume":
            lines.append(
                f"{pad}Suppose {r.ref(st.entity)} is {_part_text(spec, r, st.entity, st.dom)}."
            )
            done = set()
        elif st.kind == "contradiction":
            src = f"clue {st.source + 1}" if st.source >= 0 else "the rule of one person per place"
            lines.append(f"{pad}This breaks {src}: a contradiction, so this case is impossible.")
        elif st.kind == "holds":
            if st.depth and goal is not None and len(goal) == 1:
                lines.append(f"{pad}In this case: {r.clue(goal[0])}.")
            elif st.depth:
                lines.append(f"{pad}In this case everyone's place is fixed.")
            else:
                lines.append("This settles the question.")
    q = spec.question
    if q.kind in ("who_has", "attr_of"):  # tie the places back to the asked link
        e = q.a if q.kind == "who_has" else q.cat * spec.n
        cat = spec.attributes[e // spec.n - 1]
        if q.kind == "who_has":
            who, val = str(answer.value), cat.values[q.a % spec.n]
        else:
            who, val = spec.people[q.a], str(answer.value)
        link = render_string(r.cats[cat.name]["is"], s=who, v=val)
        where = "position" if r.order else "place"
        lines.append(f"Both are in the same {where}, so {link}.")
    lines.append(f"Answer: {answer.text(words)}")
    return "\n".join(lines)


def _part_text(spec: SeatingSpec, r: Renderer, e: int, part: int) -> str:
    """One case of a split: a place (with a facing when only one is left)."""
    s, f = divmod(part.bit_length() - 1, 2)
    t = f"in {r.place(s)}"
    if spec.mixed and e < spec.n and part & (part - 1) == 0:
        t += f", facing {r.dir_word(bool(f))}"
    return t


def _dom_text(spec: SeatingSpec, r: Renderer, e: int, d: int) -> str | None:
    seats = sorted({u // 2 for u in range(2 * spec.n) if d >> u & 1})
    if len(seats) > 3:
        return None
    facings = {u % 2 for u in range(2 * spec.n) if d >> u & 1}
    who = r.ref(e)
    where = [r.place(s) for s in seats]
    t = f"{who} is in " + " or ".join(where)
    if spec.mixed and e < spec.n and len(facings) == 1:
        t += f", facing {r.dir_word(bool(next(iter(facings))))}"
    return _cap(t)


from .seating_augment import TRANSFORMS, mislabel  # noqa: E402, F401  (the data-quality contract)

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
