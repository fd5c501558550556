"""A second version of the clinical workbook, made here with one rule changed: its diff names
that rule (sheet, rule id, column) and exactly the patients it affects; recompiling a published
version with different content is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from service.sheets.compiler import compile_workbook, write_outputs
from service.store import diff_markdown, diff_report, releases
from service.store.diff_behaviour import RuleHit
from service.store.diff_tables import CellChange

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "spreadsheets" / "gastric-her2-later-lines.xlsx"
MODEL = "gastric-her2-later-lines"
SHEET, RULE, OUTPUT = "T2 Care pathway", "2.4", "care_pathway"

pytestmark = pytest.mark.skipif(not WORKBOOK.is_file(), reason=f"{WORKBOOK} is not there yet")


def _find(sheet: Any, text: str) -> Any:
    return next(c for row in sheet.iter_rows() for c in row if str(c.value).strip() == text)


def edited_workbook(tmp_path: Path, version: str | None) -> tuple[Path, str, str, str]:
    """A copy of the workbook where rule 2.4 (ECOG 2) gives the other systemic pathway.

    Returns the copy, the rule's row cell, and the output's old and new cell texts.
    """
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book[SHEET]
    rule = _find(sheet, RULE)
    column = _find(sheet, f"Output: {OUTPUT}").column
    cell = sheet.cell(rule.row, column)
    old = str(cell.value)
    new = '"systemic_full"' if old != '"systemic_full"' else '"systemic_limited"'
    cell.value = new
    if version is not None:
        label = next(
            c
            for s in book.worksheets
            for row in s.iter_rows()
            for c in row
            if c.value == "Version" and s.cell(c.row, c.column + 1).value
        )
        label.parent.cell(label.row, label.column + 1).value = version
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path, f"'{SHEET}'!A{rule.row}", old, new


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, str, str]:
    tmp = tmp_path_factory.mktemp("clinical")
    decisions = tmp / "decisions"
    original = compile_workbook(WORKBOOK)
    assert original.ok, [str(d) for d in original.diagnostics]
    write_outputs(original, decisions)
    edited, cell, old, new = edited_workbook(tmp, "99.0.0")
    second = compile_workbook(edited)
    assert second.ok, [str(d) for d in second.diagnostics]
    write_outputs(second, decisions)
    return decisions, original.version, cell, old, new


@pytest.mark.slow
def test_the_diff_names_the_rule_and_the_patients(
    published: tuple[Path, str, str, str, str],
) -> None:
    decisions, version, cell, old, new = published
    diff = diff_report.diff_published(decisions, MODEL, version, "99.0.0", limit=1500)

    (logic,) = diff.structural.logic
    assert (logic.name, logic.sheet) == ("care_pathway_assessment", SHEET)
    (rule,) = logic.rules
    assert rule.kind == "changed" and rule.new is not None
    assert (rule.new.rule, rule.new.cell) == (RULE, cell)
    assert rule.cells == [CellChange(OUTPUT, "output", old, new)]

    report = diff.behaviour
    assert report.differences and report.from_tests > 0
    hit = RuleHit("care_pathway_assessment", RULE, cell)
    for item in report.differences:
        inputs = item.inputs
        assert inputs["ecog"] == 2 and inputs["progressed_on_first_line"] is True
        assert inputs["patient_preference"] != "declines_anticancer_therapy"
        assert OUTPUT in item.outputs
        assert f'"{item.old.outputs[OUTPUT]}"' == old
        assert f'"{item.new.outputs[OUTPUT]}"' == new
        assert item.old_rules[0] == hit and item.new_rules[0] == hit
    assert any(item.source.startswith("test ") for item in report.differences)

    text = diff_markdown.to_markdown(diff)
    assert f"| changed | {RULE} | {cell} | {OUTPUT} | `{old}` | `{new}` |" in text
    assert f"care_pathway_assessment {RULE} ({cell})" in text
    assert "ecog = 2" in text


def test_recompiling_a_published_version_with_other_content_is_refused(
    published: tuple[Path, str, str, str, str], tmp_path: Path
) -> None:
    decisions, version, *_ = published
    edited, *_ = edited_workbook(tmp_path, None)  # same version number, one rule changed
    again = compile_workbook(edited)
    assert again.ok and again.dmn is not None
    problem = releases.check_publishable(decisions, MODEL, version, again.dmn, again.tests)
    assert problem is not None and "give the workbook a new version number" in problem
    same = compile_workbook(WORKBOOK)
    assert same.dmn is not None
    assert releases.check_publishable(decisions, MODEL, version, same.dmn, same.tests) is None
