"""SFT on solution traces: chat prompt -> assistant turn with the trace and the tagged answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import RunConfig, time_budget_callback, trl_args
from .data import load_rows, sft_example


def build_trainer(cfg: RunConfig):
    from trl import SFTConfig, SFTTrainer

    rows = load_rows(cfg.data)
    cols = rows.column_names
    dataset = rows.map(sft_example, remove_columns=cols) if cols else rows.map(sft_example)
    args = trl_args(SFTConfig, cfg, logging_steps=1)
    peft_config = None
    if cfg.peft:
        from peft import LoraConfig

        peft_config = LoraConfig(**{"task_type": "CAUSAL_LM", **cfg.peft})
    return SFTTrainer(
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
    trainer.processing_class.save_pretrained(cfg.output_dir)
    hist = trainer.state.log_history
    (Path(cfg.output_dir) / "sft_summary.json").write_text(json.dumps(hist, indent=1, default=str))
    return {"log_history": hist}
