"""Lifecycle steps in, ``decisions/<model>/releases.json`` events out; records checked
against the published files.

A published version's lifecycle (docs/versions.md)::

    draft --submit--> in review --approve--> approved --retire--> retired
      \\_______________retire_______________/

A version with no record is a draft. ``submit`` records the content hash (sha256 of the
``.dmn`` file) and the hash of its test cases (``.tests.xml``) put up for review, after
the test cases pass; ``approve`` requires that both files still have those hashes, that
the reviewer is not the submitter (names compared normalised) and that the test cases
pass again; ``retire`` takes a version out of service (it stays readable for audit). Each
step appends an event (action, new status, declared name, operating-system login, when,
hashes) to the version's history (:mod:`service.store.release_record` reads and writes the
file, :mod:`service.store.release_history` checks a history).

A version whose files no longer match its record is :data:`ALTERED`: it is never served
as anything else, and :func:`record_problems` (the catalogue's start-up check, ``tablerx
test`` through :func:`verify`) reports it. New version numbers must be MAJOR.MINOR.PATCH
and come after every published one (:func:`check_publishable`).
"""

from __future__ import annotations

import datetime
import getpass
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from service.store import regression
from service.store.release_history import (
    ALTERED,
    APPROVED,
    DRAFT,
    IN_REVIEW,
    RETIRED,
    STATUSES,
    TRANSITIONS,
    Event,
    Release,
    history_problems,
    normal_name,
    same_person,
)
from service.store.release_numbers import check_publishable, next_version, version_problem
from service.store.release_record import (
    RELEASES_FILE,
    ReleaseBook,
    ReleaseError,
    bad_history,
    bad_record,
    effective_status,
    format_book,
    read_book,
    releases_path,
    write_book,
)
from service.store.versions import version_key

__all__ = [
    "ALTERED",
    "APPROVED",
    "DRAFT",
    "IN_REVIEW",
    "RELEASES_FILE",
    "RETIRED",
    "STATUSES",
    "TRANSITIONS",
    "Event",
    "Release",
    "ReleaseBook",
    "ReleaseError",
    "bad_record",
    "check_publishable",
    "effective_status",
    "format_book",
    "next_version",
    "read_book",
    "releases_path",
    "version_problem",
    "write_book",
]

# Every ReleaseError code (documented in docs/versions.md).
CODES = (
    "NOT_PUBLISHED",
    "WRONG_STATUS",
    "HASH_CHANGED",
    "TESTS_CHANGED",
    "SAME_PERSON",
    "NAME_MISSING",
    "TESTS_FAILED",
    "NO_TESTS",
    "BAD_RECORD",
)

Clock = Callable[[], datetime.datetime]
TestRunner = Callable[[Path, str, str], regression.VersionReport]


# --- errors: every message in one place ------------------------------------------------------


def not_published(path: Path) -> ReleaseError:
    return ReleaseError("NOT_PUBLISHED", f"{path} does not exist: compile the workbook first")


def wrong_status(model_id: str, version: str, status: str, action: str) -> ReleaseError:
    allowed = " or ".join(TRANSITIONS[action][0])
    done = {"submit": "submitted", "approve": "approved", "retire": "retired"}[action]
    return ReleaseError(
        "WRONG_STATUS",
        f"{model_id} {version} is {status}; only a version that is {allowed} can be {done}",
    )


def hash_changed(version: str, recorded: str, actual: str) -> ReleaseError:
    return ReleaseError(
        "HASH_CHANGED",
        f"the file of {version} has changed since it was recorded (sha256 {actual[:12]}, "
        f"recorded {recorded[:12]}); published versions are immutable: restore the file, "
        "or publish the change as a new version",
    )


def tests_changed(version: str, path: Path, recorded: str, actual: str) -> ReleaseError:
    now = f"sha256 {actual[:12]}" if actual else "the file is missing"
    return ReleaseError(
        "TESTS_CHANGED",
        f"the test cases of {version} ({path}) have changed since they were submitted ({now}, "
        f"submitted {recorded[:12]}); they are part of what was reviewed: restore the file, "
        "or publish the change as a new version",
    )


def changed_while_testing(version: str) -> ReleaseError:
    return ReleaseError(
        "HASH_CHANGED",
        f"the files of {version} changed while its test cases ran; nothing was recorded",
    )


def same_person_error(version: str, submitter: str, reviewer: str) -> ReleaseError:
    named = submitter if submitter == reviewer else f"{reviewer} (the same name as {submitter})"
    return ReleaseError(
        "SAME_PERSON",
        f"{named} submitted {version} and cannot also approve it (names are compared ignoring "
        "case, punctuation and spacing): a second person must review it",
    )


def no_name(role: str) -> ReleaseError:
    return ReleaseError("NAME_MISSING", f"say who you are: the {role} must be named")


def tests_failed(version: str, summary: str) -> ReleaseError:
    return ReleaseError(
        "TESTS_FAILED",
        f"{version} cannot be approved: its test cases did not pass ({summary}); "
        "run `tablerx test` for the details",
    )


def no_tests(version: str, path: Path) -> ReleaseError:
    return ReleaseError(
        "NO_TESTS",
        f"{version} cannot be approved without test cases: {path} is missing or empty "
        "(add a Tests block to the workbook)",
    )


def clock_behind(path: Path, now: str, last: str) -> ReleaseError:
    return ReleaseError(
        "BAD_RECORD",
        f"{path}: the clock says {now}, earlier than the last recorded step ({last}); "
        "check the system clock: nothing was recorded",
    )


# --- lifecycle steps -------------------------------------------------------------------------


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, hex (the version's content hash)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tests_hash(decisions_dir: Path, model_id: str, version: str) -> str:
    """sha256 of the version's ``.tests.xml``; ``""`` when it does not exist."""
    path = regression.tests_path(decisions_dir, model_id, version)
    return file_hash(path) if path.is_file() else ""


def utc_now() -> datetime.datetime:
    """The current time in UTC (the default clock)."""
    return datetime.datetime.now(datetime.UTC)


def os_login() -> str:
    """The operating-system account running the step ("" when it cannot be told)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container: the record still gets the step
        return ""


def _stamp(clock: Clock) -> str:
    moment = clock().astimezone(datetime.UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class Step:
    """A lifecycle step asked for: which version, by whom, with what note, on which clock."""

    decisions_dir: Path
    model_id: str
    version: str
    by: str
    note: str = ""
    clock: Clock = utc_now
    tests: TestRunner = regression.run_version
    login: Callable[[], str] = os_login


def submit(step: Step) -> Release:
    """Put a draft up for review: its tests must pass; records both files' hashes."""
    return _transition(step, "submit", _check_submit)


def approve(step: Step) -> Release:
    """Approve a version in review: same files as submitted, another person, tests passing."""
    return _transition(step, "approve", _check_approve)


def retire(step: Step) -> Release:
    """Take a version out of service; it stays on disk, readable for audit."""
    return _transition(step, "retire", None)


Check = Callable[[Step, Release | None], str]


def _transition(step: Step, action: str, check: Check | None) -> Release:
    by = " ".join(step.by.split())
    if not normal_name(by):
        raise no_name("reviewer" if action == "approve" else "person")
    path = regression.dmn_path(step.decisions_dir, step.model_id, step.version)
    if not path.is_file():
        raise not_published(path)
    sha256 = file_hash(path)
    tests = tests_hash(step.decisions_dir, step.model_id, step.version)
    book = read_book(step.decisions_dir, step.model_id)
    release = book.releases.get(step.version)
    status = release.status if release is not None else DRAFT
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise wrong_status(step.model_id, step.version, status, action)
    if release is not None and release.hash != sha256:
        raise hash_changed(step.version, release.hash, sha256)
    frozen = release.tests_hash if release is not None else None
    if frozen is not None and tests != frozen:
        where = regression.tests_path(step.decisions_dir, step.model_id, step.version)
        raise tests_changed(step.version, where, frozen, tests)
    summary = check(step, release) if check is not None else ""
    if (file_hash(path), tests_hash(step.decisions_dir, step.model_id, step.version)) != (
        sha256,
        tests,
    ):
        raise changed_while_testing(step.version)
    login = step.login()
    event = Event(action, target, by, _stamp(step.clock), sha256, summary, step.note.strip())
    event = replace(event, tests_hash=tests, login=login)
    _append(book, release or Release(step.version, sha256), event)
    write_book(book)
    return book.releases[step.version]


def _append(book: ReleaseBook, release: Release, event: Event) -> None:
    """Add the event, refusing anything the record could not be read back with."""
    last = release.history[-1].at if release.history else ""
    if last and event.at < last:  # both validated YYYY-MM-DDTHH:MM:SSZ: text order is time order
        raise clock_behind(book.path, event.at, last)
    trial = Release(release.version, release.hash, [*release.history, event])
    problems = history_problems(trial)
    if problems:
        raise bad_history(book.path, problems)
    book.releases[release.version] = trial


def _passing_tests(step: Step) -> str:
    report = step.tests(step.decisions_dir, step.model_id, step.version)
    if report.problem is None and not report.cases:
        raise no_tests(step.version, report.tests_file)
    if not report.ok:
        raise tests_failed(step.version, report.summary)
    return report.summary


def _check_submit(step: Step, release: Release | None) -> str:
    return _passing_tests(step)


def _check_approve(step: Step, release: Release | None) -> str:
    submitted = release.event("submit") if release is not None else None
    if submitted is not None and same_person(submitted.by, step.by):
        raise same_person_error(step.version, submitted.by, " ".join(step.by.split()))
    return _passing_tests(step)


# --- serving and checking --------------------------------------------------------------------


def default_version(
    versions: Sequence[str],
    book: ReleaseBook,
    hashes: dict[str, str] | None = None,
    drafts: bool = False,
    tests: dict[str, str] | None = None,
) -> str | None:
    """The version that answers a request naming none.

    The newest approved version; with ``drafts`` (``tablerx serve --drafts``, for
    development) the newest version that is not retired. ``versions`` may be in any order;
    ``hashes`` (version -> sha256 of its file) and ``tests`` (version -> sha256 of its test
    cases, "" when missing), when given, exclude altered versions; when one of the versions
    is altered there is no default at all, so that no other version answers in its stead
    (the catalogue refuses to start then, :func:`record_problems`).
    """
    ordered = sorted(versions, key=version_key, reverse=True)
    statuses = {v: book.status(v, (hashes or {}).get(v), (tests or {}).get(v)) for v in ordered}
    if ALTERED in statuses.values():
        return None
    wanted = (DRAFT, IN_REVIEW, APPROVED) if drafts else (APPROVED,)
    return next((v for v in ordered if statuses[v] in wanted), None)


def record_problems(decisions_dir: Path, book: ReleaseBook, strict: bool = False) -> list[str]:
    """Every recorded version whose files do not match its record, as messages.

    The ``.dmn`` must exist with the recorded hash; the test cases, when the record froze
    them, must exist with the frozen hash. With ``strict`` (``tablerx test``), a version
    that was submitted under a record that predates frozen test cases must still have some.
    """
    problems: list[str] = []
    ordered = sorted(book.releases.items(), key=lambda item: version_key(item[0]))
    for version, release in ordered:
        path = regression.dmn_path(decisions_dir, book.model_id, version)
        tests_file = regression.tests_path(decisions_dir, book.model_id, version)
        title = f"{book.model_id} {version} ({release.status})"
        if not path.is_file():
            problems.append(f"{book.path}: {version} is {release.status} but {path} is missing")
            continue
        actual = file_hash(path)
        if actual != release.hash:
            problems.append(
                f"{title} is altered: {path} has sha256 {actual[:12]}, its record "
                f"{release.hash[:12]}: a published file was changed; restore it, or publish "
                "the change as a new version"
            )
        frozen = release.tests_hash
        tests = file_hash(tests_file) if tests_file.is_file() else ""
        if frozen is not None and tests != frozen:
            now = f"has sha256 {tests[:12]}" if tests else "is missing"
            problems.append(
                f"{title} is altered: its test cases {tests_file} {now}, the record froze "
                f"{frozen[:12]} at submission: published test cases were changed; restore them"
            )
        elif frozen is None and strict and not tests and release.event("submit") is not None:
            problems.append(f"{title} has no test cases: {tests_file} is missing")
    return problems


def verify(decisions_dir: Path) -> list[str]:
    """Every inconsistency between the records and the published files, as messages:
    a record must be readable and sound (:func:`read_book`) and match its files
    (:func:`record_problems`, strict)."""
    problems: list[str] = []
    models = sorted(
        {model for model, _ in regression.published(decisions_dir)}
        | set(_recorded_models(decisions_dir))
    )
    for model_id in models:
        try:
            book = read_book(decisions_dir, model_id)
        except ReleaseError as exc:
            problems += exc.problems
            continue
        problems += record_problems(decisions_dir, book, strict=True)
    return problems


def _recorded_models(decisions_dir: Path) -> Iterable[str]:
    if decisions_dir.is_dir():
        for path in decisions_dir.glob(f"*/{RELEASES_FILE}"):
            yield path.parent.name
