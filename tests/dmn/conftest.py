"""Fixtures for the DMN reader/writer tests: sample files, the TCK location, the DMN 1.5 schema."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def tck_location() -> Path:
    """The DMN TCK: env TABLERX_TCK_DIR, else ../shared/tck relative to the repository."""
    configured = os.environ.get("TABLERX_TCK_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "tck"


def tck_models() -> list[Path]:
    """Every .dmn file of the TCK (both levels), or [] when the TCK is absent."""
    root = tck_location()
    return sorted(root.glob("compliance-level-*/**/*.dmn")) if root.is_dir() else []


@pytest.fixture(scope="session")
def tck_dir() -> Path:
    """The DMN TCK directory; the test is skipped when it is not there."""
    path = tck_location()
    if not path.is_dir():
        pytest.skip(f"DMN TCK not found at {path}: set TABLERX_TCK_DIR")
    return path


@pytest.fixture(scope="session")
def dmn15_schema(tck_dir: Path) -> Any:
    """The DMN 1.5 XML Schema (DMN15.xsd and its DMNDI/DC/DI imports), parsed once."""
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(tck_dir / "DMN15.xsd")))


@pytest.fixture(scope="session")
def schema_errors(dmn15_schema: Any) -> Any:
    """A function: XML bytes -> the list of DMN15.xsd violations (empty when valid)."""
    from lxml import etree

    def check(xml: bytes) -> list[str]:
        document = etree.fromstring(xml)
        if dmn15_schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in dmn15_schema.error_log]

    return check


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``tck_model`` with every TCK model file (one skipped case without the TCK)."""
    if "tck_model" not in metafunc.fixturenames:
        return
    root = tck_location()
    models = tck_models()
    if models:
        ids = [str(path.relative_to(root)) for path in models]
        metafunc.parametrize("tck_model", models, ids=ids)
    else:
        reason = f"DMN TCK not found at {root}: set TABLERX_TCK_DIR"
        metafunc.parametrize(
            "tck_model", [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
        )
