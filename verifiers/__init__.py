"""logic-suite verifiers: what a puzzle is and what counts as a right answer.

Pure Python and quick to import: no z3 here (the Z3 encoders live in
``verifiers.solver`` and are imported only by the generators and the tests).
"""

from __future__ import annotations

from .answers import Answer
from .record import COLUMNS, CONFIGS, DATA_ENV, DEFAULT_OUT, FAMILIES, SPLITS, Record
from .scoring import score

__all__ = [
    "Answer",
    "Record",
    "score",
    "COLUMNS",
    "CONFIGS",
    "DATA_ENV",
    "DEFAULT_OUT",
    "FAMILIES",
    "SPLITS",
]
