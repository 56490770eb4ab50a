"""Every known bad input to the real command lines: one stderr line, exit 2 (or 3), and
nothing left behind (issue 19's table; each row is what a new user typed or might type)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generators.outdir import INCOMPLETE

ROOT = Path(__file__).resolve().parents[1]
MOD = {"gen": "generators", "tr": "trainers", "bm": "benchmarks"}


def _cfg(families: dict, **top) -> dict:
    return {"name": "bad", **top, "families": families}


CONFIGS = {
    "misspelt.yaml": _cfg({"seating": {"cont": 10}}),
    "variant.yaml": _cfg({"seating": {"count": 10, "variants": {"linaer": 1.0}}}),
    "type.yaml": _cfg({"seating": {"count": "ten"}}),
    "family.yaml": _cfg({"Seating": {"count": 10}}),
    "personas.yaml": _cfg({"truth_teller": {"count": 10, "options": {"personas": ["knigts"]}}}),
    "contexts.yaml": _cfg({"seating": {"count": 10, "options": {"contexts": ["beach"]}}}),
    "top.yaml": {"sede": 3, "families": {"seating": {"count": 10}}},
    "levels.yaml": _cfg({"seating": {"count": 10, "levels": {5: 1.0}}}),
}

# (id, command, args, expected exit code, text the one stderr line must contain)
CASES = [
    # issue item 1: unknown or mis-cased family
    (
        "sample-family",
        "gen",
        ["sample", "--family", "foo"],
        2,
        "--family: unknown family 'foo'; use truth_teller, seating, blood_relations",
    ),
    ("sample-family-case", "gen", ["sample", "--family", "Seating"], 2, "did you mean 'seating'?"),
    # item 9: silent success
    ("sample-n-negative", "gen", ["sample", "-n", "-1"], 2, "argument -n: -1 is below 1"),
    ("sample-n-text", "gen", ["sample", "-n", "many"], 2, "'many' is not a whole number"),
    ("sample-config-name", "gen", ["sample", "--config", "tinny"], 2, "did you mean 'tiny'?"),
    ("validate-empty", "gen", ["validate", "empty"], 2, "empty/data: no parquet data files"),
    (
        "validate-workers-0",
        "gen",
        ["validate", "ds", "--workers", "0"],
        2,
        "argument --workers: 0 is below 1",
    ),
    (
        "validate-not-built",
        "gen",
        ["validate", "nowhere"],
        2,
        "nowhere: not a built dataset folder",
    ),
    # item 4: corrupt parquet
    (
        "validate-corrupt",
        "gen",
        ["validate", "corrupt", "--workers", "1"],
        2,
        "train-00000-of-00001.parquet: not a readable parquet data file",
    ),
    ("stats-corrupt", "gen", ["stats", "corrupt"], 2, "not a readable parquet data file"),
    # item 5: output paths
    (
        "curriculum-out-missing-dir",
        "gen",
        ["curriculum", "ds", "--out", "/nonexistent/dir/c.parquet"],
        2,
        "--out /nonexistent/dir/c.parquet: folder /nonexistent/dir does not exist",
    ),
    (
        "stats-json-missing-dir",
        "gen",
        ["stats", "ds", "--json", "/nonexistent/dir/s.json"],
        2,
        "--json /nonexistent/dir/s.json: folder /nonexistent/dir does not exist",
    ),
    ("curriculum-no-train-rows", "gen", ["curriculum", "testonly"], 2, "no train rows to order"),
    (
        "build-out-missing-parent",
        "gen",
        ["build", "--out", "/nonexistent/dir/ds"],
        2,
        "parent folder /nonexistent/dir does not exist",
    ),
    # item 8: config messages
    (
        "config-misspelt-key",
        "gen",
        ["build", "--config", "misspelt.yaml", "--out", "o"],
        2,
        "field 'families.seating.cont': unknown key; did you mean 'count'?",
    ),
    (
        "config-bad-variant",
        "gen",
        ["build", "--config", "variant.yaml", "--out", "o"],
        2,
        "field 'families.seating.variants.linaer': unknown variant 'linaer'; did you mean 'linear'?",
    ),
    (
        "config-wrong-type",
        "gen",
        ["build", "--config", "type.yaml", "--out", "o"],
        2,
        "field 'families.seating.count': Input should be a valid integer",
    ),
    (
        "config-family-case",
        "gen",
        ["build", "--config", "family.yaml", "--out", "o"],
        2,
        "field 'families.Seating': unknown family 'Seating'; did you mean 'seating'?",
    ),
    (
        "config-top-key",
        "gen",
        ["build", "--config", "top.yaml", "--out", "o"],
        2,
        "field 'sede': unknown key; did you mean 'seed'?",
    ),
    (
        "config-levels",
        "gen",
        ["build", "--config", "levels.yaml", "--out", "o"],
        2,
        "field 'families.seating.levels': levels must be 1-4",
    ),
    (
        "config-name",
        "gen",
        ["build", "--config", "robustnes", "--out", "o"],
        2,
        "did you mean 'robustness'?",
    ),
    (
        "config-not-yaml",
        "gen",
        ["build", "--config", "broken.yaml", "--out", "o"],
        2,
        "is not valid YAML",
    ),
    # build safety: option ids
    (
        "config-unknown-persona",
        "gen",
        ["build", "--config", "personas.yaml", "--out", "o"],
        2,
        "field 'families.truth_teller.options.personas': unknown persona 'knigts'; did you mean",
    ),
    (
        "config-unknown-context",
        "gen",
        ["build", "--config", "contexts.yaml", "--out", "o"],
        2,
        "field 'families.seating.options.contexts': unknown context 'beach'",
    ),
    (
        "build-workers-0",
        "gen",
        ["build", "--workers", "0", "--out", "o"],
        2,
        "argument --workers: 0 is below 1",
    ),
    (
        "build-seed-negative",
        "gen",
        ["build", "--seed", "-3", "--out", "o"],
        2,
        "argument --seed: -3 is below 0",
    ),
    ("unknown-command", "gen", ["biuld"], 2, "invalid choice: 'biuld'"),
    (
        "push-incomplete",
        "gen",
        ["push", "incomplete", "--repo-id", "org/name"],
        2,
        f"{INCOMPLETE}: a build was killed",
    ),
    ("stats-incomplete", "gen", ["stats", "incomplete"], 2, "rerun the same build command"),
    # items 2 and 6: trainers
    (
        "sft-model-missing",
        "tr",
        ["sft", "--config", "sft_tiny", "--model", "models/nosuch"],
        2,
        "model models/nosuch: no such folder",
    ),
    (
        "sft-set-type",
        "tr",
        ["sft", "--config", "sft_tiny", "--set", "train.max_steps=abc"],
        2,
        "--set train.max_steps: expected a whole number like 2, got 'abc'",
    ),
    ("sft-set-no-value", "tr", ["sft", "--set", "train.max_steps"], 2, "use KEY=VALUE"),
    ("sft-config-name", "tr", ["sft", "--config", "sft_tnyi"], 2, "did you mean 'sft_tiny'?"),
    (
        "grpo-misspelt-section",
        "tr",
        ["grpo", "--config", "grpo_tiny", "--set", "curriculm.enabled=false"],
        2,
        "field 'curriculm': unknown key; did you mean 'curriculum'?",
    ),
    (
        "sft-data-missing",
        "tr",
        ["sft", "--config", "sft_tiny", "--model", "models", "--data", "./nosuch"],
        2,
        "data ./nosuch: no such folder or file",
    ),
    (
        "pairs-k-0",
        "tr",
        ["pairs", "--data", "ds", "--out", "p.jsonl", "--k", "0"],
        2,
        "argument --k: 0 is below 1",
    ),
    (
        "pairs-on-policy-no-model",
        "tr",
        ["pairs", "--mode", "on-policy", "--data", "ds", "--out", "p.jsonl"],
        2,
        "pairs --mode on-policy needs --model",
    ),
    # benchmarks
    (
        "write-tasks-k-0",
        "bm",
        ["write-tasks", "--k", "0", "--out", "tasks"],
        2,
        "argument --k: 0 is below 1",
    ),
    ("report-missing", "bm", ["report", "results.json"], 2, "results.json: no such file"),
    ("curve-missing", "bm", ["curve", "grpo_summary.json"], 2, "grpo_summary.json"),
]


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, tiny_dataset) -> Path:
    """A working folder with the inputs the rows name (copied per test)."""
    root = tmp_path_factory.mktemp("inputs")
    shutil.copytree(tiny_dataset, root / "ds", ignore=shutil.ignore_patterns(".*"))
    (root / "empty" / "data").mkdir(parents=True)
    bad = root / "corrupt" / "data" / "truth_teller"
    bad.mkdir(parents=True)
    (bad / "train-00000-of-00001.parquet").write_bytes(b"PAR1 not really parquet")
    shutil.copytree(
        root / "ds", root / "testonly", ignore=shutil.ignore_patterns("train-*", "validation-*")
    )
    shutil.copytree(root / "ds", root / "incomplete")
    (root / "incomplete" / INCOMPLETE).write_text("interrupted\n")
    (root / "models").mkdir()
    for name, cfg in CONFIGS.items():
        (root / name).write_text(yaml.safe_dump(cfg))
    (root / "broken.yaml").write_text("families: {seating: [count: 3\n")
    return root


@pytest.mark.parametrize("cmd,args,code,text", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line(tmp_path, inputs, cmd, args, code, text):
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    before = _snapshot(work)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("LOGIC_SUITE_DATA", None)
    r = subprocess.run(
        [sys.executable, "-m", MOD[cmd], *args],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=300,
    )
    lines = r.stderr.strip().splitlines()
    assert r.returncode == code, r.stderr[-3000:]
    assert len(lines) == 1, r.stderr[-3000:]
    assert lines[0].startswith("error: ") and text in lines[0], lines[0]
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert _snapshot(work) == before  # no output file or folder left behind
    assert not Path("/nonexistent").exists()


def test_logic_suite_help_names_the_console_script():
    code = "import sys; sys.argv[0] = 'logic-suite'; from generators.cli import main; main()"
    r = subprocess.run(
        [sys.executable, "-c", code, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert r.returncode == 0 and r.stdout.startswith("usage: logic-suite")


@pytest.mark.parametrize(
    "module,sub",
    [("generators", s) for s in ("build", "sample", "validate", "push", "curriculum", "stats")]
    + [("trainers", s) for s in ("init-model", "sft", "dpo", "grpo", "pairs")]
    + [("benchmarks", s) for s in ("write-tasks", "report", "curve")],
)
def test_every_option_has_help_text(module, sub):
    """Each option and positional argument of every subcommand says what it is."""
    import argparse
    import importlib

    mod = importlib.import_module(
        f"{module}.__main__" if module == "benchmarks" else f"{module}.cli"
    )
    parser = mod._parser() if module == "generators" else mod.parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for action in subs.choices[sub]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{module} {sub} {action.option_strings or action.dest}: no help"


def test_lm_eval_without_data_is_one_error_line(tmp_path):
    """LOGIC_SUITE_DATA unset and no dist/ here: one line and exit 2, not a Hub traceback
    (lm-eval's own INFO log lines aside). lm-eval's built-in dummy model: no weights needed."""
    from benchmarks import tasks_path

    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("LOGIC_SUITE_DATA", None)
    r = subprocess.run(
        [sys.executable, "-m", "lm_eval", "--model", "dummy", "--tasks",
         "logic_suite_truth_teller_l1", "--include_path", str(tasks_path()), "--limit", "1"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert r.returncode == 2, r.stderr[-3000:]
    assert "Traceback" not in r.stderr and len(errors) == 1, r.stderr[-3000:]
    assert errors[0].startswith("error: LOGIC_SUITE_DATA is unset and dist/logic_suite/ does not")
    assert list(tmp_path.iterdir()) == []
