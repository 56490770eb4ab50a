"""Z3 encoders and the proof session. Imported only by generators (and tests), never by consumers.

One encoder per family (``encode(spec)``, ``answer_literal(spec, answer)``): the built-in
ones are the modules ``verifiers.solver.<family>``; a family registered through
``generators.registry.register`` adds its own, so ``validate`` re-proves any record without
importing a generator.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..registry import BUILTIN, names

_ENCODERS: dict[str, Any] = {}


def register_encoder(family: str, encoder: Any) -> None:
    """Make ``encoder`` the Z3 encoder of ``family`` in this process."""
    _ENCODERS[family] = encoder


def unregister_encoder(family: str) -> None:
    """Forget the encoder registered for ``family``."""
    _ENCODERS.pop(family, None)


def encoder(family: str) -> Any:
    """The Z3 encoder of ``family``; a one-line ``ValueError`` if the family has none."""
    if family not in _ENCODERS:
        if family not in BUILTIN:
            raise ValueError(f"no Z3 encoder for family {family!r}; known: {', '.join(names())}")
        register_encoder(family, import_module(f"verifiers.solver.{family}"))
    return _ENCODERS[family]
