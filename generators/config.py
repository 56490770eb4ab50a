"""Suite configuration: YAML, validated by pydantic, with one-line errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from verifiers.cli_errors import one_of, suggest
from verifiers.hashing import stable_hash

from . import registry
from .augment import TRANSFORM_NAMES
from .config_help import FieldError, check_option_ids, known_keys

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


class ConfigError(ValueError):
    """A bad suite config; the message names the field and the fix."""


class SolverConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rlimit: int = Field(2_000_000, ge=1000, description="Z3 resource limit per check")
    max_attempts: int = Field(40, ge=1, le=1000, description="draft attempts per item")


class AugmentConfig(BaseModel):
    """Augmented variants of each original item; each is re-proven before it is kept."""

    model_config = ConfigDict(extra="forbid")
    per_item: int = Field(0, ge=0, le=16, description="augmented rows per original item")
    chain: int = Field(1, ge=1, le=3, description="transforms composed per augmented row")
    transforms: dict[str, float] = {
        "rename": 1.0,
        "reskin": 1.0,
        "reword": 1.0,
        "reorder": 1.0,
        "distract": 1.0,
        "scale": 1.0,
        "perturb": 1.0,
    }

    @field_validator("transforms")
    @classmethod
    def _known(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if k not in TRANSFORM_NAMES]
        if bad:
            raise ValueError(f"unknown transform {bad[0]!r}; use {', '.join(TRANSFORM_NAMES)}")
        if any(w < 0 for w in v.values()):
            raise ValueError("transform weights must be >= 0")
        return v


class LabelledConfig(BaseModel):
    """Fractions of deliberately unsolvable / under-determined items (Z3 proves each label)."""

    model_config = ConfigDict(extra="forbid")
    unsolvable: float = Field(0.0, ge=0.0, le=0.5)
    ambiguous: float = Field(0.0, ge=0.0, le=0.5)

    @property
    def enabled(self) -> bool:
        return self.unsolvable > 0 or self.ambiguous > 0


class FamilyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=0, le=100_000_000, description="items (indices) to generate")
    # omitted: every variant of the family, equal weights (filled in by SuiteConfig)
    variants: dict[str, float] = {}
    levels: dict[int, float] = {1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25}
    variant_levels: dict[str, dict[int, float]] = {}  # per-variant level mix overriding `levels`
    options: dict[str, Any] = {}

    def mix(self) -> dict[tuple[str, int], float]:
        """Target share of each (variant, level) cell: variant weight x that variant's level mix."""
        wv = sum(self.variants.values())
        out = {}
        for v, a in self.variants.items():
            levels = self.variant_levels.get(v, self.levels)
            wl = sum(levels.values())
            for lv, b in levels.items():
                if a > 0 and b > 0:
                    out[(v, lv)] = (a / wv) * (b / wl)
        return out

    @model_validator(mode="after")
    def _variant_levels(self) -> FamilyConfig:
        for v, levels in self.variant_levels.items():
            if (
                any(k not in (1, 2, 3, 4) for k in levels)
                or any(w < 0 for w in levels.values())
                or sum(levels.values()) <= 0
            ):
                raise ValueError(
                    f"variant_levels.{v}: levels must be 1-4 with weights >= 0 and a positive sum"
                )
        return self

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: dict[int, float]) -> dict[int, float]:
        bad = [k for k in v if k not in (1, 2, 3, 4)]
        if bad:
            raise ValueError(f"levels must be 1-4, got {bad}")
        if any(w < 0 for w in v.values()) or sum(v.values()) <= 0:
            raise ValueError("level weights must be >= 0 with a positive sum")
        return v

    @field_validator("variants")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or any(w < 0 for w in v.values()) or sum(v.values()) <= 0:
            raise ValueError("variant weights must be >= 0 with a positive sum")
        return v


class CardConfig(BaseModel):
    """Dataset-card settings: they change README.md only, never the data (not in the digest)."""

    model_config = ConfigDict(extra="forbid")
    license: str = Field(
        "apache-2.0", description="Hub licence id of the published data, e.g. cc-by-4.0, mit"
    )
    pretty_name: str = Field("logic-suite", min_length=1, max_length=100)

    @field_validator("license")
    @classmethod
    def _license(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", v):
            raise ValueError(
                f"{v!r} is not a Hub licence id; use a lowercase id such as apache-2.0, "
                "cc-by-4.0, mit or other"
            )
        return v


class SuiteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "custom"
    seed: int = Field(0, ge=0)
    choices: int = Field(4, ge=2, le=7, description="MCQ options per row")
    prompt_style: str = "tags"
    splits: dict[str, float] = {"train": 0.8, "validation": 0.1, "test": 0.1}
    held_out_names: bool = True
    held_out_templates: bool = True
    # first names: the ~1.2k of templates/names.yaml, or with `broad` ~12k more
    # (templates/names_broad.yaml; the test split's held-out names are the same either way)
    name_pool: Literal["standard", "broad"] = "standard"
    augment: AugmentConfig = AugmentConfig()
    labelled: LabelledConfig = LabelledConfig()
    shard_size: int = Field(250, ge=1, le=1_000_000)
    rows_per_file: int = Field(100_000, ge=1)
    solver: SolverConfig = SolverConfig()
    card: CardConfig = CardConfig()
    families: dict[str, FamilyConfig]

    @field_validator("splits")
    @classmethod
    def _splits(cls, v: dict[str, float]) -> dict[str, float]:
        if set(v) != {"train", "validation", "test"}:
            raise ValueError("splits must give train, validation and test")
        if any(w < 0 for w in v.values()) or abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError("split fractions must be >= 0 and sum to 1")
        return v

    @field_validator("prompt_style")
    @classmethod
    def _style(cls, v: str) -> str:
        from verifiers.prompt import STYLES

        if v not in STYLES:
            raise ValueError(f"must be one of {', '.join(STYLES)}")
        return v

    @model_validator(mode="after")
    def _families(self) -> SuiteConfig:
        for fam, fc in self.families.items():
            family = registry.find(fam)
            if family is None:
                raise FieldError(("families", fam), one_of("family", fam, registry.names()))
            known = family.variant_names
            if not fc.variants:
                fc.variants = dict.fromkeys(known, 1.0)
            for key in ("variants", "variant_levels"):
                for v in getattr(fc, key):
                    if v not in known:
                        raise FieldError(("families", fam, key, v), one_of("variant", v, known))
            check_option_ids(family, fc.options)
        return self

    def digest(self) -> str:
        """A short hash of the config (card settings aside), for tags and resumable parts."""
        return stable_hash(self.model_dump(mode="json", exclude={"card"}), 12)


def _first_error(e: ValidationError, source: str) -> ConfigError:
    errors = e.errors()
    # A misspelt key also makes its field "missing": name the misspelling first.
    err = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
    raised = (err.get("ctx") or {}).get("error")
    loc_parts = raised.loc if isinstance(raised, FieldError) else err["loc"]
    loc = ".".join(str(x) for x in loc_parts) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        hint = suggest(loc_parts[-1], known_keys(SuiteConfig, loc_parts[:-1]))
        msg = f"unknown key{hint or '; remove it or check the spelling'}"
    elif err["type"] not in ("missing", "value_error", "assertion_error"):
        msg += f" (got {_short(err.get('input'))})"
    return ConfigError(f"{source}: field '{loc}': {msg}")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_config(raw: Any, source: str = "config") -> SuiteConfig:
    """Validate a parsed YAML mapping into a :class:`SuiteConfig`."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the config must be a YAML mapping of keys to values")
    try:
        return SuiteConfig.model_validate(raw)
    except ValidationError as e:
        raise _first_error(e, source) from None


def load_config(path: str | Path | None = None) -> SuiteConfig:
    """Load a config by path, by ready name (``default``, ``tiny``, ``large``) or the default."""
    if path is None:
        path = CONFIG_DIR / "default.yaml"
    p = Path(path)
    if not p.exists() and (CONFIG_DIR / f"{path}.yaml").exists():
        p = CONFIG_DIR / f"{path}.yaml"
    if not p.is_file():
        names = sorted(x.stem for x in CONFIG_DIR.glob("*.yaml"))
        hint = suggest(path, names)
        raise ConfigError(
            f"config file {str(path)!r} not found{hint or ';'} give a YAML path or one of: {', '.join(names)}"
        )
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{p}:{where} is not valid YAML; fix the syntax") from None
    return parse_config(raw, str(p))
