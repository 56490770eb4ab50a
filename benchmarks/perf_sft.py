"""SFT throughput of ``trainers sft`` recipes on one GPU: tokens per second of optimizer steps.

Each recipe is a run config (a name under trainers/configs/) plus overrides, built with
``trainers.sft.build_trainer`` on a built split and trained for ``--warmup`` + ``--steps``
steps; the clock covers the last ``--steps`` only (after torch.compile's first graphs), with the
GPU synchronised at both ends. Tokens are the rows' tokens (batch x max_length); for packed rows
the real (non-padding) tokens are reported too. Default recipes:

- ``shipped``: trainers/configs/sft_demo.yaml as it was (TRL "wrapped" packing, no compile);
- ``fast``: trainers/configs/sft_fast_demo.yaml with ``data.pack`` (the stream's row path).

Target: >= 750k tokens/s for the demo model (~33M) on one H100/H200.

    python benchmarks/perf_sft.py --model DIR --data DIR [--out results/perf_sft.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

TARGET = 750_000
RECIPES = {
    "shipped": ("sft_demo", []),
    "fast": ("sft_fast_demo", ["data.pack=true", "stream.enabled=false"]),
}


def _clock(marks: list[float], sync):
    from transformers import TrainerCallback

    class Clock(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            sync()
            marks.append(time.perf_counter())

    return Clock()


def bench(name: str, model: str, data: str, out: str, warmup: int, steps: int) -> dict:
    import torch

    from trainers.config import load_run_config
    from trainers.sft import build_trainer

    config, extra = RECIPES[name]
    cfg = load_run_config(
        config,
        [
            *extra,
            f"train.max_steps={warmup + steps}",
            "train.logging_steps=1000000",
            "stop_after_s=null",
        ],
    )
    cfg.model, cfg.data.path, cfg.output_dir = model, data, out
    trainer = build_trainer(cfg)
    marks: list[float] = []
    trainer.add_callback(_clock(marks, torch.cuda.synchronize))
    trainer.train()
    dt = marks[-1] - marks[warmup - 1]
    a = trainer.args
    row_tokens = a.per_device_train_batch_size * a.gradient_accumulation_steps * a.max_length
    res = {
        "recipe": name,
        "config": config,
        "overrides": extra,
        "batch_rows": a.per_device_train_batch_size,
        "max_length": a.max_length,
        "torch_compile": a.torch_compile,
        "bf16": a.bf16,
        "steps_timed": steps,
        "seconds": round(dt, 3),
        "tokens_per_s": round(row_tokens * steps / dt),
        "startup_and_warmup_s": round(marks[warmup - 1] - marks[0], 2),
    }
    src = trainer.data_source
    if src is not None:
        res["real_token_fill"] = round(src.stats.tokens / max(1, src.stats.rows * a.max_length), 4)
        res["real_tokens_per_s"] = round(res["tokens_per_s"] * res["real_token_fill"])
    del trainer
    torch.cuda.empty_cache()
    return res


def stream_rate(model: str, seconds: float, workers: int, max_length: int = 4096) -> dict:
    """What the puzzle stream alone delivers in ``seconds`` (after its workers start): unique
    puzzles and real tokens per second, i.e. the SFT speed the CPU cores can feed."""
    from trainers.stream import PuzzleStream

    s = PuzzleStream(
        model, max_length, config="default", seed=1_000_003, workers=workers, spare_cores=0
    )
    rows = s.rows()
    next(rows)  # workers up and producing
    n0, t0, tok0 = s.stats.unique_puzzles, time.perf_counter(), s.stats.tokens
    while time.perf_counter() - t0 < seconds:
        next(rows)
    dt = time.perf_counter() - t0
    st = s.stats.summary()
    s.close()
    return {
        "workers": workers,
        "seconds": round(dt, 2),
        "puzzles_per_s": round((s.stats.unique_puzzles - n0) / dt, 1),
        "real_tokens_per_s": round((s.stats.tokens - tok0) / dt),
        "stream": st,
    }


def main(argv: list[str] | None = None) -> int:
    import torch

    p = argparse.ArgumentParser(prog="python benchmarks/perf_sft.py")
    p.add_argument("--model", required=True, help="init-model folder (the demo model)")
    p.add_argument("--data", required=True, help="built dataset folder")
    p.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=list(RECIPES))
    p.add_argument("--warmup", type=int, default=15)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--work", default="/tmp/perf_sft")
    p.add_argument("--stream-seconds", type=float, default=0, help="also time the puzzle stream")
    p.add_argument("--stream-workers", type=int, default=(os.cpu_count() or 2) - 1)
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/perf_sft.json"))
    a = p.parse_args(argv)
    cases = [bench(r, a.model, a.data, f"{a.work}/{r}", a.warmup, a.steps) for r in a.recipes]
    print(f"{'recipe':10} {'rows x len':>12} {'compile':>8} {'tokens/s':>12} {'real tok/s':>12}")
    for c in cases:
        print(
            f"{c['recipe']:10} {c['batch_rows']:>5} x {c['max_length']:<5} {c['torch_compile']!s:>8} "
            f"{c['tokens_per_s']:>12,} {c.get('real_tokens_per_s', c['tokens_per_s']):>12,}"
        )
    fast = next((c for c in cases if c["recipe"] == "fast"), None)
    meta = {
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "model_parameters": _params(a.model),
        "order": "one run of each recipe, in the order listed (not alternated: each fast "
        "run pays a torch.compile warm-up)",
    }
    if a.stream_seconds:
        meta["stream"] = stream_rate(a.model, a.stream_seconds, a.stream_workers)
        print("stream:", json.dumps({k: v for k, v in meta["stream"].items() if k != "stream"}))
    result = {
        "meta": meta,
        "target_tokens_per_s": TARGET,
        "cases": cases,
        "ok": bool(fast and fast["tokens_per_s"] >= TARGET),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1))
    print(json.dumps({"ok": result["ok"], "out": str(a.out)}))
    return 0


def _params(model: str) -> int | None:
    f = Path(model) / "logic_suite_init.json"
    return json.loads(f.read_text()).get("parameters") if f.exists() else None


if __name__ == "__main__":
    raise SystemExit(main())
