"""The seating checks of the quality scanner: real records are clean, and each defect class,
planted into a real record, is caught."""

from __future__ import annotations

import json

import pytest

from benchmarks.quality import row_defects
from benchmarks.quality import seating as Q
from generators.config import load_config, parse_config
from generators.pipeline import make_item
from generators.seating.augment import goal_of
from verifiers.answers import Answer
from verifiers.seating.spec import At, Category, SeatingSpec
from verifiers.seating.worlds import hidden_value, survives


def _cfg(variant: str, options: dict, level: int):
    cfg = load_config("default").model_dump(mode="json")
    fam = cfg["families"]["seating"]
    fam.update(variants={variant: 1.0}, levels={level: 1.0}, options=options)
    cfg["families"] = {"seating": fam}
    return parse_config(cfg)


def records(variant: str, count: int, level: int = 3, options: dict | None = None) -> list[dict]:
    cfg = _cfg(variant, options or {}, level)
    out = []
    i = 0
    while len(out) < count:
        r = make_item(cfg, "seating", i).record
        i += 1
        if r is not None:
            out.append(r.model_dump())
    return out


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return [r for v in ("linear", "circular", "parallel_rows", "ordering", "linear_mixed")
            for r in records(v, 3)]  # fmt: skip


def spec_of(row: dict) -> SeatingSpec:
    return SeatingSpec.model_validate_json(row["spec"])


def with_spec(row: dict, spec: SeatingSpec, **kw) -> dict:
    return {**row, "spec": spec.model_dump_json(), **kw}


def test_real_records_show_no_seating_defect(sample):
    for row in sample:
        found = row_defects(row) - {"single_clue_distractor"}
        assert not found, (found, row["question"], row["solution"])


def test_unused_value_is_caught():
    row = records("linear", 1, 3, {"n": 5, "attributes": 1})[0]
    assert "unused_value" not in Q.defects(row)
    spec = spec_of(row)
    extra = Category(name="pet", values=["cat", "dog", "emu", "yak", "owl"], owner=[0, 1, 2, 3, 4])
    planted = with_spec(row, spec.model_copy(update={"attributes": [*spec.attributes, extra]}))
    assert "unused_value" in Q.defects(planted)


def test_two_clue_answerable_is_caught(sample):
    row = next(r for r in sample if spec_of(r).question.kind in ("who_side", "opposite", "who_at"))
    spec = spec_of(row)
    assert "two_clue_answerable" not in Q.defects(row)
    goal = goal_of(spec)
    planted = with_spec(row, spec.model_copy(update={"clues": [*spec.clues, goal[0]]}), level=3)
    assert "two_clue_answerable" in Q.defects(planted)


def test_wrong_citation_and_unclued_split_are_caught(sample):
    row = next(r for r in sample if "From clue" in r["solution"])
    spec = spec_of(row)
    lines = row["solution"].splitlines()
    i = next(j for j, x in enumerate(lines) if x.strip().startswith("From clue"))
    k = int(lines[i].split("From clue ")[1].split(":")[0])
    ref = lines[i].split(": ", 1)[1].split(" is ")[0].split(" faces ")[0]
    e = Q.TraceReader(spec).refs[ref.lower()]
    other = next(j for j, c in enumerate(spec.clues) if e not in Q.entities(c))
    bad = lines[i].replace(f"From clue {k}:", f"From clue {other + 1}:")
    planted = {**row, "solution": "\n".join([*lines[:i], bad, *lines[i + 1 :]])}
    assert "trace_citation" in Q.defects(planted)
    # a case split on someone no clue mentions
    row2 = next((r for r in sample if "Try each case for" in r["solution"]), None)
    if row2 is not None:
        spec2 = spec_of(row2)
        named = {x for c in spec2.clues for x in Q.entities(c)}
        loner = [p for p in range(spec2.n) if p not in named]
        if loner:
            text = "\n".join(
                f"Try each case for {spec2.people[loner[0]]}: in place 1 or in place 2."
                if ln.startswith("Try each case for")
                else ln
                for ln in row2["solution"].splitlines()
            )
            assert "trace_citation" in Q.defects({**row2, "solution": text})


def test_filler_lines_and_long_traces_are_caught(sample):
    row = next(r for r in sample if "From clue" in r["solution"])
    lines = row["solution"].splitlines()
    i = next(j for j, x in enumerate(lines) if x.strip().startswith("From clue"))
    repeated = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
    assert "trace_filler" in Q.defects({**row, "solution": repeated})
    old = "\n".join([lines[0], "From the fact that each place holds one person: x.", *lines[1:]])
    assert "trace_filler" in Q.defects({**row, "solution": old})
    opening = "No clue decides more now, so try each case for X: in place 1 or in place 2."
    assert "trace_filler" in Q.defects({**row, "solution": "\n".join([lines[0], opening])})
    padded = "\n".join(lines[:-1] + [lines[-1]] * (Q.LONG_TRACE + 1))
    assert "long_trace" in Q.defects({**row, "solution": padded})
    assert "long_trace" not in Q.defects(row)


def test_single_clue_distractor_is_caught(sample):
    for row in sample:
        spec = spec_of(row)
        if spec.question.kind not in ("who_at", "who_side", "opposite"):
            continue
        gold = Answer.model_validate_json(row["answer_json"])
        right = hidden_value(spec)
        bad = [
            p
            for p in range(spec.n)
            if p != right and any(not survives(spec, c, p) for c in spec.clues)
        ]
        if not bad:
            continue
        choices = [spec.people[bad[0]] if c != row["answer"] else c for c in row["choices"]]
        assert "single_clue_distractor" in Q.defects({**row, "choices": choices})
        assert Q.option_value(spec, spec.people[bad[0]], gold) == bad[0]
        return
    pytest.fail("no record to plant a refuted option in")


def test_round_table_absolute_seat_and_grammar_are_caught(sample):
    row = next(r for r in sample if r["variant"] == "circular")
    spec = spec_of(row)
    assert "round_table_absolute_seat" not in Q.defects(row)
    clue = At(a=1, where="seat", seat=2, neg=True)
    planted = with_spec(row, spec.model_copy(update={"clues": [*spec.clues, clue]}))
    assert "round_table_absolute_seat" in Q.defects(planted)
    slips = {**row, "question": row["question"] + " Tom does not sit seat 1 around the row."}
    assert "grammar" in row_defects(slips)
    assert "grammar" not in row_defects(row)
    # a round-table clue that counts "round the row" (a conference's row word) is a slip
    planted = {**row, "question": row["question"] + " One way round the row, Tom sits next."}
    assert "grammar" in row_defects(planted)
    json.dumps(sorted(row_defects(row)))  # the classes are plain strings
