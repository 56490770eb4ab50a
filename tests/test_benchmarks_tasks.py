"""The logic_suite lm-eval tasks: names, data source, prompts, empty levels, vote filters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import datasets
import pytest

from benchmarks import lm_data, lm_hooks, tasks_path
from benchmarks.write_tasks import LEVELS, stale
from verifiers import FAMILIES, prompt


@pytest.fixture(scope="module")
def task_manager():
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=str(tasks_path()), include_defaults=False)


@pytest.fixture
def use_data(monkeypatch, tiny_dataset):
    monkeypatch.setenv("LOGIC_SUITE_DATA", str(tiny_dataset))
    monkeypatch.delenv("LOGIC_SUITE_REVISION", raising=False)
    return tiny_dataset


def _task(tm, name):
    return tm.load([name])["tasks"][name]


def test_generated_task_files_are_up_to_date():
    assert stale() == [], "run `python -m benchmarks write-tasks` and commit the result"


def test_task_and_group_names(task_manager):
    groups = set(task_manager.all_groups)
    tasks = set(task_manager.all_subtasks)
    assert {"logic_suite", "logic_suite_mcq", "logic_suite_sampled"} <= groups
    for fam in FAMILIES:
        assert {f"logic_suite_{fam}", f"logic_suite_{fam}_mcq"} <= groups
        for lv in LEVELS:
            assert {f"logic_suite_{fam}_l{lv}", f"logic_suite_{fam}_l{lv}_mcq"} <= tasks


def test_resolve_source(tmp_path, tiny_dataset):
    env = {"LOGIC_SUITE_DATA": str(tiny_dataset)}
    assert lm_data.resolve_source(env) == lm_data.Source("folder", str(tiny_dataset.resolve()))
    hub = lm_data.resolve_source({"LOGIC_SUITE_DATA": "org/logic-suite@v1.0"})
    assert (hub.kind, hub.location, hub.revision) == ("hub", "org/logic-suite", "v1.0")
    hub = lm_data.resolve_source(
        {"LOGIC_SUITE_DATA": "org/logic-suite", "LOGIC_SUITE_REVISION": "abc123"}
    )
    assert hub.revision == "abc123"
    for bad in (str(tmp_path / "missing"), "not a dataset"):
        with pytest.raises(lm_data.DataSourceError, match="LOGIC_SUITE_DATA=.*generators build"):
            lm_data.resolve_source({"LOGIC_SUITE_DATA": bad})
    (tmp_path / "empty").mkdir()
    with pytest.raises(lm_data.DataSourceError, match="no README.md or data/"):
        lm_data.resolve_source({"LOGIC_SUITE_DATA": str(tmp_path / "empty")})


def test_level_docs_match_the_dataset(use_data):
    ds = datasets.load_dataset(str(use_data), "all")
    for fam in FAMILIES:
        for lv in LEVELS:
            want = [r["id"] for r in ds["test"] if r["family"] == fam and r["level"] == lv]
            docs = lm_hooks.load(ls_family=fam, ls_level=lv, pretrained="ignored")
            got = [d["id"] for d in docs["test"]]
            if want:
                assert got == want
            else:  # an empty level runs one unscored placeholder
                assert got == [lm_data.EMPTY_ID]
                assert lm_hooks.process_results(docs["test"][0], ["anything"]) == {}
            assert len(docs["train"]) > 0


def test_chat_prompt_equals_the_prompt_column(use_data, task_manager):
    """--apply_chat_template sends exactly the dataset's `prompt` messages; plain text joins them."""
    captured = []

    def template(messages, add_generation_prompt=True):
        captured.append(messages)
        return json.dumps(messages)

    for name, mcq in (
        ("logic_suite_truth_teller_l1", False),
        ("logic_suite_truth_teller_l1_mcq", True),
    ):
        task = _task(task_manager, name)
        doc = task.test_docs()[0]
        task.fewshot_context(doc, 0, apply_chat_template=True, chat_template=template)
        want = doc["prompt"] if not mcq else prompt.for_record(doc, mcq=True)
        assert captured[-1] == want
        if mcq:
            assert "Options:\nA. " in captured[-1][1]["content"]
        plain = task.fewshot_context(doc, 0)
        assert plain == want[0]["content"] + "\n\n" + want[1]["content"]


def test_few_shot_from_train(use_data, task_manager):
    task = _task(task_manager, "logic_suite_truth_teller_l2")
    doc = task.test_docs()[0]
    ctx = task.fewshot_context(doc, 2)
    train_ids = set(task.training_docs()["id"])
    assert doc["id"] not in train_ids
    assert ctx.startswith(doc["instruction"] + "\n\n") and ctx.endswith(doc["question"])
    assert ctx[len(doc["instruction"]) :].count("<answer>") == 2  # two worked examples
    msgs = []
    task.fewshot_context(
        doc,
        2,
        apply_chat_template=True,
        fewshot_as_multiturn=True,
        chat_template=lambda m, add_generation_prompt=True: msgs.append(m) or "",
    )
    assert [m["role"] for m in msgs[0]] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]


def _doc(**kw):
    rec = {
        "id": "x",
        "answer_json": json.dumps({"type": "label", "value": "yes", "space": ["yes", "no"]}),
        "choices": ["yes", "no"],
        "answer_label": "A",
        "eval_mode": "open",
        "prompt_style": "tags",
    }
    return {**rec, **kw}


def test_process_results_and_vote_filters():
    doc = _doc()
    right, wrong = "<answer>yes</answer>", "<reasoning>r</reasoning><answer>no</answer>"
    assert lm_hooks.process_results(doc, [right])["acc"] == 1.0
    many = lm_hooks.process_results(doc, [[wrong, right, "junk"]])  # pass@k input
    assert many["acc"] == 1.0 and many["format"] == pytest.approx(2 / 3)
    assert lm_hooks.process_results(doc, [[wrong, "junk"]])["acc"] == 0.0
    votes = lm_hooks.majority([[wrong, right, "<answer>YES</answer>", "junk"]], [doc])
    assert votes == [right]  # 2 votes for yes beat 1 for no; junk does not vote
    assert lm_hooks.majority([[wrong, right]], [doc]) == [wrong]  # tie: first answer seen
    assert lm_hooks.majority([["junk", "more junk"]], [doc]) == ["junk"]
    mcq = _doc(eval_mode="mcq")
    votes = lm_hooks.majority(
        [["<answer>(B)</answer>", "Answer: A", "<answer>Option A</answer>"]], [mcq]
    )
    assert votes == ["Answer: A"]
    assert lm_hooks.process_results(mcq, ["<answer>A</answer>"])["acc"] == 1.0


def test_cli_tasks_path_and_bad_report_input(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "tasks-path"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()) == tasks_path()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for arg in (str(bad), str(tmp_path / "missing.json")):
        r = subprocess.run(
            [sys.executable, "-m", "benchmarks", "report", arg], capture_output=True, text=True
        )
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1 and arg in r.stderr and "Traceback" not in r.stderr
