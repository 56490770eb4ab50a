"""The family registry, consumer side (pure Python, no z3).

Each family contributes one :class:`FamilyInfo`: how to read its spec JSON, its answer
vocabulary and its process-reward facts. Built-in families live in ``verifiers.<name>``
packages and are found by name; a new family registers its info once (through
``generators.registry.register``, which also registers its generator), and everything
that reads a record (scoring, rewards, validate, cards, lm-eval) finds it here.
"""

from __future__ import annotations

from importlib import import_module

from pydantic import BaseModel

from .family import FactsFn, FamilyInfo
from .vocab import SYNONYMS, VERSION, register

BUILTIN = ("truth_teller", "seating", "blood_relations")

_INFOS: dict[str, FamilyInfo] = {}


def register_info(info: FamilyInfo) -> None:
    """Make ``info``'s family known to every consumer in this process."""
    _INFOS[info.name] = info
    if info.synonyms:
        register(dict(info.synonyms))


def unregister_info(name: str) -> None:
    """Forget a family registered later (its answer words stay in the shared vocabulary)."""
    if name not in BUILTIN:
        _INFOS.pop(name, None)


def names() -> tuple[str, ...]:
    """Every family known: the built-in ones first, then those registered, in order."""
    return (*BUILTIN, *(n for n in _INFOS if n not in BUILTIN))


def find(family: str) -> FamilyInfo | None:
    """The info of ``family``, or None when no such family is known."""
    return _INFOS.get(family)


def info(family: str) -> FamilyInfo:
    """The info of ``family``; a one-line ``ValueError`` naming the known families if none."""
    found = find(family)
    if found is None:
        raise ValueError(f"unknown family {family!r}; use one of {', '.join(names())}")
    return found


def load_spec(family: str, text: str) -> BaseModel:
    """Parse a spec JSON string into its family's model."""
    return info(family).load_spec(text)


for _name in BUILTIN:  # their words are in SYNONYMS from the first import on
    register_info(import_module(f"verifiers.{_name}").INFO)

__all__ = [
    "BUILTIN",
    "SYNONYMS",
    "VERSION",
    "FactsFn",
    "FamilyInfo",
    "find",
    "info",
    "load_spec",
    "names",
    "register_info",
    "unregister_info",
]
