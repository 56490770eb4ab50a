"""logic-suite generators: Z3-proven puzzles, rendered, split and written as a Hub dataset.

>>> from generators import generate
>>> puzzles = generate("truth_teller", seed=0)
>>> rec = puzzles[3]              # item 3, computed directly
>>> first = next(iter(puzzles))   # or stream lazily
"""

from __future__ import annotations

from .api import generate
from .version import GENERATOR_VERSION

__all__ = ["generate", "GENERATOR_VERSION"]
