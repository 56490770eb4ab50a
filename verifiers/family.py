"""What consumers know of a puzzle family: :class:`FamilyInfo` (pure Python, no z3)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

# proven-world facts for the process reward: (spec dict, gold Answer) -> (name -> value, values)
FactsFn = Callable[[dict, Any], tuple[dict[str, str], list[str]]]


@dataclass(frozen=True)
class FamilyInfo:
    """What consumers need to know of a family: no generator, no z3."""

    name: str
    spec_model: type[BaseModel]
    variant_specs: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    facts: FactsFn | None = None  # "X is <value>" facts of the process reward
    claims: Callable[[dict, Any], Any] | None = None  # a claim checker instead of facts

    def load_spec(self, text: str) -> BaseModel:
        """Parse a spec JSON string into this family's model (a variant's own model if any)."""
        if self.variant_specs:
            for variant, model in self.variant_specs.items():
                if f'"{variant}"' in text and json.loads(text).get("variant") == variant:
                    return model.model_validate_json(text)
        return self.spec_model.model_validate_json(text)
