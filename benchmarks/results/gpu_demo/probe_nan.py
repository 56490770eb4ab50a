"""Probe: do left-padded sampling batches give NaN/inf logits on the GPU? (GRPO crash diagnosis)

Runs the forward pass that ``generate`` runs first (a left-padded batch of chat prompts) under
several attention implementations and dtypes, and prints, for each, how many rows have
non-finite logits at the last position (the one that is sampled from). Each line also says
whether the NaN rows are exactly the rows with padding.
"""

import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from trainers.config import DataSection
from trainers.data import load_rows

model_dir, data = sys.argv[1], sys.argv[2]
tok = AutoTokenizer.from_pretrained(model_dir)
rows = list(load_rows(DataSection(path=data, split="train", limit=64)))
texts = [
    tok.apply_chat_template(r["prompt"], tokenize=False, add_generation_prompt=True) for r in rows
]
tok.padding_side = "left"
enc = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False).to("cuda")
padded = (enc["attention_mask"] == 0).any(1)
print("batch", tuple(enc["input_ids"].shape), "rows with padding", int(padded.sum()))
out = {}
for attn in ("sdpa", "eager"):
    for mode in ("fp32", "bf16-autocast", "bf16-weights"):
        dtype = torch.bfloat16 if mode == "bf16-weights" else torch.float32
        lm = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype, attn_implementation=attn)
        lm = lm.to("cuda").eval()
        with (
            torch.no_grad(),
            torch.autocast("cuda", torch.bfloat16, enabled=mode == "bf16-autocast"),
        ):
            logits = lm(**enc).logits.float()
        bad_last = ~torch.isfinite(logits[:, -1]).all(-1)
        bad_any = ~torch.isfinite(logits).flatten(1).all(-1)
        key = f"{attn}/{mode}"
        out[key] = {
            "rows_nonfinite_last_pos": int(bad_last.sum()),
            "rows_nonfinite_any_pos": int(bad_any.sum()),
            "nonfinite_rows_are_padded_rows": bool((bad_any == padded).all())
            if bad_any.any()
            else None,
            "max_abs_logit": float(logits[torch.isfinite(logits)].abs().max()),
        }
        print(key, json.dumps(out[key]), flush=True)
        del lm
print(json.dumps(out))
