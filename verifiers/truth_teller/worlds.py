"""Every world of a truth-teller spec at once, as bitmasks (pure Python, no z3).

Bit ``w`` of a Python integer stands for world ``w`` (the role index of person ``i`` is
digit ``i`` of ``w`` in base ``len(roles)``), so a statement's truth table is one integer
and adding a clue is one AND. The generator searches with it and the quality scan judges
published specs with it; tests cross-check it against plain enumeration and Z3.
"""

from __future__ import annotations

from functools import lru_cache

from .spec import Expr, Statement, TruthTellerSpec


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


@lru_cache(maxsize=256)
def _count_masks(
    n: int, roles: tuple[str, ...], people: tuple[int, ...], role: str
) -> tuple[int, ...]:
    """masks[k]: worlds where exactly k of ``people`` have ``role``."""
    full, masks = _role_masks(n, len(roles))
    m_of = {p: masks[p][roles.index(role)] if role in roles else 0 for p in set(people)}
    cnt = [full]
    for p in people:
        m = m_of[p]
        nm = full ^ m
        new = [c & nm for c in cnt] + [0]
        for k, c in enumerate(cnt):
            new[k + 1] |= c & m
        cnt = new
    return tuple(cnt)


class Worlds:
    """All worlds of ``n`` people over ``roles`` as bitmasks."""

    def __init__(self, n: int, roles: tuple[str, ...]):
        self.n, self.roles = n, roles
        self.rindex = {r: k for k, r in enumerate(roles)}
        self.full, self.masks = _role_masks(n, len(roles))

    def role(self, i: int, role: str) -> int:
        return self.masks[i][self.rindex[role]] if role in self.rindex else 0

    def _count_masks(self, people: tuple[int, ...], role: str) -> tuple[int, ...]:
        return _count_masks(self.n, self.roles, people, role)

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
        return self.allowed_claim(s.speaker, s.claim)

    def allowed_claim(self, i: int, claim: Expr) -> int:
        """Worlds consistent with person ``i`` saying ``claim``."""
        t = self.table(claim)
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


def broken_once(base: int, allowed: list[int]) -> int:
    """The worlds of ``base`` that break exactly one of the statements (each statement's
    ``allowed`` mask): the near misses that make good wrong options."""
    m = len(allowed)
    suffix = [-1] * (m + 1)
    for j in range(m - 1, -1, -1):
        suffix[j] = suffix[j + 1] & allowed[j]
    out, prefix = 0, base
    for j in range(m):
        out |= prefix & suffix[j + 1] & ~allowed[j]
        prefix &= allowed[j]
    return out
