"""``tablerx compile|check|new|export``: workbooks to DMN and back, with cell-precise diagnostics.

A thin shell over :mod:`service.sheets`. ``compile`` writes ``<out>/<model-id>/<version>.dmn``
(and ``.tests.xml``) for each clean workbook, ``<out>`` by default the decisions folder every
other command reads (:func:`service.cli.versions.decisions_dir`), unless that version is
already published with other content (:func:`service.store.releases.check_publishable`:
published versions never change; the same workbook saved under another file name is the
same content, :func:`service.sheets.compiler.adopt_published`); ``check`` only reports
(and with ``--annotate`` writes a copy of the workbook with the faulty cells marked); ``new``
writes a starter workbook; ``export`` turns a DMN file into a workbook. Diagnostics go to
stderr, one per problem, every problem of every workbook in one run. Exit status: 0 clean (warnings
allowed), 1 when any workbook has an error, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from service.cli.versions import decisions_dir
from service.sheets import diagnostics as diag
from service.sheets.annotate import AnnotateError, annotate
from service.sheets.compiler import Compilation, adopt_published, compile_workbook, write_outputs
from service.sheets.diagnostics import format_diagnostic
from service.store.releases import check_publishable

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the ``compile``, ``check``, ``new`` and ``export`` commands."""
    compile_parser = subparsers.add_parser(
        "compile",
        help="compile workbooks to DMN 1.5 files",
        description="Compile each WORKBOOK (or every .xlsx of a folder) to "
        "OUT/<model-id>/<version>.dmn "
        "and its Tests sheet to OUT/<model-id>/<version>.tests.xml. Nothing is written for a "
        "workbook with errors. OUT defaults to the decisions folder that versions, diff, test "
        "and serve read, wherever the command runs from.",
    )
    compile_parser.add_argument("workbooks", metavar="WORKBOOK", nargs="+", type=Path)
    compile_parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=None,
        help="where the DMN files go (default: the decisions folder the other commands read: "
        "TABLERX_DECISIONS, else decisions/ of the checkout, else ./decisions)",
    )
    compile_parser.set_defaults(handler=run_compile)

    check_parser = subparsers.add_parser(
        "check",
        help="report every problem in workbooks without writing DMN",
        description="Check each WORKBOOK and print every problem with its cell.",
    )
    check_parser.add_argument("workbooks", metavar="WORKBOOK", nargs="+", type=Path)
    check_parser.add_argument(
        "--annotate",
        metavar="OUT.xlsx",
        type=Path,
        help="write a copy of the (single) workbook with faulty cells marked",
    )
    check_parser.set_defaults(handler=run_check)

    new_parser = subparsers.add_parser(
        "new",
        help="write a starter workbook that explains itself",
        description="Write a workbook with one sheet of every kind, explained in the sheets.",
    )
    new_parser.add_argument("workbook", metavar="WORKBOOK", type=Path)
    new_parser.add_argument("--force", action="store_true", help="overwrite WORKBOOK if it exists")
    new_parser.set_defaults(handler=run_new)

    export_parser = subparsers.add_parser(
        "export",
        help="turn a DMN file into a workbook",
        description="Write MODEL.dmn (from tablerx or another DMN tool) as a workbook.",
    )
    export_parser.add_argument("model", metavar="MODEL.dmn", type=Path)
    export_parser.add_argument("workbook", metavar="WORKBOOK", type=Path)
    export_parser.add_argument(
        "--force", action="store_true", help="overwrite WORKBOOK if it exists"
    )
    export_parser.set_defaults(handler=run_export)


def expand(paths: list[Path]) -> list[Path]:
    """The workbooks named, with each folder replaced by the .xlsx files in it (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".~lock")))
            )
        else:
            found.append(path)
    return found


def _report(results: list[Compilation]) -> int:
    errors = warnings = 0
    for result in results:
        for item in result.diagnostics:
            print(format_diagnostic(item), file=sys.stderr)
            errors += item.is_error
            warnings += not item.is_error
    noun = "workbook" if len(results) == 1 else "workbooks"
    print(
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {len(results)} {noun}",
        file=sys.stderr,
    )
    return EXIT_ERRORS if errors else EXIT_OK


def run_compile(args: argparse.Namespace) -> int:
    """Compile every workbook; write the DMN of the clean ones."""
    workbooks = expand(args.workbooks)
    if not workbooks:
        print("tablerx compile: no .xlsx workbook found", file=sys.stderr)
        return EXIT_USAGE
    out: Path = args.out or decisions_dir(args)
    results = [compile_workbook(path) for path in workbooks]
    _conflicts(results, out)
    for result in results:
        adopt_published(result, out)
        _refuse_changed_version(result, out)
    status = _report(results)
    for result in results:
        if result.ok and result.dmn is not None:
            dmn_path, tests_path = result.output_paths(out)
            same = {
                p
                for p, data in ((dmn_path, result.dmn), (tests_path, result.tests))
                if _holds(p, data)
            }
            for written in write_outputs(result, out):
                print(f"{'unchanged' if written in same else 'wrote'} {written}")
    return status


def _holds(path: Path, data: bytes | None) -> bool:
    """True when ``path`` already holds exactly ``data``."""
    return data is not None and path.is_file() and path.read_bytes() == data


def _conflicts(results: list[Compilation], out: Path) -> None:
    """Two workbooks compiling to the same model version: both are refused."""
    owners: dict[Path, Compilation] = {}
    for result in results:
        if result.dmn is None:
            continue
        target = result.output_paths(out)[0]
        if target in owners:
            first = owners[target]
            for one, other in ((result, first), (first, result)):
                one.diagnostics.append(
                    diag.model_conflict(str(one.path), str(other.path), str(target))
                )
                one.dmn = None
        else:
            owners[target] = result


def _refuse_changed_version(result: Compilation, out: Path) -> None:
    """A published version never changes: other content under its number is refused."""
    if result.dmn is None:
        return
    tests = result.tests
    if tests is None and result.output_paths(out)[1].exists():
        tests = b""  # dropping a published version's test cases changes it too
    message = check_publishable(out, result.model_id, result.version, result.dmn, tests)
    if message is not None:
        result.diagnostics.append(
            diag.version_published(result.version_where, message).in_file(str(result.path))
        )
        result.dmn = result.tests = None


def run_check(args: argparse.Namespace) -> int:
    """Report every problem; optionally write an annotated copy of a single workbook."""
    workbooks = expand(args.workbooks)
    if args.annotate is not None and len(workbooks) != 1:
        print("tablerx check: --annotate needs exactly one workbook", file=sys.stderr)
        return EXIT_USAGE
    if not workbooks:
        print("tablerx check: no .xlsx workbook found", file=sys.stderr)
        return EXIT_USAGE
    results = [compile_workbook(path) for path in workbooks]
    status = _report(results)
    if args.annotate is not None:
        result = results[0]
        if result.workbook is None:
            print(
                f"tablerx check: no annotated copy: {workbooks[0]} could not be read",
                file=sys.stderr,
            )
            return EXIT_ERRORS
        try:
            marked = annotate(workbooks[0], result.diagnostics, args.annotate)
        except AnnotateError as exc:
            print(f"tablerx check: {exc}", file=sys.stderr)
            return EXIT_ERRORS
        print(f"wrote {args.annotate} ({marked} cell{'s' * (marked != 1)} marked)")
    return status


def run_new(args: argparse.Namespace) -> int:
    """Write the starter workbook."""
    from service.sheets.starter import write_starter

    if args.workbook.exists() and not args.force:
        print(f"tablerx new: {args.workbook} exists (use --force to overwrite)", file=sys.stderr)
        return EXIT_USAGE
    try:
        write_starter(args.workbook)
    except OSError as exc:
        print(f"tablerx new: cannot write {args.workbook}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERRORS
    print(f"wrote {args.workbook}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """Write a DMN model as a workbook."""
    from service.sheets.export import ExportError, export_model

    if args.workbook.exists() and not args.force:
        print(f"tablerx export: {args.workbook} exists (use --force to overwrite)", file=sys.stderr)
        return EXIT_USAGE
    try:
        notes = export_model(args.model, args.workbook)
    except ExportError as exc:
        print(f"{args.model}: error {exc.code}: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except Exception as exc:  # a tablerx bug: a message, not a traceback
        print(
            f"{args.model}: error INTERNAL_ERROR: the export failed: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    for note in notes:
        print(format_diagnostic(note.in_file(str(args.model))), file=sys.stderr)
    print(f"wrote {args.workbook}")
    return EXIT_OK
