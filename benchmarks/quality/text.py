"""Text checks common to every family: grammar slips a copy editor would mark."""

from __future__ import annotations

import re

CLASSES = ("grammar",)

# Each pattern is a slip seen in built puzzles (issue 14), matched case-insensitively.
_SLIPS = {
    "a before a vowel sound": re.compile(r"\ba (?:honest|hour|unreliable|unknown|[aeio][a-z])"),
    "an before a consonant sound": re.compile(r"\ban (?:[bcdfgjklmnpqrstvwxz][a-z])"),
    "doubled word": re.compile(r"\b(\w+) \1\b", re.I),
    "bad plural": re.compile(r"\browes\b", re.I),
    "sit seat": re.compile(r"\bsits? seat\b", re.I),
    "around the row": re.compile(r"\ba?round the row\b", re.I),
    "double space": re.compile(r"\S  +\S"),
    "space before punctuation": re.compile(r"\w [,.;:?!](?:\s|$)"),
}
# Words where the article rules above misfire on spelling alone.
_EXCEPT = re.compile(r"\ban (?:hour|honest|heir|honou?r)|\ba (?:one|once|eu|ewe)")


def slips(s: str) -> list[str]:
    """Names of the slips found in ``s``."""
    cleaned = _EXCEPT.sub("_", s)
    return [name for name, pat in _SLIPS.items() if pat.search(cleaned)]


def defects(row: dict) -> set[str]:
    """``grammar`` when the question, an option or the solution holds a slip."""
    texts = [row.get("question", ""), row.get("solution", ""), *(row.get("choices") or [])]
    return {"grammar"} if any(slips(t) for t in texts) else set()
