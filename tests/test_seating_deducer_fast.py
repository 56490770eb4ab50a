"""The propagation solver's fast paths, cross-checked against plain versions:

- ``_span_keep`` (bit masks) against the set-based definition, exhaustively on small rows;
- ``_alldiff_calc`` (a placed entity blocks its seat once) against blocking on every pass;
- memoised binary ``status_of`` against the definition, on the domains real proofs reach;
- the quiet case analysis (watch lists filtered once per proof) against the logged one,
  on the proofs that real level-4 draft attempts ask for: same verdict, same node count."""

from __future__ import annotations

import importlib
import itertools
import random

import pytest

from generators import registry
from generators.seating.logic import frame_of

deducer = importlib.import_module("generators.seating.deducer")
bits = deducer.bits


def _span_plain(da: int, db: int, dc: int):
    sa, sb, sc = ({u >> 1 for u in bits(d)} for d in (da, db, dc))
    minb, maxb, minc, maxc = min(sb), max(sb), min(sc), max(sc)
    ka = {x for x in sa if minb < x < maxc or minc < x < maxb}
    if not ka:
        return None
    kb = {s for s in sb if any(s < x < maxc or minc < x < s for x in ka)}
    kc = {s for s in sc if any(minb < x < s or s < x < maxb for x in ka)}
    out = []
    for d, keep in ((da, ka), (db, kb), (dc, kc)):
        nd = d & sum(3 << (2 * s) for s in keep)
        if not nd:
            return None
        out.append(nd)
    return tuple(out)


def _alldiff_plain(d: list[int], v: int, even: int):
    changed: list[int] = []
    full = (1 << v) - 1
    idx = range(len(d))
    progress = True
    while progress:
        progress = False
        once = twice = 0
        for e in idx:
            sm = (d[e] | (d[e] >> 1)) & even
            if sm & (sm - 1) == 0:
                block = full ^ (sm | (sm << 1))
                for o in idx:
                    if o != e and d[o] & ~block:
                        d[o] &= block
                        if not d[o]:
                            return None
                        changed.append(o)
                        progress = True
            twice |= once & sm
            once |= sm
        if progress:
            continue
        if once != even:
            return None
        single = once & ~twice
        while single:
            bit = single & -single
            single ^= bit
            pair = bit | (bit << 1)
            for e in idx:
                if d[e] & pair:
                    if d[e] & ~pair:
                        d[e] &= pair
                        changed.append(e)
                        progress = True
                    break
    return tuple(d), tuple(changed)


def _domain(rng: random.Random, seats) -> int:
    return sum(rng.choice((1, 2, 3)) << (2 * s) for s in seats)


def test_span_keep_matches_the_set_definition():
    rng = random.Random(5)
    for n in range(2, 6):  # every seat set (with random facings) of rows up to five
        doms = [_domain(rng, [s for s in range(n) if m >> s & 1]) for m in range(1, 1 << n)]
        for a, b, c in itertools.product(doms, repeat=3):
            assert deducer._span_keep(a, b, c) == _span_plain(a, b, c)
    for _ in range(20000):
        n = rng.randint(6, 12)
        a, b, c = (_domain(rng, rng.sample(range(n), rng.randint(1, n))) for _ in range(3))
        assert deducer._span_keep(a, b, c) == _span_plain(a, b, c)


def test_alldiff_blocks_once_like_every_pass():
    rng = random.Random(6)
    for _ in range(30000):
        n = rng.randint(2, 9)
        even = sum(1 << (2 * s) for s in range(n))
        d = [_domain(rng, rng.sample(range(n), min(n, rng.choice((1, 2, 3, n))))) for _ in range(n)]
        assert deducer._alldiff_calc(list(d), 2 * n, even) == _alldiff_plain(list(d), 2 * n, even)


def _status_plain(rels, dom):
    out = True
    for es, rel in rels:
        if len(es) != 2:
            continue
        da, db = dom[es[0]], dom[es[1]]
        alls = all(rel[0][u] & db == db for u in bits(da))
        anys = any(rel[0][u] & db for u in bits(da))
        t = True if alls else (False if not anys else None)
        if t is False:
            return False
        if t is None:
            out = None
    return out


@pytest.mark.parametrize("variant", ["linear", "circular", "linear_mixed", "parallel_rows"])
def test_quiet_proofs_match_logged_proofs_on_real_attempts(monkeypatch, variant):
    calls: list[tuple] = []
    real = deducer.Deducer.prove

    def spy(self, goal, dom=None, log=True, budget=400, clue_ids=None, first=None):
        calls.append((self, list(goal), None if dom is None else list(dom), budget, clue_ids))
        return real(self, goal, dom, log, budget, clue_ids, first)

    monkeypatch.setattr(deducer.Deducer, "prove", spy)
    fam = registry.get("seating")
    rng = random.Random(f"deducer-fast-{variant}")
    for _ in range(25):
        fam.draft(variant, 4, rng, {})
    monkeypatch.undo()
    assert len(calls) >= 10
    binary = 0
    for ded, goal, dom, budget, clue_ids in calls[:150]:
        verdicts = []
        for log in (False, True):
            try:
                verdicts.append((ded.prove(goal, dom, log, budget, clue_ids), ded.nodes))
            except deducer.Budget:
                verdicts.append(("budget", ded.nodes))
            ded.steps.clear()
        assert verdicts[0] == verdicts[1]
        rels = [r for r in ded.relations(goal) if len(r[0]) == 2]
        if rels and dom is not None:
            binary += 1
            want = _status_plain(rels, dom)
            assert ded.status_of(rels, dom) == want
            assert ded.status_of(rels, dom) == want  # from the memo
    assert binary


def _fixpoint_logged(ded, dom, clue_ids):
    """The fixpoint of clues ``clue_ids`` by the logged propagation (None: a conflict)."""
    ded._allowed = set(ded.props_of(clue_ids))
    try:
        ded.propagate(dom, 0, True, sorted(ded._allowed))
    except deducer.Conflict:
        return None
    finally:
        ded._allowed = None
        ded.steps.clear()
    return dom


@pytest.mark.parametrize("variant", ["linear", "circular_mixed", "parallel_rows", "ordering"])
def test_quiet_fixpoint_of_some_clues_matches_logged(variant):
    """``fixpoint`` on a subset of the clues (the others count as queued for good) reaches
    the logged propagation's fixpoint, on the clue sets of real attempts with attributes."""
    fam = registry.get("seating")
    rng = random.Random(f"fixpoint-{variant}")
    seen = 0
    for _ in range(12):
        d = fam.draft(variant, rng.choice((2, 3, 4)), rng, {"attributes": rng.choice((0, 1, 2))})
        if d is None:
            continue
        spec = d.spec
        ded = deducer.Deducer(frame_of(spec), len(spec.attributes), list(spec.clues))
        for _ in range(20):
            ids = sorted(rng.sample(range(len(spec.clues)), rng.randint(0, len(spec.clues))))
            quiet = list(ded.init)
            ok = ded.fixpoint(quiet, ids)
            assert ded._allowed is None and ded._off is None
            assert (quiet if ok else None) == _fixpoint_logged(ded, list(ded.init), ids)
            seen += 1
    assert seen >= 40
