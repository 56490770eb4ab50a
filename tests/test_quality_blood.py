"""Blood relations data quality: every transform keeps the gold relation (perturb changes it),
proven by Z3 and confirmed by an independent graph-walk calculator; transforms are pure;
labelled unsolvable / ambiguous items are re-proven; a robustness-style build validates.

The calculator is the one of ``tests/test_blood_relations.py`` (copied: it walks the hidden
world as a plain graph and names each walk with its own table, sharing no code with the
generator, the vocabulary module or the Z3 encoder).
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from br_calculator import WORDS, relations_by_walk, walks  # noqa: F401
from validate_cli import assert_validates

from generators import blood_relations as br
from generators.build import build
from generators.config import load_config, parse_config
from generators.family import Draft, RenderContext
from generators.pipeline import name_pool
from generators.shards import data_files, read_rows
from generators.validate import check_record
from verifiers.blood_relations.relations import TERMS
from verifiers.blood_relations.spec import BloodRelationsSpec, HiddenWorld, Rel, SexFact, expr_text
from verifiers.solver import blood_relations as S
from verifiers.solver import session


def words_by_walk(world: HiddenWorld, x: int, y: int) -> set[str]:
    """Every word (neutral ones too) that names x's relation to y."""
    out = set()
    for word, _ in walks(world, x, y):
        if word in WORDS:
            neutral, man, woman = WORDS[word]
            out |= {neutral, man if world.sex[x] == "M" else woman} - {""}
    return out


def resolve(d, w: HiddenWorld) -> int:
    if d.kind == "ref":
        return d.person
    p = resolve(d.of, w)
    if p < 0:
        return -1
    q = {"father": w.father, "mother": w.mother}.get(d.step, w.spouse)[p]
    if (
        d.step in ("husband", "wife")
        and q >= 0
        and w.sex[q] != ("M" if d.step == "husband" else "F")
    ):
        return -1
    return q


def facts_hold(spec: BloodRelationsSpec, w: HiddenWorld) -> bool:
    """Every fact is true of the concrete family ``w`` (closed world), by the calculator."""
    n = len(w.sex)
    for f in spec.all_facts():
        a = resolve(f.a, w)
        if a < 0:
            return False
        if isinstance(f, SexFact):
            if w.sex[a] != f.sex:
                return False
        elif isinstance(f, Rel):
            b = resolve(f.b, w)
            if b < 0 or f.term not in words_by_walk(w, a, b):
                return False
            if f.only and any(
                z not in (a, b) and f.term in words_by_walk(w, z, b) for z in range(n)
            ):
                return False
        elif sum(z != a and f.term in words_by_walk(w, z, a) for z in range(n)) != f.k:
            return False
    return True


def gold_by_walk(spec: BloodRelationsSpec, w: HiddenWorld | None = None) -> str:
    """The answer to the question in the hidden world (or ``w``), by the calculator."""
    w = w or spec.world
    q = spec.question
    if q.kind == "count":
        a = q.a.person
        want = "M" if q.term == "son" else "F"
        kids = [c for c in range(len(w.sex)) if a in (w.father[c], w.mother[c])]
        return str(sum(w.sex[c] == want for c in kids))
    x, y = resolve(q.a, w), resolve(q.b, w)
    if q.kind == "expression":
        for o in q.options:
            hops = zip(o.people, o.ops, o.people[1:], strict=False)
            if all(spec.codes[op] in relations_by_walk(w, a, b) for a, op, b in hops):
                return expr_text(spec, o)
        raise AssertionError("no option holds hop by hop")
    got = relations_by_walk(w, x, y, q.qualified)
    if q.qualified:
        got = {g for g in got if g.startswith(("paternal", "maternal"))} or got
    assert len(got) == 1, got
    return got.pop()


# --- helpers --------------------------------------------------------------------------------


def drafts(per_variant: int, seed: int = 0) -> list[Draft]:
    rng = random.Random(seed)
    out = []
    for v in br.VARIANTS:
        k = 0
        while k < per_variant:
            d = br.draft(v, 1 + k % 4, rng, {})
            if d is not None:
                out.append(d)
                k += 1
    return out


def finalize(d: Draft, seed: int = 0):
    ctx = RenderContext(rng=random.Random(seed), names=name_pool(False), n_choices=4)
    return br.finalize(d, ctx)


@pytest.fixture(scope="module")
def originals() -> list[Draft]:
    return drafts(40)


# --- transforms -----------------------------------------------------------------------------


def test_recomputed_metrics_match_the_drafts_own(originals):
    from generators.blood_relations.levels import metrics_of

    for d in originals:
        assert metrics_of(d.spec) == d.metrics, d.spec.variant


def test_every_transform_keeps_or_changes_the_answer_as_named(originals):
    done = Counter()
    for name, fn in br.TRANSFORMS.items():
        for i, d in enumerate(originals):
            new = fn(d, random.Random(i))
            if new is None:
                continue
            assert facts_hold(new.spec, new.spec.world), (name, new.spec)
            before, after = gold_by_walk(d.spec), gold_by_walk(new.spec)
            fin = finalize(new, i)
            assert str(fin.answer.value) == gold_by_walk(fin.spec), (name, fin.question)
            proof = session.prove_unique(S, fin.spec, fin.answer, fin.distractors)
            assert proof.status == "unique" and all(proof.refuted), (name, fin.question)
            if name == "perturb":
                assert after != before, fin.question
            elif name == "scale":
                assert abs(br.level_of(new.metrics) - br.level_of(d.metrics)) == 1
            else:
                assert after == before, (name, fin.question)
                q0, q1 = d.spec.question, new.spec.question
                assert (q0.a, q0.b) == (q1.a, q1.b)
            if name == "reorder":
                assert new.spec.canonical_hash() == d.spec.canonical_hash()
            done[(name, d.spec.variant)] += 1
    # several hundred transformed puzzles; each transform works on most variants
    assert sum(done.values()) >= 400, done
    assert {n for n, _ in done} == set(br.TRANSFORMS)
    for name, variants in {
        "reword": ("chain", "family_puzzle"),
        "reorder": ("chain", "coded", "family_puzzle"),
        "distract": ("chain", "coded", "family_puzzle"),
        "scale": ("chain", "coded", "photo", "family_puzzle"),
        "perturb": ("chain", "coded", "photo", "family_puzzle"),
    }.items():
        for v in variants:
            assert done[(name, v)] >= 3, (name, v, done)


def test_perturb_covers_both_kinds_of_change(originals):
    """A sex flip (nephew -> niece) and a swapped relation (another person, another word)."""
    flips = swaps = 0
    for i, d in enumerate(originals):
        new = br.TRANSFORMS["perturb"](d, random.Random(i))
        if new is None or new.spec.question.kind != "relation":
            continue
        a, b = gold_by_walk(d.spec), gold_by_walk(new.spec)
        if TERMS[a].base == TERMS[b].base:  # the same relation, the other sex
            flips += 1
        else:
            swaps += 1
    assert flips >= 5 and swaps >= 5, (flips, swaps)


# --- labelled items -------------------------------------------------------------------------


def test_labelled_items_are_proven(originals):
    seen = Counter()
    for i, d in enumerate(originals[::2]):
        for kind in ("unsolvable", "ambiguous"):
            m = br.mislabel(d, kind, random.Random(i))
            if m is None:
                continue
            new, alt = m
            enc = S.encode(new.spec)
            if kind == "unsolvable":
                assert alt is None
                assert not facts_hold(new.spec, new.spec.world)
                assert session.prove_label(enc, 20_000_000) == "unsolvable", new.spec
            else:
                # two concrete families satisfy every fact and answer differently
                assert facts_hold(new.spec, new.spec.world)
                assert facts_hold(alt.spec, alt.spec.world)
                g1, g2 = gold_by_walk(new.spec), gold_by_walk(alt.spec)
                assert g1 != g2
                f1, f2 = finalize(new, i), finalize(alt, i)
                assert str(f1.answer.value) == gold_by_walk(f1.spec)
                assert str(f2.answer.value) == gold_by_walk(
                    f2.spec.model_copy(update={"world": alt.spec.world})
                )
                for fin in (f1, f2):
                    lit = S.answer_literal(new.spec, fin.answer)
                    assert session.satisfiable(enc, lit, 20_000_000) == "sat"
            seen[(kind, d.spec.variant)] += 1
    for v in ("chain", "coded", "photo", "family_puzzle"):
        assert seen[("unsolvable", v)] >= 3, seen
    for v in ("chain", "coded", "family_puzzle"):
        assert seen[("ambiguous", v)] >= 3, seen


# --- a robustness-style build ----------------------------------------------------------------


@pytest.fixture(scope="module")
def robust_build(tmp_path_factory):
    cfg = load_config("robustness").model_dump(mode="json")
    cfg["families"] = {"blood_relations": {**cfg["families"]["blood_relations"], "count": 70}}
    cfg["shard_size"] = 35
    out = tmp_path_factory.mktemp("robust_br") / "ds"
    summary = build(parse_config(cfg), out, workers=1, progress=False)
    rows = [dict(r, split=f.name.split("-")[0]) for f in data_files(out) for r in read_rows(f)]
    return out, summary, rows


def test_robustness_build_has_every_kind_and_validates(robust_build):
    out, summary, rows = robust_build
    assert {r["status"] for r in rows} == {"unique", "unsolvable", "ambiguous"}
    transforms = {t for r in rows for t in r["augmentation"]}
    assert set(br.TRANSFORMS) <= transforms, transforms
    assert_validates(out)


def test_built_rows_agree_with_the_calculator(robust_build):
    _, _, rows = robust_build
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        spec = BloodRelationsSpec.model_validate_json(r["spec"])
        if r["status"] != "unique":
            continue
        assert facts_hold(spec, spec.world)
        gold = gold_by_walk(spec)
        assert r["answer"] == gold, (r["question"], gold)
        if r["parent_id"]:
            parent = BloodRelationsSpec.model_validate_json(by_id[r["parent_id"]]["spec"])
            changed = gold_by_walk(parent) != gold
            if r["augmentation"] == ["perturb"]:
                assert changed, r["question"]
            elif r["augmentation"] != ["scale"]:
                assert not changed, (r["augmentation"], r["question"])
    labelled = [r for r in rows if r["status"] != "unique"][:6]
    for r in labelled:
        assert check_record({k: v for k, v in r.items() if k != "split"}) == []
