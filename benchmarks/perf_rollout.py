"""Rollout speed: :class:`trainers.rollout.StaticGenerator` against HF ``generate``, one GPU.

Both decode the same batch of chat prompts (validation rows of a built folder) greedily, up to
``--max-new`` tokens, with the model in bf16; each arm runs once untimed (warm-up, graph
capture), then the runs alternate (hf, static, static_full, hf, ...) so that machine noise
cancels, and the GPU is synchronised around each. Reported: seconds and
generated tokens per second of each, their ratio, and how many completions are identical token
for token (bf16 sums can tip a near-tie, so a few may differ on GPU; the CPU test in
tests/test_rollout.py checks exact equality in float64). Target: >= 5x HF ``generate``.
A third arm, ``static_full``, decodes without retiring finished rows (every row to the end of
the longest completion), which measures what retiring saves; ``row_steps`` counts both.

    python benchmarks/perf_rollout.py --model DIR --data DIR [--out results/perf_rollout.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

TARGET_RATIO = 5.0


def main(argv: list[str] | None = None) -> int:
    import datasets
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from trainers.rollout import StaticGenerator, hf_generate

    p = argparse.ArgumentParser(prog="python benchmarks/perf_rollout.py")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--max-new", type=int, default=512)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/perf_rollout.json"))
    a = p.parse_args(argv)
    tok = AutoTokenizer.from_pretrained(a.model)
    cuda = torch.cuda.is_available()  # the CPU runs it too (a smoke test, not the measure)
    lm = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.bfloat16)
    lm = (lm.cuda() if cuda else lm).eval()
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    rows = datasets.load_dataset(a.data, "all", split="validation").select(range(a.batch))
    prompts = [
        list(tok.apply_chat_template(r["prompt"], add_generation_prompt=True)["input_ids"])
        for r in rows
    ]
    gen = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id)
    full = StaticGenerator(lm, tok.eos_token_id, tok.pad_token_id, shrink=False)

    def hf():
        return hf_generate(lm, prompts, a.max_new, tok.pad_token_id, do_sample=False)

    def static():
        return gen.generate(prompts, a.max_new)

    def static_full():
        return full.generate(prompts, a.max_new)

    t0 = time.perf_counter()
    static()  # graph capture, outside the clock
    capture_s = time.perf_counter() - t0
    static_full()
    hf()  # CUDA / cuBLAS warm-up of HF's path, outside the clock too (session 18: the first
    # HF run took 31.9 s, the second 5.4 s, and a median of two counted half of that warm-up)
    arms = (("hf", hf), ("static", static), ("static_full", static_full))
    times: dict[str, list[float]] = {k: [] for k, _ in arms}
    outs: dict[str, list] = {}
    steps0 = {"static": gen.stats["row_steps"], "static_full": full.stats["row_steps"]}
    for _ in range(a.reps):
        for name, fn in arms:
            sync()
            t = time.perf_counter()
            outs[name] = fn()
            sync()
            times[name].append(time.perf_counter() - t)
    toks = {k: sum(len(x) for x in v) for k, v in outs.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    same = sum(x == y for x, y in zip(outs["hf"], outs["static"], strict=True))
    res = {
        "device": torch.cuda.get_device_name() if cuda else "cpu",
        "model_parameters": lm.num_parameters(),
        "batch": a.batch,
        "max_new_tokens": a.max_new,
        "prompt_tokens_mean": round(sum(map(len, prompts)) / len(prompts), 1),
        "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "generated_tokens": toks,
        "tokens_per_s": {k: round(toks[k] / med[k]) for k in med},
        "ratio": round(med["hf"] / med["static"], 2),
        "retire_ratio": round(med["static_full"] / med["static"], 2),
        "row_steps_per_call": {
            "static": (gen.stats["row_steps"] - steps0["static"]) // a.reps,
            "static_full": (full.stats["row_steps"] - steps0["static_full"]) // a.reps,
        },
        "identical_completions": f"{same}/{len(prompts)}",
        "static_equals_static_full": outs["static"] == outs["static_full"],
        "static_vs_static_full_identical": (
            f"{sum(x == y for x, y in zip(outs['static'], outs['static_full'], strict=True))}"
            f"/{len(prompts)}"
        ),
        "graph_capture_s": round(capture_s, 2),
        "target_ratio": TARGET_RATIO,
    }
    res["ok"] = res["ratio"] >= TARGET_RATIO
    print(f"{'decoder':11} {'median s':>9} {'tokens':>8} {'tokens/s':>10}")
    for k, _ in arms:
        print(f"{k:11} {med[k]:>9.3f} {toks[k]:>8} {res['tokens_per_s'][k]:>10,}")
    print(
        f"ratio {res['ratio']}x, retiring {res['retire_ratio']}x, "
        f"identical {res['identical_completions']}"
    )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
