"""Paraphrase banks: many phrasings per clue kind, some reserved for the test split.

A bank is a YAML file under templates/ whose leaves are lists of equivalent Jinja2
phrasings. A plain string entry is a training phrasing; an entry written as a one-key
mapping ``{test: "..."}`` is reserved for the test split, so that with held-out templates
the test split reads phrasings the train and validation splits never show::

    side1:
      - "{{ a }} sits immediately to the {{ side }} of {{ b }}"
      - "..."
      - test: "Directly on {{ b }}'s {{ side }} is {{ a }}"

:class:`Phrases` picks for one puzzle and records the id of every phrasing it used
(``<bank>:<key>#<i>``, or ``#t<i>`` for a reserved one); the pipeline stores them in the
record's ``phrase_ids`` column and ``python -m generators stats`` counts them per clue kind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Any

from . import data, render_string

TEST = "test"


def entries(bank: str, key: str) -> list[tuple[str, str]]:
    """Every phrasing of ``key`` (dotted path) in ``bank`` as (id suffix, source)."""
    return list(_entries(bank, key))


@cache
def _entries(bank: str, key: str) -> tuple[tuple[str, str], ...]:
    node: Any = data(bank)
    for part in key.split("."):
        node = node[part]
    if isinstance(node, str):
        node = [node]
    out, train, test = [], 0, 0
    for e in node:
        if isinstance(e, dict):
            out.append((f"t{test}", e[TEST]))
            test += 1
        else:
            out.append((str(train), e))
            train += 1
    return tuple(out)


@cache
def _ids(bank: str, key: str) -> tuple[tuple[str, str, bool], ...]:
    """(phrase id, source, reserved) of every phrasing of ``key``: built once per process,
    since a build picks from the same keys for every clue of every puzzle."""
    prefix = stem(bank)
    return tuple((f"{prefix}:{key}#{i}", s, i.startswith("t")) for i, s in _entries(bank, key))


def stem(bank: str) -> str:
    """The short name of a bank file in phrase ids: ``seating/phrases.yaml`` -> ``seating``."""
    head, _, tail = bank.removesuffix(".yaml").rpartition("/")
    return head if tail == "phrases" and head else bank.removesuffix(".yaml")


def bank_of(prefix: str) -> str:
    """The bank file of a phrase-id prefix (the inverse of :func:`stem`)."""
    from . import ROOT

    nested = f"{prefix}/phrases.yaml"
    return nested if (ROOT / nested).is_file() else f"{prefix}.yaml"


def bank_size(kind: str) -> tuple[int, int] | None:
    """(training, reserved) phrasings of a clue kind (``<bank>:<key>``) in its bank, or None
    when the bank no longer has it."""
    prefix, _, key = kind.partition(":")
    try:
        ids = [i for i, _ in entries(bank_of(prefix), key)]
    except (OSError, KeyError, TypeError):
        return None
    test = sum(i.startswith("t") for i in ids)
    return len(ids) - test, test


def kind_of(phrase_id: str) -> str:
    """The clue kind of a phrase id: ``seating:seat.side1#2`` -> ``seating:seat.side1``."""
    return phrase_id.rpartition("#")[0]


def is_reserved(phrase_id: str) -> bool:
    """Whether a phrase id names a phrasing reserved for the test split."""
    return phrase_id.rpartition("#")[2].startswith("t")


class Phrases:
    """One puzzle's phrasings from one bank: the test split's reserved ones when
    ``held_out`` (falling back to the training ones for a key that reserves none), else the
    training ones; every pick is recorded in :attr:`used`."""

    def __init__(self, bank: str, rng: random.Random, held_out: bool = False):
        self.bank, self.rng, self.held_out = bank, rng, held_out
        self.prefix = stem(bank)
        self.used: list[str] = []

    def options(self, key: str, keep: Callable[[str], bool] | None = None) -> list[tuple[str, str]]:
        """The (id, source) pairs this puzzle may use for ``key`` (those passing ``keep``)."""
        opts = [o for o in _ids(self.bank, key) if keep is None or keep(o[1])]
        mine = [o for o in opts if o[2] == self.held_out]
        return [(pid, s) for pid, s, _ in (mine or opts)]

    def source(self, key: str, keep: Callable[[str], bool] | None = None) -> str:
        """One phrasing of ``key`` chosen at random (recorded as used)."""
        opts = self.options(key, keep)
        if not opts:
            raise KeyError(f"{self.bank}: no phrasing of {key!r} fits")
        pid, src = opts[self.rng.randrange(len(opts))]
        self.used.append(pid)
        return src

    def say(self, key: str, keep: Callable[[str], bool] | None = None, **ctx: Any) -> str:
        """One phrasing of ``key`` rendered with ``ctx``."""
        return render_string(self.source(key, keep), **ctx)

    def ids(self) -> list[str]:
        """The distinct phrase ids used, sorted (the record's ``phrase_ids``)."""
        return sorted(set(self.used))


def leaves(bank: str) -> list[str]:
    """Every dotted key of ``bank`` whose value is a list of phrasings."""
    out: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and TEST not in node:
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            out.append(path)

    walk(data(bank), "")
    return out
