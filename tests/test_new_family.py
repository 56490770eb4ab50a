"""A family defined only in tests/ (toy_family.py) joins every part of the product through
the registry: build, datasets.load_dataset, verifiers.score, validate, the card, lm-eval."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset
from toy_family import FAMILY, NAME

import verifiers
from benchmarks.write_tasks import load_suite, render
from generators import registry
from generators.build import build
from generators.config import parse_config
from generators.validate import validate


@pytest.fixture(scope="module")
def toy_build(tmp_path_factory):
    registry.register(FAMILY)
    cfg = parse_config(
        {
            "name": "toy",
            "shard_size": 20,
            "families": {NAME: {"count": 60, "variants": {"guess": 1}, "levels": {1: 1}}},
        }
    )
    out = tmp_path_factory.mktemp("toy") / "ds"
    summary = build(cfg, out, workers=1, progress=False)
    yield out, summary
    registry.unregister(NAME)  # the other tests of this worker see the built-in families only


def test_builds_and_loads_with_datasets(toy_build):
    out, summary = toy_build
    assert sum(summary.rows.values()) > 40
    ds = load_dataset(str(out), NAME)
    assert set(ds) == {"train", "validation", "test"}
    rows = [r for split in ds.values() for r in split]
    assert {r["family"] for r in rows} == {NAME}
    assert all("Which number am I thinking of?" in r["question"] for r in rows)
    assert all(r["answer"] in r["choices"] for r in rows)
    assert len(load_dataset(str(out), "all")["train"]) == len(ds["train"])


def test_every_row_is_proven_again_by_validate(toy_build):
    out, _ = toy_build
    problems, checked = validate(out, workers=1)
    assert checked > 40 and problems == []


def test_score_right_and_wrong_answers(toy_build):
    out, _ = toy_build
    row = load_dataset(str(out), NAME)["train"][0]
    right = f"<reasoning>{row['solution']}</reasoning><answer>{row['answer']}</answer>"
    wrong_value = next(c for c in row["choices"] if c != row["answer"])
    wrong = f"<reasoning>guess</reasoning><answer>{wrong_value}</answer>"
    assert verifiers.score(row, right) == {"acc": 1.0, "format": 1.0, "cell_acc": 1.0}
    assert verifiers.score(row, wrong)["acc"] == 0.0
    mcq = f"<reasoning>r</reasoning><answer>{row['answer_label']}</answer>"
    assert verifiers.score(row, mcq, mcq=True)["acc"] == 1.0


def test_card_documents_the_family(toy_build):
    out, _ = toy_build
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"config_name: {NAME}" in card
    assert "A hidden number from 1 to 9 and clues about it." in card
    assert "Every puzzle is level 1." in card
    assert "Guess the number: a hidden whole number" in card
    info = json.loads((out / "build_info.json").read_text())
    assert info["splits"][f"{NAME}/train"] > 0


def test_lm_eval_tasks_for_the_family(toy_build, tmp_path, monkeypatch):
    from lm_eval.tasks import TaskManager

    files = render(load_suite())
    assert f"logic_suite_{NAME}_l1.yaml" in files
    assert f"logic_suite_{NAME}" in files["logic_suite.yaml"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out, _ = toy_build
    monkeypatch.setenv(verifiers.DATA_ENV, str(out))
    tm = TaskManager(include_path=str(tmp_path), include_defaults=False)
    task = tm.load_task_or_group([f"logic_suite_{NAME}_l1"])[f"logic_suite_{NAME}_l1"]
    docs = list(task.test_docs())
    assert docs and all(d["family"] == NAME for d in docs)
