"""The family registry, generator side: name -> :class:`generators.family.Family`.

Built-in families are the packages ``generators.<name>`` named in
:data:`verifiers.registry.BUILTIN`, each exposing ``FAMILY``. Another family joins with one
call, :func:`register`, and is then built, validated, scored, carded and given lm-eval tasks
like the others, with no edit to any core module.
"""

from __future__ import annotations

from importlib import import_module

from templates import add_search_path
from verifiers import registry as consumer
from verifiers.solver import register_encoder, unregister_encoder

from .family import Family

_FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Make ``family`` known to the generators and (its info) to every consumer."""
    _FAMILIES[family.name] = family
    consumer.register_info(family.info)
    register_encoder(family.name, family.solver)
    if family.templates is not None:
        add_search_path(family.templates)
    return family


def unregister(name: str) -> None:
    """Forget a family registered with :func:`register` (built-in ones come back on use)."""
    _FAMILIES.pop(name, None)
    consumer.unregister_info(name)
    unregister_encoder(name)


def names() -> tuple[str, ...]:
    """Every family known, built-in ones first."""
    return consumer.names()


def find(name: str) -> Family | None:
    """The family called ``name``, or None."""
    if name not in _FAMILIES and name in consumer.BUILTIN:
        register(import_module(f"generators.{name}").FAMILY)
    return _FAMILIES.get(name)


def get(name: str) -> Family:
    """The family called ``name``; a one-line ``ValueError`` naming the known ones if none."""
    fam = find(name)
    if fam is None:
        raise ValueError(f"unknown family {name!r}; use one of {', '.join(names())}")
    return fam
