"""``python -m trainers sft|pairs|dpo|grpo|init-model``."""

from __future__ import annotations

import argparse
import sys


def _init_model(args: argparse.Namespace) -> int:
    from .init_model import init_model

    out = init_model(args.out, data=args.data, size=args.size, seed=args.seed)
    print(f"wrote {args.size} model to {out}")
    return 0


def _train(args: argparse.Namespace) -> int:
    import importlib
    import json

    from .config import check_model, load_run_config

    cfg = load_run_config(args.config, args.set or [], kind=args.command)
    if args.model:
        cfg.model = args.model
    if args.data:
        cfg.data.path = args.data
    if args.out:
        cfg.output_dir = args.out
    if args.resume:
        cfg.resume_from_checkpoint = True if args.resume == "last" else args.resume
    check_model(cfg.model)
    summary = importlib.import_module(f"trainers.{args.command}").run(cfg)
    last = [h for h in summary.get("log_history", []) if "loss" in h or "train_loss" in h]
    print(
        json.dumps(
            {"output_dir": cfg.output_dir, "last_log": last[-1] if last else None}, default=str
        )
    )
    return 0


def _pairs(args: argparse.Namespace) -> int:
    from .config import DataSection, check_model
    from .data import load_rows
    from .pairs import on_policy_pairs, synthetic_pairs, write_jsonl

    rows = list(
        load_rows(
            DataSection(path=args.data, config=args.config_name, split=args.split, limit=args.limit)
        )
    )
    if args.mode == "synthetic":
        pairs = synthetic_pairs(rows, seed=args.seed)
    else:
        if not args.model:
            raise ValueError("pairs --mode on-policy needs --model")
        check_model(args.model)
        pairs = on_policy_pairs(
            rows, args.model, k=args.k, max_new_tokens=args.max_new_tokens, seed=args.seed
        )
    n = write_jsonl(pairs, args.out)
    print(f"wrote {n} {args.mode} pairs from {len(rows)} rows to {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m trainers", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    im = sub.add_parser("init-model", help="create a tiny causal LM and BPE tokenizer from scratch")
    im.add_argument("--data", required=True, help="built dataset folder (tokenizer training text)")
    im.add_argument("--size", default="tiny", choices=["tiny", "demo"])
    im.add_argument("--out", required=True, help="output folder for the model")
    im.add_argument("--seed", type=int, default=0)
    im.set_defaults(func=_init_model)
    for name, help_ in (
        ("sft", "SFT on solution traces (TRL SFTTrainer)"),
        ("dpo", "DPO on preference pairs (TRL DPOTrainer)"),
        ("grpo", "GRPO with verifier rewards and a curriculum (TRL GRPOTrainer)"),
    ):
        t = sub.add_parser(name, help=help_)
        t.add_argument("--config", help="YAML run config (path or a name under trainers/configs/)")
        t.add_argument("--model", help="model path or Hub id (overrides `model:`)")
        t.add_argument("--data", help="data folder / Hub id (overrides `data.path`)")
        t.add_argument("--out", help="output dir (overrides `output_dir`)")
        t.add_argument("--resume", help="checkpoint dir, or 'last'")
        t.add_argument(
            "--set", action="append", metavar="KEY=VALUE", help="override, e.g. train.max_steps=5"
        )
        t.set_defaults(func=_train)
    pp = sub.add_parser("pairs", help="build DPO preference pairs (synthetic or on-policy)")
    pp.add_argument("--mode", choices=["synthetic", "on-policy"], default="synthetic")
    pp.add_argument("--data", required=True)
    pp.add_argument("--config-name", default="all")
    pp.add_argument("--split", default="train")
    pp.add_argument("--limit", type=int)
    pp.add_argument("--model", help="policy for on-policy sampling")
    pp.add_argument("--k", type=int, default=4)
    pp.add_argument("--max-new-tokens", type=int, default=512)
    pp.add_argument("--seed", type=int, default=0)
    pp.add_argument("--out", required=True, help="output .jsonl")
    pp.set_defaults(func=_pairs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
