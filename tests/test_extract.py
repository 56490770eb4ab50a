"""Answer extraction on realistic and adversarial model output (verifiers.extract)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers import score
from verifiers.answers import Answer, parse
from verifiers.extract import (
    MAX_ANSWER_CHARS,
    answer_tags,
    boxed_all,
    extract,
    follows_format,
    format_score,
    letter,
    strip_think,
)

MB = 1 << 20


# --- sources of the answer ---------------------------------------------------------------


@pytest.mark.parametrize(
    "completion, expected",
    [
        ("<reasoning>r</reasoning><answer>knight</answer>", "knight"),
        ("<ANSWER> Knave </Answer>", "Knave"),
        ("<think>maybe <answer>no</answer></think><answer>yes</answer>", "yes"),
        ("I think... </think>\n<answer>yes</answer>", "yes"),  # opening tag was in the prompt
        ("<think>never closed <answer>yes</answer>", None),
        ("So $\\boxed{\\text{knave}}$.", "knave"),
        ("\\boxed{a {nested} set}", "a {nested} set"),
        ("Answer: yes\nsome trailing text", "yes"),
        ("**Final answer:** no", "no"),
        ("the answer is yes. Wait, the answer is no.", "no."),  # free text: the last phrase wins
        ("<answer>yes</answer> <answer>YES.</answer>", "yes"),  # repeats agree after normalising
        ("<answer>yes</answer><answer>no</answer>", None),  # hedging: no answer
        ("\\boxed{A} or \\boxed{B}", None),
        ("<answer><answer>deep</answer></answer>", "deep"),
        ("<reasoning>draft <answer>no</answer></reasoning><answer>yes</answer>", "yes"),
        ("<reasoning>only inside <answer>no</answer></reasoning>", "no"),
        ("<reasoning>ran out of tokens</reasoning><answer>knight", "knight"),  # cut off
        ("", None),
        ("no marker at all", None),
    ],
)
def test_extract_sources(completion, expected):
    assert extract(completion) == expected


def test_unicode_case_change_does_not_shift_tags():
    # "İ".lower() is two characters; tag search must not drift.
    assert extract("İİİİ <answer>yes</answer>") == "yes"
    assert strip_think("İİ<think>x</think>ok") == "İİok"


@pytest.mark.parametrize(
    "text, k, expected",
    [
        ("B", 4, "B"),
        ("(B)", 4, "B"),
        ("B)", 4, "B"),
        ("B.", 4, "B"),
        ("B: knight", 4, "B"),
        ("Option B", 4, "B"),
        ("option (c)", 4, "C"),
        ("**D**", 4, "D"),
        ("[A]", 4, "A"),
        ("E", 4, None),  # out of range
        ("Alice", 4, None),  # a word, not a letter
        ("A or B", 4, None),  # hedge
        ("A/B", 4, None),
        ("A, B", 4, None),
        ("", 4, None),
        (None, 4, None),
    ],
)
def test_letter_forms(text, k, expected):
    assert letter(text, k) == expected


def test_letter_from_option_text():
    assert letter("knave", 3, ["knight", "knave", "normal"]) == "B"
    assert letter("Knave.", 3, ["knight", "knave", "normal"]) == "B"


def test_format_metric_and_score():
    good = "<reasoning>because</reasoning><answer>yes</answer>"
    assert follows_format(good) and format_score(good) == 1.0
    assert not follows_format("<answer>yes</answer><answer>no</answer>")
    assert not follows_format("<answer>yes")  # the cut-off answer still counts for acc only
    assert follows_format("so \\boxed{yes}", style="boxed")
    assert follows_format("Answer: yes", style="plain")
    assert format_score("<answer>yes</answer> trailing") == 0.25


def test_normalisation_of_values_and_names():
    gold = Answer(
        type="assignment",
        value={"Ann": "knight", "Bo": "knave"},
        space=["knight", "knave"],
    )
    for text in (
        "Ann: truth-teller, Bo: liar",
        "**ann** is a Knight; BO is a knave.",
        "Ann \u2013 truth\u2013teller, Bo \u2013 liar",  # typographic dashes
        "Bo: knave, Ann: knight",
    ):
        got = parse(text, gold)
        assert got is not None and got.key() == gold.key(), text
    seq = Answer(type="sequence", value=["Ann", "Bo", "Cy"])
    for text in ("Ann, Bo, Cy", "Ann -> Bo -> Cy", "1. Ann 2. Bo 3. Cy", "ann bo cy"):
        assert parse(text, seq).value == ["Ann", "Bo", "Cy"], text


def test_score_open_and_mcq():
    rec = {
        "answer_json": json.dumps({"type": "label", "value": "yes", "space": ["yes", "no"]}),
        "choices": ["yes", "no"],
        "answer_label": "A",
    }
    assert score(rec, "<reasoning>x</reasoning><answer>Yes</answer>") == {
        "acc": 1.0,
        "format": 1.0,
        "cell_acc": 1.0,
    }
    assert score(rec, "<answer>(A)</answer>", mcq=True)["acc"] == 1.0
    assert score(rec, "<answer>Option B</answer>", mcq=True)["acc"] == 0.0
    assert score(rec, "<answer>yes</answer>", mcq=True)["acc"] == 1.0  # the option's own text


# --- untrusted input: structure fuzzing and adversarial sizes ---------------------------

_PIECES = [
    "<answer>",
    "</answer>",
    "<think>",
    "</think>",
    "<reasoning>",
    "</reasoning>",
    "\\boxed{",
    "{",
    "}",
    "\\text{",
    "Answer:",
    "the answer is ",
    "Option ",
    "(B)",
    "B)",
    "A.",
    " or ",
    "\n",
    "knight",
    "İ",
    "\x00",
]
_structured = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=60).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(_structured)
def test_fuzz_structure_never_crashes(text):
    ans = extract(text)
    assert ans is None or (isinstance(ans, str) and 0 < len(ans) <= MAX_ANSWER_CHARS)
    assert isinstance(follows_format(text), bool)
    assert 0.0 <= format_score(text) <= 1.0
    assert letter(ans, 5) in (None, "A", "B", "C", "D", "E")
    for tag in answer_tags(text):
        assert "<answer>" not in tag.lower()


@settings(max_examples=200, deadline=None)
@given(prefix=_structured, answer=st.sampled_from(["yes", "no", "knight", "Ann: knave"]))
def test_fuzz_closing_answer_after_thinking_is_found(prefix, answer):
    # Whatever the model thought, a final closed answer after a closed think block is read.
    text = f"<think>{prefix}</think><answer>{answer}</answer>"
    assert extract(text) == answer


ADVERSARIAL = {
    "one char": "a" * MB,
    "open braces": "{" * MB,
    "boxed opens": "\\boxed{" * (MB // 7),
    "repeated tags": "<answer>x</answer>" * (MB // 18),
    "alternating tags": "<answer>x</answer><answer>y</answer>" * (MB // 36),
    "unclosed tags": "<answer>" * (MB // 8),
    "unclosed think": "<think>" + "z" * MB,
    "closes only": "</answer></think></reasoning>" * (MB // 29),
    "deep nesting": "<answer>" * (MB // 17) + "deep" + "</answer>" * (MB // 17),
    "deep boxed": "\\boxed{" * (MB // 14) + "x" + "}" * (MB // 14),
    "answer phrases": "the answer is " * (MB // 14),
    "reasoning blocks": "<reasoning>r</reasoning><answer>k</answer>" * (MB // 44),
    "letters": "(B) or " * (MB // 7),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_megabyte_inputs(name):
    # Speed is measured by `python -m benchmarks.extract_speed`; here: no crash, sane output.
    text = ADVERSARIAL[name]
    ans = extract(text)
    assert ans is None or len(ans) <= MAX_ANSWER_CHARS
    follows_format(text)
    format_score(text)
    letter(ans, 4)
    boxed_all(text)
    if name == "deep nesting":
        assert ans == "deep"
    if name == "repeated tags":
        assert ans == "x"
    if name == "alternating tags":
        assert ans is None
    if name == "deep boxed":
        assert ans is None  # nested boxes hold different contents: no single answer
