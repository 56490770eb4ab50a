"""DPO on preference pairs (``python -m trainers pairs`` output) with TRL's DPOTrainer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .budget import time_budget_callback
from .config import RunConfig, lora_config, train_and_save, trl_args


def load_pairs(path: str):
    import datasets

    p = Path(path)
    files = [str(p)] if p.is_file() else sorted(str(x) for x in p.glob("*.jsonl"))
    if not files:
        raise ValueError(
            f"data.path={path!r}: no pairs .jsonl; run `python -m trainers pairs` first"
        )
    ds = datasets.load_dataset("json", data_files=files, split="train")
    return ds.select_columns(["prompt", "chosen", "rejected"])


def build_trainer(cfg: RunConfig):
    from trl import DPOConfig, DPOTrainer

    dataset = load_pairs(cfg.data.path)
    if cfg.data.limit:
        dataset = dataset.select(range(min(cfg.data.limit, len(dataset))))
    args = trl_args(DPOConfig, cfg, logging_steps=1)
    peft_config = lora_config(cfg)
    return DPOTrainer(
        model=cfg.model,
        args=args,
        train_dataset=dataset,
        peft_config=peft_config,
        callbacks=[time_budget_callback(cfg.stop_after_s)],
    )


def run(cfg: RunConfig) -> dict[str, Any]:
    return {"log_history": train_and_save(build_trainer(cfg), cfg, "dpo_summary.json")}
