"""Blood relations: a hidden family world, facts about it as a small AST, and a question.

People are ints. ``people[i]`` is the display name of person ``i`` (a name, or a role such
as "the man" for the person in a photograph); different entries are different people.
Persons ``len(people)..`` exist only in the hidden ``world`` (the truth the puzzle was
drawn from). A :class:`Desc` names someone by a functional path from a person ("Ravi's
mother's husband"); such a description may turn out to be anyone, the speaker included.

Relation words are the canonical terms of :mod:`verifiers.blood_relations.relations`; ``Rel(a, t, b)``
reads "a is the t of b".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..hashing import stable_hash
from .relations import TERMS, World

Sex = Literal["M", "F"]
Step = Literal["father", "mother", "husband", "wife"]
COUNT_TERMS = ("child", "son", "daughter", "sibling", "brother", "sister")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ref(_Node):
    """Person ``person``."""

    kind: Literal["ref"] = "ref"
    person: int = Field(ge=0)


class Of(_Node):
    """The ``step`` (father / mother / husband / wife) of ``of``: a definite description."""

    kind: Literal["of"] = "of"
    step: Step
    of: Desc


Desc = Annotated[Ref | Of, Field(discriminator="kind")]
Of.model_rebuild()


def _term(t: str) -> str:
    if t not in TERMS:
        raise ValueError(
            f"unknown relation term {t!r}; see verifiers.blood_relations.relations.TERMS"
        )
    return t


class Rel(_Node):
    """``a`` is the ``term`` of ``b``; with ``only``, nobody else is ``b``'s ``term``."""

    kind: Literal["rel"] = "rel"
    a: Desc
    term: str
    b: Desc
    only: bool = False

    @field_validator("term")
    @classmethod
    def _known(cls, v: str) -> str:
        return _term(v)


class SexFact(_Node):
    """``a`` is a man (``M``) or a woman (``F``)."""

    kind: Literal["sex"] = "sex"
    a: Desc
    sex: Sex


class Count(_Node):
    """``a`` has exactly ``k`` people who are ``a``'s ``term`` (e.g. exactly 2 sons)."""

    kind: Literal["count"] = "count"
    a: Desc
    term: str
    k: int = Field(ge=0, le=12)

    @field_validator("term")
    @classmethod
    def _count_term(cls, v: str) -> str:
        if v not in COUNT_TERMS:
            raise ValueError(f"count term must be one of {', '.join(COUNT_TERMS)}")
        return v


Fact = Annotated[Rel | SexFact | Count, Field(discriminator="kind")]


class Expr(_Node):
    """A coded chain: ``people[0] ops[0] people[1] ops[1] ...`` (each op a code symbol)."""

    people: tuple[int, ...]
    ops: tuple[str, ...]

    @model_validator(mode="after")
    def _shape(self) -> Expr:
        if len(self.people) != len(self.ops) + 1 or not self.ops:
            raise ValueError("an expression needs k+1 people and k >= 1 operators")
        return self


class Question(_Node):
    """What is asked.

    - ``relation``: how is ``a`` related to ``b`` (answer: a term; ``qualified`` asks for
      paternal/maternal where it applies);
    - ``count``: how many ``term`` does ``a`` have (answer: a number);
    - ``expression``: which of ``options`` means ``a`` is the ``term`` of ``b``.

    ``offered`` lists the relation terms of the MCQ options; the Z3 encoder instantiates
    its axioms for exactly the people those relations can mention (all terms if empty).
    """

    kind: Literal["relation", "count", "expression"]
    a: Desc
    b: Desc | None = None
    term: str | None = None
    qualified: bool = False
    options: tuple[Expr, ...] = ()
    offered: tuple[str, ...] = ()  # relation terms offered as MCQ options (the encoder's frame)


class HiddenWorld(_Node):
    """The truth the puzzle was drawn from: per person sex, father, mother, spouse (-1: none)."""

    sex: tuple[Sex, ...]
    father: tuple[int, ...]
    mother: tuple[int, ...]
    spouse: tuple[int, ...]

    def world(self) -> World:
        return World(self.sex, self.father, self.mother, self.spouse)


class BloodRelationsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: Literal["blood_relations"] = "blood_relations"
    variant: str
    people: list[str]
    speaker: int | None = None  # photo riddles: who speaks ("my mother")
    pointed: int | None = None  # photo riddles: the person pointed at
    codes: dict[str, str] = {}  # coded: operator symbol -> relation term
    expression: Expr | None = None  # coded: the coded statement ("A + B x C")
    facts: list[Fact] = []
    question: Question
    world: HiddenWorld

    @model_validator(mode="after")
    def _check(self) -> BloodRelationsSpec:
        n, w = len(self.people), len(self.world.sex)
        if not 1 <= n <= w <= 40:
            raise ValueError("need 1 <= len(people) <= len(world.sex) <= 40")
        for arr in (self.world.father, self.world.mother, self.world.spouse):
            if len(arr) != w or any(not -1 <= v < w for v in arr):
                raise ValueError("world arrays must have one entry per person, each -1..n-1")
        for _sym, t in self.codes.items():
            _term(t)
        exprs = [self.expression] if self.expression else []
        exprs += list(self.question.options)
        for e in exprs:
            if any(op not in self.codes for op in e.ops):
                raise ValueError("an expression uses an operator missing from codes")
            if any(not 0 <= p < n for p in e.people):
                raise ValueError("an expression names an unknown person")
        return self

    def expression_rels(self, e: Expr | None = None) -> list[Rel]:
        """The facts a coded expression states: ``a op b`` means a is codes[op] of b."""
        e = e or self.expression
        if e is None:
            return []
        return [
            Rel(a=Ref(person=a), term=self.codes[op], b=Ref(person=b))
            for a, op, b in zip(e.people, e.ops, e.people[1:], strict=False)
        ]

    def all_facts(self) -> list:
        """Stated facts plus the decoded expression."""
        return [*self.facts, *self.expression_rels()]

    def canonical(self) -> dict:
        """Names and code symbols dropped, facts sorted: renames and reorders hash alike."""

        def decoded(e: Expr) -> list:
            return [
                e.people[0],
                *[
                    x
                    for op, p in zip(e.ops, e.people[1:], strict=False)
                    for x in (self.codes[op], p)
                ],
            ]

        q = self.question
        qd = q.model_dump(exclude={"options", "offered"})
        qd["options"] = sorted(decoded(o) for o in q.options)
        return {
            "family": self.family,
            "variant": self.variant,
            "n": len(self.people),
            "speaker": self.speaker,
            "pointed": self.pointed,
            "facts": sorted(f.model_dump_json() for f in self.all_facts()),
            "question": qd,
        }

    def canonical_hash(self) -> str:
        return stable_hash(self.canonical())


def expr_text(spec: BloodRelationsSpec, e: Expr, names: list[str] | None = None) -> str:
    """The coded expression as text: ``Ravi + Meera × Arjun``."""
    names = names or spec.people
    out = [names[e.people[0]]]
    for op, p in zip(e.ops, e.people[1:], strict=True):
        out += [op, names[p]]
    return " ".join(out)


def resolve(d: Desc, world: World) -> int:
    """The hidden-world person a description names (-1 if it names nobody)."""
    if d.kind == "ref":
        return d.person
    p = resolve(d.of, world)
    if p < 0:
        return -1
    if d.step == "father":
        return world.father[p]
    if d.step == "mother":
        return world.mother[p]
    s = world.spouse[p]
    if s < 0 or world.sex[s] != ("M" if d.step == "husband" else "F"):
        return -1
    return s


def process_facts(spec: dict, gold) -> tuple[dict[str, str], list[str]]:
    """Per-person facts for the process reward: each named person's relation (an answer
    word) to the person asked about (to the other one for that person herself)."""
    from .relations import ANSWER_TERMS

    sp = BloodRelationsSpec.model_validate(spec)
    w = sp.world.world()
    q = sp.question
    anchor = resolve(q.b if q.b is not None else q.a, w)
    other = resolve(q.a, w)
    facts: dict[str, str] = {}
    for i, name in enumerate(sp.people):
        to = other if i == anchor else anchor
        if to < 0 or to == i:
            continue
        rels = w.relations(i, to)
        if rels:
            facts[name] = rels[0]
    return facts, list(ANSWER_TERMS)


def stated_sexes(spec: BloodRelationsSpec, facts: list | None = None) -> dict[int, str]:
    """Named people whose sex the facts state or force: a man/woman fact, a gendered word
    about them ("X is Y's aunt"), the partner of a husband or wife, and, through a neutral
    spouse fact, the partner of someone of known sex (spouses are a man and a woman).
    ``facts``: these instead of :meth:`BloodRelationsSpec.all_facts`."""
    facts = spec.all_facts() if facts is None else facts
    sex: dict[int, str] = {}
    spouses: list[tuple[int, int]] = []
    other = {"M": "F", "F": "M"}
    for f in facts:
        if isinstance(f, SexFact) and f.a.kind == "ref":
            sex[f.a.person] = f.sex
        elif isinstance(f, Rel) and f.a.kind == "ref":
            t = TERMS[f.term]
            if t.sex:
                sex[f.a.person] = t.sex
            if t.base == "spouse" and f.b.kind == "ref":
                spouses.append((f.a.person, f.b.person))
    changed = True
    while changed:
        changed = False
        for a, b in spouses:
            for x, y in ((a, b), (b, a)):
                if x in sex and y not in sex:
                    sex[y] = other[sex[x]]
                    changed = True
    return sex
