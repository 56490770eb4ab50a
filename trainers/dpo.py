"""DPO on preference pairs (``python -m trainers pairs`` output) with TRL's DPOTrainer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import RunConfig, time_budget_callback, trl_args


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
    peft_config = None
    if cfg.peft:
        from peft import LoraConfig

        peft_config = LoraConfig(**{"task_type": "CAUSAL_LM", **cfg.peft})
    return DPOTrainer(
        model=cfg.model,
        args=args,
        train_dataset=dataset,
        peft_config=peft_config,
        callbacks=[time_budget_callback(cfg.stop_after_s)],
    )


def run(cfg: RunConfig) -> dict[str, Any]:
    trainer = build_trainer(cfg)
    trainer.train(resume_from_checkpoint=cfg.resume_from_checkpoint or None)
    trainer.save_model(cfg.output_dir)
    hist = trainer.state.log_history
    (Path(cfg.output_dir) / "dpo_summary.json").write_text(json.dumps(hist, indent=1, default=str))
    return {"log_history": hist}
