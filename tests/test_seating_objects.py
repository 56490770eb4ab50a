"""The seating variant `objects` (things in one order): Z3 proofs at every level and question
form, an independent brute force, the one-statement-per-object MCQ through the pipeline,
validate and the quality scan on a small build, held-out objects and settings, phrasings."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from validate_cli import assert_validates

from benchmarks.quality import seating as Q
from generators import seating as gen
from generators.config import load_config, parse_config
from generators.family import RenderContext, TraceMismatch
from generators.pipeline import name_pool
from generators.seating import augment
from generators.seating.objects import BANK, VOCAB, ObjectsRenderer
from generators.seating.sample import OBJECT_WEIGHTS
from generators.shards import data_files, read_rows
from templates import data
from templates.phrases import Phrases, is_reserved
from verifiers import score
from verifiers.answers import Answer, parse
from verifiers.seating.spec import At, Between, Gap, Next, Order, Question, SeatingSpec, Side
from verifiers.seating.worlds import survives
from verifiers.solver import seating as solver
from verifiers.solver import session

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("who_at", "arrangement", "statement")


def make(level: int, form: str, seed: int, held: bool = False, options: dict | None = None):
    rng = random.Random(f"objects:{level}:{form}:{seed}")
    for _ in range(200):
        d = gen.draft("objects", level, rng, {"questions": {form: 1.0}, **(options or {})})
        if d is not None and gen.level_of(d.metrics) == level:
            ctx = RenderContext(
                rng=rng, names=name_pool(held), held_out_names=held, held_out_templates=held
            )
            return d, gen.finalize(d, ctx)
    raise AssertionError(f"no objects puzzle at level {level} asking {form}")


# --- an independent brute force over rows (seat 0 = position 1 = the left / first end) ----


def bf_holds(c, seat: tuple[int, ...], n: int) -> bool:
    k = c.kind
    if k == "at":
        s = seat[c.a]
        r = s in (0, n - 1) if c.where == "end" else s == c.seat
    elif k == "side":  # facing north: the left of b is the seat before it
        r = seat[c.a] == seat[c.b] + (-c.k if c.side == "left" else c.k)
    elif k == "order":
        r = seat[c.a] < seat[c.b]
    elif k == "next":
        r = abs(seat[c.a] - seat[c.b]) == 1
    elif k == "between":
        r = min(seat[c.b], seat[c.c]) < seat[c.a] < max(seat[c.b], seat[c.c])
    else:
        raise AssertionError(k)
    return r != bool(getattr(c, "neg", False))


def bf_solutions(spec: SeatingSpec) -> list[tuple[int, ...]]:
    n = spec.n
    perms = itertools.permutations(range(n))
    return [p for p in perms if all(bf_holds(c, p, n) for c in spec.clues)]


# --- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_level_and_question_form_is_proven_by_z3(level, form):
    d, fin = make(level, form, 0)
    spec = fin.spec
    assert spec.variant == "objects" and spec.question.kind == form
    proof = session.prove_unique(solver, spec, fin.answer, fin.distractors)
    assert proof.status == "unique" and proof.refuted and all(proof.refuted), fin.question
    assert fin.solution.splitlines()[-1] == f"Answer: {fin.answer.text(fin.words)}"
    if level == 4:
        assert d.metrics["case_splits"] >= 1 and "Try each case" in fin.solution
    assert fin.phrase_ids and all(p.startswith("seating/objects:") for p in fin.phrase_ids)
    for wrong in fin.distractors:  # every option parses back to itself, never to the gold
        got = parse(wrong.text(fin.words), fin.answer)
        assert got is not None and got.key() == wrong.key() != fin.answer.key()
    if form == "statement":  # one option per object, exactly one true in the hidden world
        opts = spec.question.options
        assert fin.all_options and len(fin.distractors) == spec.n - 1
        assert sorted(o.a for o in opts) == list(range(spec.n))
        assert sum(spec.seats[o.a] == o.seat for o in opts) == 1
        assert all(f"- {t}" in fin.question for t in fin.words.values())
        for wrong in fin.distractors:  # each wrong one survives every single clue alone
            i = int(str(wrong.value)[1:])
            assert all(survives(spec, c, i) for c in spec.clues)
    else:
        assert not fin.all_options


@pytest.mark.parametrize("form", FORMS)
def test_the_answer_agrees_with_an_independent_brute_force(form):
    """Counted without Z3 or generator code: the clues allow only the hidden order's answer;
    no single clue gives it; every wrong option fails in every allowed order."""
    for seed in range(6):
        _, fin = make(1 + seed % 3, form, 100 + seed)
        spec, q = fin.spec, fin.spec.question
        sols = bf_solutions(spec)
        assert tuple(spec.seats) in sols

        def answer(p: tuple[int, ...], spec=spec, q=q):
            if q.kind == "who_at":
                return spec.people[p.index(q.seat)]
            if q.kind == "statement":
                return tuple(f"s{i}" for i, o in enumerate(q.options) if p[o.a] == o.seat)
            at = [spec.people[p.index(s)] for s in range(spec.n)]
            return tuple(at if q.k == 0 else at[::-1])

        def value(v, q=q):
            return (v,) if q.kind == "statement" else tuple(v) if q.kind == "arrangement" else v

        assert {answer(p) for p in sols} == {value(fin.answer.value)}
        for c in spec.clues:
            alone = spec.model_copy(update={"clues": [c]})
            assert len({answer(p) for p in bf_solutions(alone)}) > 1, c
        for wrong in fin.distractors:
            assert all(answer(p) != value(wrong.value) for p in sols)


def test_clue_kinds_have_phrasings_in_every_setting_and_read_as_things():
    """Every clue kind the variant proposes, in every setting (held-out ones too), renders
    without template debris, names things as "the owl", never as people."""
    kinds = {
        "at_end": At(a=0, where="end"), "not_at_end": At(a=0, where="end", neg=True),
        "at_seat": At(a=0, where="seat", seat=1), "not_at": At(a=0, where="seat", seat=3, neg=True),
        "side1": Side(a=0, b=1, k=1, side="left"), "side1_right": Side(a=0, b=1, k=1, side="right"),
        "order": Order(a=0, b=1), "next": Next(a=0, b=1), "not_next": Next(a=0, b=1, neg=True),
        "between": Between(a=0, b=1, c=2, immediate=False),
    }  # fmt: skip
    assert set(OBJECT_WEIGHTS) <= set(kinds)
    for setting in data(VOCAB):
        assert len(setting["objects"]) >= 7 and len(setting["reserved"]) >= 7
        assert not set(setting["objects"]) & set(setting["reserved"])
        for held in (False, True):
            for seed in range(6):
                names = random.Random(seed).sample(setting["objects"], 5)
                spec = SeatingSpec(
                    variant="objects", people=names, seats=list(range(5)), facing=[True] * 5,
                    clues=[], question=Question(kind="arrangement"),
                )  # fmt: skip
                book = Phrases(BANK, random.Random(seed), held_out=held)
                r = ObjectsRenderer(spec, setting, book, random.Random(seed))
                for c in kinds.values():
                    t = r.clue(c)
                    assert "{" not in t and "  " not in t and t[0].isupper(), t
                    assert re.search(r"\b(their|who|whom|he|she|they)\b", t) is None, t
                    assert names[0] in t or _cap(names[0]) in t, t
                assert all(is_reserved(p) == held for p in book.ids()), book.ids()
    with pytest.raises(TraceMismatch, match="seating/objects: no phrasing"):  # a redraw
        r.clue(Gap(a=0, b=1, k=1))


def test_clue_edits_of_mislabelled_and_perturbed_puzzles_are_all_phrased():
    """Every single-clue edit that mislabel and perturb draw from (``augment._edits``) is a
    clue the bank phrases (side k=1 only, no negated side), so none ends in a redraw."""
    rng = random.Random("objects-edits")
    setting = data(VOCAB)[0]
    edits = 0
    for _ in range(40):
        d = gen.draft("objects", rng.choice((1, 2, 3, 4)), rng, {})
        if d is None:
            continue
        book = Phrases(BANK, random.Random(0))
        r = ObjectsRenderer(d.spec, setting, book, random.Random(0))
        for i in range(len(d.spec.clues)):
            for c in augment._edits(d.spec, i):
                assert r.clue(c)  # raises TraceMismatch where the bank has no phrasing
                edits += 1
    assert edits > 200


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


@pytest.fixture(scope="module")
def objects_build(tmp_path_factory) -> Path:
    """A small real build of the variant alone, through the CLI (choices: 4)."""
    cfg = load_config("default").model_dump(mode="json")
    fam = cfg["families"]["seating"]
    fam.update(count=70, variants={"objects": 1.0})
    cfg.update(splits={"train": 0.5, "validation": 0.1, "test": 0.4}, shard_size=35)
    cfg["families"] = {"seating": fam}
    parse_config(cfg)  # the config is valid
    tmp = tmp_path_factory.mktemp("objects")
    path = tmp / "objects.yaml"
    path.write_text(yaml.safe_dump(cfg))
    out = tmp / "out"
    r = subprocess.run(
        [sys.executable, "-m", "generators", "build", "--config", str(path), "--out", str(out),
         "--workers", "1", "--no-progress"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    return out


def _rows(out: Path) -> list[tuple[str, dict]]:
    return [(f.name.split("-")[0], row) for f in data_files(out) for row in read_rows(f)]


def test_small_build_validates_and_scans_clean(objects_build):
    assert_validates(objects_build)
    rows = _rows(objects_build)
    assert len(rows) >= 60 and {r["level"] for _, r in rows} == {1, 2, 3, 4}
    found: dict[str, int] = dict.fromkeys(Q.CLASSES, 0)
    for _, row in rows:
        for cls in Q.defects(row):
            found[cls] += 1
    single = found.pop("single_clue_distractor")
    assert all(v == 0 for v in found.values()), found
    assert single < 0.05 * len(rows), single


def test_the_mcq_row_lists_one_option_per_object_and_scores_past_d(objects_build):
    mcq = [r for _, r in _rows(objects_build) if '"kind":"statement"' in r["spec"]]
    assert mcq
    for row in mcq:
        spec = SeatingSpec.model_validate_json(row["spec"])
        gold = Answer.model_validate_json(row["answer_json"])
        assert len(row["choices"]) == spec.n and len(set(row["choices"])) == spec.n
        true = [
            c for c in row["choices"] if spec.seats[spec.question.options[int(gold.aliases[c][1:])].a]
            == spec.question.options[int(gold.aliases[c][1:])].seat
        ]  # fmt: skip
        assert true == [row["answer"]]
        assert row["choices"]["ABCDEFG".index(row["answer_label"])] == row["answer"]
        letter = row["answer_label"]
        done = f"<reasoning>r</reasoning><answer>{letter}</answer>"
        assert score(row, done, mcq=True)["acc"] == 1.0
        other = next(x for x in "ABCDEFG"[: spec.n] if x != letter)
        assert score(row, f"<reasoning>r</reasoning><answer>{other}</answer>", mcq=True)["acc"] == 0
    wide = next(r for r in mcq if len(r["choices"]) >= 6)  # letters past D score too
    last = "ABCDEFG"[len(wide["choices"]) - 1]
    moved = {**wide, "answer_label": last}
    assert score(moved, f"<reasoning>r</reasoning><answer>{last}</answer>", mcq=True)["acc"] == 1
    assert score(moved, f"<answer>{wide['choices'][-1]}</answer>", mcq=True)["acc"] == 1
    others = [r for _, r in _rows(objects_build) if '"kind":"statement"' not in r["spec"]]
    assert others and all(len(r["choices"]) <= 4 for r in others)


def test_held_out_objects_and_settings_appear_only_in_test(objects_build):
    vocab = data(VOCAB)
    reserved = {x for s in vocab for x in s["reserved"]}
    held_settings = {f"seating/objects/{s['id']}" for s in vocab if s.get("heldout")}
    seen = {"train": set(), "validation": set(), "test": set()}
    templates = {"train": set(), "validation": set(), "test": set()}
    for split, row in _rows(objects_build):
        seen[split] |= set(SeatingSpec.model_validate_json(row["spec"]).people)
        templates[split].add(row["template_id"])
    assert seen["test"] and seen["test"] <= reserved
    assert not (seen["train"] | seen["validation"]) & reserved
    assert (
        templates["test"] <= held_settings
        and not (templates["train"] | templates["validation"]) & held_settings
    )


def test_a_thing_spoken_of_as_a_person_is_caught(objects_build):
    """Quality class thing_as_person: planted in a real objects record, it is caught."""
    row = next(
        r for _, r in _rows(objects_build) if "Nothing" in r["solution"] or "Try" in r["solution"]
    )
    assert "thing_as_person" not in Q.defects(row)
    planted = {
        **row,
        "solution": row["solution"].replace("Answer:", "No one else is left.\nAnswer:"),
    }
    assert "thing_as_person" in Q.defects(planted)
    spec = SeatingSpec.model_validate_json(row["spec"])
    who = {**row, "question": row["question"] + f"\nWho is {spec.people[0]}?"}
    assert "thing_as_person" in Q.defects(who)
