"""A propagation solver with case splits for ``seating_claims``: what a person would write.

Each person has a role domain (knight / knave) and a chair domain (a bitmask of chairs).
A statement ties its speaker's role to its claim's truth: a claim that must be true (or
false) narrows the domains of the people it mentions, and a claim whose truth is settled
by the domains settles its speaker's role. One person per chair narrows the chairs further.
When nothing more follows, the solver supposes a value and refutes it by contradiction,
as :class:`generators.truth_teller.logic.Deducer` does for the classic variants; its
steps become the solution and its case splits the level.
"""

from __future__ import annotations

from functools import lru_cache

from verifiers.truth_teller.seating_claims import SeatingClaimsSpec, SExpr, seat_holds

from ..logic import (
    KNAVE,
    KNIGHT,
    ROLE_OF,
    Conflict,
    F,
    Step,
    T,
    TooLong,
    U,
    compile_claim,
    junction,
    restrict,
    said,
)

BOTH = KNAVE | KNIGHT
CHAIRS = -2  # the source of a step that one person per chair gives


_BITS = tuple(tuple(i for i in range(m.bit_length()) if m >> i & 1) for m in range(1 << 8))


def _bits(m: int) -> tuple[int, ...]:
    """The chairs (or role bits) in domain ``m``."""
    return _BITS[m]


def _unions(rows: list[int], n: int) -> list[int]:
    """unions[d]: the OR of rows[s] over every s in domain d."""
    out = [0] * (1 << n)
    for d in range(1, 1 << n):
        low = d & -d
        out[d] = out[d ^ low] | rows[low.bit_length() - 1]
    return out


@lru_cache(maxsize=8192)
def _seat_tables(c, n: int) -> tuple:
    """The chair tables of seating clue ``c``: (good, bad) chairs of a one-person clue;
    for a two-person clue (fwd, back, None): fwd[i][d], the chairs of b that some chair of
    a in domain d allows when the clue is true (i=0) or false (i=1), back the reverse."""
    if getattr(c, "b", None) is None:
        good = sum(1 << s for s in range(n) if seat_holds(c, [s] * n))
        return good, ((1 << n) - 1) & ~good
    seats = [0] * n
    yes = []  # yes[sa]: chairs of b (other than sa) where the clue holds
    for sa in range(n):
        m = 0
        for sb in range(n):
            if sb != sa:
                seats[c.a], seats[c.b] = sa, sb
                m |= seat_holds(c, seats) << sb
        yes.append(m)
    no = [((1 << n) - 1) & ~(yes[sa] | 1 << sa) for sa in range(n)]
    rev = [
        [sum((tbl[sa] >> sb & 1) << sa for sa in range(n)) for sb in range(n)] for tbl in (yes, no)
    ]
    return (_unions(yes, n), _unions(no, n)), tuple(_unions(r, n) for r in rev), None


def _compile(e: SExpr, n: int, vars_: set[int]):
    """(eval, force) closures over the domains: variable p is person p's role, n + p their
    chair. ``eval`` gives T, F or U; ``force(v, dom, changed)`` narrows to value ``v``."""
    k = e.kind
    if k == "is":
        return compile_claim(e, BOTH, vars_)
    if k == "seat":
        c = e.clue
        tables = _seat_tables(c, n)
        if len(tables) == 2:
            good, bad = tables
            a = n + c.a
            vars_.add(a)

            def ev(dom):
                d = dom[a]
                return T if not d & bad else (F if not d & good else U)

            def fo(v, dom, changed):
                restrict(dom, a, good if v == T else bad, changed)

            return ev, fo
        a, b = n + c.a, n + c.b
        vars_.update((a, b))
        fwd, back = tables[0], tables[1]

        def ev(dom):
            da, db = dom[a], dom[b]
            can_t = fwd[0][da] & db
            can_f = fwd[1][da] & db
            return U if (can_t and can_f) else (T if can_t else F)

        def fo(v, dom, changed):
            i = 0 if v == T else 1
            restrict(dom, a, back[i][dom[b]], changed)
            restrict(dom, b, fwd[i][dom[a]], changed)

        return ev, fo
    return junction(k, [_compile(x, n, vars_) for x in e.args])


class SeatDeducer:
    """Propagation over roles and chairs, with case splits, for one ``seating_claims`` spec."""

    def __init__(self, spec: SeatingClaimsSpec, max_steps: int = 0):
        self.spec, self.n, self.max_steps = spec, spec.n, max_steps
        self.splits = 0
        self.max_nesting = 0
        self.steps: list[Step] = []
        self._clauses = []
        n = spec.n
        mentions = [0] * (2 * n)
        # watch[v]: the clauses that read variable v; the last clause is one person per chair.
        self._watch = [1 << len(spec.statements) if v >= n else 0 for v in range(2 * n)]
        for c, st in enumerate(spec.statements):
            vars_: set[int] = {st.speaker}
            ev, fo = _compile(st.claim, n, vars_)
            self._clauses.append((st.speaker, ev, fo))
            for v in vars_:
                mentions[v] += 1
                self._watch[v] |= 1 << c
        self._mentions = mentions

    def _chairs(self, dom: list[int], changed: list[int]) -> None:
        """One person per chair: a taken chair is no one else's; a chair only one person
        can take is theirs."""
        n = self.n
        for p in range(n):
            d = dom[n + p]
            if not d & (d - 1):
                for o in range(n):
                    if o != p:
                        restrict(dom, n + o, ~d, changed)
        for s in range(n):
            who = [p for p in range(n) if dom[n + p] >> s & 1]
            if not who:
                raise Conflict("chair")
            if len(who) == 1:
                restrict(dom, n + who[0], 1 << s, changed)

    def propagate(self, dom: list[int], depth: int, log: bool, dirty: int = -1) -> None:
        """Run the statements, then one person per chair, in passes to a fixpoint; raise
        :class:`Conflict` on a contradiction. Only the ``dirty`` clauses (all: -1) and those
        that read a variable narrowed since run (the rest would change nothing), so the
        steps are those of running every clause in every pass."""
        clauses, watch = self._clauses, self._watch
        last = len(clauses)
        dirty &= (1 << (last + 1)) - 1
        while dirty:
            above = dirty  # dirty clauses not yet reached in this pass
            while above:
                low = above & -above
                c = low.bit_length() - 1
                dirty ^= low
                changed: list[int] = []
                src = CHAIRS if c == last else c
                try:
                    if c == last:
                        self._chairs(dom, changed)
                    else:
                        said(*clauses[c], dom, changed)
                except Conflict:
                    if log:
                        self.steps.append(Step("contradiction", depth, src))
                    raise
                if changed:
                    for v in changed:
                        dirty |= watch[v]
                    if log:
                        for v in dict.fromkeys(changed):
                            self.steps.append(Step("derive", depth, src, v, str(dom[v])))
                above = dirty & ~((low << 1) - 1)

    def _check(self) -> None:
        if self.max_steps and (len(self.steps) > self.max_steps or self.splits > self.max_steps):
            raise TooLong(f"more than {self.max_steps} steps")

    def _refute(self, dom: list[int], depth: int, log: bool, dirty: int = -1) -> bool:
        """True when every completion of ``dom`` leads to a contradiction."""
        self._check()
        try:
            self.propagate(dom, depth, log, dirty)
        except Conflict:
            return True
        open_ = [v for v, d in enumerate(dom) if d & (d - 1)]
        if not open_:
            return False
        self.splits += 1
        self.max_nesting = max(self.max_nesting, depth + 1)
        # Roles first (the person mentioned most), then the chair with fewest choices.
        roles = [v for v in open_ if v < self.n]
        v = (
            max(roles, key=lambda x: (self._mentions[x], -x))
            if roles
            else min(open_, key=lambda x: (bin(dom[x]).count("1"), x))
        )
        for b in _bits(dom[v]):
            trial = dom[:]
            trial[v] = 1 << b
            if log:
                self.steps.append(Step("assume", depth + 1, -999, v, str(1 << b)))
            if not self._refute(trial, depth + 1, log, self._watch[v]):
                return False
        return True

    def solve(self, log: bool = True) -> list[int]:
        """Derive every role and the queried person's chair, refuting each other value by
        cases; returns the final domains."""
        spec, n = self.spec, self.n
        dom = [BOTH] * n + [(1 << n) - 1] * n
        self.propagate(dom, 0, log)
        q = n + spec.question.person
        truth = [KNIGHT if r == "knight" else KNAVE for r in spec.truth]
        for v in [*range(n), q]:
            right = truth[v] if v < n else 1 << spec.seats[spec.question.person]
            while dom[v] & (dom[v] - 1):
                wrong = next(1 << b for b in _bits(dom[v]) if 1 << b != right)
                trial = dom[:]
                trial[v] = wrong
                self.splits += 1
                self.max_nesting = max(self.max_nesting, 1)
                if log:
                    self.steps.append(Step("assume", 1, -999, v, str(wrong)))
                if not self._refute(trial, 1, log, self._watch[v]):
                    raise Conflict(f"cannot refute v{v}={wrong}: the answer is not forced")
                if log:
                    self.steps.append(Step("conclude", 0, -999, v, str(wrong)))
                dom[v] &= ~wrong
                self.propagate(dom, 0, log, self._watch[v])
        return dom


def role_of(bits: int) -> str:
    """The role of a one-role domain."""
    return ROLE_OF[bits]
