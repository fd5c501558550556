"""releases.json histories that contradict themselves are refused with every problem listed;
names are compared normalised; records written before ``tests_hash`` are still read."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.store import releases
from service.store.release_history import normal_name, same_person

MODEL = "pathway-demo"
SHA = "ab" * 32
TESTS = "cd" * 32


def _event(action: str, by: str, at: str, **extra: str) -> dict[str, str]:
    status = releases.TRANSITIONS[action][1]
    summary = {"tests": "4/4 passed", "tests_hash": TESTS} if action != "retire" else {}
    return {"action": action, "status": status, "by": by, "at": at, "hash": SHA, **summary, **extra}


def record() -> dict[str, Any]:
    """A sound record: 1.0.0 submitted, approved by another person, then retired."""
    history = [
        _event("submit", "A. Author", "2025-06-01T09:00:00Z"),
        _event("approve", "Dr B. Reviewer", "2025-06-02T10:00:00Z"),
        _event("retire", "Dr B. Reviewer", "2025-07-01T08:00:00Z", tests_hash=TESTS),
    ]
    version = {"version": "1.0.0", "status": "retired", "hash": SHA, "history": history}
    return {"model": MODEL, "versions": [version]}


def _steps(data: dict[str, Any]) -> list[dict[str, str]]:
    steps: list[dict[str, str]] = data["versions"][0]["history"]
    return steps


def _set(index: int, **values: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _steps(data)[index].update(values)

    return change


def _drop(index: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        del _steps(data)[index]
        data["versions"][0]["status"] = _steps(data)[-1]["status"] if _steps(data) else "draft"

    return change


def _approve_only(data: dict[str, Any]) -> None:
    data["versions"][0]["history"] = [_event("approve", "B", "2025-06-02T10:00:00Z")]
    data["versions"][0]["status"] = "approved"


def _both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    return change


# (how the sound record is spoiled, what the refusal says)
SPOILED = [
    (_approve_only, "has no submission before it"),
    (_approve_only, "cannot follow status 'draft'"),
    (_drop(0), "has no submission before it"),
    (_set(1, tests="0/96 passed"), "relied on '0/96 passed'"),
    (_set(0, tests="3/4 passed"), "relied on '3/4 passed'"),
    (_set(1, tests="all good"), 'is not "N/N passed"'),
    (_set(0, tests=""), 'is not "N/N passed"'),
    (_set(1, hash="00"), "hash '00' is not a sha256"),
    (_set(1, hash="ef" * 32), "is not the version's"),
    (_set(1, tests_hash="00"), "tests_hash '00' is not a sha256"),
    (_set(1, tests_hash="ef" * 32), "other test cases than were frozen before it"),
    (_set(2, tests_hash="ef" * 32), "step 3 (retire) records other test cases"),
    (_both(_set(0, by="Mallory"), _set(1, by="mallory")), "who submitted it as 'Mallory'"),
    (_both(_set(0, by=" A.  Author "), _set(1, by="a author.")), "who submitted it"),
    (_set(1, at="2025-05-01T00:00:00Z"), "earlier than the step before"),
    (_set(2, at="2025-06-02 10:00"), "is not YYYY-MM-DDTHH:MM:SSZ"),
    (_set(1, status="retired"), "must lead to 'approved', not 'retired'"),
    (_set(2, by=" .. "), "names nobody"),
    (_set(0, action="approve", status="approved"), "has no submission before it"),
]
SPOILED += [
    (lambda data: data["versions"][0].update(hash="x"), "hash 'x' is not a sha256"),
    (lambda data: data["versions"].append(copy.deepcopy(data["versions"][0])), "listed twice"),
    (lambda data: data["versions"][0].update(history=[]), "has no history"),
]


def _write(root: Path, data: dict[str, Any]) -> None:
    folder = root / MODEL
    folder.mkdir(parents=True, exist_ok=True)
    (folder / releases.RELEASES_FILE).write_text(json.dumps(data), encoding="utf-8")


def test_a_sound_record_is_read(tmp_path: Path) -> None:
    _write(tmp_path, record())
    book = releases.read_book(tmp_path, MODEL)
    assert book.releases["1.0.0"].status == releases.RETIRED
    assert book.releases["1.0.0"].tests_hash == TESTS


@pytest.mark.parametrize(("spoil", "reason"), SPOILED)
def test_a_spoiled_record_is_refused(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], reason: str
) -> None:
    data = record()
    spoil(data)
    _write(tmp_path, data)
    with pytest.raises(releases.ReleaseError) as caught:
        releases.read_book(tmp_path, MODEL)
    assert caught.value.code == "BAD_RECORD"
    assert reason in caught.value.message, caught.value.message
    assert all(p.startswith(str(tmp_path)) for p in caught.value.problems)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    data = record()
    _set(0, by="Mallory", hash="00")(data)
    _set(1, by="MALLORY", tests="0/96 passed", at="2024-01-01T00:00:00Z")(data)
    _write(tmp_path, data)
    with pytest.raises(releases.ReleaseError) as caught:
        releases.read_book(tmp_path, MODEL)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 5, text
    for part in (
        "hash '00'",
        "0/96 passed",
        "who submitted it as",
        "earlier than",
        "other content",
    ):
        assert part in text
    assert "(5 problems)" in caught.value.message


def test_records_written_before_tests_hash_are_read() -> None:
    """tests/api/models/triage-demo/releases.json: no tests summary, no tests_hash, no login."""
    models = Path(__file__).resolve().parents[1] / "api" / "models"
    book = releases.read_book(models, "triage-demo")
    assert book.releases["1.0.0"].status == releases.APPROVED
    assert book.releases["1.0.0"].tests_hash is None  # unknown to the record


def test_a_summary_without_tests_hash_is_read(tmp_path: Path) -> None:
    """What tablerx wrote before it kept the test cases' hash."""
    data = record()
    for step in _steps(data):
        step.pop("tests_hash", None)
    _write(tmp_path, data)
    assert releases.read_book(tmp_path, MODEL).releases["1.0.0"].tests_hash is None


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (" A.  Author ", "A. Author", True),
        ("A. Author", "A Author", True),
        ("A. Author", "A. Author.", True),
        ("Dr. B-Reviewer", "dr b reviewer", True),
        ("ÉLISE", "élise", True),
        ("Ａ Author", "a author", True),  # full-width letters
        ("A. Author", "B. Author", False),
        ("A. Author", "AA Author", False),
    ],
)
def test_names_are_compared_normalised(one: str, other: str, same: bool) -> None:
    assert same_person(one, other) is same
    assert normal_name(" A.  Author ") == "a author"
