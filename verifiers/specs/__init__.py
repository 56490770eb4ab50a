"""One typed IR (pydantic v2) per family: the hidden world, the clues and the question."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def stable_hash(obj: Any, n: int = 16) -> str:
    """A short sha256 of canonical JSON (sorted keys, no spaces)."""
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:n]


def load_spec(family: str, text: str):
    """Parse a spec JSON string into its family's model."""
    if family == "truth_teller":
        from .truth_teller import TruthTellerSpec

        if '"seating_claims"' in text and json.loads(text).get("variant") == "seating_claims":
            from .seating_claims import SeatingClaimsSpec

            return SeatingClaimsSpec.model_validate_json(text)

        return TruthTellerSpec.model_validate_json(text)
    if family == "seating":
        from .seating import SeatingSpec

        return SeatingSpec.model_validate_json(text)
    if family == "blood_relations":
        from .blood_relations import BloodRelationsSpec

        return BloodRelationsSpec.model_validate_json(text)
    raise ValueError(
        f"unknown family {family!r}; expected truth_teller, seating or blood_relations"
    )
