"""Seating family: Z3 proofs per variant and level, an independent brute-force check of the
encoder and the generator, answers, traces, dataset round-trip and determinism."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from datasets import load_dataset

from generators import seating as gen
from generators.family import RenderContext
from generators.pipeline import name_pool
from templates.phrases import leaves
from verifiers.answers import Answer, parse
from verifiers.record import SPLITS
from verifiers.registry import load_spec
from verifiers.seating.spec import (
    At,
    Between,
    Category,
    Facing,
    Gap,
    Is,
    Next,
    Opposite,
    Order,
    Question,
    SameFacing,
    SeatingSpec,
    Side,
)
from verifiers.solver import seating as solver
from verifiers.solver import session

ROOT = Path(__file__).resolve().parents[1]


# --- an independent brute force: written from the documented conventions only ------------
#
# line: seats 0..n-1 west to east; facing north (True) has west (seat - 1) on the left.
# circle: seats clockwise; facing the centre (True) has clockwise (seat + 1) on the left.
# rows: m = n/2; seats < m are the north row facing south (left = east = seat + 1), seats
# >= m the south row facing north (left = west = seat - 1); seat s faces seat s +- m.
# Entity e < n is a person; e >= n is value e % n of category e // n (1-based).


def bf_layout(variant: str) -> str:
    if variant == "objects":  # things in one order: a row
        return "L"
    return {"linear": "L", "linear_mixed": "L", "ordering": "L", "circular": "C"}.get(
        variant, "C" if variant == "circular_mixed" else "R"
    )


def bf_worlds(spec: SeatingSpec):
    """Every world: (seat of each person, facing of each person, owners per category)."""
    n, lay = len(spec.people), bf_layout(spec.variant)
    mixed = spec.variant.endswith("_mixed")
    for perm in itertools.permutations(range(n)):
        if lay == "C" and perm[0] != 0:
            continue
        faces = itertools.product((True, False), repeat=n) if mixed else [None]
        for f in faces:
            if f is None:
                f = tuple((s >= n // 2) if lay == "R" else spec.facing[0] for s in perm)
            for owners in itertools.product(
                *[list(itertools.permutations(range(n))) for _ in spec.attributes]
            ):
                yield perm, f, owners


def bf_truth(spec: SeatingSpec, c, world) -> bool:
    perm, face, owners = world
    n, lay = len(spec.people), bf_layout(spec.variant)
    m = n // 2

    def who(e):
        return e if e < n else owners[e // n - 1][e % n]

    def seat(e):
        return perm[who(e)]

    def row(s):
        return s // m if lay == "R" else 0

    def adj(s, t):
        if lay == "C":
            return (s - t) % n in (1, n - 1)
        return abs(s - t) == 1 and row(s) == row(t)

    k = c.kind
    if k == "at":
        s = seat(c.a)
        if c.where == "end":
            r = s in ((0, n - 1) if lay == "L" else (0, m - 1, m, n - 1))
        elif c.where == "seat":
            r = s == c.seat
        elif c.where == "middle":
            r = s == n // 2
        else:
            r = s // m == c.seat
    elif k == "side":
        sb = seat(c.b)
        if lay == "C":
            left = 1 if face[who(c.b)] else -1
        elif lay == "R":
            left = 1 if sb < m else -1
        else:
            left = -1 if face[who(c.b)] else 1
        t = sb + left * (c.k if c.side == "left" else -c.k)
        if lay == "C":
            r = seat(c.a) == t % n
        else:
            r = 0 <= t < n and row(t) == row(sb) and seat(c.a) == t
    elif k == "order":
        r = seat(c.a) < seat(c.b)
    elif k == "next":
        r = adj(seat(c.a), seat(c.b))
    elif k == "between":
        sa, sb, sc = seat(c.a), seat(c.b), seat(c.c)
        if c.immediate:
            r = sb != sc and adj(sa, sb) and adj(sa, sc)
        else:
            r = (sb < sa < sc or sc < sa < sb) and row(sa) == row(sb) == row(sc)
    elif k == "gap":
        sa, sb = seat(c.a), seat(c.b)
        if lay == "C":
            r = (sa - sb) % n in (c.k + 1, n - c.k - 1)
        else:
            r = abs(sa - sb) == c.k + 1 and row(sa) == row(sb)
    elif k == "opposite":
        sa, sb = seat(c.a), seat(c.b)
        r = (sa - sb) % n == m if lay == "C" else abs(sa - sb) == m
    elif k == "facing":
        r = face[who(c.a)] == c.toward
    elif k == "same_facing":
        r = (face[who(c.a)] == face[who(c.b)]) == c.same
    elif k == "is":
        r = seat(c.a) == seat(c.b)
    else:
        raise AssertionError(k)
    return r != bool(getattr(c, "neg", False))


def bf_answer(spec: SeatingSpec, world):
    """The answer to the spec's question in one world (canonical value or sequence)."""
    perm, face, owners = world
    q, n, names = spec.question, len(spec.people), spec.people
    at = {s: names[p] for p, s in enumerate(perm)}
    lay = bf_layout(spec.variant)
    if q.kind == "arrangement":
        if lay == "C":
            s0 = perm[q.a]
            step = 1 if q.k == 0 else -1
            return tuple(at[(s0 + step * j) % n] for j in range(n))
        order = [at[s] for s in range(n)]
        return tuple(order if q.k == 0 else order[::-1])
    if q.kind == "who_at":
        return at[q.seat]
    if q.kind in ("who_side", "opposite", "who_has"):
        hits = []
        for p in range(n):
            if q.kind == "who_side":
                c = Side(a=p, b=q.a, k=q.k, side=q.side)
            elif q.kind == "opposite":
                c = Opposite(a=p, b=q.a)
            else:
                c = Is(a=p, b=q.a)
            if p != q.a and bf_truth(spec, c, world):
                hits.append(names[p])
        return tuple(hits)
    if q.kind == "attr_of":
        cat = spec.attributes[q.cat - 1]
        return cat.values[owners[q.cat - 1].index(q.a)]
    if q.kind == "count_between":
        d = abs(perm[q.a] - perm[q.b])
        if lay == "C":
            d = min(d, n - d)
        if lay == "R" and perm[q.a] // (n // 2) != perm[q.b] // (n // 2):
            return None
        return str(d - 1)
    if q.kind == "facing":
        up = face[q.a]
        return ("centre" if up else "outward") if lay == "C" else ("north" if up else "south")
    if q.kind == "pair":
        return tuple(
            solver.pair_label(spec, a, b)
            for a, b in q.pairs
            if bf_truth(spec, Next(a=a, b=b), world)
        )
    return tuple(f"s{i}" for i, c in enumerate(q.options) if bf_truth(spec, c, world))


def bf_solutions(spec: SeatingSpec) -> list:
    return [w for w in bf_worlds(spec) if all(bf_truth(spec, c, w) for c in spec.clues)]


def hidden_world(spec: SeatingSpec):
    owners = tuple(tuple(c.owner) for c in spec.attributes)
    return tuple(spec.seats), tuple(spec.facing), owners


# --- helpers ---------------------------------------------------------------------------


def make(variant: str, level: int, seed: int, options: dict | None = None):
    """A finalized puzzle of (variant, level) from the real generator."""
    rng = random.Random(f"{variant}:{level}:{seed}")
    for _ in range(60):
        d = gen.draft(variant, level, rng, options or {})
        if d is not None and gen.level_of(d.metrics) == level:
            fin = gen.finalize(d, RenderContext(rng=rng, names=name_pool(False)))
            return d, fin
    raise AssertionError(f"no {variant} puzzle at level {level}")


def gold_value(ans: Answer):
    v = ans.value
    return tuple(v) if isinstance(v, list) else v


# --- tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", gen.VARIANTS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_variant_and_level_is_proven_unique_by_z3(variant, level):
    for seed in range(2):
        d, fin = make(variant, level, seed)
        spec = fin.spec
        assert spec.variant == variant and d.metrics["n_people"] == spec.n
        proof = session.prove_unique(solver, spec, fin.answer, fin.distractors)
        assert proof.status == "unique", (variant, level, fin.question)
        assert proof.refuted and all(proof.refuted), (
            "an MCQ distractor is consistent with the clues"
        )
        assert fin.solution.splitlines()[-1] == f"Answer: {fin.answer.text(fin.words)}"
        if level == 4:  # level 4 needs a case split, and the written solution shows it
            assert d.metrics["case_splits"] >= 1 and "try each case" in fin.solution.lower()
        for wrong in fin.distractors:  # options parse back to themselves, never to the gold
            text = wrong.text(fin.words)
            got = parse(text, fin.answer)
            assert got is not None and got.key() == wrong.key() != fin.answer.key(), text
        back = SeatingSpec.model_validate_json(spec.model_dump_json())
        assert back == spec and back.canonical_hash() == spec.canonical_hash()


def test_generated_small_puzzles_agree_with_brute_force():
    """The answer is the only one the clues allow, counted without Z3 or generator code."""
    checked = 0
    for variant in gen.VARIANTS:
        for seed in range(12):
            level = 1 + seed % 2
            _, fin = make(variant, level, 100 + seed, {"n": 4 if variant != "linear" else 5})
            spec = fin.spec
            sols = bf_solutions(spec)
            assert hidden_world(spec) in sols
            answers = {bf_answer(spec, w) for w in sols}
            gold = gold_value(fin.answer)
            if spec.question.kind in ("who_side", "opposite", "who_has", "pair", "statement"):
                gold = (gold,)
            assert answers == {gold}, (variant, spec.question.kind, answers, gold)
            for c in spec.clues:  # no clue hands over the answer on its own
                alone = spec.model_copy(update={"clues": [c]})
                assert len({bf_answer(alone, w) for w in bf_solutions(alone)}) > 1, (
                    c,
                    spec.question,
                )
            (only,) = answers
            for wrong in fin.distractors:  # each MCQ distractor is refuted by enumeration
                w = gold_value(wrong)
                assert w != gold_value(fin.answer)
                if isinstance(only, tuple) and spec.question.kind != "arrangement":
                    assert w not in only
            checked += 1
    assert checked == len(gen.VARIANTS) * 12


def random_clue(rng: random.Random, spec_kw: dict, n: int, n_ent: int, mixed: bool, lay: str):
    kinds = ["at_end", "at_seat", "side", "next", "between1", "gap", "is"]
    kinds += {
        "L": ["order", "between", "middle"],
        "C": ["opposite"],
        "R": ["opposite", "row", "between"],
    }[lay]
    if mixed:
        kinds += ["facing", "same_facing"]
    kind = rng.choice(kinds)
    neg = rng.random() < 0.3
    people = list(range(n))
    e = lambda: rng.randrange(n_ent)  # noqa: E731
    a, b, c = rng.sample(range(n_ent), 3) if n_ent >= 3 else (0, 1, 2)
    if kind == "at_end":
        return At(a=e(), where="end", neg=neg)
    if kind == "at_seat":
        return At(a=e(), where="seat", seat=rng.randrange(n), neg=neg)
    if kind == "middle":
        return At(a=e(), where="middle", neg=neg)
    if kind == "row":
        return At(a=e(), where="row", seat=rng.randrange(2), neg=neg)
    if kind == "side":
        x, y = rng.sample(people, 2) if mixed else (a, b)
        return Side(a=x, b=y, k=rng.randint(1, 3), side=rng.choice(("left", "right")), neg=neg)
    if kind == "next":
        return Next(a=a, b=b, neg=neg)
    if kind == "between1":
        return Between(a=a, b=b, c=c, immediate=True)
    if kind == "between":
        return Between(a=a, b=b, c=c, immediate=False)
    if kind == "gap":
        return Gap(a=a, b=b, k=rng.randint(0, 2))
    if kind == "opposite":
        return Opposite(a=a, b=b, neg=neg)
    if kind == "order":
        return Order(a=a, b=b)
    if kind == "facing":
        return Facing(a=rng.randrange(n), toward=rng.random() < 0.5)
    if kind == "same_facing":
        x, y = rng.sample(people, 2)
        return SameFacing(a=x, b=y, same=rng.random() < 0.5)
    if n_ent == n:
        return Next(a=a, b=b, neg=neg)
    v = rng.randrange(n, n_ent)
    return Is(a=v, b=rng.randrange(n_ent), neg=neg)


def test_encoder_agrees_with_brute_force_on_random_clues():
    """A few hundred random small puzzles, every clue kind incl. left/right and facing rules:
    Z3's model count (capped) equals the brute-force count, and a brute-force solution is
    accepted by Z3 while a non-solution is refuted."""
    rng = random.Random(11)
    shapes = [
        ("linear", 4, 0), ("linear", 5, 0), ("linear_mixed", 4, 0), ("ordering", 4, 0),
        ("circular", 5, 0), ("circular", 6, 0), ("circular_mixed", 4, 0), ("parallel_rows", 4, 0),
        ("parallel_rows", 6, 0), ("linear", 3, 1), ("circular", 4, 1), ("parallel_rows", 4, 1),
    ]  # fmt: skip
    kinds_seen = set()
    cases = 0
    for i in range(300):
        variant, n, n_attr = shapes[i % len(shapes)]
        lay = bf_layout(variant)
        mixed = variant.endswith("_mixed")
        facing0 = rng.random() < 0.5 if lay != "R" else True
        cats = [
            Category(name="c", values=[f"v{j}" for j in range(n)], owner=list(range(n)))
            for _ in range(n_attr)
        ]
        clues = [
            random_clue(rng, {}, n, n * (1 + n_attr), mixed, lay) for _ in range(rng.randint(1, 3))
        ]
        clues = [c for c in clues if len(set(solver_entities(c))) == len(solver_entities(c))]
        if not clues:
            continue
        spec = SeatingSpec(
            variant=variant,
            people=[f"p{j}" for j in range(n)],
            seats=list(range(n)),
            facing=[facing0] * n,
            attributes=cats,
            clues=clues,
            question=Question(kind="arrangement"),
        )
        sols = bf_solutions(spec)
        assert solver.count_solutions(spec, cap=3) == min(len(sols), 3), (variant, clues)
        if sols:
            seats, face, owners = rng.choice(sols)
            if not owners:
                assert solver.check(spec, list(seats), list(face))
        if not n_attr:
            non = [w for w in bf_worlds(spec) if w not in set(sols)]
            if non:
                seats, face, _ = rng.choice(non)
                assert not solver.check(spec, list(seats), list(face))
        kinds_seen |= {
            (c.kind, getattr(c, "neg", False), getattr(c, "immediate", None)) for c in clues
        }
        cases += 1
    assert cases >= 250
    for kind in ("at", "side", "order", "next", "between", "gap", "opposite", "facing",
                 "same_facing", "is"):  # fmt: skip
        assert any(k == kind for k, _, _ in kinds_seen), kind
    assert ("side", True, None) in kinds_seen and ("next", True, None) in kinds_seen


def solver_entities(c) -> tuple[int, ...]:
    if c.kind in ("at", "facing"):
        return (c.a,)
    if c.kind == "between":
        return (c.a, c.b, c.c)
    return (c.a, c.b)


def test_attribute_puzzles_and_forced_sizes():
    """options n/attributes force the size (as the benchmarks do); the answer is still proven."""
    rng = random.Random(5)
    d = None
    while d is None:
        d = gen.draft("linear", 4, rng, {"n": 7, "attributes": 3})
    assert d.metrics["n_people"] == 7 and d.metrics["n_attributes"] == 3
    assert gen.level_of(d.metrics) == 4
    fin = gen.finalize(d, RenderContext(rng=rng, names=name_pool(False)))
    assert len(fin.spec.attributes) == 3
    assert any(e >= 7 for c in fin.spec.clues for e in solver_entities(c))
    assert session.prove_unique(solver, fin.spec, fin.answer, fin.distractors).ok


def test_answer_words_parse():
    pair = Answer(type="label", value="Ann and Bo", space=["Ann and Bo", "Cy and Di"],
                  aliases={"Bo and Ann": "Ann and Bo", "Di and Cy": "Cy and Di"})  # fmt: skip
    assert parse("Bo and Ann", pair).value == "Ann and Bo"
    face = Answer(type="label", value="centre", space=["centre", "outward"])
    assert parse("She faces towards the centre.", face).value == "centre"
    assert parse("outwards", face).value == "outward"
    count = Answer(type="label", value="2", space=["0", "1", "2", "3"])
    assert parse("two", count).value == "2" and parse("2 people", count).value == "2"
    seq = Answer(type="sequence", value=["Ann", "Bo", "Cy"], space=["Ann", "Bo", "Cy"])
    assert parse("Bo, Ann, Cy", seq).value == ["Bo", "Ann", "Cy"]


def test_dataset_round_trip_with_seating(tiny_dataset):
    rows = 0
    for split in SPLITS:
        ds = load_dataset(str(tiny_dataset), "seating", split=split)
        for r in ds:
            spec = load_spec("seating", r["spec"])
            assert spec.canonical_hash() == r["canonical_hash"] and r["family"] == "seating"
            assert r["solution"].splitlines()[-1] == f"Answer: {r['answer']}"
            assert r["choices"]["ABCDEFG".index(r["answer_label"])] == r["answer"]
            assert json.loads(r["difficulty"])["level"] == r["level"]
            rows += 1
    assert rows > 80
    variants = {r["variant"] for r in load_dataset(str(tiny_dataset), "seating", split="train")}
    assert variants == set(gen.VARIANTS)


def test_render_pins_and_held_out_settings():
    """Renames/reskins keep pinned names and setting; the test split uses held-out settings."""
    rng = random.Random(2)
    d = None
    while d is None:
        d = gen.draft("circular", 2, rng, {})
    names = name_pool(False)
    pinned = RenderContext(
        rng=random.Random(1), names=names, pin={"names": names[:9], "template": "campfire"}
    )
    fin = gen.finalize(d, pinned)
    assert fin.spec.people == names[: fin.spec.n] and fin.template_id == "seating/campfire"
    for seed in range(6):
        held = gen.finalize(
            d, RenderContext(rng=random.Random(seed), names=names, held_out_templates=True)
        )
        free = gen.finalize(
            d, RenderContext(rng=random.Random(seed), names=names, avoid={"template": "campfire"})
        )
        assert held.template_id == "seating/picnic"
        assert free.template_id not in ("seating/picnic", "seating/campfire")
        assert session.prove_unique(solver, held.spec, held.answer, held.distractors).ok


# --- phrasings (templates/seating/phrases.yaml) -----------------------------------------

BANK = "seating/phrases.yaml"
VARIANTS = ("linear", "linear_mixed", "circular", "circular_mixed", "parallel_rows", "ordering")


def _uses(src: str, slot: str) -> bool:
    from generators.seating.render import optional_slots

    return slot in optional_slots(src)


def _bare_spec(variant: str, n: int, facing: bool = True) -> SeatingSpec:
    return SeatingSpec(
        variant=variant, people=[f"P{i}" for i in range(n)], seats=list(range(n)),
        facing=[facing] * n, clues=[], question=Question(kind="who_at", seat=0),
    )  # fmt: skip


def _equivalent(spec: SeatingSpec, one: str, other: str) -> bool:
    """Z3: no arrangement (with facings) tells the two terms apart."""
    enc = solver.encode(spec)
    return session.satisfiable(enc, f"(xor {one} {other})") == "unsat"


@pytest.mark.parametrize(
    "variant,n,facing",
    [("linear", 6, True), ("linear", 5, False), ("circular", 6, True), ("circular", 5, False),
     ("parallel_rows", 8, True), ("ordering", 6, True),
     ("linear_mixed", 5, True), ("circular_mixed", 6, True)],
)  # fmt: skip
def test_converse_phrasings_are_exact_only_where_everyone_faces_one_way(variant, n, facing):
    """ "B sits to the right of A" for "A sits to the left of B" (a `flip` phrasing): Z3
    proves it the same clue wherever the renderer offers it, and tells them apart where
    facings are mixed (where the renderer never offers it)."""
    spec = _bare_spec(variant, n, facing)
    term = lambda c: solver.clue_term(spec, c)  # noqa: E731
    flips = {"left": "right", "right": "left"}
    for k in range(1, 4):
        for side in ("left", "right"):
            same = _equivalent(
                spec, term(Side(a=0, b=1, k=k, side=side)),
                term(Side(a=1, b=0, k=k, side=flips[side])),
            )  # fmt: skip
            # (half way round a table, left and right meet: the one exact mixed case)
            assert same == (not spec.mixed or 2 * k == n), (variant, k, side)
    if variant in ("linear", "ordering"):  # "A somewhere to the left of B" / "B ... right of A"
        side = "left" if spec.facing[0] else "right"
        ks = range(1, n)
        fwd = "(or " + " ".join(term(Side(a=0, b=1, k=k, side=side)) for k in ks) + ")"
        back = "(or " + " ".join(term(Side(a=1, b=0, k=k, side=flips[side])) for k in ks) + ")"
        assert _equivalent(spec, term(Order(a=0, b=1)), fwd)
        assert _equivalent(spec, term(Order(a=0, b=1)), back)


def _finals(variant: str, count: int, held_out: bool = False):
    for i in range(count):
        rng = random.Random(f"phrases:{variant}:{i}")
        d = None
        while d is None:
            d = gen.draft(variant, 1 + i % 4, rng, {})
        ctx = RenderContext(rng=rng, names=name_pool(held_out), held_out_templates=held_out)
        yield gen.finalize(d, ctx)


def test_every_variant_records_its_phrasings_and_converses_only_where_exact():
    from templates.phrases import entries, is_reserved

    flip_ids = {
        f"seating:{key}#{i}"
        for key in leaves(BANK)
        for i, src in entries(BANK, key)
        if _uses(src, "flip")
    }
    assert flip_ids
    for variant in VARIANTS:
        for held_out in (False, True):
            used: set[str] = set()
            for fin in _finals(variant, 12, held_out):
                assert fin.phrase_ids, variant
                assert all(is_reserved(p) == held_out for p in fin.phrase_ids), fin.phrase_ids
                used |= set(fin.phrase_ids)
            group = "order" if variant == "ordering" else "seat"
            assert group in {p.split(":")[1].split(".")[0] for p in used} <= {group, "attr"}
            if variant.endswith("_mixed"):
                assert not used & flip_ids, variant


def test_every_leaf_has_four_phrasings_and_a_reserved_one_without_optional_slots():
    """Where a slot is not given (no possessive of an attribute reference, no converse
    with mixed facings) a puzzle still has four training phrasings and a reserved one."""
    from templates.phrases import entries

    for key in leaves(BANK):
        optional = ("flip", "b_s") if ".ask." in key else ("flip", "b_s", "a_s")
        basic = [i for i, s in entries(BANK, key) if not any(_uses(s, o) for o in optional)]
        train = [i for i in basic if not i.startswith("t")]
        assert len(train) >= 4 and len(basic) > len(train), key


def test_every_phrasing_reads_as_clean_text_in_every_setting():
    """Each phrasing of each leaf, in each setting of its group, with names and attribute
    references, counts as words and digits: no slip the grammar scan knows."""
    from benchmarks.quality.text import slips
    from templates import data, render_string
    from templates.phrases import entries

    slots = {
        "side": "left", "flip": "right", "kth": "second", "k": 2, "kw": "two",
        "kn": "two people", "k1n": "one person", "be_k": "are", "be_k1": "is",
        "come_k": "come", "pos": "third from the left end", "rank": "third", "num": 3,
        "r": "north", "dir": "the centre", "odir": "outward", "d1": "north", "d2": "south",
        "first": "left", "last": "right", "way": "clockwise", "ring": "table", "nw": "five",
        "rel": "ahead of", "rev": "behind", "s": "Ana", "ref": "the person who likes red",
        "link": "Ana likes red", "who": "Who likes red?", "what": "Which colour does Ana like?",
        "cat": "city", "cats": "cities", "p": "Ana", "p_s": "Ana's",
    }  # fmt: skip
    contexts = data("seating/contexts.yaml")
    for key in leaves(BANK):
        group = key.split(".")[0]
        for c in contexts:
            if (group == "order") != (c["layouts"] == ["order"]):
                continue
            v = {"neighbour": "neighbour", "neighbours": "neighbours", **c}
            v.setdefault("row", "row")
            v.setdefault("rows", "rows")
            v.setdefault("in_row", "in")
            v["between_ab"] = render_string(
                v.get("between", "between {{ a }} and {{ b }}"), a="Ana", b="Ben"
            )
            v["between_bc"] = render_string(
                v.get("between", "between {{ a }} and {{ b }}"), a="Ben", b="Cy"
            )
            v["sits"], v["sit"] = v.get("sits", "sits"), v.get("sit", "sit")
            for a, b in (("Ana", "Ben"), ("the doctor", "the person who likes red")):
                for _, src in entries(BANK, key):
                    kw = {**slots, "sit_k": v["sit"], "a": a, "b": b, "c": "Cy"}
                    kw |= {"a_s": f"{a}'s", "b_s": f"{b}'s"}
                    text = render_string(src, v=v, **kw)
                    assert not slips(text), (key, c["id"], text, slips(text))
                    assert "  " not in text and text == text.strip(), (key, text)
