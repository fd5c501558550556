"""One version's lifecycle events in, the reasons its history cannot be true out.

The types of a release record (:class:`Event`, :class:`Release`) and the rules a history
must follow (docs/versions.md, "releases.json"): the steps in lifecycle order from a
draft, each leading to the status its action leads to; every hash a sha256 (64 hex
digits) and the version's own; submit and approve relying on passing test cases
(``n/n passed``, n > 0) and approve on the test cases frozen at submission; the approver
another person than the submitter (names compared normalised, :func:`same_person`);
times in order. :func:`history_problems` lists every breach, so a refused record names
them all at once.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

DRAFT, IN_REVIEW, APPROVED, RETIRED = "draft", "in review", "approved", "retired"
STATUSES = (DRAFT, IN_REVIEW, APPROVED, RETIRED)
# Not a recorded status: a version whose file (or frozen test cases) no longer match its
# record. It is never served and stops the service's start-up.
ALTERED = "altered"
# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((DRAFT,), IN_REVIEW),
    "approve": ((IN_REVIEW,), APPROVED),
    "retire": ((DRAFT, IN_REVIEW, APPROVED), RETIRED),
}
SHA256 = re.compile(r"[0-9a-f]{64}")
PASSED = re.compile(r"([0-9]+)/([0-9]+) passed")
STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


@dataclass(frozen=True, slots=True)
class Event:
    """One lifecycle step: what was done, the status it led to, who, when, which hashes."""

    action: str
    status: str
    by: str  # the name the person declared (not authenticated)
    at: str  # ISO 8601 UTC, seconds
    hash: str  # sha256 of the .dmn file at that moment
    tests: str = ""  # the test summary the step relied on
    note: str = ""
    tests_hash: str = ""  # sha256 of the .tests.xml file ("" in records written before it)
    login: str = ""  # the operating-system account that ran the step, for the audit trail


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

    @property
    def tests_hash(self) -> str | None:
        """The sha256 of the test cases the record froze (at submission, or when a draft
        was retired); None when no event recorded one (records written before tablerx did:
        the test cases of such a version are unknown to the record)."""
        return next((e.tests_hash for e in reversed(self.history) if e.tests_hash), None)


def normal_name(name: str) -> str:
    """A person's name as compared: compatibility-normalised, case-folded, punctuation
    dropped, whitespace collapsed (``" A.  Author "``, ``"a author"`` and ``"A. Author."``
    are one person)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(kept.split())


def same_person(one: str, other: str) -> bool:
    """True when two declared names are the same once normalised (:func:`normal_name`)."""
    return normal_name(one) == normal_name(other)


def history_problems(release: Release, written_status: object = None) -> list[str]:
    """Every way ``release``'s history contradicts the lifecycle rules, as messages naming
    the version (empty when it is sound). ``written_status`` is the record's own
    ``"status"`` field, which must agree with the history when present."""
    where = release.version
    problems: list[str] = []
    if not SHA256.fullmatch(release.hash):
        problems.append(f"{where}: hash {release.hash!r} is not a sha256 (64 hex digits)")
    if not release.history:
        problems.append(f"{where}: has no history")
    status = DRAFT
    submitted: Event | None = None
    frozen = ""  # the first test cases' hash recorded: every later one must be the same
    for number, event in enumerate(release.history, 1):
        step = f"{where}: step {number} ({event.action})"
        if event.action not in TRANSITIONS:
            problems.append(f"{where}: unknown step {event.action!r}")
            continue
        sources, target = TRANSITIONS[event.action]
        if status not in sources:
            problems.append(f"{step} cannot follow status {status!r}")
        if event.status != target:
            problems.append(f"{step} must lead to {target!r}, not {event.status!r}")
        problems += _event_problems(step, release, event)
        if event.action == "approve":
            problems += _approval_problems(step, submitted, event)
        if frozen and event.tests_hash and event.tests_hash != frozen:
            problems.append(f"{step} records other test cases than were frozen before it")
        frozen = frozen or event.tests_hash
        submitted = event if event.action == "submit" else submitted
        status = target
    problems += _time_problems(where, release.history)
    if written_status is not None and written_status != release.status:
        problems.append(
            f"{where}: status {written_status!r} disagrees with its history ({release.status!r})"
        )
    return problems


def _event_problems(step: str, release: Release, event: Event) -> list[str]:
    problems = []
    if not normal_name(event.by):
        problems.append(f"{step} names nobody")
    if not SHA256.fullmatch(event.hash):
        problems.append(f"{step} hash {event.hash!r} is not a sha256 (64 hex digits)")
    elif event.hash != release.hash:
        problems.append(f"{step} hash {event.hash[:12]} is not the version's ({release.hash[:12]})")
    if event.tests_hash and not SHA256.fullmatch(event.tests_hash):
        problems.append(f"{step} tests_hash {event.tests_hash!r} is not a sha256")
    if event.action in ("submit", "approve"):
        problems += _summary_problems(step, event)
    return problems


def _summary_problems(step: str, event: Event) -> list[str]:
    """Submit and approve rely on passing test cases. Records written before tablerx kept
    the test cases' hash lack that hash (the test cases are unknown to the record), and the
    oldest lack the summary too."""
    if not event.tests and not event.tests_hash:
        return []
    match = PASSED.fullmatch(event.tests)
    if match is None:
        return [f'{step} tests {event.tests!r} is not "N/N passed"']
    passed, total = int(match.group(1)), int(match.group(2))
    if total == 0 or passed != total:
        return [f"{step} relied on {event.tests!r}: it needs passing test cases (N/N, N > 0)"]
    return []


def _approval_problems(step: str, submitted: Event | None, event: Event) -> list[str]:
    if submitted is None:
        return [f"{step} has no submission before it"]
    problems = []
    if same_person(submitted.by, event.by):
        problems.append(f"{step} by {event.by!r}, who submitted it as {submitted.by!r}")
    if submitted.hash != event.hash:
        problems.append(f"{step} approved other content than was submitted")
    return problems


def _time_problems(where: str, history: list[Event]) -> list[str]:
    problems = []
    previous: datetime.datetime | None = None
    for number, event in enumerate(history, 1):
        moment = parse_stamp(event.at)
        if moment is None:
            problems.append(f"{where}: step {number} time {event.at!r} is not YYYY-MM-DDTHH:MM:SSZ")
            continue
        if previous is not None and moment < previous:
            problems.append(f"{where}: step {number} ({event.at}) is earlier than the step before")
        previous = moment
    return problems


def parse_stamp(text: str) -> datetime.datetime | None:
    """A record's UTC time stamp (``2025-06-02T09:30:15Z``), or None when malformed."""
    if not STAMP.fullmatch(text):
        return None
    try:
        moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC)
