"""SFT on solution traces: chat prompt -> assistant turn with the trace and the tagged answer.

Two data paths into TRL's SFTTrainer:
- a built split (``data``), prepared by TRL (its own packing options apply);
- packed rows (the fast path): ``stream.enabled`` (puzzles generated on the fly, each seen once,
  or with ``stream.replay`` earlier ones again while the workers catch up; see
  :mod:`trainers.stream`) or ``data.pack`` (a built split, tokenized once and cycled). Rows
  are whole puzzles packed into exactly ``train.max_length`` tokens, so every batch has one
  static shape (good for ``torch_compile``) and no attention mask work; TRL's preparation is
  skipped and its collator and loss are used as they are.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from .budget import TimeBudget, anneal_by_time
from .config import RunConfig, lora_config, train_and_save, trl_args
from .data import load_rows, sft_columns, sft_example


def packed_source(cfg: RunConfig, max_length: int):
    """The packed-row source of a fast-path run: a :class:`PuzzleStream` or a :class:`BuiltPack`."""
    from .stream import BuiltPack, PuzzleStream

    s = cfg.stream
    if s.enabled:
        return PuzzleStream(
            cfg.model,
            max_length,
            config=s.config,
            seed=s.seed,
            families=s.families,
            workers=s.workers,
            splits=tuple(s.splits),
            window=s.window,
            replay=s.replay,
            replay_min=s.replay_min,
            nice=s.nice,
            spare_cores=s.spare_cores,
            name_pool=s.name_pool,
        )
    return BuiltPack(
        list(sft_columns(load_rows(cfg.data))),
        cfg.model,
        max_length,
        s.window,
        seed=cfg.train.get("seed", 0),
        workers=s.workers or max(1, (os.cpu_count() or 2) - 1),
    )


def _stream_log(stats):
    from transformers import TrainerCallback

    class StreamLog(TrainerCallback):
        """Adds the stream's counters to every log entry; stamps the start and step 1."""

        def on_train_begin(self, args, state, control, **kw):
            _stamp("training begins")

        def on_step_end(self, args, state, control, **kw):
            if state.global_step == 1:
                _stamp("step 1 done (torch.compile warm-up included)")

        def on_log(self, args, state, control, logs=None, **kw):
            if logs is None:
                return
            extra = {
                "stream/unique_puzzles": stats.unique_puzzles,
                "stream/views_per_puzzle": round(stats.docs / max(1, stats.unique_puzzles), 3),
                "stream/data_wait_s": round(stats.wait_s, 2),
                "stream/tokens": stats.tokens,
            }
            logs.update(extra)
            if state.log_history:
                state.log_history[-1].update(extra)

    return StreamLog()


def _dense_rows(model) -> None:
    """Packed rows have no padding inside (pads only at the end, without loss): drop the
    collator's all-ones attention mask before the forward, so sdpa takes its causal (flash)
    path. Under torch.compile transformers cannot read the mask's values to see that it is all
    ones, and would otherwise build a full [batch, 1, len, len] mask and a slower kernel."""

    def hook(module, args, kwargs):
        kwargs.pop("attention_mask", None)
        return args, kwargs

    model.register_forward_pre_hook(hook, with_kwargs=True)


def _stamp(what: str) -> None:
    """One line on stderr with the seconds since this module was imported (the start of a
    ``trainers sft`` run, near enough), so a run's log shows
    where start-up time goes (loading, tokenizing, building the trainer) before step 1."""
    import sys

    up = time.monotonic() - _T0
    print(f"[sft] +{up:.1f}s {what}", file=sys.stderr, flush=True)


_T0 = time.monotonic()


def build_trainer(cfg: RunConfig):
    """The configured SFTTrainer; on the fast path ``trainer.data_source`` is the row source."""
    from trl import SFTConfig, SFTTrainer

    budget = TimeBudget(cfg.stop_after_s)
    callbacks = [budget.callback()]
    fast = cfg.stream.enabled or cfg.data.pack
    if fast:
        args = trl_args(
            SFTConfig, cfg, logging_steps=1, dataset_kwargs={"skip_prepare_dataset": True}
        )
        if args.max_steps <= 0:
            raise ValueError("train.max_steps must be set for stream or data.pack runs")
        if args.packing or args.padding_free:
            raise ValueError(
                "stream / data.pack rows are packed already; set train.packing=false and "
                "train.padding_free=false"
            )
        if not args.max_length:
            raise ValueError("train.max_length must be set for stream or data.pack runs")
        source = packed_source(cfg, args.max_length)
        dataset = source.dataset()
        _stamp("packed-row source ready")
        callbacks.append(_stream_log(source.stats))
    else:
        source = None
        args = trl_args(SFTConfig, cfg, logging_steps=1)
        rows = load_rows(cfg.data)
        cols = rows.column_names
        dataset = rows.map(sft_example, remove_columns=cols) if cols else rows.map(sft_example)
    extra: dict[str, Any] = {}
    if fast:
        from .stream import collate

        extra["data_collator"] = collate
    trainer = SFTTrainer(
        model=cfg.model,
        args=args,
        train_dataset=dataset,
        **extra,
        peft_config=lora_config(cfg),
        callbacks=callbacks,
    )
    trainer.data_source = source
    if cfg.schedule_by_time:
        anneal_by_time(trainer, budget)
    if fast:
        _dense_rows(trainer.model)
    _stamp("trainer built")
    return trainer


def run(cfg: RunConfig) -> dict[str, Any]:
    trainer = build_trainer(cfg)
    source = trainer.data_source
    t0 = time.monotonic()
    try:
        hist = train_and_save(trainer, cfg, "sft_summary.json")
    finally:
        if source is not None:
            source.close()
    _stamp("trained and saved")
    trainer.processing_class.save_pretrained(cfg.output_dir)
    out: dict[str, Any] = {"log_history": hist}
    if source is not None:
        wall = time.monotonic() - t0
        runtime = next((h["train_runtime"] for h in hist if "train_runtime" in h), wall)
        out["data"] = source.stats.summary() | {
            "source": "stream" if cfg.stream.enabled else "built",
            "train_runtime_s": round(runtime, 2),
            "row_tokens_per_s": round(source.stats.rows * trainer.args.max_length / runtime),
            "real_tokens_per_s": round(source.stats.tokens / runtime),
        }
        (Path(cfg.output_dir) / "sft_data.json").write_text(json.dumps(out["data"], indent=1))
        print(json.dumps({"data": out["data"]}))
    return out
