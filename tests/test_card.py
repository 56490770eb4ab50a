"""The generated dataset card: Hub metadata, real stats, histogram, and real load_dataset."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import Features, load_dataset
from huggingface_hub import DatasetCard, DatasetCardData

from cards import HISTOGRAM, card_text, read_front_matter, write_card
from cards.check import check_card
from cards.facts import collect, family_doc
from generators.config import ConfigError, parse_config
from generators.shards import SCHEMA
from verifiers.record import CANARY, SPLITS


def _rows(root: Path, glob: str) -> list[dict]:
    return [r for f in sorted(root.glob(glob)) for r in pq.read_table(f, schema=SCHEMA).to_pylist()]


def _table(text: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header line starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    out = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        out.append([c.strip().strip("`") for c in line.strip("|").split("|")])
    return out


def test_front_matter_parses_round_trips_and_has_the_hub_keys(tiny_dataset):
    text = (tiny_dataset / "README.md").read_text(encoding="utf-8")
    fm = read_front_matter(text)
    card = DatasetCard.load(tiny_dataset / "README.md")
    assert card.data.to_dict() == fm  # nothing lost by the Hub's parser
    assert DatasetCardData(**fm).to_dict() == fm
    assert check_card(text, tiny_dataset) == []
    families = sorted({f.parent.name for f in (tiny_dataset / "data").glob("*/*.parquet")})
    names = [c["config_name"] for c in fm["configs"]]
    assert names[0] == "all" and sorted(names[1:]) == families
    assert [c["config_name"] for c in fm["configs"] if c.get("default")] == ["all"]
    for c in fm["configs"]:
        assert [d["split"] for d in c["data_files"]] == list(SPLITS)
    assert fm["license"] == "apache-2.0" and fm["pretty_name"] == "logic-suite"
    assert fm["size_categories"] == ["n<1K"]
    assert {"question-answering", "text-generation"} <= set(fm["task_categories"])


def test_check_card_catches_what_the_hub_would_reject(tiny_dataset):
    text = (tiny_dataset / "README.md").read_text(encoding="utf-8")
    fm = read_front_matter(text)
    body = text.split("\n---\n", 1)[1]
    bad = dict(fm, size_categories=["tiny"], license="Apache 2")
    bad["configs"] = [dict(c, default=True) for c in fm["configs"]]
    problems = check_card("---\n" + yaml.safe_dump(bad) + "---\n" + body, tiny_dataset)
    assert any("size_categories" in p for p in problems)
    assert any("license" in p for p in problems)
    assert any("only default config must be 'all'" in p for p in problems)
    assert any("canary" in p for p in check_card(text.replace(CANARY, "x"), tiny_dataset))
    assert check_card("# no metadata\n") != []


def test_body_reports_real_stats_examples_levels_and_histogram(tiny_dataset):
    text = (tiny_dataset / "README.md").read_text(encoding="utf-8")
    rows = _rows(tiny_dataset, "data/*/*.parquet")
    by_letter = Counter((r["family"], r["variant"], r["level"], r["answer_label"]) for r in rows)
    by_cell = Counter((r["family"], r["variant"], r["level"]) for r in rows)
    header = "| family | variant | level | rows |"
    letters = next(x for x in text.splitlines() if x.startswith(header)).strip("|").split("|")[4:]
    letters = [x.strip() for x in letters]
    table = _table(text, header)
    assert len(table) == len(by_cell)
    for fam, var, lv, n, *counts in table:
        key = (fam, var, int(lv))
        assert int(n) == by_cell[key]
        assert [int(c) for c in counts] == [by_letter[(*key, x)] for x in letters]
    splits = {r[0]: r[1:] for r in _table(text, "| config | train | validation | test |")}
    for i, s in enumerate(SPLITS):
        assert int(splits["all"][i]) == len(_rows(tiny_dataset, f"data/*/{s}-*.parquet"))
    # histogram: a real PNG, referenced from the card, and the same bytes when redrawn
    png = (tiny_dataset / HISTOGRAM).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and f"]({HISTOGRAM})" in text
    # thresholds documented by the family module (truth_teller defines LEVELS_DOC)
    assert "### `truth_teller` levels" in text and "| knights_knaves | 2–3 / 4–5" in text
    # one example per variant, never from the test split
    test_q = {r["question"] for r in _rows(tiny_dataset, "data/*/test-*.parquet")}
    shown = re.findall(r"```text\n(.*?)\n```", text, re.S)
    non_test = _rows(tiny_dataset, "data/*/train-*.parquet") + _rows(
        tiny_dataset, "data/*/validation-*.parquet"
    )
    assert len(shown) == len({(r["family"], r["variant"]) for r in non_test})
    train_q = {r["question"] for r in rows} - test_q
    assert all(q in train_q for q in shown)
    assert CANARY in text and "lm_eval" in text and "python -m trainers sft" in text
    assert "load_dataset(" in text and "@misc{logic_suite" in text


def test_card_is_reproducible_and_the_config_block_rebuilds_the_same_digest(tiny_dataset, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_dataset, copy)
    (copy / HISTOGRAM).unlink()
    write_card(copy)
    for name in ("README.md", HISTOGRAM):
        assert (copy / name).read_bytes() == (tiny_dataset / name).read_bytes(), name
    text = (copy / "README.md").read_text(encoding="utf-8")
    block = re.search(r"with this `config.yaml`.*?```yaml\n(.*?)\n```", text, re.S).group(1)
    info = json.loads((copy / "build_info.json").read_text())
    assert parse_config(yaml.safe_load(block)).digest() == info["config_digest"]
    assert f"digest `{info['config_digest']}`" in text and f"`{info['generator_version']}`" in text


def test_licence_is_configurable_and_checked(tiny_dataset, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_dataset, copy)
    info = json.loads((copy / "build_info.json").read_text())
    info["config"]["card"] = {"license": "cc-by-4.0", "pretty_name": "Logic Suite Tiny"}
    (copy / "build_info.json").write_text(json.dumps(info))
    text = write_card(copy, repo_id="org/ls", tag="v9").read_text(encoding="utf-8")
    fm = read_front_matter(text)
    assert fm["license"] == "cc-by-4.0" and fm["pretty_name"] == "Logic Suite Tiny"
    assert "released under `cc-by-4.0`" in text and 'load_dataset("org/ls", revision="v9")' in text
    assert check_card(text, copy) == []
    with pytest.raises(ConfigError, match=r"field 'card.license'.*apache-2.0"):
        parse_config({**info["config"], "card": {"license": "Apache License"}})


def test_card_degrades_for_a_family_without_docs(tiny_dataset):
    facts = collect(tiny_dataset)
    for d in facts.docs:
        d.levels_doc, d.variants = None, []
    text = card_text(tiny_dataset, facts=facts)
    assert "thresholds are not documented by `generators.truth_teller`" in text
    assert "| `knights_knaves` | — |" in text  # variant still listed, from the data
    assert check_card(text, tiny_dataset) == []
    assert family_doc("no_such_family").levels_doc is None


def test_load_dataset_matches_the_parquet_for_every_config_and_split(tiny_dataset, tmp_path):
    families = sorted({f.parent.name for f in (tiny_dataset / "data").glob("*/*.parquet")})
    want_features = Features.from_arrow_schema(SCHEMA)
    for config in (None, "all", *families):
        ds = load_dataset(str(tiny_dataset), config, cache_dir=str(tmp_path / "cache"))
        assert list(ds) == list(SPLITS)
        for split in SPLITS:
            got = ds[split]
            fam_glob = "*" if config in (None, "all") else config
            want = _rows(tiny_dataset, f"data/{fam_glob}/{split}-*.parquet")
            assert got.features == want_features  # lists and structs keep their types
            assert sorted(got.to_list(), key=lambda r: r["id"]) == sorted(
                want, key=lambda r: r["id"]
            )
            if config is None:
                assert got.info.config_name == "all"  # the card's default
    prompt = want_features["prompt"]
    assert "role" in str(prompt) and "content" in str(prompt)
