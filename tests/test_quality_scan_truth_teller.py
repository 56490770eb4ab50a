"""The truth_teller quality scan (benchmarks/quality/truth_teller.py): built rows are clean,
and each defect class, planted in a real record, is caught."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from benchmarks.quality import row_defects
from benchmarks.quality.truth_teller import CLASSES, defects
from generators import generate
from generators.truth_teller.seating_claims.sample import random_claim
from generators.truth_teller.seating_claims.search import claim_defect as numpy_claim_defect
from verifiers.truth_teller.degenerate import claim_defect, seating_spec_defects, spec_defects
from verifiers.truth_teller.seating_claims import (
    ClaimStatement,
    SeatingClaimsSpec,
    SeatQuestion,
)
from verifiers.truth_teller.seating_claims import evaluate as seat_evaluate
from verifiers.truth_teller.spec import (
    And,
    Count,
    Iff,
    Is,
    Or,
    Statement,
    TruthTellerSpec,
    evaluate,
)
from verifiers.truth_teller.worlds import Worlds

VARIANTS = ("knights_knaves", "liar_chain", "knights_knaves_normals", "seating_claims")


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    out = {}
    for v in VARIANTS:
        puzzles = generate("truth_teller", seed=4, variants={v: 1.0})
        out[v] = [puzzles[i].model_dump() for i in range(24)]
    return out


def _with_spec(row: dict, spec) -> dict:
    return {**row, "spec": spec.model_dump_json()}


def _spec(row: dict):
    raw = json.loads(row["spec"])
    model = SeatingClaimsSpec if raw["variant"] == "seating_claims" else TruthTellerSpec
    return model.model_validate(raw)


@pytest.mark.parametrize("variant", VARIANTS)
def test_built_rows_show_no_defect(rows, variant):
    """Every class reads 0 on fresh rows; a wrong option that one clue removes stays rare."""
    seen = {c: 0 for c in (*CLASSES, "grammar")}
    for row in rows[variant]:
        for c in row_defects(row):
            seen[c] += 1
    assert seen.pop("single_clue_distractor") <= 2, variant
    assert seen == dict.fromkeys(seen, 0), (variant, seen)


def _two_role_row(rows) -> dict:
    return next(r for r in rows["knights_knaves"] if len(_spec(r).people) >= 4)


def test_the_issues_degenerate_statements_are_caught(rows):
    """The verbatim examples of issue 14, planted in a real record."""
    row = _two_role_row(rows)
    spec = _spec(row)
    n = len(spec.people)
    omar = Is(person=1, role="knight")
    planted = {
        "omar is honest exactly when omar is honest": Iff(a=omar, b=omar),
        "gopal is dishonest or gopal is honest": Or(
            args=(Is(person=2, role="knave"), Is(person=2, role="knight"))
        ),
        "isla is a normal or isla is a normal": Or(
            args=(Is(person=3, role="knave"), Is(person=3, role="knave"))
        ),
        "at most n of us are dishonest": Count(
            op="at_most", k=n, role="knave", people=tuple(range(n))
        ),
        "at least 0 of us ... or": Or(
            args=(Count(op="at_least", k=0, role="knave", people=tuple(range(n))), omar)
        ),
    }
    assert "degenerate_statement" not in defects(row)
    for why, claim in planted.items():
        st = [*spec.statements, Statement(speaker=0, claim=claim)]
        bad = _with_spec(row, spec.model_copy(update={"statements": st}))
        assert "degenerate_statement" in defects(bad), why
    # "I am a knight" is uninformative where everyone is a knight or a knave.
    st = [*spec.statements, Statement(speaker=0, claim=Is(person=0, role="knight"))]
    assert spec_defects(spec.model_copy(update={"statements": st}))[-1][1] == "uninformative"


def test_constant_given_the_stated_facts_is_degenerate(rows):
    """With the number of normals stated, a count of normals says nothing: caught."""
    row = next(r for r in rows["knights_knaves_normals"])
    spec = _spec(row)
    (fact,) = spec.facts
    same = Count(op="exactly", k=fact.k, role="normal", people=fact.people)
    st = [*spec.statements, Statement(speaker=0, claim=Or(args=(same, Is(person=1, role="knave"))))]
    assert "degenerate_statement" in defects(
        _with_spec(row, spec.model_copy(update={"statements": st}))
    )


def test_degenerate_checker_agrees_with_plain_enumeration():
    """claim_defect's 'constant' verdict is truth in every world, or in none, by evaluate."""
    rng = random.Random(3)
    for _ in range(300):
        n = rng.randint(2, 4)
        roles = ("knight", "knave", "normal")[: rng.choice((2, 3))]
        a = Is(person=rng.randrange(n), role=rng.choice(roles))
        b = Count(
            op=rng.choice(("exactly", "at_least", "at_most")),
            k=rng.randint(1, n - 1),
            role=rng.choice(roles),
            people=tuple(range(n)),
        )
        claim = rng.choice((Or(args=(a, b)), Iff(a=a, b=b), a, b))
        worlds = [list(w) for w in itertools.product(roles, repeat=n)]
        values = {evaluate(claim, w) for w in worlds}
        why = claim_defect(Worlds(n, roles), Worlds(n, roles).full, -1, claim)
        assert (why == "constant") == (len(values) == 1 and why != "repeated"), claim


def test_seating_claims_checkers_agree():
    """The generator's numpy check and the scan's plain evaluation agree on random claims."""
    rng = random.Random(8)
    disagree = 0
    hits = 0
    for _ in range(150):
        n = rng.randint(3, 4)
        sp = rng.randrange(n)
        st = ClaimStatement(speaker=sp, claim=random_claim(rng, n, sp, 0.6))
        spec = SeatingClaimsSpec(
            people=[f"P{i}" for i in range(n)],
            statements=[st],
            question=SeatQuestion(person=0),
            truth=["knight"] * n,
            seats=list(range(n)),
        )
        fast = numpy_claim_defect(st, n)
        slow = seating_spec_defects(spec)
        hits += fast is not None
        slow_why = slow[0][1] if slow else None
        disagree += slow_why != fast
    assert disagree == 0 and hits > 5


def test_silent_share_is_caught(rows):
    row = _two_role_row(rows)
    spec = _spec(row)
    keep = spec.statements[0].speaker
    st = [s for s in spec.statements if s.speaker == keep]
    assert "silent_share" not in defects(row)
    assert "silent_share" in defects(_with_spec(row, spec.model_copy(update={"statements": st})))


def test_undefined_or_is_caught(rows):
    row = next(r for v in VARIANTS for r in rows[v] if "or both" in r["question"])
    assert "inclusive_or_undefined" not in defects(row)
    bare = row["question"].replace(" (or both)", "").replace(", or both", "")
    assert "inclusive_or_undefined" in defects({**row, "question": bare})


def _replace_wrong(row: dict, text: str) -> dict:
    choices = list(row["choices"])
    i = next(i for i in range(len(choices)) if i != ord(row["answer_label"]) - 65)
    choices[i] = text
    return {**row, "choices": choices}


def test_single_clue_distractor_is_caught_for_assignments(rows):
    """An option that breaks the stated number of normals, or several statements, is caught."""
    row = next(r for r in rows["knights_knaves_normals"] if _spec(r).question.kind == "all")
    spec = _spec(row)
    assert "single_clue_distractor" not in defects(row)
    aliases = {v: k for k, v in json.loads(row["answer_json"])["aliases"].items()}
    world = ["knight" if r == "normal" else r for r in spec.truth]  # no normals at all
    text = ", ".join(f"{p}: {aliases[r]}" for p, r in zip(spec.people, world, strict=True))
    assert "single_clue_distractor" in defects(_replace_wrong(row, text))


def test_single_clue_distractor_is_caught_for_one_role(rows):
    """A role option that one clue rules out on its own is caught: here a planted fact
    ("p is <their role>") and, among normals, p's own "I am a knave" (so p is a normal)."""
    row = next(r for r in rows["knights_knaves"] if _spec(r).question.kind == "one")
    spec = _spec(row)
    p = spec.question.person
    assert "single_clue_distractor" not in defects(row)
    fact = Is(person=p, role=spec.truth[p])
    planted = spec.model_copy(update={"facts": [*spec.facts, fact]})
    assert "single_clue_distractor" in defects(_with_spec(row, planted))
    normals = next(r for r in rows["knights_knaves_normals"] if _spec(r).question.kind == "one")
    spec = _spec(normals)
    p = spec.question.person
    st = [*spec.statements, Statement(speaker=p, claim=Is(person=p, role="knave"))]
    new = spec.model_copy(update={"statements": st})
    # p's "I am a knave" leaves p only the normal's role: a knight or knave option falls to it.
    w = Worlds(len(spec.people), tuple(spec.roles))
    assert w.allowed(st[-1]) & ~w.role(p, "normal") == 0
    assert "single_clue_distractor" in defects(_with_spec(normals, new))


def test_single_clue_distractor_is_caught_for_seating_claims(rows):
    row = rows["seating_claims"][0]
    spec = _spec(row)
    n, q = spec.n, spec.question.person
    answer = json.loads(row["answer_json"])
    words = {v: k for k, v in answer["aliases"].items()}
    for bits in itertools.product(("knight", "knave"), repeat=n):
        for chair in range(n):
            seatings = [list(s) for s in itertools.permutations(range(n)) if s[q] == chair]
            refuted = any(
                not any(
                    seat_evaluate(st.claim, list(bits), s) == (bits[st.speaker] == "knight")
                    for s in seatings
                )
                for st in spec.statements
            )
            if refuted:
                text = ", ".join(f"{p}: {words[r]}" for p, r in zip(spec.people, bits, strict=True))
                text += f", {spec.people[q]}'s seat: {chair + 1}"
                assert "single_clue_distractor" in defects(_replace_wrong(row, text))
                return
    pytest.fail("no refutable option found")


def test_trace_enumeration_is_caught(rows):
    row = rows["seating_claims"][0]
    spec = _spec(row)
    assert "trace_enumeration" not in defects(row)
    lines = [
        "- "
        + ", ".join(f"{p} {r}" for p, r in zip(spec.people, bits, strict=True))
        + ": impossible."
        for bits in itertools.product(("knight", "knave"), repeat=spec.n)
    ]
    solution = "\n".join([*lines, row["solution"].splitlines()[-1]])
    assert "trace_enumeration" in defects({**row, "solution": solution})


def test_grammar_slips_in_articles_are_gone(rows):
    """Every persona's role words take the right article (the 'a honest witness' slip)."""
    texts = [r["question"] + r["solution"] for v in VARIANTS for r in rows[v]]
    assert not any("a honest" in t or "a unreliable" in t for t in texts)
    assert any("an honest" in t or "an unreliable" in t for t in texts)


@pytest.fixture(scope="module")
def form_rows() -> dict[str, dict]:
    """A fresh knights_knaves row of each newer question form."""
    out: dict[str, dict] = {}
    for form in ("truthful", "liars", "count"):
        puzzles = generate(
            "truth_teller",
            seed=6,
            variants={"knights_knaves": 1.0},
            options={"questions": {form: 1.0}},
        )
        out[form] = next(
            r
            for r in (puzzles[i].model_dump() for i in range(40))
            if r["status"] == "unique" and len(_spec(r).people) >= 3
        )
    return out


def test_new_forms_show_no_defect(form_rows):
    for form, row in form_rows.items():
        assert defects(row) == set(), form


def _pinned(row: dict) -> dict:
    """The row with a planted fact that states the whole hidden world."""
    spec = _spec(row)
    world = And(args=tuple(Is(person=i, role=r) for i, r in enumerate(spec.truth)))
    return _with_spec(row, spec.model_copy(update={"facts": [*spec.facts, world]}))


@pytest.mark.parametrize("form", ["truthful", "liars", "count"])
def test_single_clue_distractor_is_caught_for_the_new_forms(form_rows, form):
    """Once a stated fact gives the hidden world away, every wrong yes/no, set of liars or
    number of truth-tellers falls to that one clue."""
    assert "single_clue_distractor" in defects(_pinned(form_rows[form]))


def test_a_wrong_count_that_one_statement_excludes_is_caught(form_rows):
    row = form_rows["count"]
    spec = _spec(row)
    n, k = len(spec.people), spec.truth.count("knight")
    # Stated: the first speaker is a knight; that speaker now also says "exactly k of us
    # are knights": with the fact, this one statement leaves no other count possible.
    speaker = spec.statements[0].speaker
    claim = Count(op="exactly", k=k, role="knight", people=tuple(range(n)))
    fact = Is(person=speaker, role="knight")
    st = [*spec.statements, Statement(speaker=speaker, claim=claim)]
    planted = spec.model_copy(update={"statements": st, "facts": [*spec.facts, fact]})
    assert "single_clue_distractor" in defects(_with_spec(row, planted))


def test_answer_form_is_caught(form_rows):
    """A "how many" answer out of range or not the hidden world's, a set of liars naming a
    stranger, and a yes/no answer that is neither are caught."""
    count = form_rows["count"]
    n = len(_spec(count).people)
    assert "answer_form" in defects({**count, "answer": str(n + 1)})
    assert "answer_form" in defects(_replace_wrong(count, "several"))
    gold = json.loads(count["answer_json"])
    wrong = {**gold, "value": str((int(gold["value"]) + 1) % (n + 1))}
    assert "answer_form" in defects({**count, "answer_json": json.dumps(wrong)})
    liars = form_rows["liars"]
    gold = json.loads(liars["answer_json"])
    stranger = {**gold, "value": [*gold["value"], "Zebedee"]}
    assert "answer_form" in defects({**liars, "answer_json": json.dumps(stranger)})
    nobody = {**gold, "value": []}
    assert "answer_form" in defects({**liars, "answer_json": json.dumps(nobody)})
    yes_no = form_rows["truthful"]
    assert "answer_form" in defects({**yes_no, "answer": "maybe"})
    flipped = json.loads(yes_no["answer_json"])
    flipped["value"] = "no" if flipped["value"] == "yes" else "yes"
    assert "answer_form" in defects({**yes_no, "answer_json": json.dumps(flipped)})
