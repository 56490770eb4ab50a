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
