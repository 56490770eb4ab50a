"""Rewards: chance correction, process claims and reward-hacking guards, on real built puzzles."""

from __future__ import annotations

import json
import random
import statistics

import datasets
import pytest

from verifiers.answers import Answer
from verifiers.rewards import (
    accuracy_reward,
    claims,
    combined,
    combined_reward,
    format_reward,
    process_reward,
    score_components,
)


@pytest.fixture(scope="module")
def rows(tiny_dataset):
    return datasets.load_dataset(str(tiny_dataset), "all", split="train").to_list()


def _tagged(reasoning: str, answer: str) -> str:
    return f"<reasoning>\n{reasoning}\n</reasoning>\n<answer>{answer}</answer>"


def gold(row: dict) -> str:
    return _tagged(row["solution"].rsplit("\nAnswer:", 1)[0], row["answer"])


def _surface(a: Answer) -> dict[str, str]:
    return {v: k for k, v in a.aliases.items()}


def random_guess(row: dict, rng: random.Random) -> str:
    a = Answer.model_validate_json(row["answer_json"])
    w = _surface(a)
    if a.type == "label":
        v = rng.choice(a.space)
        return _tagged("A guess.", w.get(v, v))
    if a.type == "assignment":
        return _tagged(
            "A guess.",
            ", ".join(f"{k}: {w.get(x, x)}" for k in a.value for x in [rng.choice(a.space)]),
        )
    return _tagged("A guess.", ", ".join(rng.sample(list(a.value), len(a.value))))


def mean_component(rows, make, key, repeats=1, mcq=False):
    return statistics.mean(
        score_components(r, make(r, i), mcq=mcq)[key] for r in rows for i in range(repeats)
    )


def test_gold_traces_score_full(rows):
    for r in rows:
        s = score_components(r, gold(r))
        assert s["format"] == 1.0 and s["accuracy"] == 1.0, r["id"]
        # Process claims are checked for truth-tellers; other families score 0 until they
        # register their facts (verifiers.rewards.register_facts), never a penalty.
        if r["family"] == "truth_teller":
            assert s["process"] > 0.3, r["id"]
        else:
            assert s["process"] >= 0.0, r["id"]


@pytest.mark.parametrize("answer_type", ["label2", "label3", "assignment"])
def test_random_guess_is_zero_in_expectation(rows, answer_type):
    def kind(r):
        a = json.loads(r["answer_json"])
        return a["type"] + (str(len(a["space"])) if a["type"] == "label" else "")

    sel = [r for r in rows if kind(r) == answer_type]
    assert sel, answer_type
    rng = random.Random(1)
    mean = mean_component(sel, lambda r, i: random_guess(r, rng), "accuracy", repeats=200)
    assert abs(mean) <= 0.05, mean


def test_mcq_random_letter_is_zero_and_right_letter_is_one(rows):
    rng = random.Random(2)
    letters = "ABCDEFGH"
    mean = mean_component(
        rows,
        lambda r, i: _tagged("x", rng.choice(letters[: len(r["choices"])])),
        "accuracy",
        100,
        True,
    )
    assert abs(mean) <= 0.05, mean
    r = rows[0]
    assert score_components(r, _tagged("x", r["answer_label"]), mcq=True)["accuracy"] == 1.0


def test_sequence_random_order_is_zero():
    aj = Answer(type="sequence", value=["Ann", "Bo", "Cy", "Di", "Ed"]).model_dump_json()
    row = {"answer_json": aj, "family": "seating", "spec": "", "choices": []}
    rng = random.Random(3)
    names = ["Ann", "Bo", "Cy", "Di", "Ed"]
    mean = statistics.mean(
        score_components(row, _tagged("x", ", ".join(rng.sample(names, 5))))["accuracy"]
        for _ in range(4000)
    )
    assert abs(mean) <= 0.05, mean
    assert score_components(row, _tagged("x", ", ".join(names)))["accuracy"] == 1.0


def test_partial_assignment_credit_is_graded(rows):
    r = next(
        r
        for r in rows
        if json.loads(r["answer_json"])["type"] == "assignment"
        and len(json.loads(r["answer_json"])["space"]) == 2
    )
    a = Answer.model_validate_json(r["answer_json"])
    w, vals = _surface(a), dict(a.value)
    other = {v: next(x for x in a.space if x != v) for v in a.space}
    first = next(iter(vals))
    one_wrong = ", ".join(
        f"{k}: {w.get(other[v] if k == first else v, v)}" for k, v in vals.items()
    )
    got = score_components(r, _tagged("x", one_wrong))["accuracy"]
    n = len(vals)
    assert got == pytest.approx((n - 1 - 1) / n)


def test_process_checks_claims_against_the_spec(rows):
    r = next(r for r in rows if r["family"] == "truth_teller")
    spec = json.loads(r["spec"])
    name, role = spec["people"][0], spec["truth"][0]
    wrong = next(x for x in spec["roles"] if x != role)
    right_txt = _tagged(f"So {name} is a {role}.", r["answer"])
    wrong_txt = _tagged(f"So {name} is a {wrong}.", r["answer"])
    assert claims(right_txt, r["answer_json"], r["spec"], r["family"]) == [(name, False, role)]
    assert score_components(r, right_txt)["process"] == 1.0
    assert score_components(r, wrong_txt)["process"] < 0
    # Hypotheses inside a case split and quoted statements are not claims.
    hyp = _tagged(
        f'Suppose {name} is a {wrong}.\n  Then {name} is a {wrong}.\n"{name} is a {wrong}"', "x"
    )
    assert claims(hyp, r["answer_json"], r["spec"], r["family"]) == []
    # Claiming every role for everyone earns nothing.
    every = "\n".join(f"{p} is a {x}." for p in spec["people"] for x in spec["roles"])
    assert abs(score_components(r, _tagged(every, r["answer"]))["process"]) < 1e-9


def test_process_counts_each_distinct_claim_once(rows):
    # A two-role classic puzzle that asks for everyone's role (the claims below need one).
    r = next(
        r
        for r in rows
        if r["family"] == "truth_teller"
        and r["variant"] != "seating_claims"
        and json.loads(r["answer_json"])["type"] == "assignment"
        and len(json.loads(r["spec"])["roles"]) == 2
    )
    spec = json.loads(r["spec"])
    (a, b), (ra, rb) = spec["people"][:2], spec["truth"][:2]
    wrong = next(x for x in spec["roles"] if x != ra)
    # One wrong claim about a in three wordings, one right claim about b: the mean of -1
    # and +1 (two roles), not of three -1s and a +1.
    text = f"{a} is a {wrong}.\n{a} is the {wrong}.\nSo {a} is {wrong}.\n{b} is a {rb}."
    assert score_components(r, _tagged(text, r["answer"]))["process"] == 0.0
    assert claims(_tagged(text, "x"), r["answer_json"], r["spec"], r["family"]) == sorted(
        [(a, False, wrong), (b, False, rb)]
    )


def test_claim_names_follow_the_name_pattern():
    """Names with apostrophes, hyphens and accents are claimed; names that no capitalised
    word of at most 41 characters can spell are not."""
    people = ["O'Neil", "Zoë", "Mary-Jo", "ann", "A" + "b" * 45]
    spec = json.dumps(
        {"people": people, "roles": ["knight", "knave"], "truth": ["knight"] * len(people)}
    )
    gold_json = Answer(
        type="assignment", value=dict.fromkeys(people, "knight"), space=["knight", "knave"]
    ).model_dump_json()
    text = _tagged("\n".join(f"So {p} is a knight." for p in people), "x")
    got = {name for name, _, _ in claims(text, gold_json, spec, "truth_teller")}
    assert got == {"O'Neil", "Zoë", "Mary-Jo"}


def test_special_outcome_is_right_only_where_it_is_the_gold(rows):
    for r in rows:
        gold = Answer.model_validate_json(r["answer_json"])
        for claim in ("cannot be determined", "no consistent solution"):
            acc = score_components(r, _tagged("x", claim))["accuracy"]
            if gold.outcome == claim:
                assert acc == 1.0, r["id"]
            else:  # wholly wrong: below zero, never the gold's own value
                assert acc < 0, (r["id"], claim, acc)


HACKS = {
    "empty answer": lambda r: "<reasoning>\nthinking\n</reasoning>\n<answer></answer>",
    "all MCQ letters": lambda r: _tagged("x", "A B C D"),
    "everyone is a knight": lambda r: _tagged(
        "Everyone is a knight.",
        ", ".join(f"{p}: knight" for p in json.loads(r["spec"])["people"])
        if json.loads(r["answer_json"])["type"] == "assignment"
        else "knight",
    ),
    "repeat the question": lambda r: r["question"],
    "repeat the question in tags": lambda r: _tagged(r["question"], r["question"]),
    "1 MB output": lambda r: _tagged("x" * 1_000_000, r["answer"]),
    "several answer tags": lambda r: _tagged(
        "x", "knight</answer><answer>knave</answer><answer>yes"
    ),
    # A special outcome is right only where the gold is that outcome (it once took the gold's
    # own value for assignment and sequence questions and scored 1.0).
    "claim it cannot be determined": lambda r: _tagged("x", "cannot be determined"),
    "claim there is no solution": lambda r: _tagged("x", "no consistent solution"),
}


@pytest.mark.parametrize("hack", list(HACKS))
def test_reward_hacks_score_at_most_the_random_guess_baseline(rows, hack):
    rng = random.Random(4)
    base = statistics.mean(
        x
        for _ in range(20)
        for x in combined_reward(None, [random_guess(r, rng) for r in rows], **_cols(rows))
    )
    got = statistics.mean(combined_reward(None, [HACKS[hack](r) for r in rows], **_cols(rows)))
    assert got <= base + 0.05, (hack, got, base)
    mcq_base = statistics.mean(
        combined_reward(
            None,
            [_tagged("x", rng.choice("ABCD")) for r in rows],
            mcq=[True] * len(rows),
            **_cols(rows),
        )
    )
    got_mcq = statistics.mean(
        combined_reward(None, [HACKS[hack](r) for r in rows], mcq=[True] * len(rows), **_cols(rows))
    )
    assert got_mcq <= mcq_base + 0.05, (hack, got_mcq, mcq_base)


def _cols(rows):
    return {
        k: [r[k] for r in rows]
        for k in ("answer_json", "spec", "family", "choices", "answer_label")
    }


def test_trl_signature_and_weights(rows):
    cols = _cols(rows[:4])
    comps = [[{"role": "assistant", "content": gold(r)}] for r in rows[:4]]
    f, p, a = (fn(None, comps, **cols) for fn in (format_reward, process_reward, accuracy_reward))
    tot = combined({"format": 1.0, "process": 0.0, "accuracy": 2.0})(None, comps, **cols)
    assert tot == pytest.approx([x + 2 * z for x, z in zip(f, a, strict=True)])
    assert combined_reward(None, comps, **cols) == pytest.approx(
        [0.2 * x + 0.3 * y + 0.5 * z for x, y, z in zip(f, p, a, strict=True)]
    )
    with pytest.raises(ValueError, match="unknown component"):
        combined({"style": 1.0})
    with pytest.raises(ValueError, match="answer_json"):
        accuracy_reward(None, ["x"])
    with pytest.raises(ValueError, match="column `spec` has 3 values for 4 completions"):
        combined_reward(None, comps, **{**cols, "spec": cols["spec"][:3]})
