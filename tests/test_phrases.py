"""Paraphrase banks (issue 15): at least 5 training phrasings per clue kind, phrasings
reserved for the test split that train and validation never show, and records that say
which phrasings they used."""

from __future__ import annotations

import random

import pytest

from generators.shards import data_files, read_rows
from generators.stats import compute
from templates.phrases import Phrases, entries, is_reserved, kind_of, leaves

BANKS = (
    "seating/phrases.yaml",
    "seating/objects/phrases.yaml",
    "truth_teller/phrases.yaml",
    "truth_teller/seating_claims.yaml",
    "truth_teller/questions.yaml",
    "blood_relations/phrases.yaml",
)


@pytest.mark.parametrize("bank", BANKS)
def test_every_clue_kind_has_five_phrasings_and_one_for_the_test_split(bank):
    keys = leaves(bank)
    assert keys, bank
    for key in keys:
        ids = [i for i, _ in entries(bank, key)]
        train = [i for i in ids if not i.startswith("t")]
        test = [i for i in ids if i.startswith("t")]
        assert len(train) >= 5, f"{bank} {key}: {len(train)} training phrasings"
        assert test, f"{bank} {key}: none reserved for the test split"
        srcs = [s for _, s in entries(bank, key)]
        assert len(set(srcs)) == len(srcs), f"{bank} {key}: a phrasing is repeated"


@pytest.mark.parametrize("bank", BANKS)
def test_the_held_out_pool_and_the_training_pool_are_disjoint(bank):
    key = leaves(bank)[0]
    train, test = Phrases(bank, random.Random(0)), Phrases(bank, random.Random(0), held_out=True)
    tr, te = dict(train.options(key)), dict(test.options(key))
    assert tr and te and not set(tr) & set(te) and not set(tr.values()) & set(te.values())
    assert not any(is_reserved(p) for p in tr) and all(is_reserved(p) for p in te)
    for _ in range(20):
        train.source(key), test.source(key)
    assert set(train.ids()) <= set(tr) and set(test.ids()) <= set(te)
    assert {kind_of(p) for p in train.ids()} == {f"{train.prefix}:{key}"}


def test_built_rows_record_their_phrasings_and_test_phrasings_stay_in_test(tiny_dataset):
    seen: dict[str, set[str]] = {"train": set(), "validation": set(), "test": set()}
    families = set()
    for f in data_files(tiny_dataset):
        split = f.name.split("-")[0]
        for row in read_rows(f):
            assert row["phrase_ids"], f"{row['family']}/{row['variant']}: no phrase ids"
            families.add(row["family"])
            seen[split].update(row["phrase_ids"])
    assert families == {"truth_teller", "seating", "blood_relations"}
    outside = seen["train"] | seen["validation"]
    assert not any(is_reserved(p) for p in outside)
    assert any(is_reserved(p) for p in seen["test"])
    # the tiny config holds templates out, so the test split reads only reserved phrasings
    assert not seen["test"] & outside
    st = compute(tiny_dataset)["breadth"]
    for fam in families:
        assert st[fam]["phrase_kinds"] and st[fam]["reserved_outside_test"] == 0
