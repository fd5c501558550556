"""Workbook -> DMN: golden files, determinism, schema validity, the engine reading the result back.

Golden outputs are refreshed with ``TABLERX_UPDATE_GOLDEN=1 pytest tests/sheets``; the golden
inputs are made by ``tests/sheets/golden/make_golden.py``.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from sheets_helpers import (
    GOLDEN,
    REPO,
    base_sheets,
    compile_rows,
    libreoffice_copy,
    soffice,
    tck_location,
)

from service.dmn import read_dmn
from service.engine import load_definitions
from service.sheets.compiler import (
    Compilation,
    adopt_published,
    compile_workbook,
    write_outputs,
)
from service.sheets.diagnostics import format_diagnostic
from service.sheets.refusals import ERRORS_RESULT
from service.tck.reader import read_test_file
from service.tck.runner import run_case

EXAMPLES = REPO / "docs" / "examples"
CLEAN = [EXAMPLES / "starter.xlsx", GOLDEN / "features.xlsx"]
UPDATE = os.environ.get("TABLERX_UPDATE_GOLDEN") == "1"


def _golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.write_bytes(data)
    assert path.exists(), f"{path} missing: run with TABLERX_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{path.name} differs from a fresh compile"


def _report(result: Compilation) -> bytes:
    lines = [
        format_diagnostic(dataclasses.replace(d, file=result.path.name)) for d in result.diagnostics
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def compiled() -> dict[str, Compilation]:
    """Each clean golden workbook compiled once."""
    return {path.stem: compile_workbook(path) for path in CLEAN}


@pytest.mark.parametrize("name", [p.stem for p in CLEAN])
def test_golden_dmn_and_tests(name: str, compiled: dict[str, Compilation]) -> None:
    result = compiled[name]
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    assert result.dmn is not None and result.tests is not None
    folder = result.path.parent
    _golden(folder / f"{name}.dmn", result.dmn)
    _golden(folder / f"{name}.tests.xml", result.tests)


def test_golden_diagnostics_of_a_workbook_full_of_mistakes() -> None:
    result = compile_workbook(GOLDEN / "mistakes.xlsx")
    assert not result.ok and result.dmn is None
    _golden(GOLDEN / "mistakes.diagnostics.txt", _report(result))


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_compiling_twice_gives_the_same_bytes(path: Path, compiled: dict[str, Compilation]) -> None:
    again = compile_workbook(path)
    assert again.dmn == compiled[path.stem].dmn and again.tests == compiled[path.stem].tests


@pytest.mark.parametrize("name", [p.stem for p in CLEAN])
def test_output_is_valid_against_the_schemas(name: str, compiled: dict[str, Compilation]) -> None:
    etree = pytest.importorskip("lxml.etree")
    tck = tck_location()
    if not (tck / "DMN15.xsd").exists():
        pytest.skip(f"the DMN schemas are not at {tck} (set TABLERX_TCK_DIR)")
    result = compiled[name]
    dmn_schema = etree.XMLSchema(etree.parse(str(tck / "DMN15.xsd")))
    tests_schema = etree.XMLSchema(etree.parse(str(tck / "testCases.xsd")))
    assert dmn_schema.validate(etree.fromstring(result.dmn)), dmn_schema.error_log
    assert tests_schema.validate(etree.fromstring(result.tests)), tests_schema.error_log


@pytest.mark.parametrize("name", [p.stem for p in CLEAN])
def test_engine_runs_the_workbooks_own_tests(
    name: str, compiled: dict[str, Compilation], tmp_path: Path
) -> None:
    result = compiled[name]
    assert result.dmn is not None and result.tests is not None
    model = load_definitions([read_dmn(result.dmn)]).get(result.definitions.name)  # type: ignore[union-attr]
    tests = tmp_path / "cases.xml"
    tests.write_bytes(result.tests)
    # Rows expecting a refusal go through the service's validation (test_sheets_refusals.py).
    cases = [
        case
        for case in read_test_file(tests).cases
        if all(node.name != ERRORS_RESULT for node in case.results)
    ]
    outcomes = {case.id: run_case(model, case) for case in cases}
    assert outcomes and all(status == "SUCCESS" for status, _ in outcomes.values()), outcomes


def test_engine_explains_with_rule_ids_and_cells(compiled: dict[str, Compilation]) -> None:
    from decimal import Decimal

    defs = read_dmn(compiled["starter"].dmn or b"")
    model = load_definitions([defs]).get(defs.name)
    assert model is not None
    result = model.evaluate(
        {
            "line_of_therapy": Decimal(2),
            "progressed": True,
            "her2_status": "positive",
            "ecog": Decimal(3),
        }
    )
    assert result.values["care_pathway"] == "bsc"
    table = next(t for t in defs.decisions if t.name == "care_pathway").expression
    matched = [rule for rule in table.rules if rule.id == "Pathway_row10"]  # type: ignore[union-attr]
    assert matched and matched[0].label == "2.2"
    assert matched[0].extensions["source.cell"] == "'Pathway'!A10"


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)",
)
@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.stem)
def test_a_libreoffice_copy_compiles_to_the_same_dmn(
    path: Path, compiled: dict[str, Compilation], tmp_path: Path
) -> None:
    copy = libreoffice_copy(path, tmp_path / "lo")
    result = compile_workbook(copy)
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    assert result.dmn == compiled[path.stem].dmn


def test_starter_example_is_what_tablerx_new_writes(
    tmp_path: Path, compiled: dict[str, Compilation]
) -> None:
    from service.sheets.starter import write_starter

    fresh = tmp_path / "starter.xlsx"
    write_starter(fresh)
    assert compile_workbook(fresh).dmn == compiled["starter"].dmn, (
        "docs/examples/starter.xlsx is stale"
    )


def test_the_same_workbook_under_another_name_adopts_the_published_file(tmp_path: Path) -> None:
    first = compile_rows(tmp_path, base_sheets(), "book.xlsx")
    (dmn_path,) = write_outputs(first, tmp_path / "decisions")
    published = dmn_path.read_bytes()
    renamed = compile_rows(tmp_path, base_sheets(), "book (1).xlsx")
    assert renamed.dmn is not None and renamed.dmn != published  # the name is recorded
    assert adopt_published(renamed, tmp_path / "decisions")
    assert renamed.dmn == published and renamed.definitions is not None
    assert renamed.definitions.extensions["model.source"] == "book.xlsx"
    assert not adopt_published(renamed, tmp_path / "decisions")  # already the same bytes
    table = [list(row) for row in base_sheets()["Pathway"]]
    table[5][3] = '"other"'
    edited = compile_rows(tmp_path, base_sheets(Pathway=table), "book (2).xlsx")
    assert not adopt_published(edited, tmp_path / "decisions")  # another rule: not the same
    assert edited.dmn != published
