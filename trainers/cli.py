"""``python -m trainers sft|pairs|dpo|grpo|init-model``."""

from __future__ import annotations

import argparse
import sys


def _init_model(args: argparse.Namespace) -> int:
    from .init_model import init_model

    out = init_model(args.out, data=args.data, size=args.size, seed=args.seed)
    print(f"wrote {args.size} model to {out}")
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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
