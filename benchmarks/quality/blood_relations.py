"""Blood-relations writing defects (issue 14), judged from a published record alone.

- ``name_sex_clash``: a person's name is tagged for the other sex (``templates/names.yaml``);
- ``name_reveals_sex``: a sexed name on someone whose sex no fact states;
- ``unstated_rule``: the question does not state the world rules the answers rely on (both
  parents married, so no step- or half-relations; one spouse, of the other sex, of the same
  generation, not a sibling; different names, different people; for photos, the pictured
  person is not the speaker);
- ``duplicate_fact``: two facts about the same pair of people, or a man/woman fact that a
  gendered fact about that person already gives;
- ``coded_unanswerable``: a coded question whose text lacks a code it uses or, for "which
  expression", one of the candidate expressions;
- ``side_not_forced``: a paternal/maternal answer other than a grandparent's (an uncle or aunt
  by blood on one side can be one by marriage on the other in some family);
- ``option_wrong_sex``: an option whose relation word is of the other sex than the asked person,
  or a "which expression" option whose codes give someone the other sex;
- ``single_clue_distractor``: a wrong option that one clue alone rules out (relation and count
  questions with two or more clues); consistency is witnessed in a rich reference family
  (:func:`witnesses`), so a flag means no witness there;
- ``vacuous_trace``: a solution line that says nothing ("the man is a man") or a conclusion
  the trace already drew.

Pure Python: :mod:`verifiers.blood_relations` only.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from verifiers.blood_relations.names import name_sexes
from verifiers.blood_relations.relations import TERMS, World, normalise
from verifiers.blood_relations.spec import (
    BloodRelationsSpec,
    Count,
    Rel,
    SexFact,
    expr_text,
    stated_sexes,
)

CLASSES = (
    "name_sex_clash",
    "name_reveals_sex",
    "unstated_rule",
    "duplicate_fact",
    "coded_unanswerable",
    "side_not_forced",
    "option_wrong_sex",
    "single_clue_distractor",
    "vacuous_trace",
)

# Each world rule as a reader must find it in the question, in any of the phrasings of
# ``rules`` and ``photo_rule`` in templates/blood_relations/phrases.yaml.
RULES = {
    "no step- or half-relations": re.compile(
        r"no step- or half-relations|no step-relatives or half-relatives"
        r"|rules out step- and half-relations",
        re.I,
    ),
    "parents married": re.compile(r"married to (?:each other|one another)", re.I),
    "one spouse": re.compile(
        r"at most one spouse|more than one spouse|one spouse at most"
        r"|married to at most one other person",
        re.I,
    ),
    "spouses of the other sex": re.compile(
        r"of the (?:other|opposite) sex|a man and a woman", re.I
    ),
    "spouses of one generation": re.compile(r"of the same generation", re.I),
    "spouses not siblings": re.compile(
        r"not a sibling|never a sibling|not siblings|never to a sibling",
        re.I,
    ),
    "different names, different people": re.compile(
        r"different names (?:are|belong to) different people"
        r"|no two names refer to the same person"
        r"|two different names always mean two different people",
        re.I,
    ),
}
PHOTO_RULE = re.compile(
    r"photograph is not the speaker|speaker is not the person in the photograph"
    r"|photograph does not show the speaker"
    r"|speaker and the person in the photograph are two different people"
    r"|in the photograph, it is not the speaker|person pictured is someone other than the speaker"
    r"|speaker does not appear in the photograph|not the speaker who is shown in the photograph"
)


def _person_sex(spec: BloodRelationsSpec) -> list[str]:
    return list(spec.world.sex[: len(spec.people)])


def name_defects(spec: BloodRelationsSpec) -> set[str]:
    tags = name_sexes()
    sex = _person_sex(spec)
    out = set()
    known = stated_sexes(spec)
    q = spec.question
    if q.kind == "relation" and q.a.kind == "ref":
        known.setdefault(q.a.person, "?")  # a gendered answer word gives it
    for i, name in enumerate(spec.people):
        tag = tags.get(name)
        if tag in ("F", "M") and tag != sex[i]:
            out.add("name_sex_clash")
        if tag in ("F", "M") and i not in known and q.kind != "expression":
            out.add("name_reveals_sex")
    return out


def rule_defects(row: dict, spec: BloodRelationsSpec) -> set[str]:
    text = row["question"]
    missing = [k for k, pat in RULES.items() if not pat.search(text)]
    if spec.variant == "photo" and not PHOTO_RULE.search(text):
        missing.append("photo")
    return {"unstated_rule"} if missing else set()


def duplicate_defects(spec: BloodRelationsSpec) -> set[str]:
    pairs: set[frozenset] = set()
    gendered: set[int] = set()
    facts = spec.all_facts()
    for f in facts:
        if isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref":
            pair = frozenset((f.a.person, f.b.person))
            if pair in pairs:
                return {"duplicate_fact"}
            pairs.add(pair)
            t = TERMS[f.term]
            if t.sex:
                gendered.add(f.a.person)
                if t.base == "spouse":
                    gendered.add(f.b.person)
    for f in facts:
        if isinstance(f, SexFact) and f.a.kind == "ref" and f.a.person in gendered:
            return {"duplicate_fact"}
    return set()


def coded_defects(row: dict, spec: BloodRelationsSpec) -> set[str]:
    if spec.variant != "coded":
        return set()
    text = row["question"]
    q = spec.question
    exprs = [spec.expression] if spec.expression else []
    exprs += list(q.options)
    used = {op for e in exprs for op in e.ops}
    if any(f"P {op} Q" not in text for op in used):
        return {"coded_unanswerable"}
    if q.kind == "expression":
        if any(c not in text for c in row.get("choices") or [] if c in _expr_texts(spec)):
            return {"coded_unanswerable"}
        if len(_expr_texts(spec)) != len(q.options):
            return {"coded_unanswerable"}
    elif spec.expression is not None:
        if expr_text(spec, spec.expression) not in text:
            return {"coded_unanswerable"}
    return set()


def _expr_texts(spec: BloodRelationsSpec) -> set[str]:
    return {expr_text(spec, o) for o in spec.question.options}


def side_defects(spec: BloodRelationsSpec, answer: dict) -> set[str]:
    term = TERMS.get(str(answer.get("value")))
    if spec.question.qualified and term and term.side and term.base != "grandparent":
        return {"side_not_forced"}
    return set()


# ------------------------------------------------------------------ single-clue checks


def reference_world() -> World:
    """A family rich enough to witness the two relations that can hold together: five
    generations of blood couples with two sons and a daughter each (a son and a daughter in
    the last two), every blood child married into a family of their own (parents, a brother
    and a sister)."""
    sex: list[str] = []
    father: list[int] = []
    mother: list[int] = []
    spouse: list[int] = []

    def add(s: str, fa: int = -1, mo: int = -1) -> int:
        sex.append(s)
        father.append(fa)
        mother.append(mo)
        spouse.append(-1)
        return len(sex) - 1

    def marry(a: int, b: int) -> None:
        spouse[a], spouse[b] = b, a

    top = (add("M"), add("F"))
    marry(*top)
    couples = [top]
    for _gen in range(4):
        nxt = []
        for dad, mum in couples:
            for s in ("M", "F", "M") if _gen < 2 else ("M", "F"):
                c = add(s, dad, mum)
                ipa, ima = add("M"), add("F")
                marry(ipa, ima)
                partner = add("F" if s == "M" else "M", ipa, ima)
                add("M", ipa, ima)
                add("F", ipa, ima)
                marry(c, partner)
                nxt.append((c, partner) if s == "M" else (partner, c))
        couples = nxt if _gen < 3 else []
    return World(tuple(sex), tuple(father), tuple(mother), tuple(spouse))


@lru_cache(maxsize=1)
def witnesses() -> tuple[frozenset, frozenset]:
    """Relation pairs that hold together somewhere in :func:`reference_world`.

    ``same``: (d, t, flipped) with x d y and x t y (``flipped``: y t x); ``shared``: (d, role,
    t) with x d y and a third person p related through ``role``: 0 "x is t of p", 1 "p is t of
    x", 2 "y is t of p", 3 "p is t of y".
    """
    w = reference_world()
    n = len(w.sex)
    links: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # (neighbour, its gen - mine)
    for p in range(n):
        for q, d in ((w.father[p], -1), (w.mother[p], -1), (w.spouse[p], 0)):
            if q >= 0:
                links[p].append((q, d))
                links[q].append((p, -d))
    gen: dict[int, int] = {0: 0}
    todo = [0]
    while todo:  # one connected family: a child one below its parents, spouses level
        p = todo.pop()
        for q, d in links[p]:
            if q not in gen:
                gen[q] = gen[p] + d
                todo.append(q)
    by_gap: dict[int, list[str]] = {}
    for t, term in TERMS.items():
        by_gap.setdefault(term.gen, []).append(t)
    rel: dict[tuple[int, int], tuple[str, ...]] = {}
    near: list[set[int]] = [set() for _ in range(n)]
    for a in range(n):
        reach, frontier = {a}, {a}
        for _ in range(5):  # every term is a path of at most five links
            frontier = {q for p in frontier for q, _ in links[p]} - reach
            reach |= frontier
        for b in reach - {a}:
            ts = tuple(t for t in by_gap.get(gen[a] - gen[b], ()) if w.holds(t, a, b))
            if ts:
                rel[(a, b)] = ts
                near[a].add(b)
                near[b].add(a)
    same, shared = set(), set()
    for (x, y), ds in rel.items():
        for d in ds:
            same.update((d, t, False) for t in ds)
            same.update((d, t, True) for t in rel.get((y, x), ()))
            for p in (near[x] | near[y]) - {x, y}:
                for role, key in enumerate(((x, p), (p, x), (y, p), (p, y))):
                    shared.update((d, role, t) for t in rel.get(key, ()))
    return frozenset(same), frozenset(shared)


def clue_allows(opt: str, x: int, y: int, clue: tuple[int, str, int]) -> bool:
    """Whether "x is the opt of y" can hold together with the clue "a is the t of b"."""
    a, t, b = clue
    same, shared = witnesses()
    if {a, b} == {x, y}:
        return (opt, t, a != x) in same
    for role, (u, v) in enumerate(((x, None), (None, x), (y, None), (None, y))):
        if (u is not None and a == u) or (v is not None and b == v):
            return (opt, role, t) in shared
    return True


def _count_ruled_out(spec: BloodRelationsSpec, value: int) -> bool:
    q = spec.question
    for f in spec.facts:
        if isinstance(f, Count) and f.a == q.a and value > f.k:
            return True
        if isinstance(f, Rel) and f.b == q.a and f.term == q.term and value == 0:
            return True
    return False


def option_defects(row: dict, spec: BloodRelationsSpec, answer: dict) -> set[str]:
    q = spec.question
    wrong = [c for c in row.get("choices") or [] if c != row.get("answer")]
    clues = [
        (f.a.person, f.term, f.b.person)
        for f in spec.all_facts()
        if isinstance(f, Rel) and f.a.kind == "ref" and f.b.kind == "ref"
    ]
    out = set()
    if q.kind == "count":
        values = [int(c) for c in wrong if c.isdigit()]
        if len(spec.facts) >= 2 and any(_count_ruled_out(spec, v) for v in values):
            out.add("single_clue_distractor")
        return out
    if q.kind == "expression":
        if any(not _fits_sexes(spec, e) for e in q.options):
            out.add("option_wrong_sex")
        return out
    if q.kind != "relation" or q.a.kind != "ref" or q.b is None or q.b.kind != "ref":
        if q.kind == "relation" and spec.variant == "photo":
            x_sex = spec.world.sex[spec.pointed or 0]
            if any(TERMS[t].sex not in (None, x_sex) for t in _terms(wrong)):
                out.add("option_wrong_sex")
        return out
    x, y = q.a.person, q.b.person
    x_sex = spec.world.sex[x]
    terms = _terms(wrong)
    if any(TERMS[t].sex not in (None, x_sex) for t in terms):
        out.add("option_wrong_sex")
    if len(clues) >= 2 and any(not clue_allows(t, x, y, c) for t in terms for c in clues):
        out.add("single_clue_distractor")
    return out


def _fits_sexes(spec: BloodRelationsSpec, e) -> bool:
    """Every sex an expression's codes give (a gendered subject, a husband's or wife's
    partner) is the person's own."""
    sex = spec.world.sex
    for a, op, b in zip(e.people, e.ops, e.people[1:], strict=False):
        t = TERMS[spec.codes[op]]
        if t.sex and t.sex != sex[a]:
            return False
        if t.base == "spouse" and t.sex and t.sex == sex[b]:
            return False
    return True


def _terms(choices: list[str]) -> list[str]:
    out = []
    for c in choices:
        t = normalise(c)
        if t in TERMS:
            out.append(t)
    return out


# ------------------------------------------------------------------------------ traces

_CLAIM = re.compile(
    r"(?P<x>[\w' -]+?) is (?:the (?P<t1>[\w -]+?) of (?P<y1>[\w' -]+)|(?P<y2>[\w' -]+?)'s? (?P<t2>[\w -]+))$"
)
_TAUTOLOGY = re.compile(r"\bthe (man|woman) is an? \1\b", re.I)


def _conclusion(line: str) -> tuple[str, str, str] | None:
    """The claim a line ends in ("..., so X is the T of Y." -> (X, T, Y)), or None."""
    last = re.split(r"(?:, so |^So |, and )", line.rstrip("."))[-1].strip()
    m = _CLAIM.match(last)
    if not m:
        return None
    if m["t1"]:
        return m["x"].lower(), m["t1"], m["y1"].lower()
    return m["x"].lower(), m["t2"], m["y2"].lower()


def trace_defects(solution: str) -> set[str]:
    seen: set[tuple[str, str, str]] = set()
    for line in solution.splitlines():
        if line.startswith("Answer:"):
            continue
        if _TAUTOLOGY.search(line):
            return {"vacuous_trace"}
        c = _conclusion(line)
        if c is not None:
            if c in seen:
                return {"vacuous_trace"}
            seen.add(c)
    return set()


def defects(row: dict) -> set[str]:
    """The blood-relations defect classes that ``row`` shows."""
    spec = BloodRelationsSpec.model_validate_json(row["spec"])
    answer = json.loads(row["answer_json"])
    found = name_defects(spec)
    found |= rule_defects(row, spec)
    found |= duplicate_defects(spec)
    found |= coded_defects(row, spec)
    found |= side_defects(spec, answer)
    found |= option_defects(row, spec, answer)
    found |= trace_defects(row.get("solution") or "")
    return found
