"""The blood-relations quality scan: clean generated records pass, and each planted defect in a
real record is caught by its class."""

from __future__ import annotations

import json

import pytest

from benchmarks.quality import blood_relations as Q
from benchmarks.quality import row_defects
from generators.blood_relations.tables import COMPOSE
from generators.blood_relations.text import BANK
from generators.blood_relations.world import is_valid
from generators.config import load_config
from generators.pipeline import make_item
from templates.phrases import entries
from verifiers.blood_relations.names import name_sexes
from verifiers.blood_relations.relations import TERMS
from verifiers.blood_relations.spec import BloodRelationsSpec, Rel, stated_sexes


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    cfg = load_config("default")
    out = []
    for i in range(60):
        o = make_item(cfg, "blood_relations", i)
        if o.record is not None:
            out.append(o.record.model_dump())
    return out


def _first(rows, pred):
    for r in rows:
        spec = BloodRelationsSpec.model_validate_json(r["spec"])
        if pred(r, spec):
            return dict(r), spec
    raise AssertionError("no record of that kind in the sample")


def _with_spec(row: dict, spec: BloodRelationsSpec) -> dict:
    return {**row, "spec": spec.model_dump_json()}


def _relation(r, s):
    return s.variant in ("chain", "family_puzzle") and s.question.kind == "relation"


def test_generated_records_are_clean(rows):
    kinds = {(r["variant"], json.loads(r["spec"])["question"]["kind"]) for r in rows}
    assert len(kinds) >= 5  # every variant and question kind is in the sample
    for r in rows:
        assert row_defects(r) <= {"single_clue_distractor"}, (r["id"], row_defects(r))


def test_reference_family_is_a_valid_world_and_never_witnesses_a_contradiction():
    assert is_valid(Q.reference_world())
    _, shared = Q.witnesses()
    # COMPOSE (proven with Z3): "A t1 B, B t2 C" impossible -> no witness "x t1 y, y t2 p"
    bad = [k for k, v in COMPOSE.items() if v == "CONTRADICTION" and (k[0], 2, k[1]) in shared]
    assert bad == []
    possible = [k for k, v in COMPOSE.items() if v != "CONTRADICTION"]
    found = sum((k[0], 2, k[1]) in shared for k in possible)
    assert found / len(possible) > 0.9


def test_name_sex_clash(rows):
    r, spec = _first(rows, _relation)
    i = spec.question.a.person
    other = "F" if spec.world.sex[i] == "M" else "M"
    clash = next(n for n, t in name_sexes().items() if t == other and n not in spec.people)
    spec.people[i] = clash
    assert "name_sex_clash" in Q.defects(_with_spec(r, spec))


def test_name_reveals_sex(rows):
    def unknown(r, s):
        return any(
            i not in stated_sexes(s) and i != s.question.a.person for i in range(len(s.people))
        )

    r, spec = _first(rows, lambda r, s: _relation(r, s) and unknown(r, s))
    assert "name_reveals_sex" not in Q.defects(r)
    known = stated_sexes(spec)
    i = next(i for i in range(len(spec.people)) if i not in known and i != spec.question.a.person)
    sex = spec.world.sex[i]
    spec.people[i] = next(n for n, t in name_sexes().items() if t == sex and n not in spec.people)
    assert "name_reveals_sex" in Q.defects(_with_spec(r, spec))


def test_unstated_rule(rows):
    for variant in ("chain", "photo", "coded"):
        r, _ = _first(rows, lambda r, s, v=variant: s.variant == v)
        assert "unstated_rule" not in Q.defects(r)
        r["question"] = Q.RULES["no step- or half-relations"].sub("no surprises", r["question"])
        assert "unstated_rule" in Q.defects(r)
    r, _ = _first(rows, lambda r, s: s.variant == "photo")
    r["question"] = Q.PHOTO_RULE.sub("picture is old", r["question"])
    assert "unstated_rule" in Q.defects(r)


@pytest.mark.parametrize("variant", ["chain", "photo"])
def test_unstated_rule_knows_every_rules_phrasing(rows, variant):
    """Each phrasing of the rules (training and reserved) states every rule to the scan, and
    without any one rule the record is flagged."""
    r, _ = _first(rows, lambda r, s: s.variant == variant)
    said = next(s for _, s in entries(BANK, "rules") if s in r["question"])
    photo = [s for _, s in entries(BANK, "photo_rule")]
    for _, rules in entries(BANK, "rules"):
        for extra in photo if variant == "photo" else [""]:
            row = dict(r, question=r["question"].replace(said, rules))
            if extra:
                now = next(s for s in photo if s in row["question"])
                row["question"] = row["question"].replace(now, extra)
            assert "unstated_rule" not in Q.defects(row), rules
            for pat in [*Q.RULES.values(), Q.PHOTO_RULE][: 8 if extra else 7]:
                cut = dict(row, question=pat.sub("nothing", row["question"]))
                assert "unstated_rule" in Q.defects(cut), (pat.pattern, rules, extra)


def test_duplicate_fact(rows):
    r, spec = _first(rows, _relation)
    f = next(f for f in spec.facts if isinstance(f, Rel))
    spec.facts.append(Rel(a=f.b, term=f.term, b=f.a))  # the same pair again, other way round
    assert "duplicate_fact" in Q.defects(_with_spec(r, spec))


def test_coded_unanswerable(rows):
    r, spec = _first(rows, lambda r, s: s.question.kind == "expression")
    assert "coded_unanswerable" not in Q.defects(r)
    wrong = next(c for c in r["choices"] if c != r["answer"])
    r["question"] = r["question"].replace(wrong, "...")
    assert "coded_unanswerable" in Q.defects(r)
    r, spec = _first(rows, lambda r, s: s.variant == "coded" and s.question.kind == "relation")
    sym = next(iter(spec.codes))
    r["question"] = r["question"].replace(f"P {sym} Q", "P ? Q")
    assert "coded_unanswerable" in Q.defects(r)


def test_side_not_forced(rows):
    r, spec = _first(rows, _relation)
    spec.question = spec.question.model_copy(update={"qualified": True})
    r = _with_spec(r, spec)
    r["answer_json"] = json.dumps({**json.loads(r["answer_json"]), "value": "maternal uncle"})
    assert "side_not_forced" in Q.defects(r)
    r["answer_json"] = json.dumps({**json.loads(r["answer_json"]), "value": "maternal grandfather"})
    assert "side_not_forced" not in Q.defects(r)


def test_option_wrong_sex(rows):
    for pred in (_relation, lambda r, s: s.variant == "photo"):
        r, spec = _first(rows, pred)
        x = spec.pointed if spec.variant == "photo" else spec.question.a.person
        wrong = "aunt" if spec.world.sex[x] == "M" else "uncle"
        i = next(k for k, c in enumerate(r["choices"]) if c != r["answer"])
        r["choices"] = [*r["choices"][:i], wrong, *r["choices"][i + 1 :]]
        assert "option_wrong_sex" in Q.defects(r)


def test_expression_option_wrong_sex(rows):
    r, spec = _first(rows, lambda r, s: s.question.kind == "expression")
    assert "option_wrong_sex" not in Q.defects(r)
    q = spec.question
    x = q.options[0].people[0]
    other = next(
        sym for sym, t in spec.codes.items() if TERMS[t].sex not in (None, spec.world.sex[x])
    )
    bad = q.options[0].model_copy(update={"ops": (other, *q.options[0].ops[1:])})
    spec.question = q.model_copy(update={"options": (bad, *q.options[1:])})
    assert "option_wrong_sex" in Q.defects(_with_spec(r, spec))


def test_single_clue_distractor(rows):
    # a clue that states the answer outright refutes every wrong option on its own
    r, spec = _first(rows, _relation)
    q = spec.question
    spec.facts.append(Rel(a=q.a, term=r["answer"], b=q.b))
    assert "single_clue_distractor" in Q.defects(_with_spec(r, spec))
    # a count above the stated number of children
    r, spec = _first(rows, lambda r, s: s.question.kind == "count")
    assert "single_clue_distractor" not in Q.defects(r)
    i = next(k for k, c in enumerate(r["choices"]) if c != r["answer"])
    r["choices"] = [*r["choices"][:i], "8", *r["choices"][i + 1 :]]
    assert "single_clue_distractor" in Q.defects(r)


def test_clue_allows_reads_the_tables_way():
    # x is the father of y, and the clue "p is the father of y": two fathers
    assert not Q.clue_allows("father", 0, 1, (2, "father", 1))
    assert Q.clue_allows("uncle", 0, 1, (2, "father", 1))
    assert not Q.clue_allows("son", 0, 1, (0, "father", 1))  # the pair itself, reversed
    assert Q.clue_allows("son", 0, 1, (1, "father", 0))
    assert TERMS["son"].sex == "M"


def test_vacuous_trace(rows):
    r, _ = _first(rows, lambda r, s: s.variant == "photo")
    assert "vacuous_trace" not in Q.defects(r)
    lines = r["solution"].splitlines()
    r["solution"] = "\n".join(["The man is a man.", *lines])
    assert "vacuous_trace" in Q.defects(r)
    r, _ = _first(rows, _relation)
    lines = r["solution"].splitlines()
    r["solution"] = "\n".join([lines[0], lines[0], *lines[1:]])
    assert "vacuous_trace" in Q.defects(r)
