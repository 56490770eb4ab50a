"""Exact reasoning over truth-teller specs without Z3.

Two independent views, both cheaper than a solver call, both cross-checked against Z3
in the tests:

- :class:`Worlds` (from :mod:`verifiers.truth_teller.worlds`) enumerates every world at
  once as bitmasks. This is the generator's search engine.
- :class:`Deducer` is a simple propagation solver over role domains with case splits. It
  measures ``deduction_depth`` (how many case splits a person needs) and records the
  steps that become the human-readable solution.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifiers.truth_teller.spec import Expr, TruthTellerSpec
from verifiers.truth_teller.worlds import Worlds

__all__ = ["Deducer", "Step", "TooLong", "Worlds"]


# --- propagation solver -------------------------------------------------------------

T, F, U = 1, 0, -1
# A domain is a small int: one bit per role, in alphabetical order, so that iterating the
# bits upwards visits roles in sorted order (the order the solver tries cases in).
BIT = {"knave": 1, "knight": 2, "normal": 4}
ROLE_OF = {b: r for r, b in BIT.items()}
KNAVE, KNIGHT = BIT["knave"], BIT["knight"]


def _bits(d: int) -> list[int]:
    """The single-role bits of domain ``d``, in sorted role order."""
    return [b for b in (1, 2, 4) if d & b]


def _names(d: int) -> list[str]:
    return [ROLE_OF[b] for b in _bits(d)]


class TooLong(Exception):
    """The derivation outgrew its step budget: no person could follow it."""


class Conflict(Exception):
    """A domain became empty or a required truth value cannot hold."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def settled(cur: int, v: int) -> bool:
    """True when a closure's value ``cur`` is already known, which must then be ``v``.

    A force closure returns at once when its expression is settled; a settled value other
    than the one forced raises :class:`Conflict`.
    """
    if cur == U:
        return False
    if cur != v:
        raise Conflict("value")
    return True


@dataclass
class Step:
    """One line of the derivation: what was used and what it gave."""

    kind: str  # derive | assume | contradiction | conclude
    depth: int
    source: int  # statement index, -1 - fact index, or -999 for none
    person: int = -1
    role: str = ""
    note: str = ""


def restrict(dom: list[int], p: int, keep: int, changed: list[int]) -> None:
    new = dom[p] & keep
    if new != dom[p]:
        if not new:
            raise Conflict(f"p{p}")
        dom[p] = new
        changed.append(p)


def said(speaker: int, ev, fo, dom: list[int], changed: list[int]) -> None:
    """A statement: a settled claim settles whether its speaker is a knight or a knave, and
    a knight's (knave's) claim is forced true (false)."""
    val = ev(dom)
    if val == T:
        restrict(dom, speaker, ~KNAVE, changed)
    elif val == F:
        restrict(dom, speaker, ~KNIGHT, changed)
    d = dom[speaker]
    if d == KNIGHT:
        fo(T, dom, changed)
    elif d == KNAVE:
        fo(F, dom, changed)


def junction(kind: str, subs: list):
    """(eval, force) closures of ``and`` / ``or`` over its parts' (eval, force) closures."""
    evs = [s[0] for s in subs]
    whole = T if kind == "and" else F  # the value that forces every argument
    other = 1 - whole

    def ev(dom):
        res = whole
        for f in evs:
            v = f(dom)
            if v == other:
                return other
            if v == U:
                res = U
        return res

    def fo(v, dom, changed):
        if settled(ev(dom), v):
            return
        if v == whole:
            for _, f in subs:
                f(whole, dom, changed)
        else:
            open_ = [f for g, f in subs if g(dom) == U]
            if len(open_) == 1:
                open_[0](v, dom, changed)

    return ev, fo


def compile_claim(e: Expr, full: int, people: set[int]):
    """(eval, force) closures for ``e``; collects the people it mentions into ``people``.

    ``eval(dom)`` is T, F or U under domains ``dom``; ``force(v, dom, changed)`` narrows
    domains so that ``e`` can only take value ``v`` (raising :class:`Conflict` if it
    cannot), appending every narrowed person to ``changed``.
    """
    k = e.kind
    if k == "is":
        p, bit = e.person, BIT[e.role]
        people.add(p)
        off = full & ~bit

        def ev(dom):
            d = dom[p]
            return T if d == bit else (F if not d & bit else U)

        def fo(v, dom, changed):
            d = dom[p]
            cur = T if d == bit else (F if not d & bit else U)
            if cur != U:
                if cur != v:
                    raise Conflict("value")
                return
            restrict(dom, p, bit if v == T else off, changed)

        return ev, fo
    if k == "not":
        ev_a, fo_a = compile_claim(e.arg, full, people)

        def ev(dom):
            v = ev_a(dom)
            return U if v == U else 1 - v

        def fo(v, dom, changed):
            a = ev_a(dom)
            if a != U:
                if 1 - a != v:
                    raise Conflict("value")
                return
            fo_a(1 - v, dom, changed)

        return ev, fo
    if k in ("and", "or"):
        return junction(k, [compile_claim(a, full, people) for a in e.args])
    if k in ("implies", "iff"):
        ev_a, fo_a = compile_claim(e.a, full, people)
        ev_b, fo_b = compile_claim(e.b, full, people)
        if k == "implies":

            def ev(dom):
                a, b = ev_a(dom), ev_b(dom)
                if a == F or b == T:
                    return T
                return F if (a == T and b == F) else U

            def fo(v, dom, changed):
                if settled(ev(dom), v):
                    return
                a, b = ev_a(dom), ev_b(dom)
                if v == F:
                    fo_a(T, dom, changed)
                    fo_b(F, dom, changed)
                elif a == T:
                    fo_b(T, dom, changed)
                elif b == F:
                    fo_a(F, dom, changed)

            return ev, fo

        def ev(dom):
            a, b = ev_a(dom), ev_b(dom)
            return U if (a == U or b == U) else int(a == b)

        def fo(v, dom, changed):
            a, b = ev_a(dom), ev_b(dom)
            if a != U and b != U:
                if int(a == b) != v:
                    raise Conflict("value")
                return
            if a != U:
                fo_b(a if v == T else 1 - a, dom, changed)
            elif b != U:
                fo_a(b if v == T else 1 - b, dom, changed)

        return ev, fo
    if k == "count":
        ps, bit, kk, op = tuple(e.people), BIT[e.role], e.k, e.op
        people.update(ps)
        off = full & ~bit
        lo, hi = {"exactly": (kk, kk), "at_least": (kk, 10**9), "at_most": (0, kk)}[op]
        m = len(ps)
        everyone = ps == tuple(range(m))
        # Bounds a forced value must meet: (lo, hi) for True, for False (None: no rule).
        if_t = {"exactly": (kk, kk), "at_least": (kk, m), "at_most": (0, kk)}[op]
        if_f = {"exactly": None, "at_least": (0, kk - 1), "at_most": (kk + 1, m)}[op]

        # Domains without the role: with all people counted, list.count does the loop in C.
        without = [d for d in range(1, 8) if d & full == d and not d & bit]

        def ev(dom):
            if len(dom) == m and everyone:
                yes = dom.count(bit)
                can = m
                for d in without:
                    can -= dom.count(d)
            else:
                yes = can = 0
                for p in ps:
                    d = dom[p]
                    if d & bit:
                        can += 1
                        if d == bit:
                            yes += 1
            if yes >= lo and can <= hi:
                return T
            if can < lo or yes > hi:
                return F
            return U

        def fo(v, dom, changed):
            if settled(ev(dom), v):
                return
            bounds = if_t if v == T else if_f
            if bounds is None:
                return
            yes = 0
            maybe = []
            for p in ps:
                d = dom[p]
                if d == bit:
                    yes += 1
                elif d & bit:
                    maybe.append(p)
            if yes == bounds[1]:
                for p in maybe:
                    restrict(dom, p, off, changed)
            elif yes + len(maybe) == bounds[0]:
                for p in maybe:
                    restrict(dom, p, bit, changed)

        return ev, fo
    if k == "same":
        pa, pb, same = e.a, e.b, e.same
        people.update((pa, pb))

        def ev(dom):
            da, db = dom[pa], dom[pb]
            if da == db and not da & (da - 1):
                return int(same)
            if not da & db:
                return int(not same)
            return U

        def fo(v, dom, changed):
            if settled(ev(dom), v):
                return
            da, db = dom[pa], dom[pb]
            if (v == T) == same:
                restrict(dom, pa, db, changed)
                restrict(dom, pb, dom[pa], changed)
            else:
                if not da & (da - 1):
                    restrict(dom, pb, full & ~da, changed)
                if not db & (db - 1):
                    restrict(dom, pa, full & ~db, changed)

        return ev, fo
    raise ValueError(f"unknown expression kind {k!r}")


class Deducer:
    """Domain propagation with case splits over a truth-teller spec.

    Domains are role bitmasks. Each fact and statement is compiled once into closures,
    and a pass only revisits the clauses (facts, then statements, in order) that mention
    a person whose domain changed since the clause last ran: a clause whose people are
    unchanged would change nothing, so the derivation is the same as re-running every
    clause on every pass.
    """

    def __init__(self, spec: TruthTellerSpec, max_steps: int = 0):
        self.spec = spec
        self.max_steps = max_steps  # 0: unbounded; else raise TooLong past this many steps
        self.splits = 0
        self.max_nesting = 0
        self.steps: list[Step] = []
        n = len(spec.people)
        full = 0
        for r in spec.roles:
            full |= BIT[r]
        self.full = full
        self._clauses = []  # (source, speaker or -1 for a fact, eval, force)
        self._watch = [0] * n  # person -> bitmask of the clauses that mention them
        for fi, f in enumerate(spec.facts):
            people: set[int] = set()
            ev, fo = compile_claim(f, full, people)
            self._add(-1 - fi, -1, ev, fo, people)
        for si, s in enumerate(spec.statements):
            people = {s.speaker}
            ev, fo = compile_claim(s.claim, full, people)
            self._add(si, s.speaker, ev, fo, people)
        mentions = [0] * n
        for s in spec.statements:
            mentions[s.speaker] += 1
        self._mentions = mentions

    def _add(self, source: int, speaker: int, ev, fo, people: set[int]) -> None:
        c = len(self._clauses)
        self._clauses.append((source, speaker, ev, fo))
        for p in people:
            self._watch[p] |= 1 << c

    def propagate(self, dom: list[int], depth: int, log: bool, dirty: int = -1) -> None:
        """Apply facts and statements to a fixpoint; raise :class:`Conflict` on contradiction.

        ``dirty`` is the bitmask of clauses to (re)run; -1 means all of them. A pass runs
        the dirty clauses in order; a change marks the clauses that watch the person.
        """
        clauses, watch = self._clauses, self._watch
        dirty &= (1 << len(clauses)) - 1
        progress = True
        while progress:
            progress = False
            above = dirty  # dirty clauses not yet reached in this pass
            while above:
                low = above & -above
                c = low.bit_length() - 1
                dirty ^= low
                src, spk, ev, fo = clauses[c]
                changed: list[int] = []
                try:
                    if spk < 0:
                        fo(T, dom, changed)
                    else:
                        said(spk, ev, fo, dom, changed)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, src))
                    raise
                if changed:
                    progress = True
                    for p in changed:
                        dirty |= watch[p]
                    if log:
                        self._derived(depth, src, changed, dom)
                above = dirty & ~((low << 1) - 1)

    def _derived(self, depth: int, source: int, changed: list[int], dom: list[int]) -> None:
        for p in dict.fromkeys(changed):
            d = dom[p]
            if not d & (d - 1):
                self.steps.append(Step("derive", depth, source, p, ROLE_OF[d]))
            else:
                self.steps.append(Step("derive", depth, source, p, "|".join(_names(d)), "not"))

    def _refute(self, dom: list[int], depth: int, log: bool, dirty: int) -> bool:
        """True when every completion of ``dom`` leads to a contradiction."""
        if self.max_steps and (len(self.steps) > self.max_steps or self.splits > self.max_steps):
            raise TooLong(f"more than {self.max_steps} steps")
        try:
            self.propagate(dom, depth, log, dirty)
        except Conflict:
            return True
        open_ = [i for i, d in enumerate(dom) if d & (d - 1)]
        if not open_:
            return False
        self.splits += 1
        self.max_nesting = max(self.max_nesting, depth + 1)
        p = self._pick(open_)
        for b in _bits(dom[p]):
            trial = dom[:]
            trial[p] = b
            if log:
                self.steps.append(Step("assume", depth + 1, -999, p, ROLE_OF[b]))
            if not self._refute(trial, depth + 1, log, self._watch[p]):
                return False
        return True

    def _pick(self, open_: list[int]) -> int:
        """Split on the open person mentioned in the most statements (ties: lowest index)."""
        mentions = self._mentions
        return max(open_, key=lambda p: (mentions[p], -p))

    def solve(self, targets: list[int], log: bool = True) -> list[set[str]]:
        """Derive the roles of ``targets`` from the truth, refuting every other role by cases.

        Returns each person's remaining roles.
        """
        spec = self.spec
        dom = [self.full] * len(spec.people)
        self.propagate(dom, 0, log)
        for p in targets:
            while dom[p] & (dom[p] - 1):
                true_bit = BIT[spec.truth[p]]
                b = next(b for b in _bits(dom[p]) if b != true_bit)
                r = ROLE_OF[b]
                trial = dom[:]
                trial[p] = b
                self.splits += 1
                self.max_nesting = max(self.max_nesting, 1)
                if log:
                    self.steps.append(Step("assume", 1, -999, p, r))
                if not self._refute(trial, 1, log, self._watch[p]):
                    raise Conflict(f"cannot refute p{p}={r}: the answer is not forced")
                if log:
                    self.steps.append(Step("conclude", 0, -999, p, r))
                dom[p] &= ~b
                self.propagate(dom, 0, log, self._watch[p])
        return [set(_names(d)) for d in dom]
