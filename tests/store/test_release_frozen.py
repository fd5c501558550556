"""Submission freezes the test cases with the model: approval refuses changed test cases,
and a reviewed version whose test cases changed or went missing fails the record checks."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import release_models as rm

from service.store import releases
from service.store.releases import ReleaseError, Step

MODEL = rm.MODEL_ID


def clock() -> datetime.datetime:
    return datetime.datetime(2025, 6, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "decisions"
    rm.publish(folder, rm.pathway("1.0.0"))
    return folder


def step(root: Path, by: str) -> Step:
    return Step(root, MODEL, "1.0.0", by, clock=clock)


def _fewer_cases(root: Path) -> None:
    """What the review found: all test cases but one deleted after submission."""
    tests = root / MODEL / "1.0.0.tests.xml"
    tests.write_bytes(rm.tests_xml("1.0.0.dmn", rm.CASES[:1]))


@pytest.mark.parametrize("change", ["fewer cases", "deleted"])
def test_approval_refuses_test_cases_changed_since_submission(root: Path, change: str) -> None:
    releases.submit(step(root, "A. Author"))
    if change == "fewer cases":
        _fewer_cases(root)
    else:
        (root / MODEL / "1.0.0.tests.xml").unlink()
    with pytest.raises(ReleaseError) as caught:
        releases.approve(step(root, "B. Reviewer"))
    assert caught.value.code == "TESTS_CHANGED"
    assert "changed since they were submitted" in caught.value.message
    assert releases.read_book(root, MODEL).releases["1.0.0"].status == releases.IN_REVIEW


@pytest.mark.parametrize("change", ["fewer cases", "deleted"])
def test_changed_test_cases_of_an_approved_version_fail_verify(root: Path, change: str) -> None:
    releases.submit(step(root, "A. Author"))
    releases.approve(step(root, "B. Reviewer"))
    assert releases.verify(root) == []
    tests = root / MODEL / "1.0.0.tests.xml"
    frozen = releases.file_hash(tests)
    if change == "fewer cases":
        _fewer_cases(root)
    else:
        tests.unlink()
    (problem,) = releases.verify(root)
    assert "pathway-demo 1.0.0 (approved) is altered: its test cases" in problem
    assert frozen[:12] in problem
    assert (
        releases.read_book(root, MODEL).status(
            "1.0.0", None, releases.tests_hash(root, MODEL, "1.0.0")
        )
        == releases.ALTERED
    )
    with pytest.raises(ReleaseError) as caught:
        releases.retire(step(root, "B. Reviewer"))
    assert caught.value.code == "TESTS_CHANGED"


def test_both_hashes_and_the_login_are_recorded(root: Path) -> None:
    releases.submit(Step(root, MODEL, "1.0.0", "A. Author", clock=clock, login=lambda: "alice"))
    data = json.loads(releases.releases_path(root, MODEL).read_text())
    (event,) = data["versions"][0]["history"]
    assert event["tests_hash"] == releases.file_hash(root / MODEL / "1.0.0.tests.xml")
    assert event["login"] == "alice" and event["by"] == "A. Author"


def test_a_login_that_cannot_be_told_is_left_out(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(releases.getpass, "getuser", no_user)
    assert releases.os_login() == ""
    releases.submit(step(root, "A. Author"))
    data = json.loads(releases.releases_path(root, MODEL).read_text())
    assert "login" not in data["versions"][0]["history"][0]


def test_a_legacy_submission_can_still_be_approved(root: Path) -> None:
    """An in-review record written before tests_hash: the test cases are unknown to it, so
    approval runs them again and records their hash from then on."""
    sha = releases.file_hash(root / MODEL / "1.0.0.dmn")
    book = releases.read_book(root, MODEL)
    submitted = releases.Event("submit", releases.IN_REVIEW, "A", "2025-06-01T00:00:00Z", sha)
    book.releases["1.0.0"] = releases.Release("1.0.0", sha, [submitted])
    releases.write_book(book)
    approved = releases.approve(step(root, "B"))
    assert approved.tests_hash == releases.file_hash(root / MODEL / "1.0.0.tests.xml")


def test_a_clock_behind_the_record_is_refused(root: Path) -> None:
    releases.submit(step(root, "A"))
    late = Step(
        root, MODEL, "1.0.0", "B", clock=lambda: datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    with pytest.raises(ReleaseError) as caught:
        releases.approve(late)
    assert caught.value.code == "BAD_RECORD" and "check the system clock" in caught.value.message
