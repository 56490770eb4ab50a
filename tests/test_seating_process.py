"""Seating process reward: claims in reasoning checked against the spec's hidden arrangement."""

from __future__ import annotations

import json
import random
import re
import statistics

import datasets
import pytest

from generators.seating.logic import Frame, holds_world
from verifiers.rewards import checked_claims, score_components
from verifiers.seating.process import SeatingClaims, _relation
from verifiers.seating.spec import Next, Opposite, SeatingSpec, Side


@pytest.fixture(scope="module")
def rows(tiny_dataset):
    out = []
    for split in ("train", "test"):
        ds = datasets.load_dataset(str(tiny_dataset), "seating", split=split)
        out += [r for r in ds.to_list() if r["status"] == "unique"]
    assert out
    return out


def _tagged(reasoning: str, answer: str) -> str:
    return f"<reasoning>\n{reasoning}\n</reasoning>\n<answer>{answer}</answer>"


def _gold(row: dict, reasoning: str | None = None) -> str:
    return _tagged(reasoning or row["solution"].rsplit("\nAnswer:", 1)[0], row["answer"])


def _claims(row: dict, text: str):
    return checked_claims(text, row["answer_json"], row["spec"], row["family"])


def test_gold_traces_score_full_process_reward(rows):
    with_claims = 0
    for r in rows:
        text = _gold(r)
        cs = _claims(r, text)
        assert all(c.holds for c in cs), (r["id"], [c for c in cs if not c.holds])
        got = score_components(r, text)["process"]
        if cs:
            with_claims += 1
            # Full marks: every claim scores its "holds" value (no claim is penalised).
            assert got == pytest.approx(statistics.mean(c.score for c in cs)), r["id"]
            assert got > 0.0, r["id"]
        else:
            assert got == 0.0
    assert with_claims >= 0.8 * len(rows), (with_claims, len(rows))


_EXACT = re.compile(r"^(From [^:]+: )(.+?) is in (place|position|seat) (\d+)\.$")


def test_contradicting_claim_is_penalised(rows):
    tried = 0
    for r in rows:
        spec = SeatingSpec.model_validate_json(r["spec"])
        if spec.layout == "rows":
            continue
        lines = r["solution"].rsplit("\nAnswer:", 1)[0].split("\n")
        for i, line in enumerate(lines):
            m = _EXACT.match(line)
            if not m:
                continue
            k = int(m.group(4))
            lo, hi = (1, spec.n - 1) if spec.layout == "circle" else (1, spec.n)
            wrong = next(x for x in range(lo, hi + 1) if x != k)
            bad = lines[:i] + [f"{m.group(1)}{m.group(2)} is in {m.group(3)} {wrong}."]
            bad += lines[i + 1 :]
            gold_p = score_components(r, _gold(r))["process"]
            text = _gold(r, "\n".join(bad))
            false = [c for c in _claims(r, text) if not c.holds]
            assert len(false) == 1 and false[0].score < 0, (r["id"], false)
            assert score_components(r, text)["process"] < gold_p, r["id"]
            tried += 1
            break
    assert tried >= 10, tried


def test_relations_follow_the_generator_semantics():
    rng = random.Random(0)
    for layout, mixed, variant in [
        ("line", False, "linear"),
        ("line", True, "linear_mixed"),
        ("circle", False, "circular"),
        ("circle", True, "circular_mixed"),
        ("rows", False, "parallel_rows"),
    ]:
        for _ in range(60):
            n = rng.choice([4, 6, 8])
            seats = list(range(n))
            rng.shuffle(seats)
            facing = [rng.random() < 0.5 if mixed else True for _ in range(n)]
            fr = Frame(n, layout, mixed, facing[0])
            a, b = rng.sample(range(n), 2)
            k = rng.randint(1, 3)
            side = rng.choice(["left", "right"])
            fb = seats[b] >= n // 2 if layout == "rows" else facing[b]
            for kind, clue in [
                ("side", Side(a=a, b=b, k=k, side=side)),
                ("next", Next(a=a, b=b)),
                ("opposite", Opposite(a=a, b=b)),
            ]:
                want = holds_world(clue, seats, facing, [], fr)
                assert _relation(layout, n, seats[a], seats[b], fb, kind, k, side) == want, (
                    variant,
                    kind,
                )


def _spec_with(rows, pred) -> tuple[dict, SeatingSpec]:
    for r in rows:
        s = SeatingSpec.model_validate_json(r["spec"])
        if pred(s):
            return r, s
    pytest.skip("no such puzzle in the tiny build")


def test_prose_claims_are_read_and_checked(rows):
    r, spec = _spec_with(rows, lambda s: s.attributes and s.layout != "rows")
    chk = SeatingClaims(spec)
    n = spec.n
    cat = spec.attributes[0]
    v = 0
    holder = spec.people[cat.owner[v]]
    other = next(p for i, p in enumerate(spec.people) if i != cat.owner[v])
    ref = next(k for k, e in chk.refs.items() if e == n + v)  # e.g. "the doctor"
    a, b = spec.people[0], spec.people[1]
    texts = {
        f"So {ref[:1].upper() + ref[1:]} is {holder}.": True,
        f"So {ref} is {other}.": False,
        f"So {holder} is not {ref}.": False,
    }
    for line, want in texts.items():
        cs = chk.claims(line)
        assert len(cs) == 1 and cs[0].holds is want, (line, cs)
    fr = Frame(n, spec.layout, spec.mixed, spec.facing[0])
    for k in (1, 2):
        for side in ("left", "right"):
            word = {1: "immediately", 2: "second"}[k]
            cs = chk.claims(f"Then {a} sits {word} to the {side} of {b}.")
            want = holds_world(Side(a=0, b=1, k=k, side=side), spec.seats, spec.facing, [], fr)
            if cs:  # a relation no arrangement allows is not counted
                assert cs[0].holds == want


def test_facing_claims_in_mixed_puzzles(rows):
    r, spec = _spec_with(rows, lambda s: s.mixed)
    chk = SeatingClaims(spec)
    words = ("the centre", "outward") if spec.layout == "circle" else ("north", "south")
    for i, name in enumerate(spec.people):
        right, wrong = (words[0], words[1]) if spec.facing[i] else (words[1], words[0])
        (c,) = chk.claims(f"{name} faces {right}.")
        assert c.holds and c.score == 1.0
        (c,) = chk.claims(f"{name} is facing {wrong}.")
        assert not c.holds and c.score == -1.0


def test_random_place_claims_earn_zero_and_every_place_earns_nothing(rows):
    rng = random.Random(5)
    scores = []
    for r in rows:
        spec = SeatingSpec.model_validate_json(r["spec"])
        if spec.layout == "rows":
            continue
        word = {"circle": "seat", "line": "place"}[spec.layout]
        base = 0 if spec.layout == "circle" else 1
        chk = SeatingClaims(spec)
        for i, name in enumerate(spec.people):
            if spec.layout == "circle" and i == 0:
                continue
            lo = 1 if spec.layout == "circle" else base
            for _ in range(20):
                k = rng.randint(lo, spec.n - 1 + base)
                (c,) = chk.claims(f"{name} is in {word} {k}.")
                scores.append(c.score)
        people = spec.people[: 64 // spec.n]  # within the 64-claim cap of the process reward
        every = "\n".join(
            f"{p} is in {word} {k}." for p in people for k in range(base, spec.n + base)
        )
        got = score_components(r, _tagged(every, r["answer"]))["process"]
        assert abs(got) < 1e-9, (r["id"], got)
    assert abs(statistics.mean(scores)) <= 0.05


def test_unsolvable_items_get_no_claim_checker(rows):
    r = rows[0]
    a = json.loads(r["answer_json"])
    a["outcome"] = "no consistent solution"
    row = dict(r, answer_json=json.dumps(a))
    assert checked_claims(_gold(r), row["answer_json"], r["spec"], r["family"]) == []
