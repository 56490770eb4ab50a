"""Propositional SMT-LIB to CNF (Tseitin), for the SAT-core proof path.

Handles the Boolean fragment the truth-teller and seating encoders emit: ``declare-const``
of Bool, ``assert``, ``and or not => = ite xor``, ``true false`` and the unit-coefficient
pseudo-Booleans ``(_ pbeq|pbge|pble k 1 ... 1)``. Every compound subterm gets a variable
defined by an equivalence (so any literal may be assumed or negated exactly); a top-level
assertion is emitted as clauses without one. Cardinalities become a sequential counter
(``sum >= j`` for each ``j``, defined both ways), or pairwise clauses for a top-level
"exactly one". Variables are numbered in declaration order, then in order of first use, so
the clause list is a pure function of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\(|\)|[^\s()]+")
# Clauses (count, DIMACS text) of assertions over declared variables only, per
# declaration list and assertion text.
_CHUNKS: dict[tuple[str, ...], dict[str, tuple[int, str]]] = {}
_CHUNK_CAP = 8_000  # entries over all declaration lists (a few MB); then start afresh
_chunk_count = 0


ROOT, CLAUSE, NCLAUSE, TERM = range(4)


def _as(lit: int, mode: int, clauses: list) -> int | list[int] | None:
    """A literal in ``mode``: emitted (ROOT), a one-literal clause, or itself."""
    if mode == ROOT:
        clauses.append((lit,))
        return None
    if mode == CLAUSE:
        return [lit]
    if mode == NCLAUSE:
        return [-lit]
    return lit


def _as_clause(lits: list[int], mode: int, clauses: list, b: Builder):
    """A disjunction in ``mode`` (ROOT emits it, CLAUSE returns it; never TERM here)."""
    if mode == ROOT:
        t = b.true
        if t not in lits:
            clauses.append(tuple(a for a in dict.fromkeys(lits) if a != -t) or (-t,))
        return None
    if mode == CLAUSE:
        return lits
    return _as(b._or(lits), mode, clauses)


def _remember(cache: dict, piece: str, hit: tuple[int, str]) -> None:
    global _chunk_count
    if _chunk_count >= _CHUNK_CAP:
        for c in _CHUNKS.values():
            c.clear()
        _chunk_count = 0
    cache[piece] = hit
    _chunk_count += 1


class NotPropositional(ValueError):
    """The text uses something outside the propositional fragment."""


def _text(clauses: list[tuple[int, ...]]) -> str:
    return "".join([" ".join(map(str, c)) + " 0\n" for c in clauses])


@dataclass(frozen=True)
class Cnf:
    """Clauses over variables ``1..n_vars`` (DIMACS numbering) and the named variables."""

    n_vars: int
    n_clauses: int
    body: str  # one clause a line, DIMACS style
    names: dict[str, int]

    def dimacs(self) -> str:
        return f"p cnf {self.n_vars} {self.n_clauses}\n{self.body}"

    def clauses(self) -> list[tuple[int, ...]]:
        return [tuple(map(int, line.split()[:-1])) for line in self.body.splitlines()]


class Builder:
    """Tseitin translation of SMT-LIB text: ``add(text)`` for assertions, ``literal(term)``."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}
        self.clauses: list[tuple[int, ...]] = []  # made since the last flush
        self._parts: list[str] = []  # DIMACS text of the clauses before those, in order
        self._count = 0
        self._gates: dict[tuple, int] = {}
        self._n = 1
        self._key: tuple[str, ...] | None = None
        self.true = 1  # variable 1 is the constant true
        self.clauses.append((1,))

    # -- variables and gates ------------------------------------------------------------------

    def _fresh(self) -> int:
        self._n += 1
        return self._n

    def declare(self, name: str) -> int:
        if name not in self.names:
            self.names[name] = self._fresh()
        return self.names[name]

    def _and(self, lits: list[int]) -> int:
        t = self.true
        if len(lits) == 2:  # the common case, without the general bookkeeping
            a, b = lits
            if a == -t or b == -t or a == -b:
                return -t
            if a == t or a == b:
                return b
            if b == t:
                return a
            key = ("and", a, b) if a < b else ("and", b, a)
            v = self._gates.get(key)
            if v is None:
                v = self._gates[key] = self._fresh()
                self.clauses += [(-v, a), (-v, b), (v, -a, -b)]
            return v
        seen: dict[int, None] = {}
        for a in lits:
            if a == -t or -a in seen:
                return -t
            if a != t:
                seen[a] = None
        args = tuple(seen)
        if not args:
            return t
        if len(args) == 1:
            return args[0]
        key = ("and", *sorted(args))
        v = self._gates.get(key)
        if v is None:
            v = self._gates[key] = self._fresh()
            self.clauses.extend((-v, a) for a in args)
            self.clauses.append((v, *(-a for a in args)))
        return v

    def _or(self, lits: list[int]) -> int:
        return -self._and([-a for a in lits])

    def _iff(self, a: int, b: int) -> int:
        t = self.true
        if a == b:
            return t
        if a == -b:
            return -t
        if abs(a) == t:
            return b if a == t else -b
        if abs(b) == t:
            return a if b == t else -a
        key = ("=", min(a, b), max(a, b))
        v = self._gates.get(key)
        if v is None:
            v = self._gates[key] = self._fresh()
            self.clauses += [(-v, -a, b), (-v, a, -b), (v, a, b), (v, -a, -b)]
        return v

    def _ite(self, c: int, a: int, b: int) -> int:
        t = self.true
        if c == t or a == b:
            return a
        if c == -t:
            return b
        key = ("ite", c, a, b)
        v = self._gates.get(key)
        if v is None:
            v = self._gates[key] = self._fresh()
            self.clauses += [(-c, -a, v), (-c, a, -v), (c, -b, v), (c, b, -v)]
        return v

    def _at_least(self, lits: list[int], k: int) -> list[int]:
        """``s`` with ``s[j]`` <=> (at least ``j`` of ``lits`` hold), for ``j = k - 1, k``.

        A sequential counter; after ``i`` inputs only the counts that can still reach
        ``k - 1`` and are at most ``k`` are kept (the others are never read).
        """
        t, n = self.true, len(lits)
        s = [t] + [-t] * k
        for i, x in enumerate(lits, start=1):
            lo = max(1, k - 1 - (n - i))
            for j in range(min(i, k), lo - 1, -1):  # downwards: s[j - 1] is still the old one
                s[j] = self._or([s[j], self._and([x, s[j - 1]])])
        return s

    def _card(self, op: str, k: int, lits: list[int]) -> int:
        if op == "pble":
            return -self._card("pbge", k + 1, lits)
        if k <= 0:
            return self.true if op == "pbge" else self._and([-x for x in lits])
        s = self._at_least(lits, k + 1)
        return s[k] if op == "pbge" else self._and([s[k], -s[k + 1]])

    # -- terms ----------------------------------------------------------------------------------
    # A term is compiled in one of four modes: ROOT emits it as clauses (an assertion); CLAUSE
    # returns literals whose disjunction is the term; NCLAUSE literals whose disjunction is its
    # negation; TERM one literal defined by equivalences (so it may be assumed or negated).

    def _atom(self, tok: str) -> int:
        if tok == "true":
            return self.true
        if tok == "false":
            return -self.true
        v = self.names.get(tok)
        if v is None:
            raise NotPropositional(f"undeclared or non-Boolean symbol {tok!r}")
        return v

    def _head(self, tokens: list[str], i: int) -> tuple[str | list[str], int]:
        if tokens[i] == "(":  # indexed head: (_ pbeq k 1 ... 1)
            j = tokens.index(")", i)
            return tokens[i + 1 : j], j + 1
        return tokens[i], i + 1

    def _args(self, tokens: list[str], i: int, mode: int) -> tuple[list, int]:
        args = []
        while tokens[i] != ")":
            a, i = self._term(tokens, i, mode)
            args.append(a)
        return args, i + 1

    def _term(self, tokens: list[str], i: int, mode: int):
        """Compile the term at ``tokens[i]`` in ``mode``; returns (result, next index)."""
        tok = tokens[i]
        if tok != "(":
            lit = self._atom(tok)
            return _as(lit, mode, self.clauses), i + 1
        head, i = self._head(tokens, i + 1)
        if head == "and":
            if mode == ROOT:
                _, i = self._args(tokens, i, ROOT)
                return None, i
            args, i = self._args(tokens, i, TERM)
            if mode == NCLAUSE:
                return [-a for a in args], i
            return _as(self._and(args), mode, self.clauses), i
        if head == "or" and mode in (ROOT, CLAUSE):
            parts, i = self._args(tokens, i, CLAUSE)
            return _as_clause([a for p in parts for a in p], mode, self.clauses, self), i
        if head == "=>" and mode in (ROOT, CLAUSE):
            a, i = self._term(tokens, i, TERM)
            b, i = self._term(tokens, i, CLAUSE)
            if tokens[i] != ")":
                raise NotPropositional("=> takes two arguments")
            return _as_clause([-a, *b], mode, self.clauses, self), i + 1
        if head == "not":
            inner = {ROOT: NCLAUSE, CLAUSE: NCLAUSE, NCLAUSE: CLAUSE}.get(mode, TERM)
            a, i = self._term(tokens, i, inner)
            if tokens[i] != ")":
                raise NotPropositional("not takes one argument")
            if mode == TERM:
                return -a, i + 1
            return _as_clause(a, ROOT if mode == ROOT else CLAUSE, self.clauses, self), i + 1
        args, i = self._args(tokens, i, TERM)
        if mode == ROOT and self._root(head, args):
            return None, i
        return _as(self._apply(head, args), mode, self.clauses), i

    def _root(self, head, args: list[int]) -> bool:
        """Emit a root assertion directly as clauses where that is shorter; False otherwise."""
        if head == "=" and len(args) == 2:
            a, b = args
            self.clauses += [(-a, b), (a, -b)]
            return True
        if (
            isinstance(head, list)
            and head[1:3] == ["pbeq", "1"]
            and len(set(map(abs, args))) == len(args)
        ):
            self._check_pb(head, args)
            self.clauses.append(tuple(args))
            self.clauses += [(-a, -b) for j, a in enumerate(args) for b in args[j + 1 :]]
            return True
        return False

    def _check_pb(self, head: list[str], args: list[int]) -> None:
        if len(head) < 3 or head[0] != "_" or head[1] not in ("pbeq", "pbge", "pble"):
            raise NotPropositional(f"unsupported indexed operator {' '.join(head)!r}")
        if any(c != "1" for c in head[3:]) or len(head) - 3 != len(args):
            raise NotPropositional("only unit-coefficient pseudo-Booleans are supported")

    def _apply(self, head, args: list[int]) -> int:
        """The literal of ``(head args...)``."""
        if isinstance(head, list):
            self._check_pb(head, args)
            return self._card(head[1], int(head[2]), args)
        n = len(args)
        if head == "and":
            return self._and(args)
        if head == "or":
            return self._or(args)
        if head == "=>" and n == 2:
            return self._or([-args[0], args[1]])
        if head == "=" and n >= 2:
            return self._and([self._iff(a, b) for a, b in zip(args, args[1:], strict=False)])
        if head == "xor" and n == 2:
            return -self._iff(*args)
        if head == "ite" and n == 3:
            return self._ite(*args)
        if head == "not" and n == 1:
            return -args[0]
        raise NotPropositional(f"unsupported operator {head!r} with {n} arguments")

    def literal(self, term: str) -> int:
        """The literal of a Boolean term (defined by equivalences, so it may be assumed)."""
        tokens = _TOKENS.findall(term)
        lit, end = self._term(tokens, 0, TERM)
        if end != len(tokens):
            raise NotPropositional(f"trailing text after term: {term[:60]!r}")
        return lit

    def any_of(self, lits: list[int]) -> int:
        """A literal for the disjunction of ``lits``."""
        return self._or(lits)

    def add(self, text: str) -> None:
        """Declarations and assertions (``declare-const x Bool``, ``assert t``).

        An assertion whose clauses use declared variables only is compiled once per
        declaration list (cached by its text): the cached clauses are the ones compiling
        it again would give, so the result does not depend on what ran before.
        """
        if text.startswith("(assert ") and "(declare" not in text:
            self._add_asserts(text)
            return
        self._add_commands(text)

    def _add_asserts(self, text: str) -> None:
        cache = _CHUNKS.setdefault(self._decls_key(), {})
        self._flush()
        for piece in text.split("(assert ")[1:]:
            hit = cache.get(piece)
            if hit is None:
                n0 = self._n
                self._add_commands("(assert " + piece)
                hit = (len(self.clauses), _text(self.clauses))
                bound = len(self.names) + 1
                if self._n == n0 and all(abs(a) <= bound for c in self.clauses for a in c):
                    _remember(cache, piece, hit)
                self.clauses = []
            self._count += hit[0]
            self._parts.append(hit[1])

    def _flush(self) -> None:
        if self.clauses:
            self._count += len(self.clauses)
            self._parts.append(_text(self.clauses))
            self.clauses = []

    def _decls_key(self) -> tuple[str, ...]:
        if self._key is None:
            self._key = tuple(self.names)
        return self._key

    def _add_commands(self, text: str) -> None:
        tokens = _TOKENS.findall(text)
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i] != "(" or i + 1 >= n:
                raise NotPropositional(f"expected a command at token {i}: {tokens[i]!r}")
            cmd = tokens[i + 1]
            if cmd == "declare-const":
                self._key = None
                if tokens[i + 3 : i + 5] != ["Bool", ")"]:
                    raise NotPropositional(f"only Bool constants are supported: {tokens[i + 2]!r}")
                self.declare(tokens[i + 2])
                i += 5
            elif cmd == "assert":
                _, i = self._term(tokens, i + 2, ROOT)
                if tokens[i] != ")":
                    raise NotPropositional("assert takes one term")
                i += 1
            else:
                raise NotPropositional(f"unsupported command {cmd!r}")

    def cnf(self) -> Cnf:
        self._flush()
        return Cnf(self._n, self._count, "".join(self._parts), dict(self.names))
