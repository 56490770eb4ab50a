"""The SAT-core proof path: CNF agrees with the SMT encoding, and proofs do not depend on
what ran before in the process (real Z3 throughout, real generator items)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import z3

from generators import pipeline
from generators.config import load_config
from verifiers.solver import cnf, sat_path, session
from verifiers.solver.session import Encoding

ROOT = Path(__file__).resolve().parents[1]
R = session.DEFAULT_RLIMIT


def _smt(enc: Encoding, lit: str) -> str:
    """The reference verdict: the SMT script in a fresh context."""
    return session.run(session._header(enc, R, reset=False) + f"(assert {lit})(check-sat)", True)[0]


def _term(rng: random.Random, names: list[str], depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        t = rng.choice([*names, "true", "false"])
        return f"(not {t})" if rng.random() < 0.3 else t
    op = rng.choice(["and", "or", "not", "=>", "=", "ite", "xor", "pb"])
    sub = [_term(rng, names, depth - 1) for _ in range(rng.randint(1, 4))]
    if op == "not":
        return f"(not {sub[0]})"
    if op in ("=>", "=", "xor"):
        return f"({op} {sub[0]} {_term(rng, names, depth - 1)})"
    if op == "ite":
        return f"(ite {sub[0]} {_term(rng, names, depth - 1)} {_term(rng, names, depth - 1)})"
    if op == "pb":
        kind = rng.choice(["pbeq", "pbge", "pble"])
        ones = " ".join("1" for _ in sub)
        return f"((_ {kind} {rng.randint(0, len(sub) + 1)} {ones}) {' '.join(sub)})"
    return f"({op} {' '.join(sub)})"


def test_cnf_agrees_with_the_smt_encoding_on_random_formulas():
    """Every connective and cardinality the encoders use: each literal and its negation get
    the same verdict from the clauses as from the SMT script."""
    rng = random.Random(3)
    names = [f"v{i}" for i in range(5)]
    decls = "".join(f"(declare-const {v} Bool)" for v in names)
    seen = set()
    for _ in range(250):
        facts = "".join(f"(assert {_term(rng, names, 3)})" for _ in range(rng.randint(1, 4)))
        enc = Encoding(decls, facts, tuple(names))
        lit = _term(rng, names, 3)
        for t in (lit, f"(not {lit})", "true"):
            got = sat_path.satisfiable(enc, t, R)
            assert got == _smt(enc, t), (facts, t)
            seen.add(got)
    assert seen == {"sat", "unsat"}


def test_cnf_rejects_what_it_cannot_encode():
    b = cnf.Builder()
    b.add("(declare-const a Bool)")
    for bad in ("(distinct a a)", "((_ pbge 1 2) a)", "(= x a)"):
        try:
            b.literal(bad)
        except cnf.NotPropositional:
            continue
        raise AssertionError(bad)
    smt = Encoding("(declare-sort P 0)(declare-const p P)", "(assert (= p p))")
    assert sat_path.prove(smt, "true", [], R) is None  # stays on the SMT path


def _proof_jobs(per_family: int = 12) -> list[tuple]:
    """(encoding, answer literal, distractor literals) of real items' uniqueness proofs."""
    jobs = []
    real = session.prove

    def spy(enc, answer, distractors=(), rlimit=R):
        jobs.append((enc, answer, list(distractors)))
        return real(enc, answer, distractors, rlimit)

    cfg = load_config("default")
    session.prove = spy
    try:
        for fam in ("truth_teller", "seating"):
            for i in range(per_family):
                pipeline.make_item(cfg, fam, i)
    finally:
        session.prove = real
    return jobs


def _scramble(rng: random.Random, keep: list) -> None:
    """Make and drop many terms in the SAT path's context, so its AST ids are reused in
    another order (and a few stay alive), as after arbitrary earlier work."""
    c = sat_path._context()
    made = []
    for j in range(rng.randint(50, 2000)):
        name = z3.Z3_mk_int_symbol(c.ctx, rng.randint(1, 300)) if j % 2 else None
        name = name or z3.Z3_mk_string_symbol(c.ctx, f"junk{rng.randint(0, 10**6)}")
        a = z3.Z3_mk_const(c.ctx, name, c.bool)
        z3.Z3_inc_ref(c.ctx, a)
        made.append(a)
    rng.shuffle(made)
    for a in made:
        (keep.append if rng.random() < 0.02 else lambda x: z3.Z3_dec_ref(c.ctx, x))(a)


def test_sat_proofs_do_not_depend_on_history():
    """The same proofs, in another order with the context's AST ids scrambled in between,
    give the same verdicts and the same counters."""
    jobs = _proof_jobs()
    assert all(sat_path._compile(enc, [a]) is not None for enc, a, _ in jobs)
    first = [session.prove(*j) for j in jobs]
    assert {p.status for p in first} >= {"unique"}
    rng, keep = random.Random(1), []
    order = list(range(len(jobs)))
    rng.shuffle(order)
    again = {}
    for i in order:
        _scramble(rng, keep)
        again[i] = session.prove(*jobs[i])
    assert all(again[i] == p for i, p in enumerate(first))
    assert any(p.stats["conflicts"] for p in first)


def test_the_budget_is_the_callers_even_after_a_global_set_option():
    """``(set-option :rlimit ...)`` in another context does not lift this path's budget."""
    enc, answer, ds = _proof_jobs(3)[-1]
    session.models(enc, cap=2)  # an SMT script that sets :rlimit on the main context
    assert session.prove(enc, answer, ds, rlimit=1).status == "unknown"
    assert session.satisfiable(enc, answer, rlimit=1) == "unknown"
    assert session.prove(enc, answer, ds).ok


_CHILD = r"""
import json, sys
from generators import pipeline
from generators.config import load_config
cfg = load_config("default")
out = {}
for fam, i in json.loads(sys.argv[1]):
    o = pipeline.make_item(cfg, fam, i)
    out[f"{fam}:{i}"] = [o.dropped, o.record.model_dump_json() if o.record else None,
                         [r.model_dump_json() for r in o.extra]]
print(json.dumps(out))
"""


def _items(jobs: list[tuple[str, int]]) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(jobs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(r.stdout)


def test_items_alone_and_mid_shard_are_byte_identical():
    """Each family's items built alone in a fresh process equal the same items built after
    other families' and other items' proofs in one process: records, bytes and metrics."""
    fams = ("truth_teller", "seating", "blood_relations")
    targets = [(f, i) for f in fams for i in (9, 14)]
    before = [(f, i) for i in range(9) for f in fams]
    mid = _items(before + [t for f in reversed(fams) for t in targets if t[0] == f])
    checked = 0
    for fam in fams:
        alone = _items([t for t in targets if t[0] == fam])
        for key, (dropped, rec, extra) in alone.items():
            assert mid[key] == [dropped, rec, extra], key
            if rec:
                d = json.loads(json.loads(rec)["difficulty"])
                checked += "z3_conflicts" in d
    assert checked >= 4


def test_solver_setup_leaves_the_global_default_tactic_as_it_was():
    """The blank SAT solver of each budget is made with the default tactic "sat" (its QF_BV
    tactic is never run); the process's setting is restored, so SMT scripts keep theirs."""
    before = z3.get_param("tactic.default_tactic")
    enc, answer, ds = _proof_jobs(2)[-1]
    assert session.prove(enc, answer, ds, rlimit=R + 7).ok  # a budget of its own: a new blank
    assert z3.get_param("tactic.default_tactic") == before
    try:
        sat_path.SatSolver("p cnf 1 1\nnot dimacs\n", R + 8)
    except z3.Z3Exception:
        pass
    assert z3.get_param("tactic.default_tactic") == before
    smt = Encoding("(declare-const x Int)", "(assert (> x 2))")
    assert session.satisfiable(smt, "(< x 4)") == "sat"  # the SMT path still solves integers
