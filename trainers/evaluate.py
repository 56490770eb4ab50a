"""Greedy evaluation of a checkpoint on a split with :func:`verifiers.score` and the rewards.

The project's own evaluator, for machines without lm-eval: the same prompt (the record's
``prompt`` column, chat template applied), greedy decoding, then per family x level:
accuracy, format compliance and the mean reward components.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from verifiers import score
from verifiers.rewards import combined_reward, score_components


def evaluate(
    model: str,
    rows: list[dict],
    max_new_tokens: int = 768,
    batch_size: int = 64,
    rollout: str = "auto",
) -> dict[str, Any]:
    """Greedy scores of ``model`` on ``rows``; ``rollout`` picks the decoder (see
    :func:`trainers.rollout.use_static`: the static-cache generator on CUDA by default)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .data import chat_ids
    from .rollout import complete, use_static

    tok = AutoTokenizer.from_pretrained(model)
    tok.padding_side = "left"
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    lm = AutoModelForCausalLM.from_pretrained(model, dtype=dtype).to(device).eval()
    cells: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    samples = []
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["question"]))
    chunk = 512 if use_static(lm, rollout) else batch_size
    for b in range(0, len(order), chunk):
        batch = [rows[i] for i in order[b : b + chunk]]
        prompts = [
            chat_ids(
                tok.apply_chat_template([dict(m) for m in r["prompt"]], add_generation_prompt=True)
            )
            for r in batch
        ]
        outs = complete(lm, tok, prompts, max_new_tokens, mode=rollout, batch_size=batch_size)
        gens = tok.batch_decode(outs, skip_special_tokens=True)
        for r, g in zip(batch, gens, strict=True):
            s = score(r, g)
            c = score_components(r, g)
            rew = combined_reward(
                None,
                [g],
                **{k: [r[k]] for k in ("answer_json", "spec", "family", "choices", "answer_label")},
            )[0]
            for key in (f"{r['family']}/L{r['level']}", f"{r['family']}/all", "all"):
                for m, v in (
                    ("acc", s["acc"]),
                    ("format", s["format"]),
                    ("cell_acc", s["cell_acc"]),
                    ("reward", rew),
                    ("len_chars", len(g)),
                    *c.items(),
                ):
                    cells[key][m].append(v)
            if len(samples) < 12:
                samples.append(
                    {
                        "id": r["id"],
                        "family": r["family"],
                        "level": r["level"],
                        "completion": g[:1500],
                        "score": s,
                    }
                )
    table = {
        k: {m: round(sum(v) / len(v), 4) for m, v in d.items()} | {"n": len(d["acc"])}
        for k, d in sorted(cells.items())
    }
    return {"model": model, "table": table, "samples": samples}


def markdown(before: dict, after: dict) -> str:
    """A before/after table: accuracy and format per family x level."""
    lines = [
        "| cell | n | acc before | acc after | format before | format after | reward before | reward after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k in before["table"]:
        b, a = before["table"][k], after["table"].get(k, {})
        lines.append(
            f"| {k} | {b['n']} | {b['acc']:.3f} | {a.get('acc', float('nan')):.3f} | {b['format']:.3f} | "
            f"{a.get('format', float('nan')):.3f} | {b['reward']:.3f} | {a.get('reward', float('nan')):.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .config import DataSection
    from .data import load_rows

    p = argparse.ArgumentParser(prog="python -m trainers.evaluate")
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="test")
    p.add_argument("--limit", type=int, help="first N rows")
    p.add_argument("--sample", type=int, help="a seeded random sample of N rows (all families)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--max-new-tokens", type=int, default=768)
    p.add_argument("--rollout", default="auto", choices=["auto", "static", "hf"])
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    rows = list(load_rows(DataSection(path=a.data, split=a.split, limit=a.limit)))
    if a.sample and a.sample < len(rows):
        import random

        rows = random.Random(0).sample(rows, a.sample)
    t0 = time.monotonic()
    res = evaluate(a.model, rows, a.max_new_tokens, a.batch_size, a.rollout)
    res["seconds"] = round(time.monotonic() - t0, 2)
    Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res["table"].get("all")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
