"""A new version number must be MAJOR.MINOR.PATCH and come after every published one."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.store import regression, releases
from service.store.release_numbers import SEMVER

MODEL = "pathway-demo"
DECISIONS = Path(__file__).resolve().parents[2] / "decisions"


def _published(root: Path, *versions: str) -> Path:
    (root / MODEL).mkdir(parents=True, exist_ok=True)
    for version in versions:
        (root / MODEL / f"{version}.dmn").write_text(f"<definitions {version}/>")
    return root


@pytest.mark.parametrize(
    ("published", "version", "refusal"),
    [
        ((), "0.1.0", None),
        (("0.1.3",), "0.1.4", None),
        (("0.1.3",), "0.2.0", None),
        (("0.1.3",), "1.0.0", None),
        (("0.9.0",), "0.10.0", None),
        (("0.1.3",), "0.0.9", "does not come after 0.1.3"),  # older than a published one
        (("0.1.3", "0.2.0"), "0.1.9", "does not come after 0.2.0"),
        (("1.0",), "1.0.0", "does not come after 1.0"),  # one version, two spellings
        (("1.0.0-rc1",), "0.9.0", "does not come after 1.0.0-rc1"),
        (("0.1.3",), "v0.2.0", "is not MAJOR.MINOR.PATCH"),
        (("0.1.3",), "1.0", "is not MAJOR.MINOR.PATCH"),
        ((), "1.0.0-rc1", "is not MAJOR.MINOR.PATCH"),
        ((), "01.0.0", "is not MAJOR.MINOR.PATCH"),
        ((), "1.0.0.0", "is not MAJOR.MINOR.PATCH"),
        ((), "١.٠.٠", "is not MAJOR.MINOR.PATCH"),  # digits, but not 0-9
    ],
)
def test_new_version_numbers(
    tmp_path: Path, published: tuple[str, ...], version: str, refusal: str | None
) -> None:
    root = _published(tmp_path, *published)
    message = releases.check_publishable(root, MODEL, version, b"<new/>", b"<tests/>")
    if refusal is None:
        assert message is None
    else:
        assert message is not None and refusal in message
        assert "e.g. " in message  # the next number is suggested


def test_a_published_version_of_another_form_compiles_again_unchanged(tmp_path: Path) -> None:
    root = _published(tmp_path, "1.0", "2.0.0")
    same = (root / MODEL / "1.0.dmn").read_bytes()
    assert releases.check_publishable(root, MODEL, "1.0", same) is None


def test_the_committed_versions_stay_valid() -> None:
    """decisions/: every published version compiles again as it is (a no-op)."""
    for model_id, version in regression.published(DECISIONS):
        dmn = regression.dmn_path(DECISIONS, model_id, version).read_bytes()
        tests = regression.tests_path(DECISIONS, model_id, version)
        data = tests.read_bytes() if tests.is_file() else None
        assert releases.check_publishable(DECISIONS, model_id, version, dmn, data) is None
        assert SEMVER.fullmatch(version), version
