"""``tablerx new``: a starter workbook with every kind of block, explanations and drop-downs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sheets_helpers import at, codes

from service.sheets.compiler import compile_workbook
from service.sheets.grid import read_workbook
from service.sheets.layout import find_blocks
from service.sheets.starter import write_starter
from service.sheets.writer import LISTS_SHEET


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("starter") / "starter.xlsx"
    write_starter(path)
    return path


def test_every_kind_of_block(starter: Path) -> None:
    blocks, problems = find_blocks(read_workbook(starter)[0])
    assert problems == []
    assert {b.kind for b in blocks} == {
        "model",
        "inputs",
        "decision table",
        "knowledge model",
        "relation",
        "expressions",
        "tests",
        "references",
    }


def test_every_sheet_explains_itself_above_its_first_keyword(starter: Path) -> None:
    workbook = openpyxl.load_workbook(starter)
    for sheet in workbook.worksheets:
        if sheet.title == LISTS_SHEET:
            assert sheet.sheet_state == "hidden"
            continue
        assert isinstance(sheet["A1"].value, str) and len(sheet["A1"].value) > 30, sheet.title


def _lists(
    sheet: openpyxl.worksheet.worksheet.Worksheet, workbook: openpyxl.Workbook
) -> dict[str, list[str]]:
    """Each validated range of ``sheet`` with the values of its drop-down list."""
    found: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        source = validation.formula1.split("!")[1].replace("$", "")
        column = workbook[LISTS_SHEET][source]
        found[str(validation.sqref)] = [c[0].value for c in column]
    return found


@pytest.mark.parametrize(
    ("sheet", "cells", "values"),
    [
        (
            "Pathway",
            "B6",
            [
                "Unique",
                "First",
                "Priority",
                "Any",
                "Collect",
                "Collect sum",
                "Collect min",
                "Collect max",
                "Collect count",
                "Rule order",
                "Output order",
            ],
        ),
        ("Model", "B9", ["draft", "in review", "approved", "retired"]),
        ("Inputs", "B8", None),
        ("Inputs", "E8", ["yes", "no"]),
        ("Pathway", "B9", ["true", "false", "-"]),
        ("Candidate", "F9", ['"positive"', '"negative"', '"not_retested"', "-"]),
    ],
)
def test_drop_down_lists(starter: Path, sheet: str, cells: str, values: list[str] | None) -> None:
    workbook = openpyxl.load_workbook(starter)
    lists = _lists(workbook[sheet], workbook)
    matching = [v for k, v in lists.items() if k.split(":")[0] == cells]
    assert matching, f"no drop-down starts at {sheet}!{cells}: {sorted(lists)}"
    if values is not None:
        assert matching[0] == values
    else:
        assert "list of string" in matching[0]


def test_a_clinicians_first_edit_is_checked_at_its_cell(starter: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(starter)
    sheet = workbook["Pathway"]
    sheet.append(["2.5", "true", "[0..1", "systemic_full", "a new rule with two typos", "CONV"])
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    result = compile_workbook(edited)
    assert {"FEEL_SYNTAX", "UNDECLARED_NAME"} <= codes(result)
    assert at(result, "FEEL_SYNTAX") == ["Pathway!C13"]
    hint = next(d.hint for d in result.diagnostics if d.code == "UNDECLARED_NAME")
    assert hint == 'if you meant the text systemic_full, write it in double quotes: "systemic_full"'


# Characters of each kind a column must hold, in digit widths (the unit of column widths):
# a bold 13-point keyword's letters are wider than a digit, ordinary text's narrower.
KEYWORD, LABEL, TEXT = 1.2, 0.95, 0.8


@pytest.mark.parametrize(
    ("sheet", "column", "text", "factor"),
    [
        ("Pathway", "A", "Decision table", KEYWORD),
        ("Pathway", "A", "Hit policy", LABEL),
        ("Pathway", "A", "Description", LABEL),
        ("Candidate", "A", "Knowledge model", KEYWORD),
        ("Model", "A", "Effective date", LABEL),
        ("Model", "B", "Second-line treatment choice (starter)", TEXT),
        ("Pathway", "D", "Output: care_pathway", LABEL),
        ("Pathway", "D", '"confirm_progression"', TEXT),
        ("Tests", "H", "Expected: first_choice", LABEL),
        ("Inputs", "C", "positive, negative, not_retested", TEXT),
    ],
)
def test_columns_are_wide_enough_for_their_labels_and_values(
    starter: Path, sheet: str, column: str, text: str, factor: float
) -> None:
    # Checked by eye too: LibreOffice's PDF of the starter shows every label and value whole.
    width = openpyxl.load_workbook(starter)[sheet].column_dimensions[column].width
    assert width >= len(text) * factor, f"{sheet}!{column} is {width} wide for {text!r}"


def test_long_text_wraps_instead_of_making_columns_huge(starter: Path) -> None:
    workbook = openpyxl.load_workbook(starter)
    options = workbook["Options"]
    assert options.column_dimensions["B"].width <= 50
    assert options["B8"].alignment.wrap_text  # the long "for r in sort(...)" expression
    assert options.row_dimensions[8].height == 30  # two lines
    assert not options["B9"].alignment.wrap_text
    # A title or label value runs on over the empty cells to its right: no wrapping needed.
    assert not workbook["Pathway"]["B7"].alignment.wrap_text
