"""The seating search's exact shortcuts, cross-checked against the plain evaluation: table
masks built from the propagators against the clue semantics on every world of the table,
and the table's permutations against itertools."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from generators import seating as gen
from generators.seating.logic import Table, permutations, to_int
from generators.seating.sample import clue_kinds, pick, propose, sample_world
from generators.seating.search import fits_table, full_mask


def test_permutations_in_itertools_order():
    for k in range(1, 8):
        want = np.array(list(itertools.permutations(range(k))), dtype=np.int8).reshape(-1, k)
        assert np.array_equal(permutations(k), want)


@pytest.mark.parametrize("variant", gen.VARIANTS)
def test_table_masks_agree_with_the_clue_semantics(variant):
    rng = random.Random(f"mask-{variant}")
    checked = 0
    for n in range(3, 9):
        w = sample_world(variant, n, 0, rng)
        if not fits_table(w.fr, 0):
            continue
        tab = Table(w.fr)
        kinds = clue_kinds(w)
        for _ in range(40):
            c = propose(w, pick(kinds, rng), rng)
            if c is not None:
                assert full_mask(tab, c) == to_int(tab.eval(c)), (variant, n, c)
                checked += 1
    assert checked > 100
