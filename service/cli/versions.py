"""``tablerx submit | approve | retire | diff | test | versions``: the release lifecycle.

A thin shell over :mod:`service.store.releases` (the record in ``decisions/<model>/
releases.json``), :mod:`service.store.diff_report` and :mod:`service.store.regression`;
docs/versions.md describes the lifecycle. Exit status: 0 done (tests passed, step
recorded), 1 refused or failed (the reason on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from service.store import boundaries, coverage, diff_markdown, diff_report, regression, releases
from service.store.versions import version_key

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
REPO_ROOT = Path(__file__).resolve().parents[2]
RESTART_NOTE = (
    "note: a running `tablerx serve` reads releases.json only when it starts: restart it "
    "to serve this change"
)


def decisions_dir(args: argparse.Namespace) -> Path:
    """``--decisions``, else ``TABLERX_DECISIONS``, else the checkout's (or cwd's) decisions/."""
    if getattr(args, "decisions", None):
        return Path(args.decisions)
    if os.environ.get("TABLERX_DECISIONS"):
        return Path(os.environ["TABLERX_DECISIONS"])
    root = REPO_ROOT if (REPO_ROOT / "decisions").is_dir() else Path.cwd()
    return root / "decisions"


def _fail(command: str, message: str) -> int:
    print(f"tablerx {command}: {message}", file=sys.stderr)
    return EXIT_FAILED


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decisions",
        metavar="DIR",
        help="the published models (default: decisions/ of the checkout, or TABLERX_DECISIONS)",
    )


def _version_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL", help="model id, e.g. gastric-her2-later-lines")
    parser.add_argument("version", metavar="VERSION", help="a published version, e.g. 0.2.0")
    _common(parser)


def register(subparsers: Any) -> None:
    """Add the lifecycle, diff and regression commands to the ``tablerx`` parser."""
    submit = subparsers.add_parser(
        "submit",
        help="put a draft version up for review (its tests must pass)",
        description="Record that VERSION of MODEL is submitted for review, with its content "
        "hash, in decisions/MODEL/releases.json. Its test cases must pass.",
    )
    _version_args(submit)
    submit.add_argument("--by", required=True, metavar="NAME", help="who submits it")
    submit.add_argument("--note", default="", help="a note for the reviewer")
    submit.set_defaults(handler=lambda a: _step(a, "submit", releases.submit, a.by))

    approve = subparsers.add_parser(
        "approve",
        help="approve a version in review (another person; tests must pass)",
        description="Record the approval of VERSION of MODEL. It must be in review, unchanged "
        "since it was submitted, approved by someone other than its submitter, "
        "and its test cases must pass. The service then answers with it by default.",
    )
    _version_args(approve)
    approve.add_argument("--reviewer", required=True, metavar="NAME", help="who approves it")
    approve.add_argument("--note", default="", help="the review's conclusion")
    approve.set_defaults(handler=lambda a: _step(a, "approve", releases.approve, a.reviewer))

    retire = subparsers.add_parser(
        "retire",
        help="take a version out of service (it stays readable for audit)",
        description="Record that VERSION of MODEL is retired: the service no longer answers "
        "with it unless a request names it; its file stays for audit.",
    )
    _version_args(retire)
    retire.add_argument("--by", required=True, metavar="NAME", help="who retires it")
    retire.add_argument("--reason", default="", help="why")
    retire.set_defaults(handler=lambda a: _step(a, "retire", releases.retire, a.by, a.reason))

    _register_diff(subparsers)
    _register_test(subparsers)

    listing = subparsers.add_parser(
        "versions",
        help="list published versions with their status and hash",
        description="List every published version (of MODEL, or of every model) with its "
        "release status, content hash and latest lifecycle step; a version whose files "
        "no longer match its release record is shown as altered, with what changed.",
    )
    listing.add_argument("model", metavar="MODEL", nargs="?", help="only this model")
    _common(listing)
    listing.set_defaults(handler=list_versions)


def _register_diff(subparsers: Any) -> None:
    diff = subparsers.add_parser(
        "diff",
        help="what changed between two versions, and whom it affects",
        description="Compare two published versions of MODEL: the changes in inputs, hit "
        "policies, columns and rules (cell by cell), then every input set "
        "(both versions' test cases and generated boundary cases) whose answer "
        "differs, with both answers and the rules responsible.",
    )
    diff.add_argument("model", metavar="MODEL", help="model id")
    diff.add_argument("old", metavar="V1", help="the version to compare from")
    diff.add_argument("new", metavar="V2", help="the version to compare to")
    diff.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    diff.add_argument("--output", "-o", metavar="FILE", type=Path, help="write to FILE")
    diff.add_argument(
        "--rows",
        type=int,
        default=diff_markdown.DEFAULT_ROWS,
        metavar="N",
        help="input sets shown per group in Markdown (default %(default)s)",
    )
    diff.add_argument(
        "--max-cases",
        type=int,
        default=boundaries.DEFAULT_LIMIT,
        metavar="N",
        help="about how many input sets to run (default %(default)s)",
    )
    diff.add_argument(
        "--exit-code",
        action="store_true",
        help="exit with 1 when some input set is answered differently",
    )
    _common(diff)
    diff.set_defaults(handler=run_diff)


def _register_test(subparsers: Any) -> None:
    test = subparsers.add_parser(
        "test",
        help="run the published versions' own test cases",
        description="Run the test cases (decisions/MODEL/VERSION.tests.xml) of every published "
        "version, or of MODEL, or of one VERSION, and check the release records "
        "against the files. Failures are listed per case with expected and actual "
        "values. With --coverage, also list every rule of every decision table "
        "and knowledge model, whether some case matched it, and the rules no "
        "case matches. Exit status 1 when a case fails, a version cannot run or "
        "a record does not match its file, and with --coverage also when some "
        "rule is matched by no case.",
    )
    test.add_argument("model", metavar="MODEL", nargs="?", help="only this model")
    test.add_argument("version", metavar="VERSION", nargs="?", help="only this version")
    test.add_argument("--verbose", "-v", action="store_true", help="list passing cases too")
    test.add_argument(
        "--coverage",
        action="store_true",
        help="report which rules the test cases match; fail when one is never matched",
    )
    _common(test)
    test.set_defaults(handler=run_tests)


# --- handlers --------------------------------------------------------------------------------


def _step(args: argparse.Namespace, command: str, action: Any, by: str, note: str = "") -> int:
    step = releases.Step(
        decisions_dir(args), args.model, args.version, by, note or getattr(args, "note", "")
    )
    try:
        release = action(step)
    except releases.ReleaseError as exc:
        return _fail(command, f"{exc.message} [{exc.code}]")
    event = release.history[-1]
    login = f" (login {event.login})" if event.login else ""
    print(
        f"{args.model} {args.version} is now {release.status} "
        f"({event.action} by {event.by}{login} at {event.at}, sha256 {event.hash[:12]}"
        + (f", tests {event.tests}" if event.tests else "")
        + ")"
    )
    print(
        f"record: {releases.releases_path(step.decisions_dir, args.model)} "
        "(commit it with the change)"
    )
    print(RESTART_NOTE)
    if command == "approve":
        _warn_if_same_login(release)
    if command == "retire":
        _warn_if_unserved(step.decisions_dir, args.model)
    return EXIT_OK


def _warn_if_same_login(release: releases.Release) -> None:
    submitted, approved = release.event("submit"), release.history[-1]
    if submitted is not None and submitted.login and submitted.login == approved.login:
        print(
            f"warning: submitted and approved from the same login ({approved.login}); names "
            "are declared, not checked: approve from your own account",
            file=sys.stderr,
        )


def _warn_if_unserved(root: Path, model_id: str) -> None:
    versions = [v for _, v in regression.published(root, model_id)]
    book = releases.read_book(root, model_id)
    if releases.default_version(versions, book) is None:
        print(
            f"warning: {model_id} has no approved version left: requests that name no "
            "version will be refused",
            file=sys.stderr,
        )


def run_diff(args: argparse.Namespace) -> int:
    """``tablerx diff MODEL V1 V2``."""
    try:
        diff = diff_report.diff_published(
            decisions_dir(args), args.model, args.old, args.new, limit=args.max_cases
        )
    except (FileNotFoundError, releases.ReleaseError) as exc:
        return _fail("diff", getattr(exc, "message", None) or str(exc))
    except Exception as exc:  # a version that does not load: say which and why
        return _fail("diff", f"cannot load the versions: {str(exc).splitlines()[0]}")
    text = (
        diff_report.dumps(diff_report.to_json(diff))
        if args.json
        else diff_markdown.to_markdown(diff, rows=args.rows)
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    differs = bool(diff.behaviour.differences)
    return EXIT_FAILED if args.exit_code and differs else EXIT_OK


def run_tests(args: argparse.Namespace) -> int:
    """``tablerx test [MODEL [VERSION]] [--coverage]``."""
    root = decisions_dir(args)
    reports = regression.run_all(root, args.model, args.version, with_coverage=args.coverage)
    if not reports:
        if args.model:
            what = f"{args.model} {args.version}" if args.version else args.model
            return _fail("test", f"nothing published as {what} under {root}")
        print(f"no published versions under {root}")
        return EXIT_OK
    altered = _altered(root, reports)
    for report in reports:
        text = regression.format_reports([report], verbose=args.verbose)
        if (report.model_id, report.version) in altered and text.startswith("ok  "):
            text = "FAIL" + text.removeprefix("ok  ") + " (altered: see the record problems)"
        print(text)
    uncovered = _print_coverage(reports) if args.coverage else 0
    problems = releases.verify(root)
    for problem in problems:
        print(f"FAIL record: {problem}")
    failed = sum(1 for r in reports if not r.ok or (r.model_id, r.version) in altered)
    print(
        f"{len(reports) - failed}/{len(reports)} versions passed"
        + (f", {len(problems)} record problems" if problems else "")
        + (f", {uncovered} rules matched by no test case" if uncovered else "")
    )
    return EXIT_FAILED if failed or problems or uncovered else EXIT_OK


def _altered(root: Path, reports: list[regression.VersionReport]) -> set[tuple[str, str]]:
    """The (model, version) of the reports whose files differ from their release record."""
    found: set[tuple[str, str]] = set()
    for model_id in sorted({report.model_id for report in reports}):
        try:
            book = releases.read_book(root, model_id)
        except releases.ReleaseError:
            continue  # reported by releases.verify
        for version in book.releases:
            path = regression.dmn_path(root, model_id, version)
            status = book.status(
                version,
                releases.file_hash(path) if path.is_file() else "",
                releases.tests_hash(root, model_id, version),
            )
            if status == releases.ALTERED:
                found.add((model_id, version))
    return found


def _print_coverage(reports: list[regression.VersionReport]) -> int:
    """Print each version's rule coverage; the number of rules no case matched."""
    uncovered = 0
    for report in reports:
        if report.coverage is None:  # the version could not run: already reported
            continue
        title = f"{report.model_id} {report.version}"
        print(coverage.format_coverage(title, report.coverage))
        uncovered += len(report.coverage.unmatched)
    return uncovered


def list_versions(args: argparse.Namespace) -> int:
    """``tablerx versions [MODEL]``: every published (or recorded) version with its status;
    an altered version (its files differ from its record) says so and how."""
    root = decisions_dir(args)
    found = regression.published(root, args.model)
    models = sorted({m for m, _ in found} | ({args.model} if args.model else set()))
    books: dict[str, releases.ReleaseBook] = {}
    for model_id in models:
        try:
            books[model_id] = releases.read_book(root, model_id)
        except releases.ReleaseError as exc:
            return _fail("versions", "\n  ".join(exc.problems))
    if not found and not (args.model and books[args.model].releases):
        if args.model:
            return _fail("versions", f"nothing published as {args.model} under {root}")
        return EXIT_OK
    for model_id, book in books.items():
        hashes, tests = _print_model(root, book, [v for m, v in found if m == model_id])
        default = releases.default_version(list(hashes), book, hashes, tests=tests)
        altered = releases.record_problems(root, book)
        if altered:
            print(
                f"{model_id}: no default version: {len(altered)} altered; the service will not "
                "start until the published files are restored"
            )
        else:
            print(f"{model_id}: default version {default or '(none approved)'}")
    return EXIT_OK


def _print_model(
    root: Path, book: releases.ReleaseBook, versions: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Print one line per version (published or recorded); the hashes of the published
    files and of their test cases ("" when missing)."""
    hashes: dict[str, str] = {}
    test_hashes: dict[str, str] = {}
    for version in sorted(set(versions) | set(book.releases), key=version_key):
        release = book.releases.get(version)
        last = release.history[-1] if release and release.history else None
        step = f"{last.action} by {last.by} at {last.at}" if last else ""
        if release is not None and version not in versions:
            status = f"{releases.ALTERED} (its file is missing; recorded {release.status})"
            print(f"{book.model_id}  {version}  {status}  -  {step}".rstrip())
            continue
        sha256 = releases.file_hash(regression.dmn_path(root, book.model_id, version))
        hashes[version] = sha256
        tests = test_hashes[version] = releases.tests_hash(root, book.model_id, version)
        status = book.status(version, sha256, tests)
        if status == releases.ALTERED and release is not None:
            what = "file" if sha256 != release.hash else "test cases"
            status += f" (its {what} changed; recorded {release.status})"
        elif release is not None and release.tests_hash is None and release.event("submit"):
            step += " (test cases not frozen: recorded before tablerx kept their hash)"
        print(f"{book.model_id}  {version}  {status}  {sha256[:12]}  {step}".rstrip())
    return hashes, test_hashes
