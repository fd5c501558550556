"""The release record: submit, approve, retire; who, when, which hash; refusals; publishing."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path

import pytest
import release_models as rm

from service.store import regression, releases
from service.store.releases import (
    ALTERED,
    APPROVED,
    IN_REVIEW,
    RETIRED,
    ReleaseBook,
    ReleaseError,
    Step,
)

MODEL = rm.MODEL_ID
MOMENT = datetime.datetime(2025, 6, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC)


def clock() -> datetime.datetime:
    return MOMENT


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """decisions/ with pathway-demo 1.0.0 (tests pass) and 1.1.0 (a test fails)."""
    folder = tmp_path / "decisions"
    rm.publish(folder, rm.pathway("1.0.0"))
    failing = [
        *rm.CASES,
        (
            "TC9",
            {"ecog": rm.D(0), "her2": "positive", "lvef": rm.D(60)},
            {"treatment": "best supportive care"},
        ),
    ]
    rm.publish(folder, rm.pathway("1.1.0"), failing)
    rm.publish(folder, rm.pathway("1.2.0"), cases=None)
    return folder


def step(root: Path, version: str, by: str, note: str = "") -> Step:
    return Step(root, MODEL, version, by, note, clock=clock, login=lambda: "tester")


def test_lifecycle_records_who_when_and_hash(root: Path) -> None:
    sha = releases.file_hash(root / MODEL / "1.0.0.dmn")
    submitted = releases.submit(step(root, "1.0.0", "A. Author", "first release"))
    assert submitted.status == IN_REVIEW
    approved = releases.approve(step(root, "1.0.0", "Dr Reviewer"))
    assert approved.status == APPROVED
    book = releases.read_book(root, MODEL)
    release = book.releases["1.0.0"]
    assert release.hash == sha
    assert [(e.action, e.status, e.by, e.at, e.hash) for e in release.history] == [
        ("submit", IN_REVIEW, "A. Author", "2025-06-02T09:30:15Z", sha),
        ("approve", APPROVED, "Dr Reviewer", "2025-06-02T09:30:15Z", sha),
    ]
    assert release.history[1].tests == "4/4 passed"
    assert release.history[0].note == "first release"
    tests_sha = releases.file_hash(root / MODEL / "1.0.0.tests.xml")
    assert [(e.tests_hash, e.login) for e in release.history] == [(tests_sha, "tester")] * 2
    retired = releases.retire(step(root, "1.0.0", "Dr Reviewer", "superseded"))
    assert retired.status == RETIRED
    assert releases.read_book(root, MODEL).status("1.0.0", sha) == RETIRED


def test_record_file_is_deterministic_and_ordered(root: Path) -> None:
    book = ReleaseBook(MODEL, releases.releases_path(root, MODEL))
    for version in ("0.10.0", "0.9.0", "1.0.0-rc1"):
        event = releases.Event("submit", IN_REVIEW, "X", "2025-01-01T00:00:00Z", "ab" * 32)
        event = dataclasses.replace(event, tests="1/1 passed", tests_hash="cd" * 32, login="x")
        book.releases[version] = releases.Release(version, "ab" * 32, [event])
    text = releases.format_book(book)
    data = json.loads(text)
    assert [v["version"] for v in data["versions"]] == ["0.9.0", "0.10.0", "1.0.0-rc1"]
    assert list(data["versions"][0]) == ["version", "status", "hash", "history"]
    assert list(data["versions"][0]["history"][0]) == [
        *("action", "status", "by", "login", "at", "hash", "tests", "tests_hash")
    ]
    assert text.endswith("}\n") and '  "model": "pathway-demo"' in text
    releases.write_book(book)
    assert releases.format_book(releases.read_book(root, MODEL)) == text


@pytest.mark.parametrize(
    ("actions", "code"),
    [
        ([("approve", "B")], "WRONG_STATUS"),  # a draft
        ([("submit", "A"), ("submit", "A")], "WRONG_STATUS"),  # twice
        ([("submit", "A"), ("approve", "A")], "SAME_PERSON"),  # four eyes
        ([("submit", "A"), ("approve", "a")], "SAME_PERSON"),  # case blind
        ([("submit", " A.  Author "), ("approve", "A. Author")], "SAME_PERSON"),  # spacing
        ([("submit", "A. Author"), ("approve", "A Author")], "SAME_PERSON"),  # punctuation
        ([("submit", "A. Author"), ("approve", "a. author.")], "SAME_PERSON"),
        ([("submit", "Mallory"), ("approve", "MALLORY")], "SAME_PERSON"),
        ([("submit", "...")], "NAME_MISSING"),  # nothing left of the name
        ([("retire", "A"), ("retire", "A")], "WRONG_STATUS"),
        ([("retire", "A"), ("submit", "A")], "WRONG_STATUS"),
        ([("submit", "  ")], "NAME_MISSING"),
    ],
)
def test_refused_steps(root: Path, actions: list[tuple[str, str]], code: str) -> None:
    functions = {"submit": releases.submit, "approve": releases.approve, "retire": releases.retire}
    *allowed, (last, by) = actions
    for action, who in allowed:
        functions[action](step(root, "1.0.0", who))
    before = releases.releases_path(root, MODEL)
    text = before.read_text() if before.exists() else None
    with pytest.raises(ReleaseError) as caught:
        functions[last](step(root, "1.0.0", by))
    assert caught.value.code == code
    assert (before.read_text() if before.exists() else None) == text  # nothing recorded


def test_failing_tests_block_submit_and_approve(root: Path) -> None:
    with pytest.raises(ReleaseError) as caught:
        releases.submit(step(root, "1.1.0", "A"))
    assert caught.value.code == "TESTS_FAILED"
    assert "4/5 passed (1 failed)" in caught.value.message


def test_approval_reruns_the_tests(root: Path) -> None:
    releases.submit(step(root, "1.0.0", "A"))

    def now_failing(decisions: Path, model: str, version: str) -> regression.VersionReport:
        report = regression.run_version(decisions, model, version)  # e.g. the engine changed
        report.cases[0] = dataclasses.replace(report.cases[0], status=regression.FAILED)
        return report

    approval = dataclasses.replace(step(root, "1.0.0", "B"), tests=now_failing)
    with pytest.raises(ReleaseError) as caught:
        releases.approve(approval)
    assert caught.value.code == "TESTS_FAILED"


def test_no_tests_no_approval(root: Path) -> None:
    with pytest.raises(ReleaseError) as caught:
        releases.submit(step(root, "1.2.0", "A"))
    assert caught.value.code == "NO_TESTS"
    assert "1.2.0.tests.xml" in caught.value.message


def test_unpublished_version(root: Path) -> None:
    with pytest.raises(ReleaseError) as caught:
        releases.submit(step(root, "9.9.9", "A"))
    assert caught.value.code == "NOT_PUBLISHED"


def test_changed_file_is_altered_and_cannot_be_approved_or_retired(root: Path) -> None:
    releases.submit(step(root, "1.0.0", "A"))
    path = root / MODEL / "1.0.0.dmn"
    path.write_bytes(path.read_bytes().replace(b"&gt;= 50", b"&gt;= 40"))
    with pytest.raises(ReleaseError) as caught:
        releases.approve(step(root, "1.0.0", "B"))
    assert caught.value.code == "HASH_CHANGED"
    with pytest.raises(ReleaseError) as caught:
        releases.retire(step(root, "1.0.0", "B"))
    assert caught.value.code == "HASH_CHANGED"
    book = releases.read_book(root, MODEL)
    assert book.status("1.0.0", releases.file_hash(path)) == ALTERED  # never a draft again
    assert book.status("1.0.0") == IN_REVIEW
    problems = releases.verify(root)
    assert len(problems) == 1 and "a published file was changed" in problems[0]
    assert "pathway-demo 1.0.0 (in review) is altered" in problems[0]


def test_verify_reports_missing_files(root: Path) -> None:
    releases.submit(step(root, "1.0.0", "A"))
    assert releases.verify(root) == []
    (root / MODEL / "1.0.0.dmn").unlink()
    assert "is missing" in releases.verify(root)[0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "cannot be read"),
        ('{"model": "other", "versions": []}', 'expected an object with "model"'),
        ('{"model": "pathway-demo", "versions": [{"version": "1"}]}', "malformed"),
        (
            '{"model": "pathway-demo", "versions": [{"version": "1", "hash": "x", "status": '
            '"approved", "history": [{"action": "submit", "status": "in review", "by": "A", '
            '"at": "t", "hash": "x"}]}]}',
            "disagrees with its history",
        ),
        (
            '{"model": "pathway-demo", "versions": [{"version": "1", "hash": "x", "history": '
            '[{"action": "publish", "status": "in review", "by": "A", "at": "t", "hash": "x"}]}]}',
            "unknown step",
        ),
        (
            '{"model": "pathway-demo", "versions": [{"version": "1", "hash": "x", "history": '
            '[{"action": "submit", "status": "in review", "by": "A", "at": "t", "hash": "x", '
            '"signed": "yes"}]}]}',
            "unknown event fields signed",
        ),
    ],
)
def test_unreadable_records(root: Path, content: str, reason: str) -> None:
    releases.releases_path(root, MODEL).write_text(content)
    with pytest.raises(ReleaseError) as caught:
        releases.read_book(root, MODEL)
    assert caught.value.code == "BAD_RECORD" and reason in caught.value.message
    assert reason in "\n".join(releases.verify(root))


def _book(statuses: dict[str, str]) -> ReleaseBook:
    book = ReleaseBook(MODEL, Path("releases.json"))
    path = {IN_REVIEW: ["submit"], APPROVED: ["submit", "approve"], RETIRED: ["retire"]}
    for version, status in statuses.items():
        history = []
        for action in path[status]:
            target = releases.TRANSITIONS[action][1]
            history.append(releases.Event(action, target, action, "t", f"h{version}"))
        book.releases[version] = releases.Release(version, f"h{version}", history)
    return book


@pytest.mark.parametrize(
    ("statuses", "drafts", "expected"),
    [
        ({"1.0.0": APPROVED, "1.1.0": IN_REVIEW}, False, "1.0.0"),
        ({"1.0.0": APPROVED, "1.1.0": IN_REVIEW}, True, "1.2.0"),  # 1.2.0 has no record
        ({"1.0.0": APPROVED, "1.1.0": APPROVED}, False, "1.1.0"),
        ({"1.0.0": APPROVED, "1.1.0": RETIRED}, False, "1.0.0"),
        ({"1.0.0": RETIRED, "1.1.0": RETIRED, "1.2.0": RETIRED}, True, None),
        ({"1.0.0": IN_REVIEW}, False, None),
        ({"1.0.0": APPROVED, "1.2.0": APPROVED}, False, "1.2.0"),
    ],
)
def test_default_version(statuses: dict[str, str], drafts: bool, expected: str | None) -> None:
    versions = ["1.2.0", "1.0.0", "1.1.0"]
    assert releases.default_version(versions, _book(statuses), drafts=drafts) == expected


def test_default_version_never_serves_changed_files() -> None:
    book = _book({"1.0.0": APPROVED, "1.1.0": APPROVED})
    hashes = {"1.0.0": "h1.0.0", "1.1.0": "h1.1.0"}
    assert releases.default_version(["1.0.0", "1.1.0"], book, hashes) == "1.1.0"
    changed = {**hashes, "1.1.0": "changed"}  # 1.0.0 must not silently answer in its stead
    assert releases.default_version(["1.0.0", "1.1.0"], book, changed) is None
    assert releases.default_version(["1.0.0", "1.1.0"], book, changed, drafts=True) is None


def test_check_publishable(root: Path) -> None:
    existing = (root / MODEL / "1.0.0.dmn").read_bytes()
    tests = (root / MODEL / "1.0.0.tests.xml").read_bytes()
    assert releases.check_publishable(root, MODEL, "1.0.0", existing, tests) is None
    assert releases.check_publishable(root, MODEL, "2.0.0", b"<new/>", b"<t/>") is None
    message = releases.check_publishable(root, MODEL, "1.0.0", existing + b" ", tests)
    assert message is not None
    assert "already published with different content" in message
    assert "new version number (e.g. 1.2.1)" in message
    assert releases.check_publishable(root, MODEL, "1.0.0", existing, b"<t/>") is not None


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        ([], "0.1.0"),
        (["0.9.0", "0.10.0"], "0.10.1"),
        (["1.0.0-rc1"], "1.0.1"),
        (["2"], "2.0.1"),
        (["1.0"], "1.0.1"),
    ],
)
def test_next_version(tmp_path: Path, versions: list[str], expected: str) -> None:
    for version in versions:
        (tmp_path / MODEL).mkdir(exist_ok=True)
        (tmp_path / MODEL / f"{version}.dmn").write_text("x")
    assert releases.next_version(tmp_path, MODEL) == expected


def test_codes_lists_every_code_raised() -> None:
    folder = Path(releases.__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in folder.glob("release*.py"))
    raised = set(re.findall(r'ReleaseError\(\s*"([A-Z_]+)"', source))
    assert raised == set(releases.CODES)
