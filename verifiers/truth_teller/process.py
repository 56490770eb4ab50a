"""Process-reward facts of the truth-teller family: each person's proven role."""

from __future__ import annotations

from typing import Any


def facts(spec: dict, gold: Any) -> tuple[dict[str, str], list[str]]:
    """(name -> proven role, the roles in play) for the claims of a reasoning trace."""
    return dict(zip(spec["people"], spec["truth"], strict=True)), list(spec["roles"])
