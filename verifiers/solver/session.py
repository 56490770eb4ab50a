"""Run SMT-LIB scripts on Z3 and read back proofs.

Every family encoder emits SMT-LIB text (declarations plus assertions) and an answer
literal: a Boolean term that holds exactly when a model agrees with the stated answer.
A proof shows:

1. facts ∧ answer is satisfiable (the stated answer is consistent);
2. facts ∧ ¬answer is unsatisfiable (it is the only one);
3. facts ∧ distractor is unsatisfiable, for every MCQ distractor (one check of their
   disjunction; one check each only when it is satisfiable, to say which survives).

Two ways to run it, chosen by the text alone (so the same puzzle always takes the same one):

- propositional encodings (Bool constants, connectives, unit pseudo-Booleans: truth-teller,
  seating) go to Z3's SAT core (:mod:`.sat_path`): clauses from :mod:`.cnf`, a fresh SAT
  solver per puzzle inside one long-lived context, every check by assumptions;
- anything else is one SMT-LIB script in a fresh Z3 context (``Z3_eval_smtlib2_string``
  is about ten times faster than building the same terms through the Python API).

Budgets are Z3 resource limits (``rlimit``), never wall-clock time, so whether a puzzle
is dropped does not depend on the machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from . import sat_path

DEFAULT_RLIMIT = 2_000_000
_STAT = re.compile(r":([a-z0-9-]+)\s+([0-9.]+)")
_KEEP = ("conflicts", "decisions", "propagations", "rlimit-count")
# Reported as difficulty: counters of the uniqueness proof in a fresh context.
REPORTED = ("conflicts", "decisions", "propagations")


@dataclass(frozen=True)
class Encoding:
    """A spec as SMT-LIB text: declarations, assertions, and the name of each variable."""

    decls: str
    asserts: str
    variables: tuple[str, ...] = ()


@dataclass
class Proof:
    """Outcome of a proof script."""

    status: str  # unique | unsolvable | ambiguous | wrong | unknown
    stats: dict[str, int] = field(default_factory=dict)
    refuted: list[bool] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "unique" and all(self.refuted)


class BudgetExceeded(RuntimeError):
    """Z3 ran out of its resource limit inside a script."""


def run(script: str, fresh: bool = False) -> list[str]:
    """Evaluate a script and return its responses, one per line.

    ``fresh`` runs it in a new Z3 context, so that its statistics do not depend on earlier
    work (a ``(reset)`` on a shared context keeps AST ids and caches that change the search).
    Raises :class:`BudgetExceeded` when the resource limit cancels a command.
    """
    if fresh:
        ctx = z3.Z3_mk_context_rc(_config())
        # Without the Python handler Z3's default one prints and exits the process on an
        # error (a cancelled check, say); with it, errors raise Z3Exception as usual.
        handler = z3.Z3_set_error_handler(ctx, z3.z3_error_handler)  # noqa: F841  (kept alive)
    else:
        ctx = z3.main_ctx().ref()
    try:
        out = z3.Z3_eval_smtlib2_string(ctx, script)
    except z3.Z3Exception as e:
        if "canceled" in str(e) or "resource" in str(e):
            raise BudgetExceeded(str(e)[:200]) from None
        raise
    finally:
        if fresh:
            z3.Z3_del_context(ctx)
    return out.strip().splitlines() if out else []


_CONFIG = None


def _config():
    global _CONFIG
    if _CONFIG is None:
        _keep_heap()
        _CONFIG = z3.Z3_mk_config()
    return _CONFIG


def _keep_heap() -> None:
    """Let glibc keep freed memory for the next Z3 context instead of returning it.

    A fresh context allocates two ~8.5 MB tables. Once an import has moved glibc's dynamic
    mmap threshold, they are mapped and unmapped (or trimmed) on every proof, and touching
    fresh pages cost ~5 ms a context (four thousand page faults) against ~0.9 ms when the
    memory is reused. Raising the mmap and trim thresholds keeps them on the heap. Only
    allocation changes, not what Z3 computes; a no-op where glibc's ``mallopt`` is missing.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 * 2**20)  # glibc's largest allowed value on 64-bit
    mallopt(m_trim_threshold, 128 * 2**20)


def _header(enc: Encoding, rlimit: int, reset: bool = True) -> str:
    head = "(reset)" if reset else ""
    return f"{head}(set-option :rlimit {rlimit})\n{enc.decls}\n{enc.asserts}\n"


def _blocks(lines: list[str]) -> tuple[list[str], list[dict[str, int]]]:
    """Split responses into verdicts and parsed statistics blocks, in order."""
    verdicts, stats, buf = [], [], []
    for line in lines:
        if buf or line.startswith("(:"):
            buf.append(line)
            text = " ".join(buf)
            if text.count("(") == text.count(")"):
                found = dict(_STAT.findall(" ".join(buf)))
                stats.append({k.replace("-", "_"): int(float(found.get(k, 0))) for k in _KEEP})
                buf = []
        else:
            verdicts.append(line)
    return verdicts, stats


def prove(
    enc: Encoding, answer: str, distractors: list[str] = (), rlimit: int = DEFAULT_RLIMIT
) -> Proof:
    """Prove ``answer`` is the unique solution of ``enc`` and refute each distractor.

    Either way the statistics (the difficulty metrics) are a pure function of the puzzle,
    whatever ran before in the process: a fresh Z3 context for an SMT script; for a
    propositional encoding the SAT core's counters of the uniqueness check (facts ∧ ¬answer),
    run first in a fresh SAT solver on clauses numbered by the text alone.
    """
    fast = sat_path.prove(enc, answer, list(distractors), rlimit)
    if fast is not None:
        status, stats, refuted = fast
        if status == "label":
            status = prove_label(enc, rlimit)
        return Proof(status, stats, refuted)
    stat = "(get-info :all-statistics)"
    head = _header(enc, rlimit, reset=False)
    script = [head]
    script.append(f"(push)(assert {answer})(check-sat)(pop)")
    script.append(f"(push)(assert (not {answer}))(check-sat)(pop)")
    script.append(stat)
    if distractors:  # all at once; one by one only if one survives (after the statistics)
        script.append(f"(push)(assert (or {' '.join(distractors)}))(check-sat)(pop)")
    try:
        verdicts, blocks = _blocks(run("".join(script), fresh=True))
        if verdicts == ["sat", "unsat", "sat"]:
            each = "".join(f"(push)(assert {d})(check-sat)(pop)" for d in distractors)
            verdicts[2:] = run(head + each, fresh=True)
    except BudgetExceeded:
        return Proof("unknown")
    stats = {k: blocks[0][k] for k in REPORTED}
    first, second, rest = verdicts[0], verdicts[1], verdicts[2:]
    if "unknown" in (first, second) or "unknown" in rest:
        return Proof("unknown", stats)
    if first == "unsat":
        return Proof(prove_label(enc, rlimit), stats)
    if second == "sat":
        return Proof("ambiguous", stats)
    if rest == ["unsat"]:
        rest = ["unsat"] * len(distractors)
    return Proof("unique", stats, [v == "unsat" for v in rest])


def prove_unique(
    solver: Any,
    spec: Any,
    answer: Any,
    distractors: Sequence[Any] = (),
    rlimit: int | None = None,
    enc: Encoding | None = None,
) -> Proof:
    """Prove ``answer`` is forced by ``spec`` under a family's encoder (``encode``,
    ``answer_literal``) and refute each distractor; ``enc``: the encoding, if already made."""
    lits = [solver.answer_literal(spec, d) for d in distractors]
    return prove(
        enc or solver.encode(spec),
        solver.answer_literal(spec, answer),
        lits,
        rlimit or DEFAULT_RLIMIT,
    )


def prove_label(enc: Encoding, rlimit: int = DEFAULT_RLIMIT) -> str:
    """Status of the facts alone: 'unsolvable' if unsatisfiable, 'wrong' if satisfiable, or 'unknown'."""
    fast = sat_path.satisfiable(enc, "true", rlimit)
    if fast is not None:
        return {"unsat": "unsolvable", "sat": "wrong"}.get(fast, "unknown")
    try:
        r = run(_header(enc, rlimit) + "(check-sat)")[0]
    except BudgetExceeded:
        return "unknown"
    return {"unsat": "unsolvable", "sat": "wrong"}.get(r, "unknown")


def satisfiable(enc: Encoding, literal: str = "true", rlimit: int = DEFAULT_RLIMIT) -> str:
    """'sat', 'unsat' or 'unknown' for the facts of ``enc`` together with ``literal``."""
    fast = sat_path.satisfiable(enc, literal, rlimit)
    if fast is not None:
        return fast
    try:
        return run(_header(enc, rlimit) + f"(assert {literal})(check-sat)")[0]
    except BudgetExceeded:
        return "unknown"


def models(enc: Encoding, cap: int = 2, rlimit: int = DEFAULT_RLIMIT) -> list[dict[str, str]]:
    """Up to ``cap`` distinct models over ``enc.variables`` (blocking clauses)."""
    found: list[dict[str, str]] = []
    block = ""
    names = " ".join(enc.variables)
    for _ in range(cap):
        try:
            verdict = run(_header(enc, rlimit) + block + "(check-sat)")[0]
        except BudgetExceeded:
            verdict = "unknown"
        if verdict != "sat":
            if verdict == "unknown":
                raise TimeoutError("Z3 resource limit exceeded while counting models")
            break
        values = dict(
            re.findall(
                r"\(([^()\s]+) ([^()\s]+|\(- \d+\))\)", " ".join(run(f"(get-value ({names}))"))
            )
        )
        found.append(values)
        eqs = " ".join(f"(= {v} {values[v]})" for v in enc.variables)
        block += f"(assert (not (and {eqs})))"
    return found
