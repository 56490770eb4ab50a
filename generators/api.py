"""The Python API: ``generate(family, config, seed)``, lazy and indexable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifiers.cli_errors import one_of
from verifiers.record import Record

from . import registry
from .config import (
    ConfigError,
    FamilyConfig,
    SuiteConfig,
    _first_error,
    load_config,
    parse_config,
)
from .pipeline import make_item


class Puzzles:
    """Lazy puzzles of one family. ``p[i]`` is item i; iteration streams items 0, 1, 2, ...

    Iteration is endless when the config's count is 0 (for online RL), and skips the rare
    item that could not be proven within its budget; ``p[i]`` raises ``LookupError`` for it.
    """

    def __init__(self, family: str, cfg: SuiteConfig):
        self.family, self.cfg = family, cfg

    def __len__(self) -> int:
        return self.cfg.families[self.family].count

    def __getitem__(self, i: int) -> Record:
        if i < 0:
            raise IndexError("item indices start at 0")
        out = make_item(self.cfg, self.family, i)
        if out.record is None:
            raise LookupError(f"item {i} of {self.family} was dropped: {out.dropped}")
        return out.record

    def __iter__(self) -> Iterator[Record]:
        i = 0
        n = len(self)
        while n == 0 or i < n:
            out = make_item(self.cfg, self.family, i)
            if out.record is not None:
                yield out.record
            i += 1


def generate(
    family: str,
    config: SuiteConfig | dict[str, Any] | str | Path | None = None,
    seed: int | None = None,
    **family_overrides: Any,
) -> Puzzles:
    """Puzzles of ``family`` from ``config`` (a SuiteConfig, a mapping, a YAML path or ready
    name; default: the embedded default suite), with ``seed`` overriding the config's.

    ``family_overrides`` replace fields of the family's config, e.g. ``levels={1: 1.0}``
    or ``count=0`` for an endless stream.
    """
    if isinstance(config, SuiteConfig):
        cfg = config
    elif isinstance(config, dict):
        cfg = parse_config(config)
    else:
        cfg = load_config(config)
    if family not in cfg.families:
        default = load_config(None)
        if family not in default.families:
            raise ConfigError(f"generate(): {one_of('family', family, registry.names())}")
        cfg = cfg.model_copy(
            update={"families": {**cfg.families, family: default.families[family]}}
        )
    updates: dict[str, Any] = {}
    if seed is not None:
        updates["seed"] = seed
    if "levels" in family_overrides:
        family_overrides.setdefault("variant_levels", {})  # an explicit level mix applies to all
    for key in family_overrides:
        if key not in FamilyConfig.model_fields:
            raise ConfigError(
                f"generate({family!r}, {key}=...): "
                + one_of("family setting", key, FamilyConfig.model_fields)
            )
    if family_overrides:
        try:
            fc = FamilyConfig.model_validate(
                {**cfg.families[family].model_dump(), **family_overrides}
            )
        except ValidationError as e:
            raise _first_error(e, f"generate({family!r})") from None
        updates["families"] = {**cfg.families, family: fc}
    if updates:
        cfg = parse_config(
            {
                **cfg.model_dump(),
                **{
                    k: (v if k != "families" else {f: c.model_dump() for f, c in v.items()})
                    for k, v in updates.items()
                },
            }
        )
    return Puzzles(family, cfg)
