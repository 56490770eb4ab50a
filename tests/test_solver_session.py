"""The SMT path of verifiers.solver.session: distractors refuted in one check, named one by
one only when one survives; the reported statistics are the uniqueness proof's alone."""

from __future__ import annotations

import random

from generators import blood_relations as br
from generators.family import RenderContext
from generators.pipeline import name_pool
from verifiers.solver import blood_relations as S
from verifiers.solver import session

# Not propositional (an uninterpreted sort and an Int function): the SMT path, not the SAT core.
_ENC = session.Encoding(
    "(declare-sort P 0)(declare-const a P)(declare-const b P)(declare-fun f (P) Int)",
    "(assert (= (f a) 1))",
    ("a",),
)


def test_a_surviving_distractor_is_named_and_the_others_refuted():
    proof = session.prove(_ENC, "(= (f a) 1)", ["(= (f a) 2)", "(= (f b) 3)", "(= (f a) 5)"])
    assert proof.status == "unique" and proof.refuted == [True, False, True]
    assert not proof.ok


def test_every_distractor_refuted_gives_one_flag_each():
    proof = session.prove(_ENC, "(= (f a) 1)", ["(= (f a) 2)", "(= (f a) 5)"])
    assert proof.status == "unique" and proof.refuted == [True, True] and proof.ok
    assert session.prove(_ENC, "(= (f b) 1)", ["(= (f a) 2)"]).status == "ambiguous"
    assert session.prove(_ENC, "(= (f a) 2)", ["(= (f a) 1)"]).status == "wrong"


def test_blood_statistics_do_not_depend_on_the_distractors():
    """The counters come from the answer and uniqueness checks, before any distractor."""
    rng, checked = random.Random(5), 0
    for variant in br.VARIANTS:
        d = None
        while d is None:
            d = br.draft(variant, 2, rng, {})
        fin = br.finalize(d, RenderContext(rng=rng, names=name_pool(False), n_choices=4))
        enc, answer = S.encode(fin.spec), S.answer_literal(fin.spec, fin.answer)
        lits = [S.answer_literal(fin.spec, x) for x in fin.distractors]
        full, bare = session.prove(enc, answer, lits), session.prove(enc, answer)
        assert full.ok and bare.status == "unique", variant
        assert full.stats == bare.stats and full.stats["decisions"] > 0, variant
        checked += 1
    assert checked == len(br.VARIANTS)
