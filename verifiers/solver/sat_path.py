"""Proofs of propositional encodings on Z3's SAT core, in one long-lived context.

A fresh Z3 context costs about 1 ms to make and free (two large hash tables), and an SMT
script needs a command context besides: most of a small proof. Here the process keeps one
context; each puzzle gets its clauses (:mod:`.cnf`, DIMACS) in a fresh solver of that
context, and every check is one assumption literal. A fresh solver is a copy
(``Z3_solver_translate``) of a blank one made once per budget, which is never given clauses
or checked, so every copy starts from the same empty state; copying skips building the
solver's tactics (K&K n=5: a uniqueness proof 1.67 -> 1.03 ms in
benchmarks/results/perf_generators_s15.json).

Why the statistics still depend on the puzzle alone: the SMT core and Z3's simplifiers
order terms by AST ids, which a long-lived context hands out by its history (measured: a
fresh SMT solver, or a ``QF_FD`` solver, whose simplifiers run even on clauses, in a reused
context gives other counts). This path never reaches them. The ``QF_BV`` solver answers
every check with assumptions from Z3's incremental SAT solver, which skips its preprocessing
when the input is clauses over plain literals; the variables are numbered by the DIMACS text,
a function of the encoding text; and the SAT search depends on variable indices and clause
order only. ``tests/test_sat_path.py`` checks it: proofs in shuffled orders, with the
context's AST ids scrambled in between, and each family's items built alone and mid-shard,
give identical counters.
"""

from __future__ import annotations

import os
import re
from typing import Any

import z3

from .cnf import Builder, NotPropositional

_STAT = re.compile(r":sat-(conflicts|decisions|propagations-2ary|propagations-nary)\s+(\d+)")
_TACTIC = "tactic.default_tactic"
_VERDICT = {z3.Z3_L_TRUE: "sat", z3.Z3_L_FALSE: "unsat", z3.Z3_L_UNDEF: "unknown"}


class _Context:
    """The process's Z3 context for SAT proofs (remade after a fork)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.ctx = z3.Z3_mk_context_rc(z3.Z3_mk_config())  # made once: no heap tuning needed
        # Python's handler: errors raise Z3Exception instead of exiting the process.
        self.handler = z3.Z3_set_error_handler(self.ctx, z3.z3_error_handler)
        self.logic = z3.Z3_mk_string_symbol(self.ctx, "QF_BV")
        self.bool = z3.Z3_mk_bool_sort(self.ctx)
        z3.Z3_inc_ref(self.ctx, z3.Z3_sort_to_ast(self.ctx, self.bool))
        self.params: dict[int, Any] = {}
        self.blanks: dict[int, Any] = {}

    def blank(self, rlimit: int) -> Any:
        """An empty solver with the budget ``rlimit``, made once: the SAT core that every
        check with assumptions goes to (``QF_BV``), paired with the tactic "sat" rather than
        the ``QF_BV`` tactic, which is never run and is costly to build."""
        s = self.blanks.get(rlimit)
        if s is None:
            s = z3.Z3_mk_solver_for_logic(self.ctx, self.logic)
            z3.Z3_solver_inc_ref(self.ctx, s)
            z3.Z3_solver_set_params(self.ctx, s, self.rlimit(rlimit))
            old = z3.get_param(_TACTIC)
            z3.Z3_global_param_set(_TACTIC, "sat")
            try:
                z3.Z3_solver_get_num_scopes(self.ctx, s)  # makes the solver, adds nothing
            finally:
                z3.Z3_global_param_set(_TACTIC, old)
            self.blanks[rlimit] = s
        return s

    def rlimit(self, rlimit: int) -> Any:
        """Solver parameters with the budget ``rlimit`` (a solver parameter, so that an
        ``(set-option :rlimit ...)`` elsewhere in the process does not override it)."""
        p = self.params.get(rlimit)
        if p is None:
            p = z3.Z3_mk_params(self.ctx)
            z3.Z3_params_inc_ref(self.ctx, p)
            z3.Z3_params_set_uint(self.ctx, p, z3.Z3_mk_string_symbol(self.ctx, "rlimit"), rlimit)
            self.params[rlimit] = p
        return p


_CTX: _Context | None = None


def _context() -> _Context:
    global _CTX
    if _CTX is None or _CTX.pid != os.getpid():
        _CTX = _Context()
    return _CTX


class SatSolver:
    """One puzzle's clauses in a fresh SAT solver; ``check(lit)`` assumes a literal."""

    def __init__(self, dimacs: str, rlimit: int) -> None:
        c = self.c = _context()
        ctx = c.ctx
        # A copy of an empty solver made once per budget: making one anew (its tactics,
        # its SAT core's parts) costs most of a small proof; a copy shares no state with it.
        self.s = z3.Z3_solver_translate(ctx, c.blank(rlimit), ctx)
        z3.Z3_solver_inc_ref(ctx, self.s)
        z3.Z3_solver_set_params(ctx, self.s, c.rlimit(rlimit))  # the copy's own budget
        z3.Z3_solver_from_string(ctx, self.s, dimacs)

    def check(self, lit: int) -> str:
        """'sat', 'unsat' or 'unknown' for the clauses and ``lit`` (a DIMACS literal).

        Always with an assumption: without one the solver would try its SMT tactic first.
        """
        ctx = self.c.ctx
        try:
            # DIMACS variable v is the Bool constant named by the integer symbol v
            a = z3.Z3_mk_const(ctx, z3.Z3_mk_int_symbol(ctx, abs(lit)), self.c.bool)
            if lit < 0:
                a = z3.Z3_mk_not(ctx, a)
            z3.Z3_inc_ref(ctx, a)
            try:
                return _VERDICT[z3.Z3_solver_check_assumptions(ctx, self.s, 1, (z3.Ast * 1)(a))]
            finally:
                z3.Z3_dec_ref(ctx, a)
        except z3.Z3Exception:
            return "unknown"  # cancelled by the resource limit

    def stats(self) -> dict[str, int]:
        """The SAT core's conflicts, decisions and propagations so far."""
        ctx = self.c.ctx
        st = z3.Z3_solver_get_statistics(ctx, self.s)
        z3.Z3_stats_inc_ref(ctx, st)
        text = z3.Z3_stats_to_string(ctx, st)
        z3.Z3_stats_dec_ref(ctx, st)
        found = dict(_STAT.findall(text))
        return {
            "conflicts": int(found.get("conflicts", 0)),
            "decisions": int(found.get("decisions", 0)),
            "propagations": int(found.get("propagations-2ary", 0))
            + int(found.get("propagations-nary", 0)),
        }

    def close(self) -> None:
        z3.Z3_solver_dec_ref(self.c.ctx, self.s)


def _compile(enc: Any, terms: list[str]) -> tuple[Builder, list[int]] | None:
    """Clauses of ``enc`` and a literal per term; None if it is not propositional."""
    if not enc.decls.startswith("(declare-const"):
        return None
    b = Builder()
    try:
        b.add(enc.decls)
        b.add(enc.asserts)
        return b, [b.literal(t) for t in terms]
    except NotPropositional:
        return None


def prove(
    enc: Any, answer: str, distractors: list[str], rlimit: int
) -> tuple[str, dict[str, int], list[bool]] | None:
    """(status, stats, refuted) as :func:`session.prove` defines them, 'label' where the
    answer is inconsistent (the caller classifies the facts); None if not propositional."""
    compiled = _compile(enc, [answer, *distractors])
    if compiled is None:
        return None
    b, (a, *ds) = compiled
    any_d = b.any_of(ds) if ds else None
    s = SatSolver(b.cnf().dimacs(), rlimit)
    try:
        second = s.check(-a)  # uniqueness first, so its counters are its own
        stats = s.stats()
        first = s.check(a)
        if "unknown" in (first, second):
            return "unknown", stats, []
        if first == "unsat":
            return "label", stats, []
        if second == "sat":
            return "ambiguous", stats, []
        if any_d is None:
            return "unique", stats, []
        both = s.check(any_d)  # all distractors at once; one by one only if one survives
        if both == "unsat":
            return "unique", stats, [True] * len(ds)
        rest = [s.check(d) for d in ds] if both == "sat" else ["unknown"]
        if "unknown" in rest:
            return "unknown", stats, []
        return "unique", stats, [v == "unsat" for v in rest]
    finally:
        s.close()


def satisfiable(enc: Any, literal: str, rlimit: int) -> str | None:
    """'sat', 'unsat' or 'unknown' for the facts and ``literal``; None if not propositional."""
    compiled = _compile(enc, [literal])
    if compiled is None:
        return None
    b, (lit,) = compiled
    s = SatSolver(b.cnf().dimacs(), rlimit)
    try:
        return s.check(lit)
    finally:
        s.close()
