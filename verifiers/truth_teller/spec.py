"""Truth-tellers and liars: people, a role system, and statements as a small logic AST.

Roles are canonical words: ``knight`` (always tells the truth), ``knave`` (always lies)
and ``normal`` (may say either). Personas ("truth-teller/liar", ...) are a rendering
choice and never change the spec. People are referred to by index into ``people``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..hashing import stable_hash

Role = Literal["knight", "knave", "normal"]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Is(_Node):
    """Person ``person`` has role ``role``."""

    kind: Literal["is"] = "is"
    person: int
    role: Role


class Not(_Node):
    kind: Literal["not"] = "not"
    arg: Expr


class And(_Node):
    kind: Literal["and"] = "and"
    args: tuple[Expr, ...]


class Or(_Node):
    kind: Literal["or"] = "or"
    args: tuple[Expr, ...]


class Implies(_Node):
    kind: Literal["implies"] = "implies"
    a: Expr
    b: Expr


class Iff(_Node):
    kind: Literal["iff"] = "iff"
    a: Expr
    b: Expr


class Count(_Node):
    """Exactly / at least / at most ``k`` of ``people`` have ``role``."""

    kind: Literal["count"] = "count"
    op: Literal["exactly", "at_least", "at_most"]
    k: int = Field(ge=0)
    role: Role
    people: tuple[int, ...]


class Same(_Node):
    """``a`` and ``b`` are of the same kind (``same=True``) or of different kinds."""

    kind: Literal["same"] = "same"
    a: int
    b: int
    same: bool = True


Expr = Annotated[Is | Not | And | Or | Implies | Iff | Count | Same, Field(discriminator="kind")]
for _m in (Not, And, Or, Implies, Iff):
    _m.model_rebuild()


class Statement(_Node):
    speaker: int
    claim: Expr


class Question(_Node):
    """``all``: everyone's role; ``one``: one person's role; ``truthful``: yes/no, is one
    person a knight; ``liars``: the set of knaves; ``count``: how many are knights."""

    kind: Literal["all", "one", "truthful", "liars", "count"]
    person: int | None = None


class TruthTellerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: Literal["truth_teller"] = "truth_teller"
    variant: str
    people: list[str]
    roles: list[Role]
    statements: list[Statement]
    facts: list[Expr] = []
    question: Question
    truth: list[Role]

    def canonical(self) -> dict:
        """Names dropped, clues sorted: a rename or a reorder has the same canonical form."""
        stm = sorted(s.model_dump_json() for s in self.statements)
        facts = sorted(f.model_dump_json() for f in self.facts)
        return {
            "family": self.family,
            "variant": self.variant,
            "n": len(self.people),
            "roles": self.roles,
            "statements": stm,
            "facts": facts,
            "question": self.question.model_dump(),
        }

    def canonical_hash(self) -> str:
        return stable_hash(self.canonical())


def evaluate(e: Expr, world: list[str]) -> bool:
    """Truth of ``e`` in ``world`` (a role per person)."""
    k = e.kind
    if k == "is":
        return world[e.person] == e.role
    if k == "not":
        return not evaluate(e.arg, world)
    if k == "and":
        return all(evaluate(a, world) for a in e.args)
    if k == "or":
        return any(evaluate(a, world) for a in e.args)
    if k == "implies":
        return (not evaluate(e.a, world)) or evaluate(e.b, world)
    if k == "iff":
        return evaluate(e.a, world) == evaluate(e.b, world)
    if k == "count":
        c = sum(world[p] == e.role for p in e.people)
        return c == e.k if e.op == "exactly" else (c >= e.k if e.op == "at_least" else c <= e.k)
    if k == "same":
        return (world[e.a] == world[e.b]) == e.same
    raise ValueError(f"unknown expression kind {k!r}")


WHOLE_WORLD = ("all", "liars", "count")  # questions whose puzzles force every role


def asked(q: Question, world: list[str]) -> tuple | str | int | bool:
    """What question ``q`` asks of ``world``: two worlds give the same answer exactly when
    these values are equal."""
    k = q.kind
    if k == "all":
        return tuple(world)
    if k == "liars":
        return tuple(r == "knave" for r in world)
    if k == "count":
        return world.count("knight")
    if k == "truthful":
        return world[q.person] == "knight"  # type: ignore[index]
    return world[q.person]  # type: ignore[index]


def consistent(spec: TruthTellerSpec, world: list[str]) -> bool:
    """Whether ``world`` satisfies every fact and every speaker's role."""
    if any(r not in spec.roles for r in world):
        return False
    if not all(evaluate(f, world) for f in spec.facts):
        return False
    for s in spec.statements:
        role = world[s.speaker]
        if role == "normal":
            continue
        if evaluate(s.claim, world) != (role == "knight"):
            return False
    return True


def depth(e: Expr) -> int:
    """Nesting depth: an atom, count or same/different is depth 1."""
    k = e.kind
    if k == "not":
        return 1 + depth(e.arg)
    if k in ("and", "or"):
        return 1 + max(depth(a) for a in e.args)
    if k in ("implies", "iff"):
        return 1 + max(depth(e.a), depth(e.b))
    return 1
