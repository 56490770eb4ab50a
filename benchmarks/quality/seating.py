"""Writing defects of seating puzzles, judged from a record's spec, choices and solution.

Exact and pure Python (:mod:`verifiers.seating.worlds`: searches over the entities that a
few clues mention, which decide what those clues allow):

- ``unused_value``: a declared attribute value that no clue and not the question mentions;
- ``two_clue_answerable``: a level-3/4 puzzle whose answer two of its clues already force;
- ``trace_citation``: a solution line whose cited reason (a clue, a taken place, the only
  place left, a contradiction) together with the lines above it in its case does not give
  what the line says; a case split on an entity no clue mentions, or whose cases miss some
  of its places; a conclusion the stated facts do not reach;
- ``trace_filler``: a line that says nothing new (a fact already known), an old "each place
  holds one person" line, or a case split that opens with "No clue decides more now";
- ``long_trace``: a solution of more than LONG_TRACE lines;
- ``single_clue_distractor``: a wrong option that a single clue rules out on its own (a
  wrong arrangement breaks some clue by necessity: one that breaks two or more);
- ``round_table_absolute_seat``: a round-table clue or question about a numbered seat, an
  end or the middle (meaningless where only relative places count);
- ``thing_as_person``: an ordering of things (variant ``objects``) whose question or
  solution speaks of them as people ("who", "their", "no one", "everyone").
"""

from __future__ import annotations

import re
from functools import lru_cache

from verifiers.answers import OUTCOMES, Answer
from verifiers.seating.spec import SeatingSpec, entities
from verifiers.seating.worlds import (
    answer_test,
    clue_tests,
    find,
    geometry,
    hidden_value,
    negated,
    options,
    some_pair_forces,
    survives,
)

CLASSES = (
    "unused_value",
    "two_clue_answerable",
    "trace_citation",
    "trace_filler",
    "long_trace",
    "single_clue_distractor",
    "round_table_absolute_seat",
    "thing_as_person",
)
LONG_TRACE = 40  # lines

_FROM = re.compile(r"From clue (\d+): (.+)\.$")
_TAKEN = re.compile(r"(.+?) is taken by (.+?), so (.+)\.$")
_ONLY = re.compile(r"(?:No one|Nothing) else can be in (.+?), so (.+)\.$")
_SPLIT = re.compile(r"(?:No clue decides more now, so t|T)ry each case for (.+?): (.+)\.$")
_ASSUME = re.compile(r"Suppose (.+)\.$")
_BREAK = re.compile(r"This breaks clue (\d+)")
_BOTH = re.compile(r"(.+) and (.+) cannot both be in (.+?), so this case is impossible\.$")
_NOONE = re.compile(r"(?:No one|Nothing) is left for (.+?), so this case is impossible\.$")
_HOLDS = re.compile(
    r"(?:This settles the question|In this case(?::| everyone's place| every position))"
)
_FACT = re.compile(r"(.+?) (?:is (not )?in (.+?)(?:, facing (.+))?|faces (.+))$")
_PLACE = re.compile(r"(?:in )?(?:place|position|seat) (\d+)(?: of the (north|south) .+)?$")
_TOWARD = {"north": True, "the centre": True, "south": False, "outward": False}
_FILLER = ("holds one person",)
_PERSON = re.compile(r"\b(?:who|whom|whose|their|theirs|no one|everyone|someone|anyone)\b", re.I)


@lru_cache(maxsize=1)
def _attribute_refs() -> dict[str, str]:
    from templates import data

    return {c["name"]: c["ref"] for c in data("seating/attributes.yaml")}


def defects(row: dict) -> set[str]:
    """The seating defect classes one record shows."""
    spec = SeatingSpec.model_validate_json(row["spec"])
    out: set[str] = set()
    if _unused_value(spec):
        out.add("unused_value")
    if _absolute_on_round_table(spec):
        out.add("round_table_absolute_seat")
    if spec.variant == "objects" and _PERSON.search(f"{row['question']}\n{row['solution']}"):
        out.add("thing_as_person")
    if row.get("status", "unique") != "unique":
        return out
    if row["level"] >= 3 and _two_clue_answerable(spec):
        out.add("two_clue_answerable")
    lines = row["solution"].strip().splitlines()
    if len(lines) > LONG_TRACE:
        out.add("long_trace")
    out |= TraceReader(spec).check(lines)
    if _single_clue_distractor(spec, row):
        out.add("single_clue_distractor")
    return out


def _unused_value(spec: SeatingSpec) -> bool:
    n = spec.n
    used = {e for c in spec.clues for e in entities(c)}
    q = spec.question
    used |= {e for c in q.options for e in entities(c)}
    if q.kind == "who_has":
        used.add(q.a)
    return any(
        (ci + 1) * n + v not in used
        for ci, cat in enumerate(spec.attributes)
        for v in range(len(cat.values))
    )


def _absolute_on_round_table(spec: SeatingSpec) -> bool:
    if spec.layout != "circle":
        return False
    clues = [*spec.clues, *spec.question.options]
    return spec.question.kind == "who_at" or any(c.kind == "at" for c in clues)


def _two_clue_answerable(spec: SeatingSpec) -> bool:
    return some_pair_forces(spec, list(spec.clues))


# --- distractors ---------------------------------------------------------------------------


def option_value(spec: SeatingSpec, text: str, gold: Answer):
    """The answer value (as :func:`verifiers.seating.worlds.answer_test` takes it) that an
    option's text stands for, or None (an outcome option, or words not understood)."""
    q, n = spec.question, spec.n
    k = q.kind
    names = {p.lower(): i for i, p in enumerate(spec.people)}
    t = text.strip()
    if t in OUTCOMES:
        return None
    if k in ("who_at", "who_side", "opposite", "who_has"):
        return names.get(t.lower())
    if k == "attr_of":
        vals = spec.attributes[q.cat - 1].values
        return vals.index(t) if t in vals else None
    if k == "count_between":
        return int(t) if t.isdigit() else None
    if k == "facing":
        return {"north": True, "centre": True, "south": False, "outward": False}.get(t)
    if k == "pair":
        return gold.space.index(t) if t in gold.space else None
    if k == "statement":
        sid = gold.aliases.get(t)
        return int(sid[1:]) if sid else None
    seq = [names.get(x.strip().lower()) for x in t.split(",")]
    if None in seq or sorted(seq) != list(range(n)):
        return None
    if spec.layout == "circle":
        step = 1 if q.k == 0 else -1
        pos = {p: j for j, p in enumerate(seq)}
        return tuple((step * (pos[p] - pos[0])) % n for p in range(n))
    order = seq if q.k == 0 else seq[::-1]
    seats = [0] * n
    for s, p in enumerate(order):
        seats[p] = s
    return tuple(seats)


def _single_clue_distractor(spec: SeatingSpec, row: dict) -> bool:
    gold = Answer.model_validate_json(row["answer_json"])
    right = hidden_value(spec)
    for text in row["choices"]:
        v = option_value(spec, text, gold)
        if v is None or v == right:
            continue
        broken = sum(not survives(spec, c, v) for c in spec.clues)
        if broken > (1 if spec.question.kind == "arrangement" else 0):
            return True
    return False


# --- the solution trace --------------------------------------------------------------------


class TraceReader:
    """Reads a seating solution line by line, keeping what each case knows of each entity."""

    def __init__(self, spec: SeatingSpec):
        self.spec, self.g = spec, geometry(spec)
        n = spec.n
        self.refs = {p.lower(): i for i, p in enumerate(spec.people)}
        words = _attribute_refs()
        for ci, cat in enumerate(spec.attributes, start=1):
            ref = words.get(cat.name, "the {{ v }}")
            for v, value in enumerate(cat.values):
                self.refs[ref.replace("{{ v }}", value).lower()] = ci * n + v
        self.mentioned = {e for c in spec.clues for e in entities(c)}

    def _initial(self) -> dict[int, set]:
        spec, g = self.spec, self.g
        n_ent = spec.n * (1 + len(spec.attributes))
        known = {e: set(options(e, g)) for e in range(n_ent)}
        if g.layout == "circle":  # the numbering gives seat 0 to person 0
            for e in range(1, spec.n):
                known[e] = {v for v in known[e] if v[0] != 0}
        return known

    def _place(self, text: str) -> int | None:
        text = text.strip()
        m = _PLACE.match(text[:1].lower() + text[1:])
        if m is None:
            return None
        k, row = int(m.group(1)), m.group(2)
        n = self.spec.n
        if self.g.layout == "circle":
            return k
        if self.g.layout == "rows":
            return (0 if row == "north" else n // 2) + k - 1 if row else None
        return k - 1

    def _fact(self, text: str, known: dict[int, set]) -> tuple[int, set] | None:
        """(entity, the (seat, facing) values the statement allows)."""
        m = _FACT.match(text.strip())
        if m is None:
            return None
        e = self.refs.get(m.group(1).lower())
        if e is None:
            return None
        allowed = set(known[e])
        if m.group(5):
            face = _TOWARD.get(m.group(5))
            return e, {v for v in allowed if v[1] == face}
        seats = {self._place(p) for p in m.group(3).split(" or ")}
        if None in seats:
            return None
        if m.group(2):
            allowed = {v for v in allowed if v[0] not in seats}
        else:
            allowed = {v for v in allowed if v[0] in seats}
        if m.group(4):
            face = _TOWARD.get(m.group(4))
            allowed = {v for v in allowed if v[1] == face}
        return e, allowed

    def _follows(self, c, e: int, claim: set, known: dict[int, set]) -> bool:
        """Clue ``c`` with what is known of its entities allows ``e`` only values in ``claim``."""
        if e not in entities(c):
            return False
        es = entities(c)
        doms = {x: known[x] for x in es}
        bad = (e,), lambda seat, face: (seat(e), face(e)) not in claim
        return find(self.g, [*clue_tests(c, self.g), bad], doms) is None

    def check(self, lines: list[str]) -> set[str]:
        """The trace classes (``trace_citation``, ``trace_filler``) the lines show."""
        spec, n = self.spec, self.spec.n
        out: set[str] = set()
        known = self._initial()
        snap: dict[int, dict[int, set]] = {}
        facts = 0
        for raw in lines[1:]:
            depth = (len(raw) - len(raw.lstrip(" "))) // 2
            line = raw.strip()
            if line.startswith("Answer:") or " in the same " in line:
                continue
            if any(f in line for f in _FILLER) or line.startswith("No clue decides more now"):
                if facts == 0 or any(f in line for f in _FILLER):
                    out.add("trace_filler")
            if m := _FROM.match(line):
                k = int(m.group(1)) - 1
                got = self._fact(m.group(2), known)
                if got is None or not 0 <= k < len(spec.clues):
                    out.add("trace_citation")
                    continue
                e, claim = got
                if not self._follows(spec.clues[k], e, claim, known):
                    out.add("trace_citation")
                out |= self._learn(known, e, claim)
                facts += 1
            elif m := _ONLY.match(line):
                s, got = self._place(m.group(1)), self._fact(m.group(2), known)
                if s is None or got is None:
                    out.add("trace_citation")
                    continue
                e, claim = got
                group = range(e // n * n, e // n * n + n)
                if any(v[0] == s for x in group if x != e for v in known[x]) or not all(
                    v[0] != s or v in claim for v in known[e]
                ):
                    out.add("trace_citation")
                out |= self._learn(known, e, claim)
                facts += 1
            elif m := _TAKEN.match(line):
                s, y, got = self._place(m.group(1)), self.refs.get(m.group(2).lower()), None
                got = self._fact(m.group(3), known)
                if s is None or y is None or got is None:
                    out.add("trace_citation")
                    continue
                e, claim = got
                if (
                    y // n != e // n
                    or {v[0] for v in known[y]} != {s}
                    or not all(v[0] == s or v in claim for v in known[e])
                ):
                    out.add("trace_citation")
                out |= self._learn(known, e, claim)
                facts += 1
            elif m := _SPLIT.match(line):
                e = self.refs.get(m.group(1).lower())
                if e is None or e not in self.mentioned:
                    out.add("trace_citation")
                    continue
                cases = m.group(2).split(" or in ")
                seats = {self._place(c.split(",")[0]) for c in cases}
                if len(cases) > 1 and None not in seats and seats != {v[0] for v in known[e]}:
                    out.add("trace_citation")
                snap[depth] = {x: set(d) for x, d in known.items()}
            elif m := _ASSUME.match(line):
                base = snap.get(depth - 1)
                known = {x: set(d) for x, d in (base or known).items()}
                got = self._fact(m.group(1), known)
                if got is None:
                    out.add("trace_citation")
                    continue
                known[got[0]] &= got[1]
            elif m := _BREAK.match(line):
                k = int(m.group(1)) - 1
                if not 0 <= k < len(spec.clues):
                    out.add("trace_citation")
                    continue
                c = spec.clues[k]
                if find(self.g, clue_tests(c, self.g), {x: known[x] for x in entities(c)}):
                    out.add("trace_citation")
            elif m := _BOTH.match(line):
                a, b = self.refs.get(m.group(1).lower()), self.refs.get(m.group(2).lower())
                s = self._place(m.group(3))
                if a is None or b is None or a // n != b // n:
                    out.add("trace_citation")
                elif {v[0] for v in known[a]} != {s} or {v[0] for v in known[b]} != {s}:
                    out.add("trace_citation")
            elif m := _NOONE.match(line):
                s = self._place(m.group(1))
                groups = range(1 + len(spec.attributes))
                if not any(
                    all(v[0] != s for x in range(g * n, g * n + n) for v in known[x])
                    for g in groups
                ):
                    out.add("trace_citation")
            elif _HOLDS.match(line):
                if not self._answer_forced(known):
                    out.add("trace_citation")
        return out

    def _learn(self, known: dict[int, set], e: int, claim: set) -> set[str]:
        new = known[e] & claim
        flag = {"trace_filler"} if new == known[e] else set()
        known[e] = new
        return flag

    def _answer_forced(self, known: dict[int, set]) -> bool:
        v = hidden_value(self.spec)
        if v is None:
            return False
        t = answer_test(self.spec, v)
        return find(self.g, [negated(t)], {x: known[x] for x in t[0]}) is None
