"""Run SMT-LIB scripts on Z3 and read back proofs.

Every family encoder emits SMT-LIB text (declarations plus assertions) and an answer
literal: a Boolean term that holds exactly when a model agrees with the stated answer.
A proof is one script on a freshly reset Z3 command context:

1. facts ∧ answer is satisfiable (the stated answer is consistent);
2. facts ∧ ¬answer is unsatisfiable (it is the only one);
3. facts ∧ distractor is unsatisfiable, for every MCQ distractor.

Budgets are Z3 resource limits (``rlimit``), never wall-clock time, so whether a puzzle
is dropped does not depend on the machine. Feeding text to ``Z3_eval_smtlib2_string``
is about ten times faster than building the same terms through the Python API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import z3

DEFAULT_RLIMIT = 2_000_000
_STAT = re.compile(r":([a-z0-9-]+)\s+([0-9.]+)")
_KEEP = ("conflicts", "decisions", "propagations", "rlimit-count")


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


def run(script: str) -> list[str]:
    """Evaluate a script on the shared command context and return its responses, one per line."""
    out = z3.Z3_eval_smtlib2_string(z3.main_ctx().ref(), script)
    return out.strip().splitlines() if out else []


def _header(enc: Encoding, rlimit: int) -> str:
    return f"(reset)(set-option :rlimit {rlimit})\n{enc.decls}\n{enc.asserts}\n"


def _stats(text: str) -> dict[str, int]:
    found = dict(_STAT.findall(text))
    return {k.replace("-", "_"): int(float(found.get(k, 0))) for k in _KEEP}


def prove(
    enc: Encoding, answer: str, distractors: list[str] = (), rlimit: int = DEFAULT_RLIMIT
) -> Proof:
    """Prove ``answer`` is the unique solution of ``enc`` and refute each distractor."""
    script = [_header(enc, rlimit)]
    script.append(f"(push)(assert {answer})(check-sat)(pop)")
    script.append(f"(push)(assert (not {answer}))(check-sat)(pop)")
    script.append("(get-info :all-statistics)")
    script.extend(f"(push)(assert {d})(check-sat)(pop)" for d in distractors)
    lines = run("".join(script))
    first, second = lines[0], lines[1]
    k = 2
    stat_lines = []
    while k < len(lines) and lines[k] not in ("sat", "unsat", "unknown"):
        stat_lines.append(lines[k])
        k += 1
    stats = _stats(" ".join(stat_lines))
    verdicts = lines[k:]
    if "unknown" in (first, second) or "unknown" in verdicts:
        return Proof("unknown", stats)
    if first == "unsat":
        facts = run(_header(enc, rlimit) + "(check-sat)")[0]
        return Proof("unsolvable" if facts == "unsat" else "wrong", stats)
    if second == "sat":
        return Proof("ambiguous", stats)
    return Proof("unique", stats, [v == "unsat" for v in verdicts])


def prove_label(enc: Encoding, rlimit: int = DEFAULT_RLIMIT) -> str:
    """Status of the facts alone: 'unsolvable' if unsatisfiable, else 'sat' (or 'unknown')."""
    r = run(_header(enc, rlimit) + "(check-sat)")[0]
    return {"unsat": "unsolvable"}.get(r, r)


def models(enc: Encoding, cap: int = 2, rlimit: int = DEFAULT_RLIMIT) -> list[dict[str, str]]:
    """Up to ``cap`` distinct models over ``enc.variables`` (blocking clauses)."""
    found: list[dict[str, str]] = []
    block = ""
    names = " ".join(enc.variables)
    for _ in range(cap):
        lines = run(_header(enc, rlimit) + block + f"(check-sat)(get-value ({names}))")
        if lines[0] != "sat":
            if lines[0] == "unknown":
                raise TimeoutError("Z3 resource limit exceeded while counting models")
            break
        values = dict(re.findall(r"\((\S+) ([^()\s]+|\(- \d+\))\)", " ".join(lines[1:])))
        found.append(values)
        eqs = " ".join(f"(= {v} {values[v]})" for v in enc.variables)
        block += f"(assert (not (and {eqs})))"
    return found
