"""SFT on solution traces: chat prompt -> assistant turn with the trace and the tagged answer."""

from __future__ import annotations

from typing import Any

from .config import RunConfig, lora_config, time_budget_callback, train_and_save, trl_args
from .data import load_rows, sft_example


def build_trainer(cfg: RunConfig):
    from trl import SFTConfig, SFTTrainer

    rows = load_rows(cfg.data)
    cols = rows.column_names
    dataset = rows.map(sft_example, remove_columns=cols) if cols else rows.map(sft_example)
    args = trl_args(SFTConfig, cfg, logging_steps=1)
    peft_config = lora_config(cfg)
    return SFTTrainer(
        model=cfg.model,
        args=args,
        train_dataset=dataset,
        peft_config=peft_config,
        callbacks=[time_budget_callback(cfg.stop_after_s)],
    )


def run(cfg: RunConfig) -> dict[str, Any]:
    trainer = build_trainer(cfg)
    hist = train_and_save(trainer, cfg, "sft_summary.json")
    trainer.processing_class.save_pretrained(cfg.output_dir)
    return {"log_history": hist}
