"""Random claims a speaker can make, as light AST nodes, and their conversion to the spec.

The search proposes many claims and rejects most of them, so it works on light nodes
(:class:`Node`) that skip pydantic validation; a kept claim is converted once by
:func:`to_expr`.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

from verifiers.truth_teller.spec import And, Count, Expr, Iff, Implies, Is, Not, Or, Same


class Node:
    """A light AST node used during the search, with the pydantic node's attribute names.

    :func:`holds` (as :func:`verifiers.truth_teller.spec.evaluate`), :func:`depth` and
    :meth:`Worlds.table` read it as they read the pydantic node; a kept statement is converted once by
    :func:`to_expr`. Most sampled claims are rejected, so they never pay for validation.
    """

    __slots__ = ("kind", "person", "role", "arg", "args", "a", "b", "op", "k", "people", "same")

    def __init__(self, kind: str, **fields: Any):
        self.kind = kind
        for key, value in fields.items():
            setattr(self, key, value)


class _Is(Node):
    __slots__ = ()

    def __init__(self, person: int, role: str):
        self.kind, self.person, self.role = "is", person, role


class _Count(Node):
    __slots__ = ()

    def __init__(self, op: str, k: int, role: str, people: tuple[int, ...]):
        self.kind, self.op, self.k, self.role, self.people = "count", op, k, role, people


class _Same(Node):
    __slots__ = ()

    def __init__(self, a: int, b: int, same: bool):
        self.kind, self.a, self.b, self.same = "same", a, b, same


class _Pair(Node):
    """``and`` / ``or`` of two claims."""

    __slots__ = ()

    def __init__(self, kind: str, a: Node, b: Node):
        self.kind, self.args = kind, (a, b)


class _Arrow(Node):
    """``implies`` / ``iff``."""

    __slots__ = ()

    def __init__(self, kind: str, a: Node, b: Node):
        self.kind, self.a, self.b = kind, a, b


def holds(e: Node, truth: list[str]) -> bool:
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
        return all(holds(a, truth) for a in e.args)
    if k == "or":
        return any(holds(a, truth) for a in e.args)
    if k == "not":
        return not holds(e.arg, truth)
    if k == "implies":
        return (not holds(e.a, truth)) or holds(e.b, truth)
    if k == "iff":
        return holds(e.a, truth) == holds(e.b, truth)
    raise ValueError(f"unknown expression kind {k!r}")


def to_expr(e: Node) -> Expr:
    """The validated pydantic node for a light node."""
    k = e.kind
    if k == "is":
        return Is(person=e.person, role=e.role)
    if k == "count":
        return Count(op=e.op, k=e.k, role=e.role, people=e.people)
    if k == "same":
        return Same(a=e.a, b=e.b, same=e.same)
    if k == "not":
        return Not(arg=to_expr(e.arg))
    if k == "and":
        return And(args=tuple(to_expr(a) for a in e.args))
    if k == "or":
        return Or(args=tuple(to_expr(a) for a in e.args))
    if k == "implies":
        return Implies(a=to_expr(e.a), b=to_expr(e.b))
    if k == "iff":
        return Iff(a=to_expr(e.a), b=to_expr(e.b))
    raise ValueError(f"unknown expression kind {k!r}")


@lru_cache(maxsize=1024)
def _others(n: int, speaker: int) -> tuple[int, ...]:
    return tuple(p for p in range(n) if p != speaker)


@lru_cache(maxsize=64)
def _everyone(n: int) -> tuple[int, ...]:
    return tuple(range(n))


def atom(rng: random.Random, n: int, speaker: int, roles: list[str]) -> Node:
    """A random atomic claim: a role, a count over everyone, or "same / different".

    ``roles`` starts with knight and knave (then normal, where there are normals)."""
    others = _others(n, speaker)
    kind = rng.random()
    if kind < 0.62:
        p = rng.choice(others) if others and rng.random() < 0.9 else speaker
        return _Is(p, rng.choice(roles))
    if kind < 0.82:
        # The number of normals is a stated fact, so a count of them says nothing new;
        # "at least 0" / "at most n" hold whatever the roles, and "at most 0" / "at least
        # n" read better as "exactly".
        role = rng.choice(roles[:2])
        op = rng.choice(("exactly", "exactly", "at_least", "at_most"))
        k = rng.randint(0, n) if op == "exactly" or n < 2 else rng.randint(1, n - 1)
        return _Count(op, k, role, _everyone(n))
    a, b = rng.sample(range(n), 2)
    return _Same(a, b, rng.random() < 0.5)


def random_claim(rng: random.Random, d: int, n: int, speaker: int, roles: list[str]) -> Node:
    """A random claim of nesting depth up to ``d`` by ``speaker``, true or false."""
    if d <= 1:
        return atom(rng, n, speaker, roles)
    kind = rng.choice(("and", "or", "implies", "iff", "not_and", "or"))
    a = random_claim(rng, d - 1, n, speaker, roles)
    b = random_claim(rng, rng.randint(1, d - 1), n, speaker, roles)
    if rng.random() < 0.5:
        a, b = b, a
    if kind in ("and", "or"):
        return _Pair(kind, a, b)
    if kind in ("implies", "iff"):
        return _Arrow(kind, a, b)
    return Node("not", arg=_Pair("and", a, b))


def consistent_light(
    rng: random.Random, d: int, n: int, speaker: int, truth: list[str], roles: list[str]
) -> Node | None:
    """A random claim of depth up to ``d`` that ``speaker`` can make in ``truth``, or None."""
    want = {"knight": True, "knave": False}.get(truth[speaker])
    for _ in range(12):
        c = random_claim(rng, d, n, speaker, roles)
        if want is None or holds(c, truth) == want:
            return c
    return None


def consistent_claim(
    rng: random.Random, d: int, n: int, speaker: int, truth: list[str], roles: list[str]
) -> Expr | None:
    """As :func:`consistent_light`, as a validated pydantic node (same random draws)."""
    c = consistent_light(rng, d, n, speaker, truth, roles)
    return None if c is None else to_expr(c)
