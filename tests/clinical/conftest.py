"""Fixtures for the clinical model: the committed workbook, its compiled files, the loaded model.

The workbook (spreadsheets/gastric-her2-later-lines.xlsx) is the source of truth; the files
in decisions/gastric-her2-later-lines/ are what the service serves. Both are read once per
test session.
"""

from __future__ import annotations

import pytest
from gastric_paths import DMN, TESTS, WORKBOOK

from service.dmn import model as m
from service.dmn import read_dmn
from service.engine import Model, load_files
from service.sheets.compiler import Compilation, compile_workbook
from service.tck.reader import TestCase, read_test_file


@pytest.fixture(scope="session")
def compilation() -> Compilation:
    """The committed workbook, compiled in memory."""
    return compile_workbook(WORKBOOK)


@pytest.fixture(scope="session")
def definitions() -> m.Definitions:
    """The committed DMN file, read."""
    return read_dmn(DMN)


@pytest.fixture(scope="session")
def model(definitions: m.Definitions) -> Model:
    """The committed DMN file, loaded by the engine."""
    loaded = load_files([DMN]).get(definitions.name)
    assert loaded is not None
    return loaded


@pytest.fixture(scope="session")
def cases() -> list[TestCase]:
    """The committed test cases (the workbook's Tests sheet)."""
    return read_test_file(TESTS).cases
