"""Shared fixtures. Data is always generated: a tiny suite is built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from generators.build import build
from generators.config import load_config


@pytest.fixture(scope="session")
def tiny_config():
    """The ready `tiny` config (all families it lists, ~120 items each)."""
    return load_config("tiny")


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory, tiny_config) -> Path:
    """A built dataset folder (Hub layout) from the tiny config. Treat it as read-only."""
    out = tmp_path_factory.mktemp("tiny") / "logic_suite"
    build(tiny_config, out, workers=1, progress=False)
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_dataset) -> Path:
    """A ~1M-parameter Qwen3-style causal LM with a BPE tokenizer trained on `tiny_dataset`.

    Random weights; loads with ``AutoModelForCausalLM.from_pretrained`` and lm-eval ``--model hf``.
    Treat it as read-only (copy it before training in place).
    """
    from trainers.init_model import init_model

    return init_model(tmp_path_factory.mktemp("models") / "tiny", data=tiny_dataset, size="tiny")
