"""Blood relations: the pruned axiom instances prove exactly what the full instantiation proves.

The encoder asserts each axiom part (what a term's father implies, what its spouse implies)
only where the link it is about is mentioned. Every asserted instance is an instance of a true
axiom, so an ``unsat`` stays a proof; these tests check that Z3 finds the parts equivalent to
the whole axiom and that, on built puzzles of every variant, each verdict (the answer
consistent, the answer forced, each distractor refuted) is the one the full instantiation
gives.
"""

from __future__ import annotations

import pytest

from generators import pipeline
from generators.config import load_config
from verifiers.solver import blood_relations as S
from verifiers.solver import session


def _verdicts(enc: session.Encoding, answer: str, distractors: list[str]) -> list[str]:
    script = session._header(enc, session.DEFAULT_RLIMIT, reset=False)
    checks = [answer, f"(not {answer})", *distractors]
    script += "".join(f"(push)(assert {c})(check-sat)(pop)" for c in checks)
    return session.run(script, fresh=True)


def test_the_two_parts_are_the_whole_axiom():
    """Z3: for every person p, ax(p) holds exactly when both parts hold."""
    decls = (
        "(declare-sort P 0)(declare-const nn P)(declare-const p P)"
        + S._DECL.format(s="")
        + S._AXIOM.format(s="")
        + S._AXIOM_UP.format(s="")
        + S._AXIOM_SPOUSE.format(s="")
    )
    assert session.run(decls + "(assert (not (= (ax p) (and (au p) (ay p)))))(check-sat)") == [
        "unsat"
    ]


@pytest.fixture(scope="module")
def proofs():
    """The uniqueness proofs the pipeline asks for on the first blood items of the default
    config: (spec, answer literal, distractor literals)."""
    cfg = load_config("default")
    seen, real = [], session.prove_unique

    def spy(solver, spec, answer, distractors=(), rlimit=None, enc=None):
        lits = [solver.answer_literal(spec, d) for d in distractors]
        seen.append((spec, solver.answer_literal(spec, answer), lits))
        return real(solver, spec, answer, distractors, rlimit, enc)

    session.prove_unique = spy
    try:
        for i in range(48):
            pipeline.make_item(cfg, "blood_relations", i)
    finally:
        session.prove_unique = real
    return seen


def test_built_puzzles_cover_every_variant(proofs):
    variants = {spec.variant for spec, _, _ in proofs}
    assert variants == {"chain", "coded", "photo", "family_puzzle"}
    assert {spec.question.kind for spec, _, _ in proofs} >= {"relation", "count", "expression"}


def test_pruned_axioms_give_the_full_verdicts(proofs):
    smaller = 0
    for spec, answer, distractors in proofs:
        pruned, full = S.encode(spec), S.encode(spec, full_axioms=True)
        smaller += len(pruned.asserts) < len(full.asserts)
        got = _verdicts(pruned, answer, distractors)
        assert got == _verdicts(full, answer, distractors), spec.model_dump_json()
        assert got[:2] == ["sat", "unsat"] and set(got[2:]) <= {"unsat"}
    assert smaller == len(proofs)
