"""Templates rendered once per shape (generators.truth_teller.fill) give the text a full Jinja2
render gives: every persona intro, the puzzle layout, every question and layout phrasing, and
templates that use a value in another way than printing it."""

from __future__ import annotations

import itertools

from generators.truth_teller.fill import filled, slots, template_source
from templates import data, render, render_string
from templates.phrases import entries, leaves

NAMES = ["Ann", "Bo", "Cy", "Dee Dee", "Eli", "{Fay}", "Gus", "Hal"]  # a space, braces


def test_intros_fill_as_they_render():
    for persona, n, normals in itertools.product(
        data("truth_teller/personas.yaml"), (2, 3, 5, 8), (False, True)
    ):
        src, names = persona["intro"], NAMES[:n]
        for _ in range(2):  # the second call takes the cached shape
            got = filled(src, {"n": n, "normals": normals}, names=names)
            assert got == render_string(src, n=n, names=names, normals=normals), persona["id"]
        assert names[-1] in got


def test_the_puzzle_text_fills_as_it_renders():
    src = template_source("truth_teller/puzzle.j2")
    for chain, k, f in itertools.product((False, True), (1, 2, 5), (0, 1, 2)):
        values = {
            "intro": "  Two {{ tribes }} meet.",  # braces and edge space come out as in a render
            "statements": [f'{NAMES[i]} says: "{{{i}}}." ' for i in range(k)],
            "facts": [f"Fact {i}." for i in range(f)],
            "question": "Who lies? ",
        }
        full = render("truth_teller/puzzle.j2", facts_first=chain, **values)
        for _ in range(2):
            assert filled(src, {"facts_first": chain}, **values).strip() == full, (chain, k, f)


def test_a_template_that_uses_a_value_otherwise_is_rendered_in_full():
    for src, p, want in [
        ("{{ names | join_names }} and {{ p | replace('A', 'E') }}", "Al", "Ann and Bo and El"),
        ("{{ names | join_names('or') }}{% if p %}, {{ p }}{% endif %}", "", "Ann or Bo"),
        ("{% for x in names %}{{ x | upper }} {% endfor %}{{ p }}", "", "ANN BO "),
        ("{{ names[1] }} {{ p ~ '!' }}", "", "Bo !"),
    ]:
        for _ in range(2):
            assert filled(src, {}, names=["Ann", "Bo"], p=p) == want, src


def test_question_and_layout_phrasings_fill_as_they_render():
    bank = "truth_teller/questions.yaml"
    w = {k: v for k, v in data("truth_teller/personas.yaml")[2].items() if k != "intro"}
    checked = 0
    for key in leaves(bank):
        for _, src in entries(bank, key):
            for normals in (False, True):
                fixed = {"w": w, "roles": "a knight or a knave", "n": 3, "normals": normals}
                vals: dict = {"p": "{Cy}", "names": "Ann, Bo and Cy"}
                if key.startswith("layout"):
                    fixed, vals = {}, {"i": 2, "s": "Bo says: {x}."}
                got = slots(src, tuple(vals), **fixed)(**vals)
                assert got == render_string(src, **fixed, **vals), (key, src)
                checked += 1
    assert checked > 40
