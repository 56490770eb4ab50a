"""Coded relations: the operator codes, the "which expression" options, and decoding."""

from __future__ import annotations

import random

from verifiers.blood_relations.relations import TERMS, World
from verifiers.blood_relations.spec import BloodRelationsSpec, Expr

from ..family import TraceMismatch
from .terms import answer_or_self, answer_term, compose, exclusive
from .world import Relatives

CODE_SYMBOLS = ("+", "-", "×", "÷", "*", "#", "@", "$", "%", "&")
CODE_TERMS = ("father", "mother", "son", "daughter", "brother", "sister", "husband", "wife")


def expression_options(
    rng: random.Random,
    w: World,
    rels: Relatives,
    path: list[int],
    hop_terms: list[str],
    ans: str,
    codes: dict[str, str],
    idx: dict[int, int],
) -> tuple[Expr, ...] | None:
    """The right expression plus wrong ones over the same people, each forcing a relation
    that can never hold with the target (so Z3 refutes it) and each giving every person the
    sex they have (so neither a name nor the target's sex rules it out)."""
    inv = {t: s for s, t in codes.items()}
    right = tuple(inv[t] for t in hop_terms)
    people = tuple(idx[p] for p in path)
    wrong: list[tuple[str, ...]] = []
    terms = list(codes.values())
    for _ in range(60):
        if len(wrong) >= 3:
            break
        ops = list(right)
        for k in rng.sample(range(len(ops)), rng.randint(1, len(ops))):
            ops[k] = inv[rng.choice(terms)]
        ops_t = tuple(ops)
        if ops_t == right or ops_t in wrong:
            continue
        r = None
        for t in reversed([codes[o] for o in ops_t]):
            r = t if r is None else compose(t, r)
            if r is None:
                break
        if r is None or r == ans or not exclusive(answer_or_self(r), ans):
            continue
        if not _consistent(ops_t, codes, [w.sex[p] for p in path]):
            continue
        wrong.append(ops_t)
    if len(wrong) < 3:
        return None
    opts = [Expr(people=people, ops=o) for o in [right, *wrong]]
    rng.shuffle(opts)  # the answer space lists the options in this order
    return tuple(opts)


def _consistent(ops: tuple[str, ...], codes: dict[str, str], true_sex: list[str]) -> bool:
    """The sexes the codes give (a gendered subject, a husband's or wife's partner) are the
    people's own."""
    sexes: list[set[str]] = [{s} for s in true_sex]
    for i, o in enumerate(ops):
        t = TERMS[codes[o]]
        if t.sex:
            sexes[i].add(t.sex)
        if t.base == "spouse" and t.sex:
            sexes[i + 1].add("F" if t.sex == "M" else "M")
    return all(len(s) <= 1 for s in sexes)


def option_rel(spec: BloodRelationsSpec, e: Expr) -> str | None:
    r: str | None = None
    for o in reversed(e.ops):
        t = spec.codes[o]
        r = t if r is None else compose(t, r)
        if r is None:
            return None
    return r


def right_option(spec: BloodRelationsSpec) -> int:
    q = spec.question
    for i, o in enumerate(q.options):
        r = option_rel(spec, o)
        if r is not None and (r == q.term or answer_term(r, False) == q.term):
            return i
    raise TraceMismatch("no option forces the target relation")
