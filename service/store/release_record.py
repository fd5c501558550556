"""``releases.json`` text in, a validated :class:`ReleaseBook` out (and back to text).

The record of one model's versions: per version the content hash put up for review and
its history of lifecycle events (docs/versions.md). Reading checks the whole history
(:mod:`service.store.release_history`) and refuses a record that contradicts itself with
every problem listed (``BAD_RECORD``), so that a damaged or carelessly hand-edited record
stops the service instead of silently counting.

The file is meant to be reviewed and committed like code, so it is written
deterministically: versions oldest first, keys in a fixed order, two-space indentation,
a final newline.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from service.store.release_history import (
    ALTERED,
    DRAFT,
    Event,
    Release,
    history_problems,
)
from service.store.versions import version_key

RELEASES_FILE = "releases.json"
# JSON keys of an event, in the order they are written.
EVENT_KEYS = ("action", "status", "by", "login", "at", "hash", "tests", "tests_hash", "note")
ALWAYS_WRITTEN = ("by", "at", "hash")


class ReleaseError(Exception):
    """A lifecycle step that cannot be taken, or a record that cannot be read.

    ``problems`` lists every reason (a bad record may have several); ``message`` joins them.
    """

    def __init__(self, code: str, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or [message]


def bad_record(path: Path, reason: str) -> ReleaseError:
    return ReleaseError("BAD_RECORD", f"{path}: {reason}")


def bad_history(path: Path, problems: list[str]) -> ReleaseError:
    """A record whose history contradicts itself, every problem listed."""
    listed = [f"{path}: {problem}" for problem in problems]
    head = f"{path}: the record contradicts itself ({len(problems)} problems): "
    return ReleaseError("BAD_RECORD", head + "; ".join(problems), listed)


@dataclass(slots=True)
class ReleaseBook:
    """The records of one model's versions (``releases.json``), by version."""

    model_id: str
    path: Path
    releases: dict[str, Release] = field(default_factory=dict)

    def status(self, version: str, sha256: str | None = None, tests: str | None = None) -> str:
        """The version's status (:func:`effective_status`)."""
        return effective_status(self.releases.get(version), sha256, tests)


def effective_status(release: Release | None, sha256: str | None, tests: str | None = None) -> str:
    """The recorded status, or :data:`ALTERED` when the file no longer has the recorded
    hash or the test cases differ from the frozen ones.

    ``sha256``: the .dmn file's hash (None: not checked); ``tests``: the .tests.xml file's
    hash, ``""`` when it is missing (None: not checked). No record: a draft.
    """
    if release is None:
        return DRAFT
    if sha256 is not None and sha256 != release.hash:
        return ALTERED
    frozen = release.tests_hash
    if tests is not None and frozen is not None and tests != frozen:
        return ALTERED
    return release.status


def releases_path(decisions_dir: Path, model_id: str) -> Path:
    """``decisions/<model>/releases.json``."""
    return decisions_dir / model_id / RELEASES_FILE


def read_book(decisions_dir: Path, model_id: str) -> ReleaseBook:
    """The model's record, validated; empty when the file does not exist.

    Raises ReleaseError (``BAD_RECORD``) with every problem found.
    """
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
    problems: list[str] = []
    items = data.get("versions") or []
    if not isinstance(items, list):
        raise bad_record(path, '"versions" must be a list')
    for item in items:
        release = _release(path, item)
        if release.version in book.releases:
            problems.append(f"{release.version}: listed twice")
        book.releases[release.version] = release
        problems += history_problems(release, item.get("status"))
    if problems:
        raise bad_history(path, problems)
    return book


def _release(path: Path, item: Any) -> Release:
    known = {f.name for f in fields(Event)}
    try:
        events = item["history"]
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise TypeError("history must be a list of objects")
        unknown = sorted({key for event in events for key in event} - known)
        if unknown:
            raise TypeError(f"unknown event fields {', '.join(unknown)}")
        history = [Event(**{k: str(v) for k, v in event.items()}) for event in events]
        return Release(str(item["version"]), str(item["hash"]), history)
    except (KeyError, TypeError) as exc:
        raise bad_record(path, f"a version entry is malformed ({exc})") from None


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
    data = {key: getattr(event, key) for key in EVENT_KEYS}
    return {key: value for key, value in data.items() if value or key in ALWAYS_WRITTEN}


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
