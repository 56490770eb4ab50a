"""Answer words of the truth-teller family: surface forms (lower case) -> canonical roles."""

SYNONYMS: dict[str, str] = {
    # truth-tellers and liars: canonical roles are knight / knave / normal
    "knight": "knight",
    "knights": "knight",
    "truth-teller": "knight",
    "truth teller": "knight",
    "truthteller": "knight",
    "truth-tellers": "knight",
    "honest": "knight",
    "honest witness": "knight",
    "tells the truth": "knight",
    "knave": "knave",
    "knaves": "knave",
    "liar": "knave",
    "liars": "knave",
    "dishonest": "knave",
    "dishonest witness": "knave",
    "lies": "knave",
    "normal": "normal",
    "normals": "normal",
    "normal person": "normal",
}
