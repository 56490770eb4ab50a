"""`python -m generators` / `logic-suite`: build, sample, validate, stats."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from verifiers.record import DEFAULT_OUT

from .config import ConfigError, load_config
from .engines import EngineError
from .push import PushError


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m generators", description="Z3-proven logic puzzle datasets."
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a dataset folder in Hub layout")
    b.add_argument(
        "--config", help="YAML path or ready name (default, tiny, large); default: embedded default"
    )
    b.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=f"output folder or fsspec URL such as s3://bucket/suite (default {DEFAULT_OUT})",
    )
    b.add_argument(
        "--workers", type=int, default=None, help="parallel shard jobs (default: all cores)"
    )
    b.add_argument("--seed", type=int, default=None, help="override the config's seed")
    b.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="run shard jobs as local processes or as Ray tasks (needs logic-suite[ray])",
    )
    b.add_argument(
        "--address",
        default=None,
        help="with --engine ray: local (start one, the default), auto, HOST:PORT or ray://HOST:PORT",
    )
    b.add_argument(
        "--format",
        choices=["parquet", "jsonl"],
        default="parquet",
        help="jsonl also writes JSONL beside the parquet",
    )
    b.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    b.add_argument(
        "--push-to-hub",
        metavar="ORG/NAME",
        default=None,
        help="after the build, push the folder to this Hub dataset repo (see `push`)",
    )
    s = sub.add_parser("sample", help="print N puzzles")
    s.add_argument("-n", type=int, default=3)
    s.add_argument("--family", default="truth_teller")
    s.add_argument("--config", default=None)
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--start", type=int, default=0, help="first item index")
    s.add_argument("--mcq", action="store_true", help="show the MCQ prompt")
    v = sub.add_parser("validate", help="re-prove every record of a built folder with Z3")
    v.add_argument("path")
    v.add_argument("--workers", type=int, default=None)
    pu = sub.add_parser("push", help="publish a built folder to the Hugging Face Hub, tagged")
    pu.add_argument("path", help="built dataset folder")
    pu.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="Hub dataset repo")
    pu.add_argument("--private", action="store_true", help="create the repo as private")
    pu.add_argument("--revision", default=None, metavar="BRANCH", help="branch (default main)")
    pu.add_argument("--tag", default=None, help="release tag (default v<version>-<config digest>)")
    cu = sub.add_parser("curriculum", help="export the train split ordered easy to hard")
    cu.add_argument("path")
    cu.add_argument(
        "--out",
        default=None,
        help="parquet file to write (default PATH/curriculum/train-00000-of-00001.parquet)",
    )
    st = sub.add_parser("stats", help="counts and difficulty distribution of a built folder")
    st.add_argument("path")
    st.add_argument("--json", default=None, help="also write the stats as JSON")
    return p


def _dataset_dir(path: str) -> Path:
    p = Path(path)
    if not (p / "data").is_dir():
        raise UsageError(
            f"{path}: not a built dataset folder (no data/ inside); run `python -m generators build --out {path}` first"
        )
    return p


def cmd_build(a: argparse.Namespace) -> int:
    from .build import build, format_summary

    cfg = load_config(a.config)
    if a.seed is not None:
        cfg = cfg.model_copy(update={"seed": a.seed})
    if a.workers is not None and a.workers < 1:
        raise UsageError("--workers must be at least 1")
    if a.out == DEFAULT_OUT:
        Path(DEFAULT_OUT).parent.mkdir(parents=True, exist_ok=True)  # the default works anywhere
    if a.push_to_hub:  # fail before a long build, not after it
        from .push import check_repo_id, resolve_token

        if "://" in a.out:
            raise UsageError(
                "--push-to-hub needs a local --out folder; build into one, or copy the URL's "
                "folder down and run `push` on it"
            )

        check_repo_id(a.push_to_hub)
        resolve_token()
    s = build(
        cfg,
        a.out,
        a.workers,
        a.format == "jsonl",
        progress=not a.no_progress,
        engine=a.engine,
        address=a.address,
    )
    print(format_summary(s))
    if a.push_to_hub:
        from .push import push

        print(push(Path(a.out), a.push_to_hub).summary())
    return 0


def cmd_push(a: argparse.Namespace) -> int:
    from .push import push

    r = push(Path(a.path), a.repo_id, private=a.private, revision=a.revision, tag=a.tag)
    print(r.summary())
    return 0


def cmd_sample(a: argparse.Namespace) -> int:
    from verifiers.prompt import mcq_text

    from . import generate

    puzzles = generate(a.family, a.config, a.seed)
    shown = 0
    i = a.start
    while shown < a.n:
        try:
            r = puzzles[i]
        except LookupError:
            i += 1
            continue
        print(f"=== {r.family}/{r.variant} level {r.level}  id {r.id}")
        print(mcq_text(r.question, r.choices) if a.mcq else r.question)
        print(f"\n--- answer: {r.answer_label if a.mcq else r.answer}")
        print(f"--- solution:\n{r.solution}\n")
        shown += 1
        i += 1
    return 0


def cmd_validate(a: argparse.Namespace) -> int:
    from .validate import validate

    path = _dataset_dir(a.path)
    problems, n = validate(path, a.workers)
    for p in problems[:50]:
        print(p)
    print(f"validated {n} records: {len(problems)} problems")
    return 1 if problems else 0


def cmd_curriculum(a: argparse.Namespace) -> int:
    from .curriculum import export

    path, n = export(_dataset_dir(a.path), Path(a.out) if a.out else None)
    print(f"wrote {n} train rows, easy to hard, to {path}")
    return 0


def cmd_stats(a: argparse.Namespace) -> int:
    from .stats import compute, format_stats

    path = _dataset_dir(a.path)
    st = compute(path)
    print(format_stats(st))
    if a.json:
        import json

        Path(a.json).write_text(json.dumps(st, indent=2, sort_keys=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {
            "build": cmd_build,
            "sample": cmd_sample,
            "validate": cmd_validate,
            "stats": cmd_stats,
            "curriculum": cmd_curriculum,
            "push": cmd_push,
        }[args.cmd](args)
    except (ConfigError, UsageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (PushError, EngineError) as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted: finished shards are kept; rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
