"""YAML run configs for the trainers: typed sections, one-line errors, ``--set a.b=v`` overrides.

A config has the sections ``model``, ``data``, ``train`` (passed through unchanged to TRL's
``SFTConfig`` / ``DPOConfig`` / ``GRPOConfig``), and for GRPO ``rewards``, ``curriculum``,
``temperature_schedule``, ``online`` and ``peft`` (LoRA, passed to ``peft.LoraConfig``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from verifiers.cli_errors import suggest

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
    # SFT: tokenize and pack whole rows into max_length rows (the fast path; cycles the split)
    pack: bool = False
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


class StreamSection(_Section):
    """SFT on puzzles generated on the fly (``trainers sft --stream CONFIG``), each seen once
    (or, with ``replay``, fresh puzzles first and earlier ones again while the workers catch up)."""

    enabled: bool = False
    config: str = "default"  # generator suite config: a ready name or a YAML path
    seed: int = 1_000_003
    families: list[str] | None = None  # default: every registered family
    workers: int | None = Field(None, ge=1)  # default: the CPUs left after spare_cores
    splits: list[str] = Field(default_factory=lambda: ["train"])
    window: int = Field(64, ge=1)  # puzzles pending for best-fit packing
    # When the workers fall behind the GPU, pack an earlier puzzle again instead of waiting
    # (once ``replay_min`` puzzles have arrived): the GPU never idles, and the summary counts
    # how often each puzzle was seen. Off: every puzzle is seen exactly once.
    replay: bool = False
    replay_min: int = Field(4096, ge=1)
    # Workers run at this niceness (``os.nice``), so the training process keeps the CPU time it
    # needs to launch GPU work and pack rows; the workers get the rest.
    nice: int = Field(10, ge=0, le=19)
    # Physical cores (with their SMT siblings) kept free of workers for the training process:
    # default 1 on machines with 8 or more CPUs, else 0 (trainers.stream.worker_cpus).
    spare_cores: int | None = Field(None, ge=0)
    # First names of the streamed puzzles: the generator config's own pool (None), or
    # `broad` (~13k names, so that a small model learns to copy names rather than memorise
    # them; the test split's held-out names are never streamed either way)
    name_pool: Literal["standard", "broad"] | None = None


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
    stream: StreamSection = Field(default_factory=StreamSection)
    peft: dict[str, Any] | None = None
    resume_from_checkpoint: str | bool | None = None
    pairs: dict[str, Any] = Field(default_factory=dict)
    # GRPO / on-policy pairs / evaluation decoder without vLLM: static-cache CUDA graphs or HF
    rollout: Literal["auto", "static", "hf"] = "auto"
    stop_after_s: float | None = None  # wall-time budget: stop (and save) after this many seconds
    # SFT: the learning-rate schedule reaches its end at stop_after_s or train.max_steps,
    # whichever comes first (trainers/budget.py), so a time-budgeted run always anneals
    schedule_by_time: bool = False

    @model_validator(mode="after")
    def _budget(self):
        if self.schedule_by_time and not self.stop_after_s:
            raise ValueError("schedule_by_time needs stop_after_s (the budget to anneal to)")
        return self


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
            raise ConfigError(
                f"{path}: no such config file{suggest(path, names()) or ';'} give a YAML path "
                f"or one of {', '.join(names())}"
            )
        try:
            raw = yaml.safe_load(p.read_text()) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            raise ConfigError(f"{p}:{where} is not valid YAML; fix the syntax") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{p}: a run config must be a mapping")
    raw = copy.deepcopy(raw)
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"--set {item}: use KEY=VALUE, e.g. train.max_steps=10")
        k, v = item.split("=", 1)
        try:
            value = yaml.safe_load(v)
        except yaml.YAMLError:
            raise ConfigError(f"--set {item}: {v!r} is not a YAML value; quote it") from None
        _check_override(raw, k, value)
        _set(raw, k, value)
    if kind:
        raw.setdefault("kind", kind)
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
        err = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
        loc = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            section: Any = RunConfig
            for part in err["loc"][:-1]:
                f = getattr(section, "model_fields", {}).get(part)
                section = f.annotation if f is not None else None
            keys = list(getattr(section, "model_fields", {}))
            msg = (
                f"unknown key{suggest(err['loc'][-1], keys) or '; remove it or check the spelling'}"
            )
        else:
            msg = err["msg"]
            if err["type"] != "value_error":
                msg += f" (got {err.get('input')!r})"
        if not loc:  # a rule across fields (model validator): its message names them
            raise ConfigError(f"{path or 'config'}: {msg.removeprefix('Value error, ')}") from None
        raise ConfigError(f"{path or 'config'}: field '{loc}': {msg}") from None


_KINDS = {bool: "true or false", int: "a whole number", float: "a number"}


def _check_override(raw: dict, dotted: str, value: Any) -> None:
    """Reject ``--set a.b=v`` whose value has another type than the config's own value."""
    node: Any = raw
    for k in dotted.split("."):
        if not isinstance(node, dict) or k not in node:
            return  # a new key: checked with its section
        node = node[k]
    _check_type(f"--set {dotted}", node.__class__, value, f" like {node!r}")


def _check_type(where: str, want: type, value: Any, example: str = "") -> None:
    if want not in _KINDS or value is None:
        return
    ok = (
        isinstance(value, bool)
        if want is bool
        else (
            isinstance(value, int | float if want is float else int) and not isinstance(value, bool)
        )
    )
    if not ok:
        raise ConfigError(f"{where}: expected {_KINDS[want]}{example}, got {value!r}")


def check_model(model: str) -> str:
    """Reject a local model path that does not exist, before TRL turns it into a Hub lookup.

    A Hub id is ``name`` or ``org/name``; anything else (absolute, relative with ``.``/``~``,
    or deeper than one slash) is taken as a folder and must exist.
    """
    if not model:
        raise ConfigError("no model: set `model:` in the config or pass --model PATH_OR_HUB_ID")
    local = looks_local(model)
    if local and not Path(model).expanduser().is_dir():
        raise ConfigError(
            f"model {model}: no such folder; pass a checkpoint folder (e.g. from "
            "`python -m trainers init-model`) or a Hub id such as Qwen/Qwen3-4B"
        )
    return model


def looks_local(name: str) -> bool:
    """Whether ``name`` is meant as a local path rather than a Hub id ``org/name``: absolute,
    relative with ``.``/``~``, deeper than one slash, or under a folder that exists here
    (``models/nosuch`` beside ``models/``)."""
    if name.startswith(("/", ".", "~")) or name.count("/") > 1 or name.endswith("/"):
        return True
    return "/" in name and Path(name.split("/", 1)[0]).is_dir()


def check_data(path: str) -> str:
    """Reject a local data path that does not exist, before ``datasets`` asks the Hub."""
    if looks_local(path) and not Path(path).expanduser().exists():
        raise ConfigError(
            f"data {path}: no such folder or file; build one with "
            "`python -m generators build --out DIR` (or `trainers pairs` for DPO) or give a Hub id"
        )
    return path


def names() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def trl_args(cls: type, cfg: RunConfig, **defaults: Any):
    """Build a TRL config dataclass from ``cfg.train`` with one-line errors for bad keys."""
    import dataclasses
    import typing

    known = {f.name for f in dataclasses.fields(cls)}
    bad = sorted(set(cfg.train) - known)
    if bad:
        raise ConfigError(
            f"train.{bad[0]}: not a {cls.__name__} field{suggest(bad[0], known)} "
            f"(see TRL's {cls.__name__} docs)"
        )
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a hint that does not resolve: skip the type check
        hints = {}
    for key, value in cfg.train.items():
        want = hints.get(key)
        args = [a for a in typing.get_args(want) if a is not type(None)]
        _check_type(f"train.{key}", args[0] if len(args) == 1 else want, value)
    kw = {"output_dir": cfg.output_dir, "report_to": "none", **defaults, **cfg.train}
    if "bf16" not in cfg.train and _on_cpu(cfg.train):
        # TRL turns bf16 on by default; on a CPU that is autocast, and without native bf16
        # units (AVX2 machines) bf16 matmuls run ~15x slower than fp32
        kw["bf16"] = False
    return cls(**kw)


def _on_cpu(train: dict[str, Any]) -> bool:
    """True when a run would train on the CPU: ``use_cpu`` set, or no CUDA/XPU device."""
    if train.get("use_cpu"):
        return True
    import torch

    return not (torch.cuda.is_available() or (hasattr(torch, "xpu") and torch.xpu.is_available()))


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
