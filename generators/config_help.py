"""Helpers that make config errors name the right field: field paths, known keys, option ids."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel

from templates import data
from verifiers.cli_errors import one_of

from .family import Family


class FieldError(ValueError):
    """A validation error raised for a field deeper than the validator's own (``loc``)."""

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc = loc


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (e.g. ``('families', 'seating')``)."""
    current: Any = model
    for part in loc:
        m = _model_of(current)
        if m is not None:
            field = m.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) is dict:  # a mapping: the part is a key, go to its values
            current = get_args(current)[1]
        else:
            return []
    m = _model_of(current)
    return list(m.model_fields) if m is not None else []


def check_option_ids(family: Family, options: dict[str, Any]) -> None:
    """Reject ids in the options that name template entries (``Family.option_ids``, e.g. a
    truth-teller family's ``personas``) that no template defines, and weights
    (``Family.option_weights``) over kinds the family does not know."""
    for key, kinds in family.option_weights.items():
        given = options.get(key)
        loc = ("families", family.name, "options", key)
        if given is None:
            continue
        if not isinstance(given, dict):
            raise FieldError(loc, f"must map kinds to weights, e.g. {{{kinds[0]}: 1.0}}")
        for k, v in given.items():
            if k not in kinds:
                raise FieldError((*loc, k), one_of(key.rstrip("s"), k, list(kinds)))
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                raise FieldError((*loc, k), f"must be a non-negative weight (got {v!r})")
    for key, source in family.option_ids.items():
        if key not in options:
            continue
        given = options[key]
        if isinstance(given, str) or not isinstance(given, list | tuple):
            raise FieldError(
                ("families", family.name, "options", key),
                f"must be a list of ids, e.g. [{data(source)[0]['id']}] (got {given!r})",
            )
        ids = [entry["id"] for entry in data(source)]
        for value in given:
            if value not in ids:
                raise FieldError(
                    ("families", family.name, "options", key), one_of(key[:-1], value, ids)
                )
