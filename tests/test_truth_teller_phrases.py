"""The truth_teller paraphrase banks (issue 15): every phrasing of a statement node renders
for every persona, says each of its parts once, reads clean to the grammar scan, and holds in
the worlds it is used in (no "not a knight" for "a knave" where there are normals)."""

from __future__ import annotations

import itertools
import random

import pytest

from benchmarks.quality.text import slips
from generators import generate
from generators.truth_teller.render import NUMBERS, TWO_ROLES, _Phrases
from templates import data, indefinite, render_string
from templates.phrases import entries, leaves

BANK = "truth_teller/phrases.yaml"
SEATS = "truth_teller/seating_claims.yaml"
PERSONAS = [
    {k: v for k, v in p.items() if k not in ("id", "intro", "heldout")}
    for p in data("truth_teller/personas.yaml")
]
OTHER = {"knight": "knave", "knave": "knight"}
# A marker per slot, so a rendering shows which parts it kept.
SLOTS = {"p": "Pim", "a": "<A>", "b": "<B>", "group": "Ann, Bo and Cy"}


def _world_safe(src: str) -> bool:
    return not src.startswith(TWO_ROLES)


def test_every_statement_node_keeps_four_phrasings_that_hold_with_normals():
    """Without the two-role phrasings, each node still has 4 training and 1 reserved."""
    for key in leaves(BANK):
        safe = [i for i, s in entries(BANK, key) if _world_safe(s)]
        train = [i for i in safe if not i.startswith("t")]
        assert len(train) >= 4 and len(safe) > len(train), (key, safe)


def _renders(key: str, src: str):
    """(text, slots, role, k, persona) for each way the renderer may fill ``src``."""
    roles = ["knight", "knave"] if not _world_safe(src) else ["knight", "knave", "normal"]
    names = [s for s in ("p", "a", "b", "group") if "{{ " + s + " }}" in src]
    if "{{ b_obj }}" in src:
        names.append("b")  # `b` as an object ("me" for "I"): the same marker
    ks = [None]
    if key.startswith("count"):
        ks = [0] if key.endswith("none") else [1, 2, 3]
    for w, role, k in itertools.product(PERSONAS, roles, ks):
        slots = {s: SLOTS[s] for s in names}
        fill = {s: v for s, v in slots.items() if "{{ " + s + " }}" in src}
        ctx = {"w": w, "role": role, "b_obj": SLOTS["b"]}
        if role in OTHER:
            ctx["other"] = OTHER[role]
        if k is not None:
            noun = w[role] if k == 1 else w[role + "s"]
            ctx.update(k=k, kw=NUMBERS[k], noun=noun)
            ctx["be"] = f"is {indefinite(noun)}" if k == 1 else f"are {noun}"
        yield render_string(src, **ctx, **fill), slots, role, k, w


@pytest.mark.parametrize("key", leaves(BANK))
def test_each_phrasing_says_every_part_once_and_names_the_role(key):
    for _, src in entries(BANK, key):
        for text, slots, role, k, w in _renders(key, src):
            for mark in slots.values():
                assert text.count(mark) == 1, (key, src, text)
            if key.startswith(("is", "not_is", "count")):
                words = {w[role], w[role + "s"], w["truthful"], w["lying"]}
                if role in OTHER:
                    words |= {w[OTHER[role]], w[OTHER[role] + "s"]}
                assert any(x in text for x in words), (key, src, text)
            if k:
                assert str(k) in text or NUMBERS[k] in text or str(k + 1) in text, (src, text)
            if key == "or":
                assert "or both" in text, text
            assert "  " not in text and "{" not in text, text


def _seat_forms(me: bool, who: str, prefix: str) -> dict[str, str]:
    poss = "my" if me else f"{who}'s"
    forms = {"subj": "I" if me else who, "obj": "me" if me else who, "poss": poss}
    forms.update(mine="mine" if me else poss, s="" if me else "s", does="do" if me else "does")
    forms["am"] = "am" if me else "is"
    return {f"{prefix}{k}": v for k, v in forms.items()}


@pytest.mark.parametrize("key", leaves(SEATS))
def test_each_seating_claim_phrasing_reads_clean_as_i_and_as_a_name(key):
    """Spoken by the person it is about ("I sit ...") or by another ("Ann sits ..."): no
    grammar slip, and both people in the clue are named."""
    for _, src in entries(SEATS, key):
        for me_a, me_b, w in itertools.product((True, False), (True, False), PERSONAS):
            if me_a and me_b:
                continue
            a, b = _seat_forms(me_a, "Ann", "a_"), _seat_forms(me_b, "Bo", "b_")
            ctx = {
                **a,
                **b,
                "a": a["a_subj"],
                "s": a["a_s"],
                "does": a["a_does"],
                "am": a["a_am"],
                "b": b["b_obj"],
                "a2": a["a_obj"],
                "w": w,
                "role": "knave",
                "other": "knight",
                "p": "Cy",
                "k": 2,
                "kw": "two",
                "n": 5,
                "side": "left",
                "opp": "right",
                "names": ["Ann", "Bo", "Cy"],
                "q": "Bo",
                "c": "I sit in chair 2",
            }
            text = render_string(src, **ctx)
            assert not slips(text), (key, src, text)
            if key in ("intro", "question", "line", "is", "and", "or"):
                continue
            if not me_a:
                assert "Ann" in text, (src, text)
            if not me_b and "{{ b" in src:
                assert "Bo" in text, (src, text)


@pytest.fixture(scope="module")
def records() -> dict[str, list]:
    """Real generated rows of each variant (the first items of the default config)."""
    variants = ("knights_knaves", "liar_chain", "knights_knaves_normals", "seating_claims")
    out = {}
    for v in variants:
        puzzles = generate("truth_teller", seed=11, variants={v: 1.0})
        out[v] = [puzzles[i] for i in range(30)]
    return out


def _source(pid: str) -> str:
    stem, _, rest = pid.partition(":")
    key, _, idx = rest.rpartition("#")
    bank = BANK if stem == "truth_teller" else f"{stem}.yaml"
    return dict(entries(bank, key))[idx]


def test_worlds_with_normals_never_use_a_two_role_phrasing(records):
    used_two = 0
    for v, rows in records.items():
        for r in rows:
            assert r.phrase_ids, (v, r.id)
            two = [p for p in r.phrase_ids if not _world_safe(_source(p))]
            if v == "knights_knaves_normals":
                assert not two, (r.id, two)
            used_two += len(two)
    assert used_two  # elsewhere they do occur


def test_phrasing_choice_is_a_pure_function_of_the_item(records):
    """The same item renders the same text alone as mid-stream (cached fills included)."""
    again = generate("truth_teller", seed=11, variants={"knights_knaves": 1.0})
    for i in (7, 3):
        assert again[i].question == records["knights_knaves"][i].question
        assert again[i].phrase_ids == records["knights_knaves"][i].phrase_ids


def test_held_out_books_draw_reserved_phrasings_and_fall_back_per_world():
    w = PERSONAS[0]
    held = _Phrases(w, random.Random(0), True, ("knight", "knave", "normal"))
    for _ in range(30):
        held("is", held.book.rng, True, "knave", p="Pim")
    assert all("#t" in p for p in held.ids())
    assert all(_world_safe(_source(p)) for p in held.ids())
    two = _Phrases(w, random.Random(0), True, ("knight", "knave"))
    for _ in range(60):
        two("is", two.book.rng, True, "knave", p="Pim")
    assert any(not _world_safe(_source(p)) for p in two.ids())
