"""One error path for every command line: a known failure is one stderr line, exit 2 or 3.

``generators``, ``trainers`` and ``benchmarks`` share it: :class:`OneLineParser` turns
argparse's usage dump into one line, :func:`suggest` adds "did you mean ...?", and the
argument types reject counts below their minimum. Unknown failures keep their traceback.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable
from typing import NoReturn

BAD_INPUT, NETWORK = 2, 3


class CliError(Exception):
    """A known failure: printed as ``error: <message>``; exit code 2 (bad input) or 3."""

    def __init__(self, message: str, exit_code: int = BAD_INPUT):
        super().__init__(message)
        self.exit_code = exit_code


def suggest(value: object, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``options`` (case-insensitive), or ''."""
    opts = [str(o) for o in options]
    text = str(value)
    for o in opts:
        if o.lower() == text.lower():
            return f"; did you mean {o!r}?"
    lowered = {o.lower(): o for o in opts}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


def one_of(kind: str, value: object, options: Iterable[str]) -> str:
    """``unknown <kind> 'v'; did you mean 'x'? use a, b, c`` (the fix names every option)."""
    opts = list(options)
    hint = suggest(value, opts)
    return f"unknown {kind} {value!r}{hint or ';'} use {', '.join(map(str, opts))}"


def fail(message: str, exit_code: int = BAD_INPUT) -> int:
    """Print ``error: message`` (first line only) to stderr; return the exit code."""
    line = " ".join(str(message).split("\n")[0].split()) or "failed"
    print(f"error: {line}", file=sys.stderr)
    return exit_code


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the fix (``--help``), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"error: {self.prog}: {message}; see `{self.prog} --help`\n")


def _int_at_least(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}; give {low} or more")
        return value

    parse.__name__ = f"int>={low}"
    return parse


positive_int = _int_at_least(1)
nonnegative_int = _int_at_least(0)

__all__ = [
    "BAD_INPUT",
    "NETWORK",
    "CliError",
    "OneLineParser",
    "fail",
    "nonnegative_int",
    "one_of",
    "positive_int",
    "suggest",
]
