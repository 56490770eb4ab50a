"""``python -m benchmarks``: write-tasks, tasks-path, report, curve, quality."""

from __future__ import annotations

import sys
from pathlib import Path

from verifiers.cli_errors import OneLineParser, fail, positive_int


def parser() -> OneLineParser:
    """The command line of ``python -m benchmarks``."""
    parser = OneLineParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write-tasks", help="(re)generate the lm-eval task folder from suite.yaml")
    w.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder (default: `python -m benchmarks tasks-path`, the source tree's or the installed one)",
    )
    w.add_argument(
        "--k", type=positive_int, default=None, help="samples per puzzle for logic_suite_sampled"
    )
    w.add_argument(
        "--max-gen-toks", type=positive_int, default=None, help="generation budget of every task"
    )
    w.add_argument("--check", action="store_true", help="exit 1 if the folder is out of date")
    sub.add_parser("tasks-path", help="print the folder to pass to lm_eval --include_path")
    r = sub.add_parser("report", help="table, Markdown and PNG chart from lm-eval results JSON")
    r.add_argument("results", nargs="+", type=Path, help="RESULTS.json [AFTER.json]")
    r.add_argument(
        "--out", type=Path, default=None, help="output stem (default: next to the first file)"
    )
    r.add_argument(
        "--labels", nargs="*", default=None, help="names of the runs (default: model names)"
    )
    c = sub.add_parser("curve", help="GRPO reward curve: table, CSV and PNG from grpo_summary.json")
    c.add_argument(
        "summary", type=Path, help="grpo_summary.json written by `python -m trainers grpo`"
    )
    c.add_argument("--out", type=Path, default=None, help="output stem (default: reward_curve)")
    q = sub.add_parser("quality", help="rates of writing defects in a built dataset (issue 14)")
    q.add_argument("root", type=Path, help="a built dataset folder (e.g. dist/logic_suite)")
    q.add_argument("--json", type=Path, default=None, help="also write the result as JSON here")
    q.add_argument("--limit", type=positive_int, default=None, help="scan at most this many rows")
    q.add_argument("--check", action="store_true", help="exit 1 if a class is above its ceiling")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)

    if args.cmd == "curve":
        from .reward_curve import CurveError, write_curve

        try:
            print(write_curve(args.summary, args.out))
        except CurveError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        return 0

    if args.cmd == "quality":
        from .quality import QualityError
        from .quality import main as quality

        try:
            return quality(args.root, args.json, args.limit, args.check)
        except QualityError as err:
            return fail(str(err))

    if args.cmd == "tasks-path":
        from . import tasks_path

        try:
            print(tasks_path())
        except FileNotFoundError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        return 0

    if args.cmd == "write-tasks":
        from . import tasks_path
        from .write_tasks import load_suite, stale, write

        suite = load_suite()
        if args.k is not None:
            if args.k < 1:
                print("error: --k must be at least 1", file=sys.stderr)
                return 2
            suite["sampling"]["k"] = args.k
        if args.max_gen_toks is not None:
            suite["max_gen_toks"] = args.max_gen_toks
        try:
            out = args.out or tasks_path()  # a non-editable install: lm_eval/tasks/logic_suite
        except FileNotFoundError as err:
            return fail(str(err))
        if args.check:
            bad = stale(out, suite)
            if bad:
                print(
                    f"stale task files in {out}: {', '.join(bad)}; run `python -m benchmarks write-tasks`"
                )
                return 1
            print(f"{out}: up to date")
            return 0
        paths = write(out, suite)
        print(f"wrote {len(paths)} files to {out}")
        return 0

    from .report import ReportError, report

    if len(args.results) > 2:
        print("error: report takes one or two results files (before, after)", file=sys.stderr)
        return 2
    try:
        report(args.results, out=args.out, labels=args.labels)
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
