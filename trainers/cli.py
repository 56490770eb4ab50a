"""``python -m trainers sft|pairs|dpo|grpo|init-model``."""

from __future__ import annotations

import argparse

from verifiers.cli_errors import NETWORK, CliError, OneLineParser, fail, positive_int


def _init_model(args: argparse.Namespace) -> int:
    from .init_model import init_model

    out = init_model(args.out, data=args.data, size=args.size, seed=args.seed)
    print(f"wrote {args.size} model to {out}")
    return 0


def _train(args: argparse.Namespace) -> int:
    import importlib
    import json

    from .config import check_data, check_model, load_run_config

    cfg = load_run_config(args.config, args.set or [], kind=args.command)
    if args.model:
        cfg.model = args.model
    if args.data:
        cfg.data.path = args.data
    if args.out:
        cfg.output_dir = args.out
    if args.resume:
        cfg.resume_from_checkpoint = True if args.resume == "last" else args.resume
    if getattr(args, "stream", None):
        cfg.stream.enabled, cfg.stream.config = True, args.stream
    check_model(cfg.model)
    if not cfg.stream.enabled:
        check_data(cfg.data.path)
    summary = importlib.import_module(f"trainers.{args.command}").run(cfg)
    last = [h for h in summary.get("log_history", []) if "loss" in h or "train_loss" in h]
    print(
        json.dumps(
            {"output_dir": cfg.output_dir, "last_log": last[-1] if last else None}, default=str
        )
    )
    return 0


def _pairs(args: argparse.Namespace) -> int:
    from .config import DataSection, check_data, check_model
    from .data import load_rows
    from .pairs import on_policy_pairs, synthetic_pairs, write_jsonl

    if args.mode == "on-policy" and not args.model:
        raise ValueError("pairs --mode on-policy needs --model PATH_OR_HUB_ID")
    check_data(args.data)
    rows = list(
        load_rows(
            DataSection(path=args.data, config=args.config_name, split=args.split, limit=args.limit)
        )
    )
    if args.mode == "synthetic":
        pairs = synthetic_pairs(rows, seed=args.seed)
    else:
        check_model(args.model)
        pairs = on_policy_pairs(
            rows,
            args.model,
            k=args.k,
            max_new_tokens=args.max_new_tokens,
            batch_size=args.batch_size,
            seed=args.seed,
        )
    n = write_jsonl(pairs, args.out)
    print(f"wrote {n} {args.mode} pairs from {len(rows)} rows to {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="python -m trainers", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    im = sub.add_parser("init-model", help="create a tiny causal LM and BPE tokenizer from scratch")
    im.add_argument("--data", required=True, help="built dataset folder (tokenizer training text)")
    im.add_argument(
        "--size", default="tiny", choices=["tiny", "demo"], help="model size (default tiny)"
    )
    im.add_argument("--out", required=True, help="output folder for the model")
    im.add_argument("--seed", type=int, default=0, help="weight and tokenizer seed (default 0)")
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
        if name == "sft":
            t.add_argument(
                "--stream",
                metavar="GEN_CONFIG",
                help="train on puzzles generated on the fly from this generator config "
                "(a ready name such as default, or a suite YAML), each seen once",
            )
        t.set_defaults(func=_train)
    pp = sub.add_parser("pairs", help="build DPO preference pairs (synthetic or on-policy)")
    pp.add_argument(
        "--mode",
        choices=["synthetic", "on-policy"],
        default="synthetic",
        help="synthetic: corrupted gold answers as rejected; on-policy: sampled from --model",
    )
    pp.add_argument("--data", required=True, help="built dataset folder or Hub id")
    pp.add_argument(
        "--config-name", default="all", help="dataset config: a family or all (default all)"
    )
    pp.add_argument("--split", default="train", help="split to read (default train)")
    pp.add_argument("--limit", type=positive_int, help="first N rows only (default: all)")
    pp.add_argument("--model", help="policy for on-policy sampling (path or Hub id)")
    pp.add_argument(
        "--k", type=positive_int, default=4, help="on-policy samples per prompt (default 4)"
    )
    pp.add_argument(
        "--max-new-tokens",
        type=positive_int,
        default=512,
        help="on-policy generation budget (default 512)",
    )
    pp.add_argument(
        "--batch-size",
        type=positive_int,
        default=16,
        help="on-policy prompts per decoding batch, each sampled k times (default 16; ~128 on a GPU)",
    )
    pp.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    pp.add_argument("--out", required=True, help="output .jsonl")
    pp.set_defaults(func=_pairs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as e:
        return fail(str(e), e.exit_code)
    except (ValueError, FileNotFoundError) as e:
        return fail(str(e))
    except OSError as e:
        if _network(e):
            return fail(
                f"the Hub could not be reached ({_first_line(e)}); check the network, "
                "or pass a local folder for --model / --data",
                NETWORK,
            )
        raise


_NETWORK = (
    "ConnectionError",
    "ConnectError",
    "ConnectTimeout",
    "ReadTimeout",
    "Timeout",
    "LocalEntryNotFoundError",
    "OfflineModeIsEnabled",
)


def _network(e: BaseException | None) -> bool:
    """Whether ``e`` (or what caused it) is a failure to reach the Hub."""
    seen = 0
    while e is not None and seen < 8:
        if type(e).__name__ in _NETWORK or "couldn't connect" in str(e):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


def _first_line(e: BaseException) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]
