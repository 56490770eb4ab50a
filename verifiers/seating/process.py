"""Process-reward claims for seating puzzles, checked against the hidden arrangement (pure Python).

The reasoning's top-level lines (see :mod:`verifiers.rewards`) are read for claims in the
words of the solution traces and of ordinary prose:

- place: "C is in seat 3", "Ann sits in place 2 or place 4", "The dog owner is in place 1 of
  the north bench", optionally followed by ", facing north" (the trace numbering: seats
  ``0..n-1`` clockwise from the first-named person at a round table; places and positions
  ``1..n`` from the west end or the front; rows numbered per row from the west end);
- facing: "X faces north", "X is facing the centre";
- relations: "A is immediately to the left of B", "A sits second to the right of B",
  "A is next to B" / "a neighbour of B", "A sits opposite B", each with an optional "not";
- identity: "the doctor is D", "D is the doctor", "D is from Paris", "D owns the dog",
  "D likes red" and their negations (the attribute wordings of templates/seating).

Subjects and objects are names or attribute references ("the person from Paris"). Each
distinct claim is scored like an answer, chance-corrected against a uniformly random
arrangement: a claim that a random arrangement makes true with probability ``p`` scores
``(1 - p) / d`` when it holds and ``-p / d`` when it does not, ``d = max(p, 1 - p, 1 - 1/m)``
with ``m`` the values of the claim's variable (the ``n`` places; 2 facings). So an exact
place claim scores +1 / -1/(n-1), a negated one +1/(n-1) / -1 (as in the other families),
a claim of j places (n-j)/(n-1) / -j/(n-1), and claims a random arrangement settles for
certain (the known facing when all face one way) are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .spec import SeatingSpec

ORDINALS = ("immediately", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh")  # fmt: skip
_MAX_REF_WORDS = 5
_EDGE = " \t\r\n.,;:!?\"'`*_()[]{}"
# A predicate starts at one of these verbs (a literal space first: the engine skips ahead).
_VERB = re.compile(r" (?=(?:is|sits|stands|lives|faces|likes|owns|does) )")
_PLACE_WORD = r"(?:place|position|seat|chair|house)"
_PLACE = re.compile(_PLACE_WORD + r" (\d{1,3})(?: (?:of|in|on) the (north|south)\b)?")
_POS = re.compile(
    r"(?:is|sits|stands|lives)( not)? (?:in|at|on) (?:the )?"
    r"(" + _PLACE_WORD + r" \d{1,3}(?: (?:of|in|on) the (?:north|south) [a-z]+)?"
    r"(?:,? or (?:in |at |on )?(?:the )?" + _PLACE_WORD + r" \d{1,3}"
    r"(?: (?:of|in|on) the (?:north|south) [a-z]+)?)*)"
    r"(?:,? facing (north|south|the cent(?:re|er)|outwards?|inwards?))?"
)
_FACE = re.compile(
    r"(?:faces|(?:is|sits|stands|lives) facing) (north|south|the cent(?:re|er)|outwards?|inwards?)"
)
_SIDE = re.compile(
    r"(?:is|sits|stands|lives)( not)? (?:("
    + "|".join(ORDINALS)
    + r") )?(?:to the )?(left|right) of "
)
_NEXT = re.compile(
    r"(?:is|sits|stands|lives)( not)? (?:next to|beside|adjacent to|a neighbou?r of) "
)
_OPP = re.compile(r"(?:is|sits|stands|lives)( not)? (?:directly )?opposite (?:to |of )?")
_IDENT = re.compile(r"is( not)? ")
_TOWARD = {"north": True, "south": False, "the centre": True, "the center": True,
           "inward": True, "inwards": True, "outward": False, "outwards": False}  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """One checked claim: a canonical key, whether it holds, and its chance-corrected score."""

    key: tuple
    holds: bool
    score: float


def _score(holds: bool, p: float, m: int) -> float | None:
    if p <= 0.0 or p >= 1.0:
        return None  # a random arrangement settles it: no information either way
    d = max(p, 1.0 - p, 1.0 - 1.0 / max(m, 2))
    return ((1.0 - p) if holds else -p) / d


@lru_cache(maxsize=1)
def _attribute_words() -> dict[str, dict]:
    """Attribute wordings from templates/seating/attributes.yaml (``{{ v }}`` kept as a slot)."""
    from templates import data

    return {c["name"]: c for c in data("seating/attributes.yaml")}


def _fill(template: str, v: str) -> str:
    return template.replace("{{ s }}", "").replace("{{ v }}", v).strip().lower()


@lru_cache(maxsize=4096)
def _relation_p(layout: str, n: int, facing_known: bool, kind: str, k: int, side: str) -> float:
    """Probability that a relation holds between two people in a random arrangement."""
    hits = total = 0
    faces = (True,) if facing_known else (True, False)
    for sa in range(n):
        for sb in range(n):
            if sa == sb:
                continue
            for fb in faces:
                total += 1
                hits += _relation(layout, n, sa, sb, fb, kind, k, side)
    return hits / total if total else 0.0


def _relation(
    layout: str, n: int, sa: int, sb: int, fb: bool, kind: str, k: int, side: str
) -> bool:
    """The clue semantics of generators.seating.logic.holds for side / next / opposite."""
    m = n // 2
    same_row = layout != "rows" or sa // m == sb // m
    d = sa - sb
    if kind == "next":
        if layout == "circle":
            return d % n in (1, n - 1)
        return abs(d) == 1 and same_row
    if kind == "opposite":
        return d % n == m if layout == "circle" else abs(d) == m
    step = (1 if fb else -1) if layout == "circle" else (-1 if fb else 1)
    target = sb + step * (k if side == "left" else -k)
    if layout == "circle":
        target %= n
    return sa == target and same_row


class SeatingClaims:
    """Claim parser and checker for one seating spec."""

    def __init__(self, spec: SeatingSpec):
        self.spec, self.n = spec, spec.n
        self.layout = spec.layout
        n = self.n
        self.refs: dict[str, int] = {}  # surface form (lower case) -> entity
        self.links: dict[str, tuple[int, bool]] = {}  # "is from paris" -> (entity, negated)
        for i, name in enumerate(spec.people):
            self.refs[name.lower()] = i
        words = _attribute_words()
        for ci, cat in enumerate(spec.attributes, start=1):
            w = words.get(cat.name)
            for v, value in enumerate(cat.values):
                e = ci * n + v
                if w is None:
                    self.refs.setdefault(f"the {value}".lower(), e)
                    continue
                self.refs.setdefault(_fill(w["ref"], value), e)
                self.links.setdefault(_fill(w["is"], value), (e, False))
                self.links.setdefault(_fill(w["is_not"], value), (e, True))

    # -- the hidden world
    def _person(self, e: int) -> int:
        n = self.n
        return e if e < n else self.spec.attributes[e // n - 1].owner[e % n]

    def _seat(self, e: int) -> int:
        return self.spec.seats[self._person(e)]

    def _face(self, e: int) -> bool:
        p = self._person(e)
        if self.layout == "rows":
            return self.spec.seats[p] >= self.n // 2
        return self.spec.facing[p]

    def _facing_known(self) -> bool:
        return self.layout != "rows" and not self.spec.mixed

    # -- words
    def _tail_ref(self, text: str) -> int | None:
        """The entity named by the last words of ``text`` (longest reference first)."""
        words = text[-80:].split()
        for k in range(min(_MAX_REF_WORDS, len(words)), 0, -1):
            e = self.refs.get(" ".join(words[-k:]).strip(_EDGE).lower())
            if e is not None:
                return e
        return None

    def _head_ref(self, text: str) -> int | None:
        """The entity named by the first words of ``text`` (longest reference first)."""
        words = text[:80].split()
        for k in range(min(_MAX_REF_WORDS, len(words)), 0, -1):
            e = self.refs.get(" ".join(words[:k]).strip(_EDGE).lower())
            if e is not None:
                return e
        return None

    def _places(self, text: str) -> frozenset[int] | None:
        n, m = self.n, self.n // 2
        seats = set()
        for pm in _PLACE.finditer(text):
            k, row = int(pm.group(1)), pm.group(2)
            if self.layout == "circle":
                s = k
            elif self.layout == "rows":
                if row is None or not 1 <= k <= m:
                    return None
                s = (0 if row == "north" else m) + k - 1
            else:
                s = k - 1
            if not 0 <= s < n:
                return None
            seats.add(s)
        return frozenset(seats) or None

    # -- claims
    def _place_claim(self, e: int, seats: frozenset[int], neg: bool) -> Claim | None:
        n = self.n
        if self.layout == "circle":
            # the first-named person is seat 0 by the numbering; anyone else, any other seat;
            # an attribute's holder is unknown, so any seat
            possible = {0} if e == 0 else set(range(1, n)) if e < n else set(range(n))
        else:
            possible = set(range(n))
        p = len(seats & possible) / len(possible)
        holds = self._seat(e) in seats
        if neg:
            p, holds = 1.0 - p, not holds
        s = _score(holds, p, n)
        return None if s is None else Claim(("at", e, tuple(sorted(seats)), neg), holds, s)

    def _face_claim(self, e: int, word: str) -> Claim | None:
        toward = _TOWARD.get(word)
        circle = self.layout == "circle"
        if toward is None or circle != (word not in ("north", "south")):
            return None  # "north" at a round table, "the centre" in a row
        if self._facing_known():
            return None
        holds = self._face(e) == toward
        return Claim(("face", e, toward), holds, _score(holds, 0.5, 2))  # type: ignore[arg-type]

    def _relation_claim(
        self, kind: str, a: int, b: int, neg: bool, k: int = 1, side: str = ""
    ) -> Claim | None:
        if self._person(a) == self._person(b):
            return None
        n = self.n
        if kind == "opposite" and (n % 2 or (self.layout == "line")):
            return None
        p = _relation_p(
            self.layout, n, self._facing_known() or self.layout == "rows", kind, k, side
        )
        if self.layout == "rows" and kind == "side":
            # facing follows the row: recount with each seat's own facing
            p = _rows_side_p(n, k, side)
        holds = _relation(
            self.layout, n, self._seat(a), self._seat(b), self._face(b), kind, k, side
        )
        if neg:
            p, holds = 1.0 - p, not holds
        s = _score(holds, p, n)
        if s is None:
            return None
        pair = (a, b) if kind == "side" or a < b else (b, a)
        return Claim((kind, *pair, k, side, neg), holds, s)

    def _same_claim(self, a: int, b: int, neg: bool) -> Claim | None:
        n = self.n
        if a // n == b // n:  # two people, or two values of one category: never the same
            return None
        holds = self._seat(a) == self._seat(b)
        p = 1.0 / n
        if neg:
            p, holds = 1.0 - p, not holds
        s = _score(holds, p, n)
        pair = (a, b) if a < b else (b, a)
        return None if s is None else Claim(("same", *pair, neg), holds, s)

    def _predicate(self, e: int, pred: str) -> list[Claim]:
        out: list[Claim | None] = []
        pm = _POS.match(pred)
        if pm:
            seats = self._places(pm.group(2))
            if seats is not None:
                out.append(self._place_claim(e, seats, bool(pm.group(1))))
            if pm.group(3) and not pm.group(1):
                out.append(self._face_claim(e, pm.group(3)))
            return [c for c in out if c]
        fm = _FACE.match(pred)
        if fm:
            c = self._face_claim(e, fm.group(1))
            return [c] if c else []
        for rx, kind in ((_SIDE, "side"), (_NEXT, "next"), (_OPP, "opposite")):
            rm = rx.match(pred)
            if rm:
                b = self._head_ref(pred[rm.end() :])
                if b is None:
                    return []
                if kind == "side":
                    k = ORDINALS.index(rm.group(2)) + 1 if rm.group(2) else 1
                    c = self._relation_claim("side", e, b, bool(rm.group(1)), k, rm.group(3))
                else:
                    c = self._relation_claim(kind, e, b, bool(rm.group(1)))
                return [c] if c else []
        words = pred[:80].split()
        for k in range(min(_MAX_REF_WORDS, len(words)), 1, -1):
            link = self.links.get(" ".join(words[:k]).strip(_EDGE).lower())
            if link is not None:
                c = self._same_claim(e, link[0], link[1])
                return [c] if c else []
        im = _IDENT.match(pred)
        if im:
            b = self._head_ref(pred[im.end() :])
            if b is not None:
                c = self._same_claim(e, b, bool(im.group(1)))
                return [c] if c else []
        return []

    def claims(self, top: str) -> list[Claim]:
        """Distinct checked claims in top-level reasoning text (case splits already removed)."""
        seen: dict[tuple, Claim] = {}
        for line in top.split("\n"):
            if " " not in line or "contradiction" in line:
                continue
            for vm in _VERB.finditer(line):
                e = self._tail_ref(line[: vm.start()])
                if e is None:
                    continue
                end = len(line)
                for stop in (". ", ";"):
                    j = line.find(stop, vm.end())
                    if 0 <= j < end:
                        end = j
                for c in self._predicate(e, line[vm.end() : end].rstrip(". ")):
                    seen.setdefault(c.key, c)
        return list(seen.values())


@lru_cache(maxsize=64)
def _rows_side_p(n: int, k: int, side: str) -> float:
    hits = total = 0
    for sa in range(n):
        for sb in range(n):
            if sa != sb:
                total += 1
                hits += _relation("rows", n, sa, sb, sb >= n // 2, "side", k, side)
    return hits / total


def process_checker(spec: dict, gold) -> SeatingClaims | None:
    """The seating claim checker for :func:`verifiers.rewards.register_claims`; None for
    deliberately unsolvable or ambiguous items, which have no proven arrangement."""
    if getattr(gold, "outcome", ""):
        return None
    return SeatingClaims(SeatingSpec.model_validate(spec))
