"""A fourth puzzle family defined entirely here, to show that adding one needs no core edit.

"Guess the number": a hidden whole number in 1..9 and true clues about it (greater than,
less than, even, odd, not k) until only one number fits. Spec model, Z3 encoder, sampler
with its own exact search, one Jinja2 template (``toy_templates/toy_guess/puzzle.j2``).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from generators.family import Draft, Family, Final, RenderContext, Variant
from templates import render
from verifiers.answers import Answer
from verifiers.family import FamilyInfo
from verifiers.hashing import stable_hash
from verifiers.solver.session import Encoding

NAME = "toy_guess"
LO, HI = 1, 9


class Clue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["gt", "lt", "even", "odd", "ne"]
    k: int = 0

    def holds(self, v: int) -> bool:
        return {
            "gt": v > self.k,
            "lt": v < self.k,
            "even": v % 2 == 0,
            "odd": v % 2 == 1,
            "ne": v != self.k,
        }[self.kind]

    def text(self) -> str:
        return {
            "gt": f"It is greater than {self.k}.",
            "lt": f"It is less than {self.k}.",
            "even": "It is even.",
            "odd": "It is odd.",
            "ne": f"It is not {self.k}.",
        }[self.kind]

    def smt(self) -> str:
        return {
            "gt": f"(> v {self.k})",
            "lt": f"(< v {self.k})",
            "even": "(= (mod v 2) 0)",
            "odd": "(= (mod v 2) 1)",
            "ne": f"(not (= v {self.k}))",
        }[self.kind]


class ToySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    variant: Literal["guess"] = "guess"
    value: int
    clues: list[Clue]

    def canonical_hash(self) -> str:
        return stable_hash(
            {
                "v": self.variant,
                "x": self.value,
                "c": sorted(c.model_dump_json() for c in self.clues),
            }
        )


class Solver:
    """The Z3 encoder: one integer variable and a literal per clue."""

    @staticmethod
    def encode(spec: ToySpec) -> Encoding:
        asserts = "".join(f"(assert {c.smt()})" for c in spec.clues)
        return Encoding(
            "(declare-const v Int)", f"(assert (and (>= v {LO}) (<= v {HI}))){asserts}", ("v",)
        )

    @staticmethod
    def answer_literal(spec: ToySpec, answer: Answer) -> str:
        return f"(= v {int(answer.value)})"


def _fits(clues: list[Clue]) -> list[int]:
    return [v for v in range(LO, HI + 1) if all(c.holds(v) for c in clues)]


def draft(variant: str, level: int, rng: random.Random, options: dict[str, Any]) -> Draft | None:
    value = rng.randint(LO, HI)
    clues: list[Clue] = []
    for _ in range(20):
        kind = rng.choice(["gt", "lt", "even", "odd", "ne"])
        c = Clue(kind=kind, k=rng.randint(LO, HI))
        if c.holds(value) and len(_fits([*clues, c])) < len(_fits(clues) or range(LO, HI + 1)):
            clues.append(c)
        if len(_fits(clues)) == 1:
            return Draft(ToySpec(value=value, clues=clues), {"n_clues": len(clues)})
    return None


def level_of(metrics: dict[str, Any]) -> int:
    return 1


def finalize(d: Draft, ctx: RenderContext) -> Final:
    spec: ToySpec = d.spec
    space = [str(v) for v in range(LO, HI + 1)]
    answer = Answer(type="label", value=str(spec.value), space=space)
    others = [v for v in space if v != answer.value]
    ctx.rng.shuffle(others)
    wrong = [answer.model_copy(update={"value": v}) for v in others[: ctx.n_choices - 1]]
    question = render("toy_guess/puzzle.j2", lo=LO, hi=HI, clues=[c.text() for c in spec.clues])
    steps = [
        f"{c.text()} Left: {', '.join(map(str, _fits(spec.clues[: i + 1])))}."
        for i, c in enumerate(spec.clues)
    ]
    solution = "\n".join([*steps, f"Answer: {spec.value}"])
    return Final(spec, answer, wrong, question, solution, "toy_guess/puzzle", {}, {})


FAMILY = Family(
    info=FamilyInfo(name=NAME, spec_model=ToySpec),
    variants=(Variant("guess", "A hidden number from 1 to 9 and clues about it.", (1,)),),
    solver=Solver(),
    draft=draft,
    level_of=level_of,
    finalize=finalize,
    levels_doc="Every puzzle is level 1.",
    summary="Guess the number: a hidden whole number and true clues about it.",
    templates=Path(__file__).resolve().parent / "toy_templates",
)
