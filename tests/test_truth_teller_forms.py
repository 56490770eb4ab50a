"""Truth-teller question forms and statement layouts: each is proven by real Z3 at every
level, its answer parses back from natural phrasings, and the phrasings and layouts
reserved for the test split appear only there."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import pytest

from generators import generate
from generators.config import load_config
from generators.family import RenderContext
from generators.pipeline import make_item
from generators.truth_teller import finalize
from generators.truth_teller.layout import chain_ready
from generators.truth_teller.sample import draft
from generators.validate import check_record
from templates.phrases import is_reserved
from verifiers import score
from verifiers.answers import Answer, parse
from verifiers.record import CANARY
from verifiers.rewards import accuracy_reward
from verifiers.solver import session
from verifiers.solver import truth_teller as tts
from verifiers.truth_teller.spec import TruthTellerSpec, asked

CFG = load_config("default")
CLASSIC = {"knights_knaves": 0.4, "liar_chain": 0.3, "knights_knaves_normals": 0.3}
FORMS = ("all", "one", "truthful", "liars", "count")
LAYOUTS = ("lines", "numbered", "paragraph", "chain")


def _cfg(level: int, variants: dict | None = None, **options):
    fam = CFG.families["truth_teller"]
    opts = {**fam.options, **options}
    update = {
        "variants": variants or CLASSIC,
        "levels": {level: 1.0},
        "variant_levels": {},
        "options": opts,
    }
    return CFG.model_copy(update={"families": {"truth_teller": fam.model_copy(update=update)}})


def _records(cfg, n: int) -> list:
    out = [make_item(cfg, "truth_teller", i).record for i in range(n)]
    return [r for r in out if r is not None]


def _assert_proven(rec) -> TruthTellerSpec:
    """Z3 re-proves the row (unique answer, every option refuted); the answer is the hidden
    world's and the solution ends in it."""
    assert check_record(rec.model_dump()) == []
    spec = TruthTellerSpec.model_validate_json(rec.spec)
    gold = Answer.model_validate_json(rec.answer_json)
    enc = tts.encode(spec)
    assert session.satisfiable(enc, tts.answer_literal(spec, gold), 10**7) == "sat"
    assert rec.solution.splitlines()[-1] == f"Answer: {rec.answer}"
    assert rec.choices[ord(rec.answer_label) - 65] == rec.answer
    assert len(set(rec.choices)) == len(rec.choices) >= 2
    return spec


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_question_form_is_proven_at_every_level(form, level):
    # A chain states its number of liars: it is never asked how many tell the truth.
    variants = {v: w for v, w in CLASSIC.items() if form != "count" or v != "liar_chain"}
    recs = _records(_cfg(level, variants, questions={form: 1.0}), 8)
    assert len(recs) >= 6
    for rec in recs:
        assert rec.level == level
        spec = _assert_proven(rec)
        assert spec.question.kind == form
        gold = json.loads(rec.answer_json)
        value = asked(spec.question, spec.truth)
        if form == "count":
            assert rec.answer == str(value) and re.search(r": \d+ in all\.$", rec.solution, re.M)
        elif form == "liars":
            assert gold["type"] == "set" and rec.answer == Answer(**gold).text()
            assert tuple(p in gold["value"] for p in spec.people) == value
        elif form == "truthful":
            assert rec.answer == ("yes" if value else "no")
        assert score(rec.model_dump(), f"<answer>{rec.answer}</answer>")["acc"] == 1.0


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_layout_is_proven_at_every_level(layout, level):
    recs = _records(_cfg(level, layouts={layout: 1.0}), 8)
    assert len(recs) >= 6
    for rec in recs:
        spec = _assert_proven(rec)
        got = rec.template_id.split("/")[2]
        chain = spec.variant == "liar_chain" or (layout == "chain" and chain_ready(spec))
        want = "chain" if chain and layout in ("paragraph", "chain") else layout
        if want == "chain" and not chain_ready(spec):
            want = "paragraph"
        assert got.rstrip("0123456789") == want, rec.template_id
        block = rec.question.split("\n\n")[1]  # intro, statements (a chain's fact first), ...
        lines = block.splitlines()
        if spec.variant == "liar_chain":  # the stated count of liars comes first
            lines = lines[len(spec.facts) :]
        if want == "numbered":
            assert len(lines) == len(spec.statements)
            assert all(re.match(r"^(\(?\[?\d+[.)\]:]|Statement \d+:) ", x) for x in lines)
        elif want == "paragraph":
            assert len(lines) == 1 and lines[0].count('"') == 2 * len(spec.statements)
        elif want == "chain":
            assert len(lines) == 1 and '"' not in lines[0]
            assert lines[0].count(" says ") == len(spec.statements)
        else:
            assert len(lines) == len(spec.statements)


def test_liar_chains_reach_twelve_people_and_more_at_level_four():
    fam = CFG.families["truth_teller"]
    cfg = CFG.model_copy(
        update={
            "families": {
                "truth_teller": fam.model_copy(
                    update={
                        "variants": {"liar_chain": 1.0},
                        "levels": {4: 1.0},
                        "variant_levels": {},
                    }
                )
            }
        }
    )
    sizes = {len(TruthTellerSpec.model_validate_json(r.spec).people) for r in _records(cfg, 16)}
    assert max(sizes) >= 12 and min(sizes) >= 10


def _row(form: str, want=lambda spec: True) -> dict:
    puzzles = generate("truth_teller", seed=5, variants=CLASSIC, options={"questions": {form: 1.0}})
    for i in range(60):
        row = puzzles[i].model_dump()
        if row["status"] == "unique" and want(TruthTellerSpec.model_validate_json(row["spec"])):
            return row
    raise AssertionError(f"no {form} row")


def test_who_is_lying_parses_natural_answers():
    row = _row("liars", lambda s: 2 <= s.truth.count("knave") < len(s.people) - 1)
    spec = TruthTellerSpec.model_validate_json(row["spec"])
    liars = [p for p, r in zip(spec.people, spec.truth, strict=True) if r == "knave"]
    honest = [p for p, r in zip(spec.people, spec.truth, strict=True) if r == "knight"]
    right = [
        " and ".join(liars),
        ", ".join(reversed(liars)),
        f"The liars are {' and '.join(reversed(liars))}.",
        f"{', '.join(liars)} are lying",
    ]
    for text in right:
        assert score(row, f"<answer>{text}</answer>")["acc"] == 1.0, text
    for text in (liars[0], " and ".join([*liars, honest[0]]), "nobody"):
        assert score(row, f"<answer>{text}</answer>")["acc"] == 0.0, text
    gold = Answer.model_validate_json(row["answer_json"])
    assert parse("no one", gold).value == [] and parse("banana", gold) is None
    # the trainers' reward: full marks for the set, less for one person on the wrong side
    text = f"<reasoning>.</reasoning><answer>{', '.join(reversed(liars))}</answer>"
    off = f"<reasoning>.</reasoning><answer>{' and '.join(liars[1:])}</answer>"
    assert accuracy_reward(None, [text, off], **{k: [row[k]] * 2 for k in row}) == [
        1.0,
        pytest.approx(1 - 2 / len(spec.people)),
    ]
    assert "'nobody'" in row["prompt"][0]["content"]


def test_how_many_parses_numbers_as_words_and_digits():
    row = _row("count", lambda s: 2 <= s.truth.count("knight") <= 10)
    spec = TruthTellerSpec.model_validate_json(row["spec"])
    k = spec.truth.count("knight")
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    for text in (str(k), words[k], f"There are {words[k]} of them.", f"{k} tell the truth"):
        assert score(row, f"<answer>{text}</answer>")["acc"] == 1.0, text
    assert score(row, f"<answer>{k + 1}</answer>")["acc"] == 0.0


def test_yes_no_parses_natural_answers():
    row = _row("truthful", lambda s: "normal" not in s.roles)
    spec = TruthTellerSpec.model_validate_json(row["spec"])
    yes = spec.truth[spec.question.person] == "knight"
    good, bad = ("Yes.", "No, never.") if yes else ("No.", "Yes, always.")
    assert score(row, f"<answer>{good}</answer>")["acc"] == 1.0
    assert score(row, f"<answer>{bad}</answer>")["acc"] == 0.0


def _drafts(form: str, n: int) -> list:
    rng, out = random.Random(9), []
    for _ in range(400):
        v = rng.choice(list(CLASSIC))
        d = draft(v, rng.randint(1, 3), rng, {"questions": {form: 1.0}})
        if d is not None:
            out.append(d)
        if len(out) == n:
            return out
    raise AssertionError(form)


@pytest.mark.parametrize("form", FORMS)
def test_test_split_phrasings_only_with_held_out_templates(form):
    """With held-out templates every question (and numbered / paragraph layout) phrasing
    is one reserved for the test split; without, none is."""
    names = [f"N{i}a" for i in range(40)]
    for i, d in enumerate(_drafts(form, 6)):
        for held in (False, True):
            opts = {"layouts": {"numbered": 1.0, "paragraph": 1.0}}
            ctx = RenderContext(random.Random(i), names, options=opts, held_out_templates=held)
            fin = finalize(d, ctx)
            ids = fin.phrase_ids
            assert any(p.startswith("truth_teller/questions:question.") for p in ids)
            assert all(is_reserved(p) == held for p in ids), (held, ids)


def test_reserved_phrasings_land_only_in_the_test_split():
    puzzles = generate("truth_teller", seed=2, variants=CLASSIC)
    test_ids = set()
    for i in range(240):
        row = puzzles[i].model_dump()
        reserved = [p for p in row["phrase_ids"] if is_reserved(p)]
        if row["canary"] == CANARY:
            test_ids.update(reserved)
            assert reserved, row["phrase_ids"]
        else:
            assert not reserved, row["phrase_ids"]
    assert any("question." in p for p in test_ids)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("questions: {who: 1.0}", "options.questions.who': unknown question 'who'; use all, one"),
        ("layouts: {lines: -1}", "options.layouts.lines': must be a non-negative weight"),
    ],
)
def test_bad_question_or_layout_weights_get_a_one_line_error(tmp_path, options, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(f"families:\n  truth_teller:\n    count: 4\n    options:\n      {options}\n")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "generators", "build", "--config", str(cfg), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
