"""The 409 NO_APPROVED_VERSION message suggests a version that is in service, never a
retired one (service/api/errors.py builds it from the catalogue's statuses)."""

from __future__ import annotations

import pytest

from service.api import errors


@pytest.mark.parametrize(
    ("statuses", "suggested"),
    [
        ([("0.9.0", "draft"), ("1.0.0", "retired")], "0.9.0"),
        ([("0.9.0", "in review"), ("1.0.0", "draft")], "1.0.0"),
        ([("0.9.0", "retired"), ("1.0.0", "retired")], "VERSION"),
    ],
)
def test_no_approved_version_suggests_no_retired_version(
    statuses: list[tuple[str, str]], suggested: str
) -> None:
    problem = errors.no_approved_version("triage-demo", statuses)
    assert f"add ?version={suggested} " in problem.message
    retired = [version for version, status in statuses if status == "retired"]
    assert not any(f"?version={version}" in problem.message for version in retired)
