"""Exact reasoning over truth-teller specs without Z3.

Two independent views, both cheaper than a solver call, both cross-checked against Z3
in the tests:

- :class:`Worlds` enumerates every world at once as bitmasks. Bit ``w`` of a Python
  integer stands for world ``w`` (role index of person ``i`` is digit ``i`` of ``w`` in
  base ``len(roles)``), so a statement's truth table is one integer and adding a clue is
  one AND. This is the generator's search engine.
- :class:`Deducer` is a simple propagation solver over role domains with case splits. It
  measures ``deduction_depth`` (how many case splits a person needs) and records the
  steps that become the human-readable solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from verifiers.specs.truth_teller import Expr, Statement, TruthTellerSpec


@lru_cache(maxsize=64)
def _role_masks(n: int, n_roles: int) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """(ALL, masks[i][r]): worlds where person i has role index r."""
    total = n_roles**n
    full = (1 << total) - 1
    masks = []
    for i in range(n):
        block = n_roles ** (i + 1)
        width = n_roles**i
        rep = full // ((1 << block) - 1)  # a 1 at the start of every block
        row = []
        for r in range(n_roles):
            unit = ((1 << width) - 1) << (r * width)
            row.append(unit * rep)
        masks.append(tuple(row))
    return full, tuple(masks)


class Worlds:
    """All worlds of ``n`` people over ``roles`` as bitmasks."""

    def __init__(self, n: int, roles: tuple[str, ...]):
        self.n, self.roles = n, roles
        self.rindex = {r: k for k, r in enumerate(roles)}
        self.full, self.masks = _role_masks(n, len(roles))
        self._counts: dict[tuple, list[int]] = {}

    def role(self, i: int, role: str) -> int:
        return self.masks[i][self.rindex[role]] if role in self.rindex else 0

    def _count_masks(self, people: tuple[int, ...], role: str) -> list[int]:
        key = (people, role)
        if key not in self._counts:
            cnt = [self.full]
            for p in people:
                m = self.role(p, role)
                nm = self.full ^ m
                new = [c & nm for c in cnt] + [0]
                for k, c in enumerate(cnt):
                    new[k + 1] |= c & m
                cnt = new
            self._counts[key] = cnt
        return self._counts[key]

    def table(self, e: Expr) -> int:
        """Truth table of ``e``: the set of worlds where it holds."""
        k = e.kind
        if k == "is":
            return self.role(e.person, e.role)
        if k == "not":
            return self.full ^ self.table(e.arg)
        if k == "and":
            t = self.full
            for a in e.args:
                t &= self.table(a)
            return t
        if k == "or":
            t = 0
            for a in e.args:
                t |= self.table(a)
            return t
        if k == "implies":
            return (self.full ^ self.table(e.a)) | self.table(e.b)
        if k == "iff":
            return self.full ^ (self.table(e.a) ^ self.table(e.b))
        if k == "count":
            cnt = self._count_masks(tuple(e.people), e.role)
            if e.op == "exactly":
                return cnt[e.k] if e.k < len(cnt) else 0
            if e.op == "at_least":
                t = 0
                for c in cnt[e.k :]:
                    t |= c
                return t
            t = 0
            for c in cnt[: e.k + 1]:
                t |= c
            return t
        if k == "same":
            eq = 0
            for r in self.roles:
                eq |= self.role(e.a, r) & self.role(e.b, r)
            return eq if e.same else self.full ^ eq
        raise ValueError(f"unknown expression kind {k!r}")

    def allowed(self, s: Statement) -> int:
        """Worlds consistent with speaker ``s.speaker`` making statement ``s``."""
        t = self.table(s.claim)
        i = s.speaker
        out = (self.role(i, "knight") & t) | (self.role(i, "knave") & (self.full ^ t))
        return out | self.role(i, "normal")

    def solutions(self, spec: TruthTellerSpec) -> int:
        m = self.full
        for f in spec.facts:
            m &= self.table(f)
        for s in spec.statements:
            m &= self.allowed(s)
        return m

    def decode(self, w: int) -> list[str]:
        b = len(self.roles)
        return [self.roles[(w // b**i) % b] for i in range(self.n)]

    def index(self, world: list[str]) -> int:
        b = len(self.roles)
        return sum(self.rindex[r] * b**i for i, r in enumerate(world))


# --- propagation solver -------------------------------------------------------------

T, F, U = 1, 0, -1


class Conflict(Exception):
    """A domain became empty or a required truth value cannot hold."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


@dataclass
class Step:
    """One line of the derivation: what was used and what it gave."""

    kind: str  # derive | assume | contradiction | conclude
    depth: int
    source: int  # statement index, -1 - fact index, or -999 for none
    person: int = -1
    role: str = ""
    note: str = ""


@dataclass
class Deducer:
    """Domain propagation with case splits over a truth-teller spec."""

    spec: TruthTellerSpec
    splits: int = 0
    max_nesting: int = 0
    steps: list[Step] = field(default_factory=list)

    def _eval(self, e: Expr, dom: list[set]) -> int:
        k = e.kind
        if k == "is":
            d = dom[e.person]
            return T if d == {e.role} else (F if e.role not in d else U)
        if k == "not":
            v = self._eval(e.arg, dom)
            return U if v == U else 1 - v
        if k in ("and", "or"):
            vals = [self._eval(a, dom) for a in e.args]
            if k == "and":
                return F if F in vals else (T if all(v == T for v in vals) else U)
            return T if T in vals else (F if all(v == F for v in vals) else U)
        if k == "implies":
            a, b = self._eval(e.a, dom), self._eval(e.b, dom)
            if a == F or b == T:
                return T
            return F if (a == T and b == F) else U
        if k == "iff":
            a, b = self._eval(e.a, dom), self._eval(e.b, dom)
            return U if U in (a, b) else int(a == b)
        if k == "count":
            yes = sum(dom[p] == {e.role} for p in e.people)
            can = sum(e.role in dom[p] for p in e.people)
            lo_ok = {"exactly": (e.k, e.k), "at_least": (e.k, 10**9), "at_most": (0, e.k)}[e.op]
            lo, hi = lo_ok
            if yes >= lo and can <= hi:
                return T
            if can < lo or yes > hi:
                return F
            return U
        if k == "same":
            da, db = dom[e.a], dom[e.b]
            if len(da) == 1 and da == db:
                return int(e.same)
            if not (da & db):
                return int(not e.same)
            return U
        raise ValueError(k)

    def _restrict(self, dom: list[set], p: int, keep: set, changed: list) -> None:
        new = dom[p] & keep
        if new != dom[p]:
            if not new:
                raise Conflict(f"p{p}")
            dom[p] = new
            changed.append(p)

    def _force(self, e: Expr, v: int, dom: list[set], changed: list) -> None:
        """Narrow domains so that ``e`` can only take value ``v``."""
        cur = self._eval(e, dom)
        if cur != U:
            if cur != v:
                raise Conflict("value")
            return
        k = e.kind
        if k == "is":
            keep = {e.role} if v == T else set(self.spec.roles) - {e.role}
            self._restrict(dom, e.person, keep, changed)
        elif k == "not":
            self._force(e.arg, 1 - v, dom, changed)
        elif k in ("and", "or"):
            whole = T if k == "and" else F  # value that forces every argument
            if v == whole:
                for a in e.args:
                    self._force(a, whole, dom, changed)
            else:
                open_ = [a for a in e.args if self._eval(a, dom) == U]
                if len(open_) == 1:
                    self._force(open_[0], v, dom, changed)
        elif k == "implies":
            a, b = self._eval(e.a, dom), self._eval(e.b, dom)
            if v == F:
                self._force(e.a, T, dom, changed)
                self._force(e.b, F, dom, changed)
            elif a == T:
                self._force(e.b, T, dom, changed)
            elif b == F:
                self._force(e.a, F, dom, changed)
        elif k == "iff":
            a, b = self._eval(e.a, dom), self._eval(e.b, dom)
            if a != U:
                self._force(e.b, a if v == T else 1 - a, dom, changed)
            elif b != U:
                self._force(e.a, b if v == T else 1 - b, dom, changed)
        elif k == "count":
            yes = [p for p in e.people if dom[p] == {e.role}]
            maybe = [p for p in e.people if e.role in dom[p] and dom[p] != {e.role}]
            lo, hi = {"exactly": (e.k, e.k), "at_least": (e.k, len(e.people)), "at_most": (0, e.k)}[
                e.op
            ]
            if v == F:
                if e.op == "exactly":
                    return
                lo, hi = (0, e.k - 1) if e.op == "at_least" else (e.k + 1, len(e.people))
            if len(yes) == hi:
                for p in maybe:
                    self._restrict(dom, p, set(self.spec.roles) - {e.role}, changed)
            elif len(yes) + len(maybe) == lo:
                for p in maybe:
                    self._restrict(dom, p, {e.role}, changed)
        elif k == "same":
            da, db = dom[e.a], dom[e.b]
            if (v == T) == e.same:
                self._restrict(dom, e.a, db, changed)
                self._restrict(dom, e.b, dom[e.a], changed)
            else:
                if len(da) == 1:
                    self._restrict(dom, e.b, set(self.spec.roles) - da, changed)
                if len(db) == 1:
                    self._restrict(dom, e.a, set(self.spec.roles) - db, changed)

    def propagate(self, dom: list[set], depth: int, log: bool) -> None:
        """Apply facts and statements to a fixpoint; raise :class:`Conflict` on contradiction."""
        spec = self.spec
        progress = True
        while progress:
            progress = False
            for fi, f in enumerate(spec.facts):
                changed: list = []
                try:
                    self._force(f, T, dom, changed)
                except Conflict:
                    self._note(log, "contradiction", depth, -1 - fi)
                    raise
                if changed:
                    progress = True
                    self._derived(log, depth, -1 - fi, changed, dom)
            for si, s in enumerate(spec.statements):
                changed = []
                try:
                    val = self._eval(s.claim, dom)
                    if val == T:
                        self._restrict(dom, s.speaker, set(spec.roles) - {"knave"}, changed)
                    elif val == F:
                        self._restrict(dom, s.speaker, set(spec.roles) - {"knight"}, changed)
                    d = dom[s.speaker]
                    if d == {"knight"}:
                        self._force(s.claim, T, dom, changed)
                    elif d == {"knave"}:
                        self._force(s.claim, F, dom, changed)
                except Conflict:
                    self._note(log, "contradiction", depth, si)
                    raise
                if changed:
                    progress = True
                    self._derived(log, depth, si, changed, dom)

    def _note(
        self, log: bool, kind: str, depth: int, source: int, person: int = -1, role: str = ""
    ) -> None:
        if log:
            self.steps.append(Step(kind, depth, source, person, role))

    def _derived(self, log: bool, depth: int, source: int, changed: list, dom: list[set]) -> None:
        if not log:
            return
        for p in dict.fromkeys(changed):
            if len(dom[p]) == 1:
                self.steps.append(Step("derive", depth, source, p, next(iter(dom[p]))))
            else:
                self.steps.append(Step("derive", depth, source, p, "|".join(sorted(dom[p])), "not"))

    def _refute(self, dom: list[set], depth: int, log: bool) -> bool:
        """True when every completion of ``dom`` leads to a contradiction."""
        try:
            self.propagate(dom, depth, log)
        except Conflict:
            return True
        open_ = [i for i, d in enumerate(dom) if len(d) > 1]
        if not open_:
            return False
        self.splits += 1
        self.max_nesting = max(self.max_nesting, depth + 1)
        p = self._pick(open_, dom)
        for r in sorted(dom[p]):
            trial = [set(d) for d in dom]
            trial[p] = {r}
            self._note(log, "assume", depth + 1, -999, p, r)
            if not self._refute(trial, depth + 1, log):
                return False
        return True

    def _pick(self, open_: list[int], dom: list[set]) -> int:
        """Split on the open person mentioned in the most statements (ties: lowest index)."""
        mentions = self._mentions()
        return max(open_, key=lambda p: (mentions.get(p, 0), -p))

    def _mentions(self) -> dict[int, int]:
        if not hasattr(self, "_mcache"):
            m: dict[int, int] = {}
            for s in self.spec.statements:
                m[s.speaker] = m.get(s.speaker, 0) + 1
            self._mcache = m
        return self._mcache

    def solve(self, targets: list[int], log: bool = True) -> list[set]:
        """Derive the roles of ``targets`` from the truth, refuting every other role by cases."""
        spec = self.spec
        dom = [set(spec.roles) for _ in spec.people]
        self.propagate(dom, 0, log)
        for p in targets:
            while len(dom[p]) > 1:
                wrong = sorted(r for r in dom[p] if r != spec.truth[p])
                r = wrong[0]
                trial = [set(d) for d in dom]
                trial[p] = {r}
                self.splits += 1
                self.max_nesting = max(self.max_nesting, 1)
                self._note(log, "assume", 1, -999, p, r)
                if not self._refute(trial, 1, log):
                    raise Conflict(f"cannot refute p{p}={r}: the answer is not forced")
                self._note(log, "conclude", 0, -999, p, r)
                dom[p].discard(r)
                self.propagate(dom, 0, log)
        return dom
