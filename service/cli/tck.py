"""``tablerx tck DIR``: run DMN TCK-format tests and print the pass counts per level.

A thin shell over :mod:`service.tck`: it reads the options, runs the tree, prints
``level N: P/T passed`` lines (and the failures with ``--failures``), and writes the
vendors' CSV or the ratchet file on request. Exit status 0 when the run happened,
whatever its results; 2 for bad usage: a missing directory, an unreadable option file or
an unwritable output file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from service.tck import report, runner

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the ``tck`` command to the ``tablerx`` parser."""
    parser = subparsers.add_parser(
        "tck",
        help="run DMN TCK test cases and report pass counts",
        description=(
            "Run every test case (*-test-*.xml) under DIR, a TCK TestCases tree with "
            "compliance-level-2/3 folders or any folder of TCK-format tests, and print "
            "the pass counts per compliance level."
        ),
    )
    parser.add_argument("dir", metavar="DIR", type=Path, help="TCK tree or test folder")
    parser.add_argument(
        "--folders",
        metavar="FILE",
        type=Path,
        help="run only the folders named in FILE (one a line; # starts a comment line)",
    )
    parser.add_argument(
        "--csv",
        metavar="OUT",
        type=Path,
        help="write the results as CSV: folder, test file, case id, status, detail",
    )
    parser.add_argument(
        "--failures", action="store_true", help="print every failed or errored case"
    )
    parser.add_argument(
        "--notes",
        action="store_true",
        help="print the passing cases with a note (null as expected, but no error reported)",
    )
    parser.add_argument(
        "--skips",
        metavar="FILE",
        type=Path,
        help="cases not to attempt, 'folder/case-id  # reason' per line "
        "(default with --write-passing: skips.txt beside the passing file, if present)",
    )
    parser.add_argument(
        "--write-passing",
        metavar="FILE",
        type=Path,
        help="write the ids of the passing cases to FILE (the ratchet, tests/tck/passing.txt)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=runner.DEFAULT_TIMEOUT,
        help="time limit per case (default %(default)s; 0 for none)",
    )
    parser.add_argument(
        "--slowest", metavar="N", type=int, default=0, help="print the N slowest cases"
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress line on stderr (a terminal)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the TCK tree ``args.dir`` and report; the exit status."""
    if not args.dir.is_dir():
        print(f"tablerx tck: no such directory: {args.dir}", file=sys.stderr)
        return EXIT_USAGE
    try:
        folders = report.read_lines(args.folders) if args.folders else None
        skips = _skips(args)
    except (OSError, ValueError) as exc:
        print(f"tablerx tck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = None if args.quiet or not sys.stderr.isatty() else _progress
    results = runner.run_tree(
        args.dir, folders, skips=skips, timeout=args.timeout or None, progress=progress
    )
    if progress is not None:
        print(file=sys.stderr)
    if not results:
        print(f"tablerx tck: no test cases found under {args.dir}", file=sys.stderr)
    _print_report(args, results)
    try:
        _write_files(args, results)
    except OSError as exc:
        print(f"tablerx tck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _print_report(args: argparse.Namespace, results: list[runner.CaseResult]) -> None:
    lines = report.summary_lines(results)
    if args.failures:
        lines += report.failure_lines(results)
    if args.notes:
        lines += report.note_lines(results)
    if args.slowest:
        lines += report.slowest_lines(results, args.slowest)
    for line in lines:
        print(line)


def _write_files(args: argparse.Namespace, results: list[runner.CaseResult]) -> None:
    if args.csv:
        report.write_csv(results, args.csv)
    if args.write_passing:
        count = report.write_passing(results, args.write_passing)
        print(f"wrote {count} passing cases to {args.write_passing}")


def _skips(args: argparse.Namespace) -> dict[str, str]:
    path: Path | None = args.skips
    if path is None and args.write_passing is not None:
        beside = args.write_passing.parent / "skips.txt"
        path = beside if beside.is_file() else None
    return report.read_skips(path) if path is not None else {}


def _progress(folder: Path) -> None:
    print(f"\r\033[K{folder.name}", end="", file=sys.stderr, flush=True)
