"""One line of JSON for a short A/B SFT run: its step rate after step 1 (the [sft] stamps of its
log; the end stamp includes saving, ~1 s) and what sft_data.json says of its data."""

import json
import re
import sys
from pathlib import Path

tag, res, run = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
log = (res / f"ab_{tag}.log").read_text()
t1 = float(re.search(r"\+([\d.]+)s step 1 done", log)[1])
t2 = float(re.search(r"\+([\d.]+)s trained and saved", log)[1])
hist = json.loads((run / "sft_summary.json").read_text())
steps = max(h.get("step", 0) for h in hist)
data = json.loads((run / "sft_data.json").read_text()) if (run / "sft_data.json").exists() else {}
keys = ("workers", "puzzles_per_s", "data_wait_s", "real_tokens_per_s", "train_runtime_s")
row = {"tag": tag, "steps": steps, "step1_s": t1, "end_s": t2}
row["steps_per_s_after_step1"] = round((steps - 1) / (t2 - t1), 3)
print(json.dumps({**row, **{k: data.get(k) for k in keys}}))
