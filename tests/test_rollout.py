"""The static-KV-cache rollout generator against HF ``generate`` on a real tiny Qwen3 model (CPU)."""

from __future__ import annotations

import datasets
import pytest
import torch

from trainers import rollout
from trainers.rollout import StaticGenerator, hf_generate, supports


@pytest.fixture(scope="module")
def lm_and_prompts(tiny_model, tiny_dataset):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    lm = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float64).eval()
    rows = datasets.load_dataset(str(tiny_dataset), "all", split="train").select(range(6))
    prompts = [
        list(tok.apply_chat_template(r["prompt"], add_generation_prompt=True)["input_ids"])
        for r in rows
    ]
    # different lengths, so left padding differs from row to row
    prompts = [p[: 40 + 13 * i] for i, p in enumerate(prompts)]
    return lm, tok, prompts


def test_greedy_matches_hf_generate_token_for_token(lm_and_prompts, monkeypatch):
    lm, tok, prompts = lm_and_prompts
    assert supports(lm)
    ref = hf_generate(lm, prompts, 24, tok.pad_token_id, do_sample=False)
    gen = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id, use_graphs=False)
    got = gen.generate(prompts, 24)
    assert got == ref
    assert len({len(p) for p in prompts}) == len(prompts) and all(len(r) == 24 for r in ref)
    # a second call reuses the buffers and gives the same tokens, also with the prompt pass
    # run in slices of rows
    monkeypatch.setattr(rollout, "_PREFILL_ROWS", 4)
    assert gen.generate(prompts, 24) == ref


def test_each_row_ends_at_its_first_eos(lm_and_prompts):
    lm, tok, prompts = lm_and_prompts
    gen = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id, use_graphs=False)
    torch.manual_seed(1)
    free = gen.generate(prompts, 12, temperature=3.0)
    # declare a token first sampled mid-way as the end of sequence; the same seed gives the
    # same samples, so every row must now stop right after its first occurrence of it
    first = [(j, r[j]) for r in free for j in range(2, len(r)) if r[j] not in r[:j]]
    assert first
    at, stop = first[0]
    stopper = StaticGenerator(lm, [tok.eos_token_id, stop], tok.pad_token_id, use_graphs=False)
    torch.manual_seed(1)
    got = stopper.generate(prompts, 12, temperature=3.0)
    for r, g in zip(free, got, strict=True):
        k = next((j for j, x in enumerate(r) if x == stop), None)
        assert g == (r[: k + 1] if k is not None else r)
    assert min(len(g) for g in got) <= at + 1 < 12


def test_finished_rows_retire_to_a_smaller_batch_with_the_same_tokens(lm_and_prompts):
    """Once at most half of the rows are still decoding, the live rows' caches move to a
    smaller state and decoding goes on there: the same greedy tokens as without retiring,
    in fewer row-steps."""
    lm, tok, prompts = lm_and_prompts
    plain = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id, use_graphs=False, shrink=False)
    free = plain.generate(prompts, 24)
    # end four rows at their first token; the others (whose first tokens differ) go on
    late = {r[0] for r in free[4:]}
    stops = sorted({r[0] for r in free[:4]} - late)
    eos = [tok.eos_token_id, *stops]
    ref = StaticGenerator(lm, eos, tok.pad_token_id, use_graphs=False, shrink=False)
    want = ref.generate(prompts, 24, check_every=2)
    gen = StaticGenerator(lm, eos, tok.pad_token_id, use_graphs=False)
    got = gen.generate(prompts, 24, check_every=2)
    assert got == want
    assert gen.stats["shrinks"] >= 1 and gen.stats["row_steps"] < ref.stats["row_steps"]
    ended = sum(len(r) == 1 for r in got)
    assert ended >= len(prompts) // 2 and max(len(r) for r in got) > 4  # decoded past a move
    # the live rows' caches moved whole: each row of the smallest state (the rows still
    # decoding at the last move; there may have been more than one) holds what one row of
    # the full batch holds
    live = [i for i, r in enumerate(got) if len(r) > 1]
    small = min(gen.states.values(), key=lambda st: st.batch)
    full = max(ref.states.values(), key=lambda st: st.batch)
    assert small.batch <= len(live) < full.batch and int(small.pos) == int(full.pos)
    upto = int(full.pos)
    pairs = list(zip(small.keys + small.values, full.keys + full.values, strict=True))

    def same_row(j: int, i: int) -> bool:
        return all(torch.allclose(a[j, :, :upto], b[i, :, :upto]) for a, b in pairs)

    rows = [[i for i in live if same_row(j, i)] for j in range(small.batch)]
    assert all(len(r) == 1 for r in rows) and len({r[0] for r in rows}) == small.batch
    assert gen.generate(prompts, 24, check_every=2) == want  # the smaller state is reused


def test_sampling_per_row_temperature(lm_and_prompts):
    lm, tok, prompts = lm_and_prompts
    gen = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id, use_graphs=False)
    greedy = gen.generate(prompts, 16)
    # a near-zero temperature samples the argmax; temperature 0 is greedy; mixed in one batch
    cold = gen.generate(prompts, 16, temperature=[0.0, 1e-6] * 3)
    assert cold == greedy
    torch.manual_seed(0)
    hot = gen.generate(prompts, 16, temperature=5.0)
    assert hot != greedy and all(0 <= t < len(tok) for r in hot for t in r)
    with pytest.raises(ValueError, match="one per prompt"):
        gen.generate(prompts, 4, temperature=[1.0])
