"""Every published version in decisions/ passes its own test cases; the records match the files.

This is the regression guard of docs/versions.md: CI fails when a change to the engine (or
anything else) alters an answer some published version's tests pin down, and when a
published file no longer has the hash its release record names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.store import regression, releases

DECISIONS = Path(__file__).resolve().parents[1] / "decisions"


def _versions() -> list[object]:
    found = regression.published(DECISIONS)
    if not found:
        skip = pytest.mark.skip(reason=f"nothing is published in {DECISIONS} yet")
        return [pytest.param("-", "-", marks=skip, id="none")]
    return [pytest.param(model, version, id=f"{model}/{version}") for model, version in found]


@pytest.mark.parametrize(("model_id", "version"), _versions())
def test_published_version_passes_its_own_tests(model_id: str, version: str) -> None:
    report = regression.run_version(DECISIONS, model_id, version)
    assert report.ok, regression.format_reports([report])
    status = releases.read_book(DECISIONS, model_id).status(version, report.sha256)
    if status != releases.DRAFT:
        assert report.cases, f"{model_id} {version} is {status} but has no test cases"


def test_release_records_match_the_published_files() -> None:
    assert releases.verify(DECISIONS) == []
