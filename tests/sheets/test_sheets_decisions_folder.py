"""The committed decisions/ holds exactly what a fresh compile of spreadsheets/ writes.

A workbook edited without recompiling (or a hand-edited DMN file) fails here, in CI. Older
published versions may stay in decisions/: only what the current workbooks compile to is
compared, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sheets_helpers import REPO

from service.sheets.compiler import compile_workbook, write_outputs
from service.sheets.diagnostics import format_diagnostic

SPREADSHEETS = REPO / "spreadsheets"
DECISIONS = REPO / "decisions"
WORKBOOKS = sorted(
    p for p in SPREADSHEETS.glob("*.xlsx") if not p.name.startswith(("~$", ".~lock"))
)


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.name)
def test_committed_dmn_equals_a_fresh_compile(workbook: Path, tmp_path: Path) -> None:
    result = compile_workbook(workbook)
    assert result.ok, "\n".join(format_diagnostic(d) for d in result.diagnostics)
    for fresh in write_outputs(result, tmp_path):
        committed = DECISIONS / fresh.relative_to(tmp_path)
        assert committed.exists(), (
            f"{committed} is missing: run `tablerx compile {workbook.relative_to(REPO)}`"
        )
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"{committed.relative_to(REPO)} differs from a fresh compile of "
            f"{workbook.relative_to(REPO)}: "
            "recompile it (a published version must not change: raise the workbook's version "
            "instead)"
        )


def test_every_committed_test_file_has_its_model() -> None:
    orphans = [
        p
        for p in DECISIONS.rglob("*.tests.xml")
        if not p.with_name(p.name.replace(".tests.xml", ".dmn")).exists()
    ]
    assert not orphans, orphans
