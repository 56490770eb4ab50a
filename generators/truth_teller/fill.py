"""Templates rendered once per shape: the puzzle text, intros, question and layout phrasings.

A template that only prints its text values (a bare ``{{ x }}``, ``{% for x in xs %}{{ x }}``,
``{{ xs | join_names }}``, ``{% if xs %}`` on a list) gives, for values of the same shape (a
string, or a list of some length), the same text around them. :func:`filled` renders it once
per shape with a marker in place of each value and then puts the values in: a join instead
of a Jinja2 render per puzzle. A template that uses a value any other way is rendered in full.
``tests/test_truth_teller_fill.py`` checks both against the full render.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import nodes

from templates import environment, render_string, slot_renderer

_MARK = re.compile("\x00([0-9]+)\x00")
_CAP = 4_096
# (source, fixed values, shape) -> the text split at its markers and the value of each marker,
# or None where the template is rendered in full
_SHAPES: dict[tuple, tuple[list[str], list[tuple[str, int]]] | None] = {}
_RENDERERS: dict[tuple, Callable[..., str]] = {}


def _key(d: dict[str, Any]) -> tuple:
    return tuple((k, tuple(v.items()) if isinstance(v, dict) else v) for k, v in d.items())


def _names_in(test: nodes.Node) -> list[nodes.Node]:
    """The names a condition tests for truth, through ``and`` / ``or`` / ``not``."""
    if isinstance(test, nodes.Name):
        return [test]
    if isinstance(test, nodes.And | nodes.Or):
        return _names_in(test.left) + _names_in(test.right)
    if isinstance(test, nodes.Not):
        return _names_in(test.node)
    return []


@lru_cache(maxsize=1024)
def _prints_only(source: str, scalars: frozenset[str], lists: frozenset[str]) -> bool:
    """Whether ``source`` uses its values only as :mod:`this module <.fill>` says."""
    tree = environment().parse(source)
    ok: set[int] = set()
    watched = set(scalars | lists)
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.iter, nodes.Name) and loop.iter.name in lists:
            ok.add(id(loop.iter))
            if isinstance(loop.target, nodes.Name):
                watched.add(loop.target.name)
    for out in tree.find_all(nodes.Output):
        for x in out.nodes:
            if isinstance(x, nodes.Name):
                ok.add(id(x))
            elif (
                isinstance(x, nodes.Filter)
                and x.name == "join_names"
                and isinstance(x.node, nodes.Name)
                and x.node.name in lists
                and all(isinstance(a, nodes.Const) for a in x.args)
                and all(isinstance(a.value, nodes.Const) for a in x.kwargs)
            ):
                ok.add(id(x.node))
    for cond in tree.find_all(nodes.If):
        ok.update(id(x) for x in _names_in(cond.test) if x.name in lists)
    return all(id(x) in ok for x in tree.find_all(nodes.Name) if x.name in watched)


def filled(source: str, fixed: dict[str, Any], **values: str | list[str]) -> str:
    """``render_string(source, **fixed, **values)``, rendered once per (source, ``fixed``,
    shape of ``values``) where the template only prints ``values``."""
    shape = (
        source,
        _key(fixed),
        tuple((k, len(v) if isinstance(v, list) else -1) for k, v in values.items()),
    )
    if shape not in _SHAPES:
        if len(_SHAPES) > _CAP:
            _SHAPES.clear()
        _SHAPES[shape] = _split(source, fixed, values)
    hit = _SHAPES[shape]
    if hit is None:
        return render_string(source, **fixed, **values)
    parts, where = hit
    out = [parts[0]]
    for j in range(1, len(parts), 2):
        name, i = where[int(parts[j])]
        v = values[name]
        out.append(v if i < 0 else v[i])  # type: ignore[arg-type]
        out.append(parts[j + 1])
    return "".join(out)


def _split(
    source: str, fixed: dict, values: dict
) -> tuple[list[str], list[tuple[str, int]]] | None:
    lists = frozenset(k for k, v in values.items() if isinstance(v, list))
    if not _prints_only(source, frozenset(values) - lists, lists):
        return None
    where: list[tuple[str, int]] = []
    marks: dict[str, Any] = {}
    for name, v in values.items():
        if isinstance(v, list):
            marks[name] = [f"\x00{len(where) + i}\x00" for i in range(len(v))]
            where += [(name, i) for i in range(len(v))]
        else:
            marks[name] = f"\x00{len(where)}\x00"
            where.append((name, -1))
    parts = _MARK.split(render_string(source, **fixed, **marks))
    if any("\x00" in p for p in parts[::2]):
        return None
    return parts, where


@lru_cache(maxsize=64)
def template_source(name: str) -> str:
    """The text of a template file under templates/."""
    env = environment()
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def slots(source: str, names: tuple[str, ...], **fixed: Any) -> Callable[..., str]:
    """:func:`templates.slot_renderer` of ``source`` for the slots ``names`` and the other
    values ``fixed``, made once per (source, names, fixed)."""
    key = (source, names, _key(fixed))
    fn = _RENDERERS.get(key)
    if fn is None:
        if len(_RENDERERS) > _CAP:
            _RENDERERS.clear()
        fn = _RENDERERS[key] = slot_renderer(source, names, **fixed)
    return fn
