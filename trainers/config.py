"""YAML run configs for the trainers: typed sections, one-line errors, ``--set a.b=v`` overrides.

A config has the sections ``model``, ``data``, ``train`` (passed through unchanged to TRL's
``SFTConfig`` / ``DPOConfig`` / ``GRPOConfig``), and for GRPO ``rewards``, ``curriculum``,
``temperature_schedule``, ``online`` and ``peft`` (LoRA, passed to ``peft.LoraConfig``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

CONFIG_DIR = Path(__file__).parent / "configs"


class ConfigError(ValueError):
    """A bad run config: the message names the field and the fix."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataSection(_Section):
    """Where rows come from: a built folder or Hub id, a config and a split."""

    path: str = "dist/logic_suite"
    config: str = "all"
    split: str = "train"
    streaming: bool = False  # stream shards instead of loading them (large data)
    limit: int | None = None  # first N rows (smoke runs)
    mcq: bool = False  # ask MCQ instead of open answers (GRPO)
    # drop rows whose question + solution is longer than this (a few traces run to 1M characters)
    max_chars: int | None = Field(None, ge=1)


class CurriculumSection(_Section):
    enabled: bool = True
    levels: list[int] = Field(default_factory=lambda: [1, 2, 3, 4])
    threshold: float = Field(0.9, gt=0, le=1)
    window: int = Field(64, ge=1)  # rolling accuracy over this many completions
    start_level: int = 1


class OnlineSection(_Section):
    enabled: bool = False
    families: list[str] = Field(default_factory=lambda: ["truth_teller"])
    generator_config: str = "default"
    seed: int = 1_000_003


class RunConfig(_Section):
    kind: str = ""
    model: str = ""
    output_dir: str = "runs/out"
    data: DataSection = Field(default_factory=DataSection)
    train: dict[str, Any] = Field(default_factory=dict)
    rewards: dict[str, float] = Field(
        default_factory=lambda: {"format": 0.2, "process": 0.3, "accuracy": 0.5}
    )
    curriculum: CurriculumSection = Field(default_factory=CurriculumSection)
    temperature_schedule: list[float] | None = None
    online: OnlineSection = Field(default_factory=OnlineSection)
    peft: dict[str, Any] | None = None
    resume_from_checkpoint: str | bool | None = None
    pairs: dict[str, Any] = Field(default_factory=dict)
    stop_after_s: float | None = None  # wall-time budget: stop (and save) after this many seconds


def _set(tree: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = tree
    for k in keys[:-1]:
        node = node.setdefault(k, {})
        if not isinstance(node, dict):
            raise ConfigError(f"--set {dotted}: '{k}' is not a section")
    node[keys[-1]] = value


def load_run_config(
    path: str | Path | None, overrides: list[str] = (), kind: str = ""
) -> RunConfig:
    """Load a YAML run config (a path, or a name under ``trainers/configs/``), apply overrides."""
    raw: dict[str, Any] = {}
    if path:
        p = Path(path)
        if not p.exists() and (CONFIG_DIR / f"{path}.yaml").exists():
            p = CONFIG_DIR / f"{path}.yaml"
        if not p.exists():
            raise ConfigError(f"{path}: no such config file; give a YAML path or one of {names()}")
        raw = yaml.safe_load(p.read_text()) or {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{p}: a run config must be a mapping")
    raw = copy.deepcopy(raw)
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"--set {item}: use KEY=VALUE, e.g. train.max_steps=10")
        k, v = item.split("=", 1)
        _set(raw, k, yaml.safe_load(v))
    if kind:
        raw.setdefault("kind", kind)
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        msg = (
            "unknown key; remove it or check the spelling"
            if err["type"] == "extra_forbidden"
            else err["msg"]
        )
        raise ConfigError(f"{path or 'config'}: field '{loc}': {msg}") from None


def check_model(model: str) -> str:
    """Reject a local model path that does not exist, before TRL turns it into a Hub lookup.

    A Hub id is ``name`` or ``org/name``; anything else (absolute, relative with ``.``/``~``,
    or deeper than one slash) is taken as a folder and must exist.
    """
    if not model:
        raise ConfigError("no model: set `model:` in the config or pass --model PATH_OR_HUB_ID")
    local = model.startswith(("/", ".", "~")) or model.count("/") > 1 or model.endswith("/")
    if local and not Path(model).expanduser().is_dir():
        raise ConfigError(
            f"model {model}: no such folder; pass a checkpoint folder (e.g. from "
            "`python -m trainers init-model`) or a Hub id such as Qwen/Qwen3-4B"
        )
    return model


def names() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def trl_args(cls: type, cfg: RunConfig, **defaults: Any):
    """Build a TRL config dataclass from ``cfg.train`` with one-line errors for bad keys."""
    import dataclasses

    known = {f.name for f in dataclasses.fields(cls)}
    bad = sorted(set(cfg.train) - known)
    if bad:
        raise ConfigError(
            f"train.{bad[0]}: not a {cls.__name__} field; see TRL's {cls.__name__} docs"
        )
    kw = {"output_dir": cfg.output_dir, "report_to": "none", **defaults, **cfg.train}
    return cls(**kw)


def time_budget_callback(seconds: float | None):
    """A TrainerCallback that ends training after ``seconds`` of wall time (None: no limit)."""
    import time

    from transformers import TrainerCallback

    class StopAfter(TrainerCallback):
        def on_train_begin(self, args, state, control, **kw):
            self.t0 = time.monotonic()

        def on_step_end(self, args, state, control, **kw):
            if seconds and time.monotonic() - self.t0 > seconds:
                control.should_training_stop = True
                control.should_save = True

    return StopAfter()


def lora_config(cfg: RunConfig):
    """A peft LoraConfig from ``cfg.peft`` (None when LoRA is off)."""
    if not cfg.peft:
        return None
    from peft import LoraConfig

    return LoraConfig(**{"task_type": "CAUSAL_LM", **cfg.peft})


def train_and_save(trainer, cfg: RunConfig, summary_name: str) -> list[dict]:
    """Train (resuming when configured), save the model and write the log history as JSON."""
    import json
    from pathlib import Path

    trainer.train(resume_from_checkpoint=cfg.resume_from_checkpoint or None)
    trainer.save_model(cfg.output_dir)
    hist = trainer.state.log_history
    (Path(cfg.output_dir) / summary_name).write_text(json.dumps(hist, indent=1, default=str))
    return hist
