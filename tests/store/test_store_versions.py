"""decisions/<model-id>/<version>.dmn + releases.json -> the catalogue: hashes, ordering, status,
default versions, refusals."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from service.store import releases
from service.store.catalogue import (
    CatalogueError,
    ModelNotFound,
    NoApprovedVersion,
    VersionNotFound,
    load_catalogue,
)
from service.store.versions import version_key

MODELS = Path(__file__).resolve().parents[1] / "api" / "models"
DEMO = MODELS / "triage-demo" / "1.0.0.dmn"


def test_loads_every_version_with_its_hash() -> None:
    catalogue = load_catalogue(MODELS)
    entry = catalogue.entry("triage-demo")
    assert [v.version for v in entry.versions] == ["0.9.0", "1.0.0"]
    newest = catalogue.get("triage-demo")
    assert newest.version == "1.0.0"
    assert newest.sha256 == hashlib.sha256(DEMO.read_bytes()).hexdigest()
    assert newest.content == DEMO.read_bytes()
    assert newest.status == "approved"  # the release record decides ...
    assert newest.workbook_status == "draft"  # ... not what the workbook says
    assert newest.metadata["effective_date"] == "2025-01-01"
    assert newest.title == "Triage demo"
    assert catalogue.get("triage-demo", "0.9.0").status == "retired"


def test_unknown_model_and_version() -> None:
    catalogue = load_catalogue(MODELS)
    with pytest.raises(ModelNotFound):
        catalogue.get("nope")
    with pytest.raises(VersionNotFound):
        catalogue.get("triage-demo", "0.1")


@pytest.mark.parametrize(
    ("older", "newer"),
    [("0.9.0", "0.10.0"), ("1.0.0-rc1", "1.0.0"), ("1.2", "1.2.1"), ("2.0.0", "10.0.0")],
)
def test_version_order(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)


def copy_demo(root: Path, model_id: str, version: str) -> Path:
    folder = root / model_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{version}.dmn"
    shutil.copy(DEMO, target)
    return target


def publish(root: Path, *versions: str) -> None:
    """The demo model published as ``versions`` under ``root`` (no release record)."""
    for version in versions:
        text = DEMO.read_text(encoding="utf-8").replace('value="1.0.0"', f'value="{version}"')
        (root / "triage-demo").mkdir(exist_ok=True)
        (root / "triage-demo" / f"{version}.dmn").write_text(text, encoding="utf-8")


def record(root: Path, version: str, *steps: str, tests: str = "") -> None:
    """Record lifecycle steps ("submit", "approve", "retire") of a published version
    (``tests``: the test cases' hash the steps froze; none, as in older records)."""
    book = releases.read_book(root, "triage-demo")
    sha = releases.file_hash(root / "triage-demo" / f"{version}.dmn")
    release = book.releases.setdefault(version, releases.Release(version, sha))
    for action in steps:
        target = releases.TRANSITIONS[action][1]
        summary = "1/1 passed" if tests and action != "retire" else ""
        event = releases.Event(action, target, action, "2025-01-01T00:00:00Z", sha, summary)
        release.history.append(dataclasses.replace(event, tests_hash=tests))
    releases.write_book(book)


def test_newest_approved_is_the_default_by_semantic_order(tmp_path: Path) -> None:
    publish(tmp_path, "1.0.0", "1.0.0-rc1")
    for version in ("1.0.0", "1.0.0-rc1"):
        record(tmp_path, version, "submit", "approve")
    assert load_catalogue(tmp_path).get("triage-demo").version == "1.0.0"


# (steps per version 0.1.0, 0.2.0, 0.3.0) -> default without and with --drafts
DEFAULTS = [
    ((["submit", "approve"], [], []), "0.1.0", "0.3.0"),
    ((["submit", "approve"], ["submit", "approve"], ["submit"]), "0.2.0", "0.3.0"),
    ((["submit", "approve"], ["submit", "approve", "retire"], ["retire"]), "0.1.0", "0.1.0"),
    (([], [], []), None, "0.3.0"),
    (([], [], ["retire"]), None, "0.2.0"),
    ((["retire"], ["retire"], ["retire"]), None, None),
]


@pytest.mark.parametrize(("steps", "default", "with_drafts"), DEFAULTS)
def test_default_version_from_the_release_record(
    tmp_path: Path, steps: tuple[list[str], ...], default: str | None, with_drafts: str | None
) -> None:
    versions = ("0.1.0", "0.2.0", "0.3.0")
    publish(tmp_path, *versions)
    for version, actions in zip(versions, steps, strict=True):
        if actions:
            record(tmp_path, version, *actions)
    for drafts, expected in ((False, default), (True, with_drafts)):
        entry = load_catalogue(tmp_path, drafts=drafts).entry("triage-demo")
        found = entry.default()
        assert (found.version if found else None) == expected, drafts
        if expected is None:
            with pytest.raises(NoApprovedVersion):
                entry.get()
        assert entry.get("0.1.0").version == "0.1.0"  # a named version always answers


def _alter(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")  # a published file must never change


# (steps per version 0.1.0, 0.2.0; the version whose file changes; --drafts)
ALTERED = [
    ((["submit", "approve"], ["submit", "approve"]), "0.2.0", False),  # no silent fallback
    ((["submit", "approve"], ["submit", "approve"]), "0.1.0", False),
    ((["submit", "approve"], ["retire"]), "0.2.0", True),  # not a draft again
    ((["submit", "approve"], ["submit"]), "0.2.0", False),
]


@pytest.mark.parametrize(("steps", "changed", "drafts"), ALTERED)
def test_an_altered_version_stops_the_start_up(
    tmp_path: Path, steps: tuple[list[str], ...], changed: str, drafts: bool
) -> None:
    publish(tmp_path, "0.1.0", "0.2.0")
    for version, actions in zip(("0.1.0", "0.2.0"), steps, strict=True):
        record(tmp_path, version, *actions)
    _alter(tmp_path / "triage-demo" / f"{changed}.dmn")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path, drafts=drafts)
    (problem,) = caught.value.problems
    assert f"triage-demo {changed} (" in problem and "is altered" in problem
    assert "a published file was changed" in problem


def test_a_recorded_version_whose_file_is_gone_stops_the_start_up(tmp_path: Path) -> None:
    publish(tmp_path, "0.1.0", "0.2.0")
    record(tmp_path, "0.1.0", "submit", "approve")
    record(tmp_path, "0.2.0", "submit", "approve")
    (tmp_path / "triage-demo" / "0.2.0.dmn").unlink()
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    (problem,) = caught.value.problems
    assert "0.2.0 is approved but" in problem and "0.2.0.dmn is missing" in problem


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_frozen_test_cases_that_changed_stop_the_start_up(tmp_path: Path, change: str) -> None:
    publish(tmp_path, "1.0.0")
    tests = tmp_path / "triage-demo" / "1.0.0.tests.xml"
    tests.write_text("<testCases/>", encoding="utf-8")
    record(tmp_path, "1.0.0", "submit", "approve", tests=releases.file_hash(tests))
    assert load_catalogue(tmp_path).get("triage-demo").status == "approved"
    if change == "edit":
        tests.write_text("<testCases></testCases>", encoding="utf-8")
    else:
        tests.unlink()
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    (problem,) = caught.value.problems
    assert (
        "is altered: its test cases" in problem and "published test cases were changed" in problem
    )


def test_every_record_problem_is_listed_together(tmp_path: Path) -> None:
    publish(tmp_path, "1.0.0")
    sha = releases.file_hash(tmp_path / "triage-demo" / "1.0.0.dmn")
    event = {
        "action": "approve",
        "status": "approved",
        "by": "Mallory",
        "at": "2025-01-02T00:00:00Z",
    }
    body = {
        "model": "triage-demo",
        "versions": [{"version": "1.0.0", "hash": sha, "history": [{**event, "hash": "00"}]}],
    }
    (tmp_path / "triage-demo" / "releases.json").write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 3, text
    assert "cannot follow status 'draft'" in text and "has no submission before it" in text
    assert "hash '00' is not a sha256" in text


def test_an_unreadable_record_stops_the_start_up(tmp_path: Path) -> None:
    publish(tmp_path, "1.0.0")
    (tmp_path / "triage-demo" / "releases.json").write_text("{", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    assert "releases.json" in caught.value.problems[0]


def test_every_broken_file_is_reported_together(tmp_path: Path) -> None:
    copy_demo(tmp_path, "wrong-folder", "1.0.0")  # model.id says triage-demo
    copy_demo(tmp_path, "triage-demo", "2.0.0")  # model.version says 1.0.0
    (tmp_path / "triage-demo" / "3.0.0.dmn").write_text("<definitions", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 3
    assert "folder is 'wrong-folder'" in text
    assert "file is '2.0.0'" in text
    assert "3.0.0.dmn" in text


def test_missing_or_empty_folder_is_an_empty_catalogue(tmp_path: Path) -> None:
    assert list(load_catalogue(tmp_path / "absent")) == []
    (tmp_path / "Not A Model").mkdir()
    assert list(load_catalogue(tmp_path)) == []
