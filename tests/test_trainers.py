"""Trainers on a real ~1M local model with real TRL: 2-step runs, curriculum, pair builder."""

from __future__ import annotations

import json

import datasets
import pytest

from trainers.config import ConfigError, load_run_config
from trainers.curriculum import Curriculum
from trainers.pairs import is_right, is_wrong, synthetic_pairs, write_jsonl

SMALL = ["train.max_steps=2", "train.use_cpu=true", "data.limit=8"]


@pytest.fixture(scope="module")
def rows(tiny_dataset):
    return datasets.load_dataset(str(tiny_dataset), "all", split="train").to_list()


def _grad_norms(log_history):
    return [h["grad_norm"] for h in log_history if "grad_norm" in h]


def _cfg(name, tiny_model, data, out, extra=()):
    cfg = load_run_config(name, [*SMALL, *extra])
    cfg.model, cfg.data.path, cfg.output_dir = str(tiny_model), str(data), str(out)
    return cfg


def test_sft_two_steps(tiny_model, tiny_dataset, tmp_path):
    from trainers import sft

    cfg = _cfg(
        "sft_tiny",
        tiny_model,
        tiny_dataset,
        tmp_path / "sft",
        ["train.max_length=512", "train.per_device_train_batch_size=2"],
    )
    hist = sft.run(cfg)["log_history"]
    norms = _grad_norms(hist)
    assert len(norms) == 2 and all(n > 0 for n in norms)
    assert (tmp_path / "sft" / "model.safetensors").exists()


def test_dpo_two_steps_on_synthetic_pairs(tiny_model, rows, tmp_path):
    from trainers import dpo

    n = write_jsonl(synthetic_pairs(rows[:8]), tmp_path / "pairs.jsonl")
    assert n >= 4
    cfg = _cfg(
        "dpo_tiny", tiny_model, tmp_path / "pairs.jsonl", tmp_path / "dpo", ["train.max_length=512"]
    )
    hist = dpo.run(cfg)["log_history"]
    norms = _grad_norms(hist)
    assert len(norms) == 2 and all(n > 0 for n in norms)
    assert any("rewards/margins" in h for h in hist)


def test_grpo_two_steps_with_schedule_and_curriculum(tiny_model, tiny_dataset, tmp_path):
    from trainers import grpo

    cfg = _cfg(
        "grpo_tiny",
        tiny_model,
        tiny_dataset,
        tmp_path / "grpo",
        [
            "train.max_completion_length=8",
            "train.per_device_train_batch_size=4",
            "train.num_generations=4",
            "curriculum.window=4",
            "train.beta=0.0",
        ],
    )
    trainer, cur, _ = grpo.build_trainer(cfg)
    assert type(trainer).__name__ == "ScheduledTemperatureGRPOTrainer"
    assert trainer.temperature == 1.0 and not trainer.vllm_importance_sampling_correction
    # A random model gets equal rewards in a group (zero advantage, zero gradient), so give the
    # format reward a spread it can learn from by checking gradients through TRL's own loss.
    trainer.train()
    hist = trainer.state.log_history
    steps = [h for h in hist if "reward" in h]
    assert len(steps) == 2
    assert all("rewards/format_reward/mean" in h and "rewards/accuracy/mean" in h for h in steps)
    assert all(h["curriculum/level"] == 1 for h in steps)
    assert all(h["grad_norm"] >= 0 for h in steps)


def test_grpo_gradients_are_nonzero_when_rewards_differ(tiny_model, tiny_dataset, tmp_path):
    """Within a group the temperature schedule gives different completions; a length-sensitive
    reward then has a spread, so the policy gradient is non-zero."""
    from trl import GRPOConfig

    from trainers.grpo import _trainer_classes

    _, Scheduled = _trainer_classes()
    ds = datasets.load_dataset(str(tiny_dataset), "all", split="train").select(range(4))
    ds = ds.select_columns(["prompt"])

    def reward_len(prompts, completions, **kw):
        return [float(len(c[-1]["content"]) % 7) for c in completions]

    args = GRPOConfig(
        output_dir=str(tmp_path / "g"),
        max_steps=2,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        temperature=1.0,
        use_cpu=True,
        report_to="none",
        logging_steps=1,
        beta=0.0,
        save_strategy="no",
    )
    tr = Scheduled(
        model=str(tiny_model),
        reward_funcs=reward_len,
        args=args,
        train_dataset=ds,
        temperature_schedule=[0.6, 0.8, 1.0, 1.2],
    )
    tr.train()
    norms = _grad_norms(tr.state.log_history)
    assert len(norms) == 2 and any(n > 0 for n in norms)


def test_curriculum_promotes_on_a_scripted_stream():
    cur = Curriculum([1, 2, 3], threshold=0.9, window=10)
    for _ in range(10):  # 80% right: no promotion
        assert not cur.observe(1, _ in range(8))
    assert cur.level == 1
    promoted = [cur.observe(1, True) for _ in range(10)]  # window now 100% right
    assert any(promoted) and cur.level == 2
    assert cur.observe(1, True) is False  # late result from the old level is ignored
    for _ in range(10):
        cur.observe(2, True)
    for _ in range(50):
        cur.observe(3, True)
    assert cur.level == 3  # top level: no further promotion
    assert [lvl for _, lvl in cur.history] == [1, 2, 3]
    state = cur.state_dict()
    again = Curriculum([1, 2, 3], threshold=0.9, window=10)
    again.load_state_dict(json.loads(json.dumps(state)))
    assert again.level == 3 and again.history == cur.history


def test_synthetic_pairs_are_verified(rows):
    pairs = list(synthetic_pairs(rows))
    by_id = {r["id"]: r for r in rows}
    assert len(pairs) >= 0.8 * len(rows)
    kinds = {p["kind"] for p in pairs}
    assert kinds == {"wrong_step", "invalid_step"}
    for p in pairs:
        row = by_id[p["id"]]
        assert is_right(row, p["chosen"][0]["content"])
        assert is_wrong(row, p["rejected"][0]["content"])
        assert p["chosen"][0]["content"] != p["rejected"][0]["content"]


def test_bad_config_is_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: sft\ntrian: {max_steps: 1}\n")
    with pytest.raises(ConfigError, match="field 'trian': unknown key"):
        load_run_config(bad)
    with pytest.raises(ConfigError, match="no such config"):
        load_run_config("nope")


def test_missing_model_folder_is_one_line_before_any_loading(tiny_model, tmp_path, capsys):
    from trainers.cli import main
    from trainers.config import check_model

    missing = str(tmp_path / "sft")  # e.g. a checkpoint from a machine that was given back
    assert main(["grpo", "--config", "grpo_demo", "--model", missing, "--data", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"model {missing}: no such folder" in err
    assert check_model(str(tiny_model)) == str(tiny_model)
    assert check_model("Qwen/Qwen3-4B") == "Qwen/Qwen3-4B"  # a Hub id is left to transformers


def test_max_chars_drops_only_overlong_rows(tiny_dataset, rows):
    from trainers.config import DataSection
    from trainers.data import load_rows

    sizes = sorted(len(r["question"]) + len(r["solution"]) for r in rows)
    cap = sizes[len(sizes) // 2]
    kept = list(load_rows(DataSection(path=str(tiny_dataset), max_chars=cap)))
    assert len(kept) == sum(s <= cap for s in sizes) < len(rows)
    assert all(len(r["question"]) + len(r["solution"]) <= cap for r in kept)


def test_demo_configs_load_as_trl_args():
    """The committed GPU demo configs are valid TRL configs (packing for SFT, NaN guard for GRPO)."""
    from trl import DPOConfig, GRPOConfig, SFTConfig

    from trainers.config import trl_args

    cpu = ["train.use_cpu=true", "train.bf16=false"]
    sft = trl_args(SFTConfig, load_run_config("sft_demo", cpu))
    assert sft.packing and sft.packing_strategy == "wrapped"
    grpo = trl_args(GRPOConfig, load_run_config("grpo_demo", cpu))
    assert grpo.generation_kwargs == {"remove_invalid_values": True}
    assert not grpo.gradient_checkpointing
    dpo = trl_args(DPOConfig, load_run_config("dpo_fast_demo", cpu))
    assert dpo.max_length == 2048 and not dpo.gradient_checkpointing
    assert dpo.max_steps == -1 and dpo.num_train_epochs == 1  # one pass over on-policy pairs


def test_cpu_runs_default_to_fp32_and_keep_an_explicit_bf16():
    """TRL turns bf16 on by default; a CPU run that does not ask for it trains in fp32 (bf16
    autocast on a CPU without bf16 units is many times slower), one that asks keeps it."""
    from trl import SFTConfig

    from trainers.config import trl_args

    assert SFTConfig(output_dir="x", use_cpu=True).bf16  # TRL's own default
    plain = trl_args(SFTConfig, load_run_config("sft_tiny", []))
    assert plain.use_cpu and not plain.bf16
    asked = trl_args(SFTConfig, load_run_config("sft_tiny", ["train.bf16=true"]))
    assert asked.bf16


def test_grpo_two_steps_with_static_rollouts(tiny_model, tiny_dataset, tmp_path):
    """rollout=static: completions come from the static-cache generator, not HF generate."""
    from trainers import grpo

    cfg = _cfg(
        "grpo_tiny",
        tiny_model,
        tiny_dataset,
        tmp_path / "grpo_static",
        [
            "train.max_completion_length=8",
            "train.per_device_train_batch_size=4",
            "train.num_generations=4",
            "train.beta=0.0",
            "rollout=static",
        ],
    )
    trainer, _, _ = grpo.build_trainer(cfg)
    trainer.train()
    steps = [h for h in trainer.state.log_history if "reward" in h]
    assert len(steps) == 2 and all(h["completions/max_length"] <= 8 for h in steps)
    assert trainer._static is not None and trainer._static.states  # it decoded
