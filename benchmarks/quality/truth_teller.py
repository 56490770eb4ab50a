"""Writing defects of truth_teller rows (issue 14), judged from the published record alone.

- ``degenerate_statement``: a statement or one of its clauses is always true or always false
  given the stated facts, repeats an atom, is a vacuous count, or says nothing about its
  speaker (:mod:`verifiers.truth_teller.degenerate`, every world enumerated as bitmasks);
- ``silent_share``: more than a third of the people make no statement;
- ``inclusive_or_undefined``: an "or" in the logic that the text does not mark "or both";
- ``single_clue_distractor``: a wrong option that one clue on its own rules out. A role
  option for one person (or yes/no) is ruled out when no world with it satisfies the
  stated facts, or some single statement on its own; a seating_claims option (roles and a chair) when
  no seating with it satisfies some single statement. A wrong full role assignment always
  breaks some statement (else it would be a second solution), so there the class counts
  the options that break a stated fact or more than one statement (not a near miss), and
  so for a set of liars (the liars fix everyone's role, or all but the normals'); a wrong
  number of truth-tellers is ruled out when no world with that many satisfies the stated
  facts and some single statement;
- ``answer_form``: the answer or an option is not of its question's form, or the answer is
  not the hidden world's: a "how many" answer that is no number from 0 to the number of
  people, a set of liars naming someone outside the puzzle (or nobody, for "who is
  lying?"), a yes/no answer that is neither;
- ``trace_enumeration``: the solution lists role assignments one by one (a line naming
  every person, at least half as many such lines as assignments) instead of deriving.
"""

from __future__ import annotations

import itertools
import json

from verifiers.answers import Answer, parse
from verifiers.truth_teller.degenerate import seating_spec_defects, spec_defects
from verifiers.truth_teller.seating_claims import SeatingClaimsSpec
from verifiers.truth_teller.seating_claims import evaluate as seat_evaluate
from verifiers.truth_teller.spec import Count, TruthTellerSpec, asked, evaluate
from verifiers.truth_teller.worlds import Worlds, broken_once

CLASSES = (
    "degenerate_statement",
    "silent_share",
    "inclusive_or_undefined",
    "single_clue_distractor",
    "trace_enumeration",
    "answer_form",
)


def _ors(e) -> int:
    k = e.kind
    here = int(k == "or")
    if k == "not":
        return _ors(e.arg)
    if k in ("and", "or"):
        return here + sum(_ors(a) for a in e.args)
    if k in ("implies", "iff"):
        return _ors(e.a) + _ors(e.b)
    return 0


def _option_values(text: str, aliases: dict[str, str]) -> dict[str, str]:
    """``"Ann: knight, Bo: liar"`` -> ``{"Ann": "knight", "Bo": "knave"}``."""
    out = {}
    for part in text.split(", "):
        key, _, word = part.rpartition(": ")
        out[key] = aliases.get(word, word)
    return out


def _wrong_options(row: dict) -> list[str]:
    choices = row.get("choices") or []
    right = ord(row["answer_label"]) - 65 if row.get("answer_label") else -1
    return [c for i, c in enumerate(choices) if i != right]


def _near(mask: int, base: int, allowed: list[int]) -> bool:
    """Whether some world of ``mask`` keeps the stated facts and breaks one statement at most."""
    every = mask & base
    for a in allowed:
        every &= a
    return bool(every or mask & broken_once(base, allowed))


def _liars_mask(w: Worlds, spec: TruthTellerSpec, liars: list[str]) -> int:
    """The worlds whose knaves are exactly ``liars``."""
    mask = w.full
    for i, p in enumerate(spec.people):
        knave = w.role(i, "knave")
        mask &= knave if p in liars else w.full ^ knave
    return mask


def _knights(w: Worlds, n: int, c: int) -> int:
    return w.table(Count(op="exactly", k=c, role="knight", people=tuple(range(n))))


def _classic_distractors(spec: TruthTellerSpec, row: dict, answer: dict) -> bool:
    aliases = answer.get("aliases") or {}
    gold = Answer.model_validate(answer)
    q = spec.question
    w = Worlds(len(spec.people), tuple(spec.roles))
    base = w.full
    for f in spec.facts:
        base &= w.table(f)
    allowed = [w.allowed(s) for s in spec.statements]
    for text in _wrong_options(row):
        if q.kind in ("liars", "count"):
            got = parse(text, gold)
            if got is None or got.outcome:
                continue  # a special outcome, or not of the form (answer_form says so)
            if q.kind == "liars":
                if not _near(_liars_mask(w, spec, list(got.value)), base, allowed):
                    return True
                continue
            mask = _knights(w, len(spec.people), int(got.value))  # type: ignore[arg-type]
            if not mask & base or any(not mask & base & a for a in allowed):
                return True
            continue
        if q.kind == "all":
            value = _option_values(text, aliases)
            world = [value.get(name, "") for name in spec.people]
            if not all(evaluate(f, world) for f in spec.facts):
                return True
            broken = sum(
                world[s.speaker] != "normal"
                and evaluate(s.claim, world) != (world[s.speaker] == "knight")
                for s in spec.statements
            )
            if broken > 1:
                return True
            continue
        role = aliases.get(text, text)
        mask = w.role(q.person, role)
        if q.kind == "truthful":
            knight = w.role(q.person, "knight")
            mask = knight if text == "yes" else w.full ^ knight
        if not mask & base or any(not mask & a for a in allowed):
            return True
    return False


def _seating_distractors(spec: SeatingClaimsSpec, row: dict, answer: dict) -> bool:
    aliases = answer.get("aliases") or {}
    n, q = spec.n, spec.question.person
    qname = spec.people[q]
    for text in _wrong_options(row):
        value = _option_values(text, aliases)
        roles = [value.get(name, "") for name in spec.people]
        chair = int(value.get(f"{qname}'s seat", "0")) - 1
        seatings = [list(p) for p in itertools.permutations(range(n)) if p[q] == chair]
        for st in spec.statements:
            want = roles[st.speaker] == "knight"
            if not any(seat_evaluate(st.claim, roles, s) == want for s in seatings):
                return True
    return False


def _bad_form(spec: TruthTellerSpec, row: dict, answer: dict) -> bool:
    """Whether the answer or an option is not of its question's form, or the answer is not
    what the hidden world gives."""
    q, n = spec.question, len(spec.people)
    texts = [row.get("answer", ""), *_wrong_options(row)]
    if q.kind == "count":
        if not all(t.isdigit() and int(t) <= n for t in texts):
            return True
        return answer.get("value") != str(asked(q, spec.truth))
    if q.kind == "liars":
        gold = Answer.model_validate(answer)
        names = list(answer.get("value") or [])
        if (
            not names
            or any(x not in spec.people for x in names)
            or answer.get("space") != spec.people
        ):
            return True
        if any(parse(t, gold) is None for t in texts):
            return True
        return tuple(p in names for p in spec.people) != asked(q, spec.truth)
    if q.kind == "truthful":
        if any(t not in ("yes", "no") for t in texts):
            return True
        return (answer.get("value") == "yes") != asked(q, spec.truth)
    return False


def _enumerates(spec, solution: str) -> bool:
    names = spec.people
    full = sum(all(nm in line for nm in names) for line in solution.splitlines()[:-1])
    return len(names) >= 3 and full >= 2 ** (len(names) - 1)


def defects(row: dict) -> set[str]:
    """The truth_teller defect classes one row shows."""
    raw = json.loads(row["spec"])
    seating = raw.get("variant") == "seating_claims"
    spec = (SeatingClaimsSpec if seating else TruthTellerSpec).model_validate(raw)
    found: set[str] = set()
    if seating_spec_defects(spec) if seating else spec_defects(spec):
        found.add("degenerate_statement")
    n = len(spec.people)
    if 3 * (n - len({s.speaker for s in spec.statements})) > n:
        found.add("silent_share")
    facts = getattr(spec, "facts", [])
    ors = sum(_ors(s.claim) for s in spec.statements) + sum(_ors(f) for f in facts)
    if ors > row.get("question", "").count("or both"):
        found.add("inclusive_or_undefined")
    if row.get("status") == "unique":
        answer = json.loads(row["answer_json"])
        check = _seating_distractors if seating else _classic_distractors
        if check(spec, row, answer):  # type: ignore[arg-type]
            found.add("single_clue_distractor")
        if not seating and _bad_form(spec, row, answer):  # type: ignore[arg-type]
            found.add("answer_form")
    if _enumerates(spec, row.get("solution", "")):
        found.add("trace_enumeration")
    return found
