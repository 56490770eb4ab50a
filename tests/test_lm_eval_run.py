"""Real lm-eval runs of the logic_suite tasks on CPU with the tiny local model, and the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import datasets
import pytest

from benchmarks.report import load_run, report
from benchmarks.write_tasks import load_suite, write

LM_EVAL = str(Path(sys.executable).with_name("lm_eval"))
METRICS = ("acc", "format", "cell_acc", "len_chars")


def _built(tiny_dataset) -> dict[str, set[int]]:
    test = datasets.load_dataset(str(tiny_dataset), "all", split="test")
    out: dict[str, set[int]] = {}
    for fam, lv in zip(test["family"], test["level"], strict=True):
        out.setdefault(fam, set()).add(lv)
    return out


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory, tiny_dataset, tiny_model) -> Path:
    """`lm_eval --model hf` on the open and MCQ groups through --include_path (plain prompts)."""
    out = tmp_path_factory.mktemp("lm_eval")
    tasks = subprocess.run(
        [sys.executable, "-m", "benchmarks", "tasks-path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {**os.environ, "LOGIC_SUITE_DATA": str(tiny_dataset), "TOKENIZERS_PARALLELISM": "false"}
    cmd = [
        LM_EVAL, "--model", "hf",
        "--model_args", f"pretrained={tiny_model},dtype=float32",
        "--device", "cpu", "--batch_size", "16",
        "--tasks", "logic_suite,logic_suite_mcq",
        "--include_path", tasks,
        "--limit", "2", "--gen_kwargs", "max_gen_toks=6",
        "--output_path", str(out),
    ]  # fmt: skip
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "logic_suite" in run.stdout  # lm-eval printed its results table
    (found,) = out.rglob("results_*.json")
    return found


def test_cli_run_reports_every_built_family_and_level(cli_results, tiny_dataset):
    res = json.loads(cli_results.read_text())
    results = res["results"]
    built = _built(tiny_dataset)
    assert built, "the tiny build has test rows"
    for suffix in ("", "_mcq"):
        group = results[f"logic_suite{suffix}"]
        assert all(f"{m},none" in group for m in METRICS)
        for fam, levels in built.items():
            assert all(f"{m},none" in results[f"logic_suite_{fam}{suffix}"] for m in METRICS)
            for lv in range(1, 5):
                row = results[f"logic_suite_{fam}_l{lv}{suffix}"]
                if lv in levels:
                    assert row["sample_len"] > 0 and all(f"{m},none" in row for m in METRICS)
                    assert 0.0 <= row["acc,none"] <= row["cell_acc,none"] + 1e-9 <= 1.0 + 1e-9
                else:
                    assert row["sample_len"] == 0  # empty level: runs, reports nothing
    # the size-weighted aggregate equals the mean over the per-level tasks
    leaves = [results[t] for t in results if t.startswith("logic_suite_") and t[-3:-1] == "_l"]
    n = sum(r["sample_len"] for r in leaves)
    mean = sum(r["len_chars,none"] * r["sample_len"] for r in leaves if r["sample_len"]) / n
    assert results["logic_suite"]["len_chars,none"] == pytest.approx(mean)
    meta = res["configs"]["logic_suite_truth_teller_l1"]["metadata"]
    assert meta["data_source"] == str(Path(tiny_dataset).resolve())
    assert meta["generator_version"] and meta["data_sha256"] and meta["data_config"] == "tiny"


def test_sampled_variant_with_chat_template_and_few_shot(
    tmp_path, tiny_dataset, tiny_model, monkeypatch
):
    """The ready `logic_suite_sampled` group at k=2: pass@2, maj@2 and first-sample metrics."""
    import lm_eval
    from lm_eval.tasks import TaskManager

    suite = load_suite()
    suite["sampling"]["k"] = 2
    suite["max_gen_toks"] = 4
    write(tmp_path / "tasks", suite)
    monkeypatch.setenv("LOGIC_SUITE_DATA", str(tiny_dataset))
    tm = TaskManager(include_path=str(tmp_path / "tasks"), include_defaults=False)
    out = lm_eval.simple_evaluate(
        model="hf",
        model_args=f"pretrained={tiny_model},dtype=float32",
        tasks=["logic_suite_sampled"],
        task_manager=tm,
        num_fewshot=1,
        apply_chat_template=True,
        limit=1,
        device="cpu",
        batch_size=16,
    )
    res = out["results"]
    for f in ("pass@2", "maj@2", "first"):
        assert all(f"{m},{f}" in res["logic_suite_sampled"] for m in METRICS)
    for fam in _built(tiny_dataset):
        assert "acc,pass@2" in res[f"logic_suite_{fam}"]
    # pass@k is at least maj@k and first-sample accuracy on every scored task
    for row in res.values():
        if "acc,pass@2" in row:
            assert row["acc,pass@2"] >= max(row["acc,maj@2"], row["acc,first"]) - 1e-9
    assert out["configs"]["logic_suite_truth_teller_l1"]["repeats"] == 2
    prompt = out["samples"]["logic_suite_truth_teller_l1"][0]["arguments"][0][0]
    assert prompt.startswith("<|im_start|>system\nSolve the logic puzzle.")
    assert prompt.count("<|im_start|>assistant\n") == 2  # one worked example, then the question


def test_report_on_real_results(cli_results, tmp_path, tiny_dataset):
    run = load_run(cli_results)
    assert run.filters == ["none"] and run.throughput and run.throughput > 0
    md, png = report([cli_results], out=tmp_path / "one")
    text = md.read_text()
    for fam, levels in _built(tiny_dataset).items():
        for lv in levels:
            assert f"| {fam} L{lv} |" in text and f"| {fam} L{lv} (MCQ) |" in text
    assert "data_source=" in text and "samples/s" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md2, png2 = report([cli_results, cli_results], out=tmp_path / "two", labels=["base", "rl"])
    text2 = md2.read_text()
    assert "Δ acc" in text2 and "acc base" in text2 and "acc rl" in text2
    assert "+0.000" in text2 and png2.is_file()
    # Runs of different sizes (e.g. --limit 40 on test, 20 on validation) show both sizes.
    data = json.loads(Path(cli_results).read_text())
    for res in data["results"].values():
        if "sample_len" in res:
            res["sample_len"] += 1
    bigger = tmp_path / "bigger.json"
    bigger.write_text(json.dumps(data))
    text3 = report([cli_results, bigger], out=tmp_path / "three")[0].read_text()
    fam, levels = next(iter(_built(tiny_dataset).items()))
    lv = min(levels)
    row = next(ln for ln in text3.splitlines() if ln.startswith(f"| {fam} L{lv} |"))
    n = int(data["results"][f"logic_suite_{fam}_l{lv}"]["sample_len"])
    assert row.split(" | ")[1] == f"{n - 1} / {n}"


def test_report_reads_the_trainers_evaluator_output(tiny_model, tiny_dataset, tmp_path):
    """A real greedy `trainers.evaluate` run of the tiny model reports like lm-eval results:
    its family/level cells, the same n, and a before/after table of two runs."""
    out = tmp_path / "eval.json"
    cmd = [sys.executable, "-m", "trainers.evaluate", "--model", str(tiny_model)]
    cmd += ["--data", str(tiny_dataset), "--split", "validation", "--limit", "6"]
    cmd += ["--max-new-tokens", "8", "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    table = json.loads(out.read_text())["table"]
    run = load_run(out)
    assert run.filters == ["greedy"] and run.samples == table["all"]["n"] == 6
    for (mode, fam, lv), row in run.rows.items():
        assert mode == "open" and row["n"] == table[f"{fam}/L{lv}"]["n"]
        assert row["acc,greedy"] == table[f"{fam}/L{lv}"]["acc"]
        assert row["len_chars,greedy"] == table[f"{fam}/L{lv}"]["len_chars"]
    md, _ = report([out, out], out=tmp_path / "rep", labels=["sft", "grpo"])
    text = md.read_text()
    assert "acc sft" in text and "acc grpo" in text and "| overall | 6 |" in text
