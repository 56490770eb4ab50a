"""First-hour friction (issue 19): config defaults and messages, score and rewards on odd
input, and progress lines in logs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import verifiers
from generators import generate, registry
from generators.config import ConfigError, parse_config
from verifiers import rewards
from verifiers.extract import MAX_COMPLETION_CHARS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rec() -> dict:
    return generate("truth_teller", seed=0)[0].model_dump()


def _cols(row: dict) -> dict:
    return {k: [v] for k, v in row.items()}


def test_a_family_given_only_count_gets_every_variant_and_level():
    cfg = parse_config({"families": {"seating": {"count": 12}}})
    fc = cfg.families["seating"]
    assert list(fc.variants) == list(registry.get("seating").variant_names)
    assert set(fc.variants.values()) == {1.0} and fc.levels == {1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25}
    got = {r.variant for r in generate("seating", {"families": {"seating": {"count": 12}}})}
    assert len(got) >= 3  # a real mix, generated and proven


def test_generate_with_an_unknown_setting_names_it():
    with pytest.raises(ConfigError, match=r"generate\('seating', size=...\): unknown family "
                       r"setting 'size'; use count, variants"):  # fmt: skip
        generate("seating", size=10)
    with pytest.raises(ConfigError, match=r"did you mean 'levels'\?"):
        generate("seating", level={1: 1.0})
    with pytest.raises(ConfigError, match=r"field 'count': .* \(got 'ten'\)"):
        generate("seating", count="ten")


@pytest.mark.parametrize(
    "record,field",
    [({"a": 1}, "no `answer_json` field"), ({"answer_json": "{"}, "`answer_json` is not an")],
)
def test_score_on_a_malformed_record_is_one_value_error(record, field):
    with pytest.raises(ValueError, match=field):
        verifiers.score(record, "<answer>x</answer>")


def test_score_names_a_missing_mcq_field(rec):
    row = {k: v for k, v in rec.items() if k != "choices"}
    with pytest.raises(ValueError, match="no `choices` field"):
        verifiers.score(row, "<answer>A</answer>", mcq=True)


def test_a_completion_as_chat_messages_scores_as_its_text(rec):
    text = f"<reasoning>r</reasoning><answer>{rec['answer']}</answer>"
    messages = [{"role": "assistant", "content": text}]
    assert verifiers.score(rec, messages) == verifiers.score(rec, text)
    assert verifiers.score(rec, messages)["acc"] == 1.0
    for fn in (rewards.accuracy_reward, rewards.format_reward, rewards.process_reward):
        assert fn(None, [messages], **_cols(rec)) == fn(None, [text], **_cols(rec))
    with pytest.raises(ValueError, match="a string or a list of chat messages"):
        verifiers.score(rec, 42)


@pytest.mark.parametrize("pad", [0, 1000, MAX_COMPLETION_CHARS - 60, MAX_COMPLETION_CHARS, 100_000])
@pytest.mark.parametrize("where", ["think", "reasoning", "tail"])
def test_score_and_accuracy_reward_agree_at_every_size(rec, pad, where):
    answer = f"<answer>{rec['answer']}</answer>"
    text = {
        "think": f"<think>{'x' * pad}</think><reasoning>r</reasoning>{answer}",
        "reasoning": f"<reasoning>{'y ' * (pad // 2)}</reasoning>{answer}",
        "tail": f"<reasoning>r</reasoning>{answer}{' ' * pad}",
    }[where]
    s = verifiers.score(rec, text)["acc"]
    r = rewards.accuracy_reward(None, [text], **_cols(rec))[0]
    assert s in (0.0, 1.0) and (s == 1.0) == (r == 1.0), (len(text), s, r)
    if where == "think":
        assert s == 1.0  # a long thinking part does not hide the answer
    if where != "think" and len(text) > MAX_COMPLETION_CHARS:
        assert s == 0.0  # over the limit: no answer, in both


def test_rewards_reject_a_malformed_or_other_family_spec(rec):
    seating = generate("seating", seed=0)[0].model_dump()
    claim = ["<reasoning>Ann is a knave.</reasoning><answer>x</answer>"]
    for spec, what in (("not json", "JSONDecodeError"), (seating["spec"], "KeyError")):
        row = {**rec, "spec": spec}
        with pytest.raises(ValueError, match=f"column `spec` does not parse as a truth_teller "
                           f"spec \\({what}"):  # fmt: skip
            rewards.process_reward(None, claim, **_cols(row))
    row = {**rec, "answer_json": "{}"}
    with pytest.raises(ValueError, match="column `answer_json` holds no valid answer"):
        rewards.accuracy_reward(None, claim, **_cols(row))


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generators", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=600,
    )


def test_build_and_validate_print_plain_progress_lines_off_a_tty(tmp_path):
    cfg = {
        "seed": 4,
        "shard_size": 10,
        "families": {"truth_teller": {"count": 30, "variants": {"knights_knaves": 1.0}}},
    }
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(cfg))
    out = str(tmp_path / "ds")
    b = _run(["build", "--config", str(tmp_path / "c.yaml"), "--out", out, "--workers", "1"],
             LOGIC_SUITE_PROGRESS_EVERY="0")  # fmt: skip
    assert b.returncode == 0, b.stderr
    lines = b.stderr.strip().splitlines()
    assert "\r" not in b.stderr and len(lines) >= 3  # one line per shard, then a final one
    assert all(re.fullmatch(r"build: \d+/30 puzzle \(\d+%\), [\d.]+/s(, ETA \S+)?( in \S+)?", ln)
               for ln in lines), lines  # fmt: skip
    assert lines[-1].startswith("build: 30/30 puzzle (100%)")
    v = _run(["validate", out, "--workers", "1"], LOGIC_SUITE_PROGRESS_EVERY="0")
    assert v.returncode == 0, v.stdout + v.stderr
    assert re.search(r"^validate: \d+/\d+ file \(100%\)", v.stderr, re.M), v.stderr
    quiet = _run(["validate", out, "--workers", "1", "--no-progress"])
    assert quiet.returncode == 0 and quiet.stderr == ""
