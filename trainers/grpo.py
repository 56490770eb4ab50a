"""GRPO with verifier rewards, a level curriculum and an optional in-group temperature schedule.

A thin layer over ``trl.GRPOTrainer`` (pinned to trl 1.16.*): the rewards are the callables in
:mod:`verifiers.rewards`, weighted by ``rewards`` in the run config; prompts come from a built
split or, in online mode, straight from ``generators.generate``, at the curriculum's level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .budget import time_budget_callback
from .config import RunConfig, lora_config, trl_args
from .curriculum import Curriculum, offline_stream, online_stream
from .data import load_rows, prompt_of

REWARD_COLUMNS = ("answer_json", "spec", "family", "choices", "answer_label", "level", "mcq")


def _trainer_classes():
    from trl import GRPOTrainer

    class FastRolloutGRPOTrainer(GRPOTrainer):
        """GRPOTrainer whose rollouts, without vLLM, come from :class:`trainers.rollout.StaticGenerator`
        (static KV cache, CUDA-graph decoding) instead of HF ``generate``.

        Used when ``rollout`` is ``static``, or ``auto`` on CUDA for a supported model with plain
        sampling (no top-k / top-p / min-p / repetition penalty). With ``use_vllm`` vLLM stays the
        path. Completions are cut after the first EOS, as TRL's own path does.
        """

        def __init__(self, *args: Any, rollout: str = "auto", **kwargs: Any):
            self.rollout_mode = rollout
            self._static = None
            super().__init__(*args, **kwargs)

        def _static_rollouts(self) -> bool:
            from .rollout import use_static

            a = self.args
            plain = (
                (a.top_p is None or a.top_p >= 1.0)
                and not a.top_k
                and a.min_p is None
                and (a.repetition_penalty or 1.0) == 1.0
            )
            if self.rollout_mode == "static" and not plain:
                raise ValueError(
                    "rollout=static samples plainly: unset top_p / top_k / min_p / "
                    "repetition_penalty, or use rollout=hf"
                )
            model = self.accelerator.unwrap_model(self.model)
            return not self.use_vllm and plain and use_static(model, self.rollout_mode)

        def _generate_single_turn(
            self, prompt_ids, images, multimodal_fields, num_generations, **kw
        ):
            if images is not None and any(x is not None for x in images):
                return super()._generate_single_turn(
                    prompt_ids, images, multimodal_fields, num_generations, **kw
                )
            if not self._static_rollouts():
                return super()._generate_single_turn(
                    prompt_ids, images, multimodal_fields, num_generations, **kw
                )
            from .rollout import StaticGenerator

            if self._static is None:
                self._static = StaticGenerator(
                    self.accelerator.unwrap_model(self.model),
                    list(self.eos_token_ids),
                    self._tokenizer.pad_token_id,
                )
            t = self.generation_config.temperature
            ids = self._static.generate(
                [list(p) for p in prompt_ids],
                self.max_completion_length,
                temperature=float(t if t is not None else 1.0),
            )
            return ids, None

    class ScheduledTemperatureGRPOTrainer(FastRolloutGRPOTrainer):
        """GRPOTrainer whose k completions of one prompt are sampled at a temperature schedule.

        Completion j of each group is sampled at ``schedule[j % len(schedule)]`` (seed 001's
        0.6/0.8/1.0/1.2). TRL 1.16 reads one ``temperature`` at start-up and uses it twice: to
        sample and to scale the logits when it computes log-probabilities for the loss. With a
        schedule there is no single sampling temperature to scale by, so we build the trainer
        with ``temperature=1.0``: log-probabilities (policy, old policy and reference) are those
        of the model itself, at T=1, for every completion alike, and only sampling changes.

        For the same reason the vLLM importance-sampling correction must be off: it divides the
        trainer's T=1 probabilities by the probabilities vLLM sampled with (at 0.6…1.2), so the
        ratio would measure the temperature, not a policy mismatch, and its truncation would
        silently down-weight the cold and hot samples. ``build_trainer`` turns it off.
        """

        def __init__(self, *args: Any, temperature_schedule: list[float], **kwargs: Any):
            self.temperature_schedule = [float(t) for t in temperature_schedule]
            super().__init__(*args, **kwargs)

        def _generate_single_turn(
            self, prompt_ids, images, multimodal_fields, num_generations, **kw
        ):
            sched = self.temperature_schedule
            offset = self.accelerator.process_index * len(prompt_ids)
            slot = [
                sched[((offset + i) % num_generations) % len(sched)] for i in range(len(prompt_ids))
            ]
            completion_ids: list = [None] * len(prompt_ids)
            logprobs: list | None = [None] * len(prompt_ids)
            # Every process makes the same calls, in the same order (vLLM gathers across ranks).
            for t in sorted(set(sched)):
                idx = [i for i, s in enumerate(slot) if s == t]
                if not idx:
                    # keep collective calls aligned: generate nothing for this temperature
                    continue
                self._set_temperature(t)
                sub_imgs = [images[i] for i in idx] if images is not None else None
                sub_mm = {
                    k: ([v[i] for i in idx] if isinstance(v, list) else v)
                    for k, v in (multimodal_fields or {}).items()
                }
                ids, lps = super()._generate_single_turn(
                    [prompt_ids[i] for i in idx], sub_imgs, sub_mm, 1, **kw
                )
                for j, i in enumerate(idx):
                    completion_ids[i] = ids[j]
                    if logprobs is not None:
                        logprobs[i] = lps[j] if lps is not None else None
            self._set_temperature(1.0)
            if logprobs is not None and any(x is None for x in logprobs):
                logprobs = None
            return completion_ids, logprobs

        def _set_temperature(self, t: float) -> None:
            if self.use_vllm:
                self.vllm_generation.temperature = t
            else:
                self.generation_config.temperature = t
                self.generation_kwargs["temperature"] = t

    return FastRolloutGRPOTrainer, ScheduledTemperatureGRPOTrainer


def _curriculum_reward(cur: Curriculum | None, log: list):
    """The accuracy reward, also feeding the curriculum (right = accuracy 1.0)."""
    from verifiers.rewards import accuracy_reward

    def accuracy(prompts: list, completions: list, **columns: Any) -> list[float]:
        out = accuracy_reward(prompts, completions, **columns)
        if cur is not None:
            for lvl, r in zip(columns.get("level") or [cur.level] * len(out), out, strict=True):
                if cur.observe(int(lvl), r >= 1.0):
                    log.append({"step": cur.step, "promoted_to": cur.level})
        return out

    return accuracy


def _rows_stream(cfg: RunConfig, cur: Curriculum | None):
    import datasets

    mcq = cfg.data.mcq

    def shape(r: dict) -> dict:
        out = {k: r[k] for k in REWARD_COLUMNS if k in r}
        out["prompt"] = prompt_of(r, mcq)
        out["mcq"] = mcq
        out["level"] = int(r["level"])
        out["choices"] = list(r["choices"])
        return out

    rows: list[dict] = []
    if not cfg.online.enabled:
        rows = list(load_rows(cfg.data))
        if cur is None:
            return datasets.Dataset.from_list([shape(r) for r in rows])
    online, seed = cfg.online, cfg.train.get("seed", 42)

    def gen():
        # The stream is made here, not outside: datasets pickles this function, not a generator.
        if online.enabled:
            src = online_stream(
                online.families, online.generator_config, online.seed, cur or Curriculum([1])
            )
        else:
            src = offline_stream(rows, cur, seed=seed)
        for r in src:
            yield shape(r)

    return datasets.IterableDataset.from_generator(gen)


def build_trainer(cfg: RunConfig):
    """The configured GRPO trainer, its curriculum (or None) and the promotion log."""
    from transformers import TrainerCallback
    from trl import GRPOConfig

    from verifiers.rewards import REWARDS

    cur = (
        Curriculum(
            cfg.curriculum.levels,
            cfg.curriculum.threshold,
            cfg.curriculum.window,
            cfg.curriculum.start_level,
        )
        if cfg.curriculum.enabled
        else None
    )
    promotions: list = []
    names = [n for n, w in cfg.rewards.items() if w]
    unknown = set(names) - set(REWARDS)
    if unknown:
        raise ValueError(f"rewards: unknown component(s) {sorted(unknown)}; use {list(REWARDS)}")
    funcs = [_curriculum_reward(cur, promotions) if n == "accuracy" else REWARDS[n] for n in names]
    defaults: dict[str, Any] = {
        "reward_weights": [cfg.rewards[n] for n in names],
        "logging_steps": 1,
    }
    if cfg.temperature_schedule:
        defaults["temperature"] = 1.0
        defaults["vllm_importance_sampling_correction"] = False
    args = trl_args(GRPOConfig, cfg, **defaults)
    if cfg.temperature_schedule and (
        args.temperature != 1.0 or args.vllm_importance_sampling_correction
    ):
        raise ValueError(
            "temperature_schedule needs train.temperature=1.0 and "
            "train.vllm_importance_sampling_correction=false (see ScheduledTemperatureGRPOTrainer)"
        )
    dataset = _rows_stream(cfg, cur)
    if not hasattr(dataset, "__len__") and args.max_steps <= 0:
        raise ValueError(
            "train.max_steps must be set for curriculum or online runs (the stream is endless)"
        )

    class CurriculumLog(TrainerCallback):
        def on_log(self, a, state, control, logs=None, **kw):
            if cur is None or logs is None:
                return
            extra = {"curriculum/level": cur.level}
            acc = cur.rolling_accuracy()
            if acc is not None:
                extra["curriculum/rolling_accuracy"] = acc
            logs.update(extra)
            if state.log_history:  # the Trainer appended this entry before calling back
                state.log_history[-1].update(extra)

        def on_save(self, a, state, control, **kw):
            if cur is not None:
                ck = Path(a.output_dir) / f"checkpoint-{state.global_step}"
                if ck.exists():
                    (ck / "curriculum.json").write_text(json.dumps(cur.state_dict()))

    peft_config = lora_config(cfg)
    base, scheduled = _trainer_classes()
    kw: dict[str, Any] = dict(
        model=cfg.model,
        reward_funcs=funcs,
        args=args,
        train_dataset=dataset,
        callbacks=[CurriculumLog(), time_budget_callback(cfg.stop_after_s)],
        peft_config=peft_config,
        rollout=cfg.rollout,
    )
    trainer = (
        scheduled(temperature_schedule=cfg.temperature_schedule, **kw)
        if cfg.temperature_schedule
        else base(**kw)
    )
    return trainer, cur, promotions


def run(cfg: RunConfig) -> dict[str, Any]:
    """Train; return a summary (final level, promotions, log history path)."""
    trainer, cur, promotions = build_trainer(cfg)
    resume = cfg.resume_from_checkpoint
    if resume and cur is not None:
        ck = Path(resume) if isinstance(resume, str) else None
        if ck is None:
            from transformers.trainer_utils import get_last_checkpoint

            last = get_last_checkpoint(cfg.output_dir)
            ck = Path(last) if last else None
        if ck is not None and (ck / "curriculum.json").exists():
            cur.load_state_dict(json.loads((ck / "curriculum.json").read_text()))
    trainer.train(resume_from_checkpoint=resume or None)
    trainer.save_model(cfg.output_dir)
    out = Path(cfg.output_dir)
    summary = {
        "final_level": cur.level if cur else None,
        "level_history": cur.history if cur else [],
        "promotions": promotions,
        "log_history": trainer.state.log_history,
    }
    (out / "grpo_summary.json").write_text(json.dumps(summary, indent=1, default=str))
    return summary
