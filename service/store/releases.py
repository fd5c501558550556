"""``decisions/<model>/releases.json`` in and out: who moved which version, by which hash, when.

A published version's lifecycle (docs/versions.md)::

    draft --submit--> in review --approve--> approved --retire--> retired
      \\_______________retire_______________/

A version with no record is a draft. ``submit`` records the content hash (sha256 of the
``.dmn`` file) put up for review; ``approve`` requires that the file still has that hash,
that the reviewer is not the submitter, and that the version's own test cases exist and
pass; ``retire`` takes a version out of service (it stays readable for audit). Each step
appends an event (action, new status, who, when, hash) to the version's history.

The file is meant to be reviewed and committed like code, so it is written
deterministically: versions oldest first, keys in a fixed order, two-space indentation,
a final newline. A record whose hash no longer matches its file makes the version a draft
again (:func:`effective_status`) and is reported by :func:`verify`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.store import regression
from service.store.versions import version_key

RELEASES_FILE = "releases.json"
DRAFT, IN_REVIEW, APPROVED, RETIRED = "draft", "in review", "approved", "retired"
STATUSES = (DRAFT, IN_REVIEW, APPROVED, RETIRED)
# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((DRAFT,), IN_REVIEW),
    "approve": ((IN_REVIEW,), APPROVED),
    "retire": ((DRAFT, IN_REVIEW, APPROVED), RETIRED),
}

# Every ReleaseError code (documented in docs/versions.md).
CODES = (
    "NOT_PUBLISHED",
    "WRONG_STATUS",
    "HASH_CHANGED",
    "SAME_PERSON",
    "NAME_MISSING",
    "TESTS_FAILED",
    "NO_TESTS",
    "BAD_RECORD",
)

Clock = Callable[[], datetime.datetime]
TestRunner = Callable[[Path, str, str], regression.VersionReport]


# --- errors: every message in one place ------------------------------------------------------


class ReleaseError(Exception):
    """A lifecycle step that cannot be taken, or a record that cannot be read."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
        f"the file of {version} has changed since it was submitted (sha256 {actual[:12]}, "
        f"submitted {recorded[:12]}); published versions are immutable: restore the file, "
        "or publish the change as a new version",
    )


def same_person(version: str, name: str) -> ReleaseError:
    return ReleaseError(
        "SAME_PERSON",
        f"{name} submitted {version} and cannot also approve it: a second person must review it",
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


def bad_record(path: Path, reason: str) -> ReleaseError:
    return ReleaseError("BAD_RECORD", f"{path}: {reason}")


def immutable(path: Path, old: str, new: str, suggestion: str) -> str:
    """The message refusing to overwrite a published file with different content."""
    return (
        f"{path} is already published with different content (sha256 {old[:12]}, new "
        f"{new[:12]}); a published version never changes: give the workbook a new version "
        f"number (e.g. {suggestion}) and compile again"
    )


# --- the record ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """One lifecycle step: what was done, the status it led to, who, when, which hash."""

    action: str
    status: str
    by: str
    at: str  # ISO 8601 UTC, seconds
    hash: str  # sha256 of the .dmn file at that moment
    tests: str = ""  # the test summary the step relied on
    note: str = ""


@dataclass(slots=True)
class Release:
    """One version's record: the hash put up for review and its history, oldest first."""

    version: str
    hash: str
    history: list[Event] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The status the latest event led to."""
        return self.history[-1].status if self.history else DRAFT

    def event(self, action: str) -> Event | None:
        """The latest event of this kind, or None."""
        return next((e for e in reversed(self.history) if e.action == action), None)


@dataclass(slots=True)
class ReleaseBook:
    """The records of one model's versions (``releases.json``), by version."""

    model_id: str
    path: Path
    releases: dict[str, Release] = field(default_factory=dict)

    def status(self, version: str, sha256: str | None = None) -> str:
        """The version's status; a draft when it has no record or ``sha256`` differs."""
        return effective_status(self.releases.get(version), sha256)


def effective_status(release: Release | None, sha256: str | None) -> str:
    """The recorded status, unless the file no longer has the recorded hash (then draft)."""
    if release is None:
        return DRAFT
    if sha256 is not None and sha256 != release.hash:
        return DRAFT
    return release.status


def releases_path(decisions_dir: Path, model_id: str) -> Path:
    """``decisions/<model>/releases.json``."""
    return decisions_dir / model_id / RELEASES_FILE


def read_book(decisions_dir: Path, model_id: str) -> ReleaseBook:
    """The model's record; empty when the file does not exist. Raises ReleaseError."""
    path = releases_path(decisions_dir, model_id)
    book = ReleaseBook(model_id, path)
    if not path.is_file():
        return book
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_record(path, f"cannot be read: {exc}") from None
    if not isinstance(data, dict) or data.get("model") != model_id:
        raise bad_record(path, f'expected an object with "model": "{model_id}"')
    for item in data.get("versions") or []:
        release = _release(path, item)
        book.releases[release.version] = release
    return book


def _release(path: Path, item: Any) -> Release:
    try:
        history = [Event(**event) for event in item["history"]]
        release = Release(str(item["version"]), str(item["hash"]), history)
    except (KeyError, TypeError) as exc:
        raise bad_record(path, f"a version entry is malformed ({exc})") from None
    for event in history:
        if event.status not in STATUSES or event.action not in TRANSITIONS:
            raise bad_record(path, f"{release.version}: unknown step {event.action!r}")
    if item.get("status", release.status) != release.status:
        raise bad_record(
            path,
            f"{release.version}: status {item.get('status')!r} disagrees with its history "
            f"({release.status!r})",
        )
    return release


def format_book(book: ReleaseBook) -> str:
    """The record as deterministic JSON text (ends with a newline)."""
    versions = []
    for version in sorted(book.releases, key=version_key):
        release = book.releases[version]
        versions.append(
            {
                "version": release.version,
                "status": release.status,
                "hash": release.hash,
                "history": [_event_json(event) for event in release.history],
            }
        )
    body = {"model": book.model_id, "versions": versions}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _event_json(event: Event) -> dict[str, str]:
    data = {
        "action": event.action,
        "status": event.status,
        "by": event.by,
        "at": event.at,
        "hash": event.hash,
        "tests": event.tests,
        "note": event.note,
    }
    return {key: value for key, value in data.items() if value or key in ("by", "at", "hash")}


def write_book(book: ReleaseBook) -> None:
    """Write the record atomically (a reader never sees half a file)."""
    book.path.parent.mkdir(parents=True, exist_ok=True)
    text = format_book(book)
    handle, temp = tempfile.mkstemp(dir=book.path.parent, prefix=".releases.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, book.path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- lifecycle steps -------------------------------------------------------------------------


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, hex (the version's content hash)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def utc_now() -> datetime.datetime:
    """The current time in UTC (the default clock)."""
    return datetime.datetime.now(datetime.UTC)


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


def submit(step: Step) -> Release:
    """Put a draft up for review: its tests must pass; records the hash under review."""
    return _transition(step, "submit", _check_submit)


def approve(step: Step) -> Release:
    """Approve a version in review: same hash as submitted, another person, tests passing."""
    return _transition(step, "approve", _check_approve)


def retire(step: Step) -> Release:
    """Take a version out of service; it stays on disk, readable for audit."""
    return _transition(step, "retire", None)


Check = Callable[[Step, Release | None, str], str]


def _transition(step: Step, action: str, check: Check | None) -> Release:
    if not step.by.strip():
        raise no_name("reviewer" if action == "approve" else "person")
    path = regression.dmn_path(step.decisions_dir, step.model_id, step.version)
    if not path.is_file():
        raise not_published(path)
    sha256 = file_hash(path)
    book = read_book(step.decisions_dir, step.model_id)
    release = book.releases.get(step.version)
    status = release.status if release is not None else DRAFT
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise wrong_status(step.model_id, step.version, status, action)
    if release is not None and release.hash != sha256 and action != "retire":
        raise hash_changed(step.version, release.hash, sha256)
    tests = check(step, release, sha256) if check is not None else ""
    if release is None:
        release = book.releases[step.version] = Release(step.version, sha256)
    event = Event(
        action, target, step.by.strip(), _stamp(step.clock), sha256, tests, step.note.strip()
    )
    release.history.append(event)
    write_book(book)
    return release


def _passing_tests(step: Step) -> str:
    report = step.tests(step.decisions_dir, step.model_id, step.version)
    if report.problem is None and not report.cases:
        raise no_tests(step.version, report.tests_file)
    if not report.ok:
        raise tests_failed(step.version, report.summary)
    return report.summary


def _check_submit(step: Step, release: Release | None, sha256: str) -> str:
    return _passing_tests(step)


def _check_approve(step: Step, release: Release | None, sha256: str) -> str:
    submitted = release.event("submit") if release is not None else None
    if submitted is not None and submitted.by.casefold() == step.by.strip().casefold():
        raise same_person(step.version, step.by.strip())
    return _passing_tests(step)


# --- publishing and checking -----------------------------------------------------------------


def check_publishable(
    decisions_dir: Path,
    model_id: str,
    version: str,
    dmn_bytes: bytes,
    tests_bytes: bytes | None = None,
) -> str | None:
    """Why the compiler must not write these files, or None when it may.

    Writing the very same bytes again is fine; writing different bytes under a version
    that is already published is refused with a message asking for a new version number.
    """
    files = [(regression.dmn_path(decisions_dir, model_id, version), dmn_bytes)]
    if tests_bytes is not None:
        files.append((regression.tests_path(decisions_dir, model_id, version), tests_bytes))
    for path, new in files:
        if path.is_file():
            old = path.read_bytes()
            if old != new:
                suggestion = next_version(decisions_dir, model_id)
                return immutable(path, _sha(old), _sha(new), suggestion)
    return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def next_version(decisions_dir: Path, model_id: str) -> str:
    """A version number after every published one: the newest with its last number + 1."""
    versions = [v for _, v in regression.published(decisions_dir, model_id)]
    if not versions:
        return "0.1.0"
    core = versions[-1].partition("-")[0].split(".")
    if core and core[-1].isdigit():
        core[-1] = str(int(core[-1]) + 1)
        return ".".join(core)
    return versions[-1] + ".1"


def default_version(
    versions: Sequence[str],
    book: ReleaseBook,
    hashes: dict[str, str] | None = None,
    drafts: bool = False,
) -> str | None:
    """The version that answers a request naming none.

    The newest approved version; with ``drafts`` (``tablerx serve --drafts``, for
    development) the newest version that is not retired. ``versions`` may be in any order;
    ``hashes`` (version -> sha256 of its file), when given, discounts changed files.
    """
    ordered = sorted(versions, key=version_key, reverse=True)
    wanted = (DRAFT, IN_REVIEW, APPROVED) if drafts else (APPROVED,)
    for version in ordered:
        if book.status(version, (hashes or {}).get(version)) in wanted:
            return version
    return None


def verify(decisions_dir: Path) -> list[str]:
    """Every inconsistency between the records and the published files, as messages.

    A record must be readable and name a published file whose hash is the recorded one.
    """
    problems: list[str] = []
    models = sorted(
        {model for model, _ in regression.published(decisions_dir)}
        | set(_recorded_models(decisions_dir))
    )
    for model_id in models:
        try:
            book = read_book(decisions_dir, model_id)
        except ReleaseError as exc:
            problems.append(exc.message)
            continue
        for version, release in sorted(book.releases.items(), key=lambda i: version_key(i[0])):
            path = regression.dmn_path(decisions_dir, model_id, version)
            if not path.is_file():
                problems.append(f"{book.path}: {version} is {release.status} but {path} is missing")
            elif file_hash(path) != release.hash:
                problems.append(
                    f"{path}: sha256 {file_hash(path)[:12]} differs from the {release.status} "
                    f"record ({release.hash[:12]}): a published file was changed"
                )
    return problems


def _recorded_models(decisions_dir: Path) -> Iterable[str]:
    if decisions_dir.is_dir():
        for path in decisions_dir.glob(f"*/{RELEASES_FILE}"):
            yield path.parent.name
