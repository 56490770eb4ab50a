"""The record contract: one row of the dataset, the same columns in every family."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FAMILIES = ("truth_teller", "seating", "blood_relations")
CONFIGS = (*FAMILIES, "all")
SPLITS = ("train", "validation", "test")
STATUSES = ("unique", "unsolvable", "ambiguous")
DEFAULT_OUT = "dist/logic_suite"
DATA_ENV = "LOGIC_SUITE_DATA"
# BIG-bench-style canary: stated in the dataset card and carried by every test-split row, so
# crawlers and trainers can find and exclude the test split. Never change it.
CANARY = "35863f85-d9ab-433e-91c7-439b6b93ed4f"


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["system", "user", "assistant"]
    content: str


class Record(BaseModel):
    """One puzzle row. Column order here is the column order on disk."""

    model_config = ConfigDict(extra="forbid")

    id: str
    canonical_hash: str
    family: str
    variant: str
    level: int = Field(ge=1, le=4)
    question: str
    choices: list[str]
    answer_label: str
    answer: str
    prompt: list[Message]
    solution: str
    status: Literal["unique", "unsolvable", "ambiguous"]
    spec: str
    answer_json: str
    difficulty: str
    augmentation: list[str] = Field(default_factory=list)
    parent_id: str = ""
    seed: int
    generator_version: str
    template_id: str
    # the phrasing of every clue and question, as templates.phrases ids (`<bank>:<kind>#<i>`;
    # `#t<i>` is reserved for the test split)
    phrase_ids: list[str] = Field(default_factory=list)
    canary: str = ""


COLUMNS = tuple(Record.model_fields)
