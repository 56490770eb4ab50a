"""`python -m generators` / `logic-suite`: build, sample, validate, stats."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from verifiers.cli_errors import OneLineParser, fail, nonnegative_int, one_of, positive_int
from verifiers.record import DEFAULT_OUT

from . import registry
from .config import CONFIG_DIR, ConfigError, load_config
from .jobs import EngineError
from .outdir import BusyError, incomplete
from .push import PushError
from .shards import DataError, data_files


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog=_prog(), description="Z3-proven logic puzzle datasets.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ready = ", ".join(sorted(x.stem for x in CONFIG_DIR.glob("*.yaml")))
    b = sub.add_parser("build", help="build a dataset folder in Hub layout")
    b.add_argument(
        "--config", help=f"YAML path or ready name ({ready}); default: the embedded default"
    )
    b.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=f"output folder or fsspec URL such as s3://bucket/suite (default {DEFAULT_OUT})",
    )
    b.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="parallel shard jobs (default: all cores)",
    )
    b.add_argument("--seed", type=nonnegative_int, default=None, help="override the config's seed")
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
    b.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar (or log lines)"
    )
    b.add_argument(
        "--push-to-hub",
        metavar="ORG/NAME",
        default=None,
        help="after the build, push the folder to this Hub dataset repo (see `push`)",
    )
    s = sub.add_parser("sample", help="print N puzzles")
    s.add_argument("-n", type=positive_int, default=3, help="puzzles to print (default 3)")
    s.add_argument(
        "--family",
        default="truth_teller",
        help=f"one of {', '.join(registry.names())} (default truth_teller)",
    )
    s.add_argument(
        "--config",
        default=None,
        help=f"YAML path or ready name ({ready}) whose settings are used; default: the embedded default",
    )
    s.add_argument("--seed", type=nonnegative_int, default=None, help="override the config's seed")
    s.add_argument("--start", type=nonnegative_int, default=0, help="first item index (default 0)")
    s.add_argument("--mcq", action="store_true", help="show the MCQ prompt and answer letter")
    v = sub.add_parser("validate", help="re-prove every record of a built folder with Z3")
    v.add_argument("path", help="built dataset folder (with data/ inside)")
    v.add_argument(
        "--workers", type=positive_int, default=None, help="parallel files (default: all cores)"
    )
    v.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar (or log lines)"
    )
    pu = sub.add_parser("push", help="publish a built folder to the Hugging Face Hub, tagged")
    pu.add_argument("path", help="built dataset folder")
    pu.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="Hub dataset repo")
    pu.add_argument("--private", action="store_true", help="create the repo as private")
    pu.add_argument("--revision", default=None, metavar="BRANCH", help="branch (default main)")
    pu.add_argument("--tag", default=None, help="release tag (default v<version>-<config digest>)")
    cu = sub.add_parser("curriculum", help="export the train split ordered easy to hard")
    cu.add_argument("path", help="built dataset folder (with data/ inside)")
    cu.add_argument(
        "--out",
        default=None,
        help="parquet file to write (default PATH/curriculum/train-00000-of-00001.parquet)",
    )
    st = sub.add_parser("stats", help="counts and difficulty distribution of a built folder")
    st.add_argument("path", help="built dataset folder (with data/ inside)")
    st.add_argument("--json", default=None, metavar="FILE", help="also write the stats as JSON")
    return p


def _prog() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name == "logic-suite" else "python -m generators"


def _dataset_dir(path: str, complete: bool = True) -> Path:
    """A built folder with data files; ``complete``: also refuse one marked incomplete."""
    p = Path(path)
    if not (p / "data").is_dir():
        raise UsageError(
            f"{path}: not a built dataset folder (no data/ inside); run `python -m generators build --out {path}` first"
        )
    if complete and incomplete(p):
        raise UsageError(incomplete(p))
    if not data_files(p):
        raise UsageError(
            f"{path}/data: no parquet data files; rebuild with `python -m generators build --out {path}`"
        )
    return p


def _out_file(path: str, flag: str) -> Path:
    """An output file whose folder exists (checked before any work or output)."""
    p = Path(path)
    if not p.resolve().parent.is_dir():
        raise UsageError(
            f"{flag} {path}: folder {p.resolve().parent} does not exist; create it first"
        )
    if p.is_dir():
        raise UsageError(f"{flag} {path}: is a folder; give a file name")
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

    if incomplete(Path(a.path)):
        raise UsageError(incomplete(Path(a.path)))
    r = push(Path(a.path), a.repo_id, private=a.private, revision=a.revision, tag=a.tag)
    print(r.summary())
    return 0


def cmd_sample(a: argparse.Namespace) -> int:
    if registry.find(a.family) is None:
        raise UsageError(f"--family: {one_of('family', a.family, registry.names())}")
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

    path = _dataset_dir(a.path, complete=False)  # an incomplete folder is a reported problem
    problems, n = validate(path, a.workers, progress=not a.no_progress)
    for p in problems[:50]:
        print(p)
    print(f"validated {n} records: {len(problems)} problems")
    return 1 if problems else 0


def cmd_curriculum(a: argparse.Namespace) -> int:
    from .curriculum import export

    root = _dataset_dir(a.path)
    out = _out_file(a.out, "--out") if a.out else None
    path, n = export(root, out)
    print(f"wrote {n} train rows, easy to hard, to {path}")
    return 0


def cmd_stats(a: argparse.Namespace) -> int:
    from .stats import compute, format_stats

    path = _dataset_dir(a.path)
    out = _out_file(a.json, "--json") if a.json else None
    st = compute(path)
    print(format_stats(st))
    if a.json:
        import json

        out.write_text(json.dumps(st, indent=2, sort_keys=True))
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
    except (ConfigError, UsageError, DataError, BusyError) as e:
        return fail(str(e))
    except (PushError, EngineError) as e:
        return fail(str(e), e.exit_code)
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
