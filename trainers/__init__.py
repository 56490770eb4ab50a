"""logic-suite trainers: thin, typed layers over TRL (SFT, DPO pairs, DPO, GRPO) and a tiny-model
initialiser for offline work. Never imports z3; imports ``generators`` only in GRPO online mode.

Run ``python -m trainers --help``.
"""

from __future__ import annotations

__all__ = ["init_model"]


def __getattr__(name: str):
    if name == "init_model":
        from .init_model import init_model

        return init_model
    raise AttributeError(name)
