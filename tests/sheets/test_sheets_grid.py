"""Reading cells from real-world files: value types, formulas, merges, hidden parts, odd writers."""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from sheets_helpers import base_sheets, codes, compile_rows, minimal_parts, raw_xlsx, write_workbook

from service.sheets.container import WorkbookError
from service.sheets.grid import coordinate, parse_coordinate, read_workbook

D = decimal.Decimal


def _cells(path: Path, sheet: int = 0) -> dict[str, object]:
    workbook, _ = read_workbook(path)
    found = workbook.sheets[sheet]
    return {
        cell.coordinate: cell.value for row in found.row_numbers() for cell in found.row_cells(row)
    }


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (3, D(3)),
        (0.1, D("0.1")),
        (-2.5, D("-2.5")),
        (True, True),
        ("  spaced text ", "  spaced text "),
        (datetime.date(2025, 9, 16), datetime.date(2025, 9, 16)),
        (datetime.datetime(2025, 9, 16, 10, 30), datetime.datetime(2025, 9, 16, 10, 30)),
        (datetime.time(10, 30), datetime.time(10, 30)),
    ],
)
def test_values_keep_their_type(tmp_path: Path, written: object, read: object) -> None:
    path = write_workbook(tmp_path / "v.xlsx", {"S": [[written]]})
    assert _cells(path)["A1"] == read


@pytest.mark.parametrize(
    ("ref", "cell"), [("A1", (1, 1)), ("C7", (7, 3)), ("AA10", (10, 27)), ("$B$2", (2, 2))]
)
def test_coordinates(ref: str, cell: tuple[int, int]) -> None:
    assert parse_coordinate(ref) == cell
    assert coordinate(*cell) == ref.replace("$", "")


def test_cells_without_references_inline_text_and_no_styles(tmp_path: Path) -> None:
    # Some writers leave out r="A1", the styles part and the shared texts.
    rows = (
        '<row><c t="inlineStr"><is><t>Model</t></is></c></row><row><c '
        't="inlineStr"><is><t>Id</t></is></c>'
        '<c t="inlineStr"><is><r><t>de</t></r><r><t>mo</t></r></is></c><c><v>1.50</v></c></row>'
    )
    path = raw_xlsx(tmp_path / "raw.xlsx", minimal_parts(rows))
    assert _cells(path) == {"A1": "Model", "A2": "Id", "B2": "demo", "C2": D("1.50")}


def test_strict_ooxml_namespace(tmp_path: Path) -> None:
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    parts = minimal_parts(
        '<row r="2"><c r="B2" t="inlineStr"><is><t>x</t></is></c></row>', main_ns=strict
    )
    assert _cells(raw_xlsx(tmp_path / "strict.xlsx", parts)) == {"B2": "x"}


def test_formula_uses_its_saved_result(tmp_path: Path) -> None:
    rows = (
        '<row r="1"><c r="A1"><f>1+2</f><v>3</v></c><c r="B1" '
        't="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="C1"><f>NOW()</f></c><c r="D1" t="e"><v>#N/A</v></c></row>'
    )
    workbook, _ = read_workbook(raw_xlsx(tmp_path / "f.xlsx", minimal_parts(rows)))
    cells = {c.coordinate: c for c in workbook.sheets[0].row_cells(1)}
    assert (cells["A1"].value, cells["A1"].formula) == (D(3), "1+2")
    assert cells["B1"].value == "ab"
    assert (cells["C1"].value, cells["C1"].formula) == (None, "NOW()")
    assert cells["D1"].error == "#N/A"


def test_date_1904_system(tmp_path: Path) -> None:
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs '
        'count="2">'
        '<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
    )
    parts = minimal_parts(
        '<row r="1"><c r="A1" s="1"><v>0</v></c></row>', extra={"xl/styles.xml": styles}
    )
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "<sheets>", '<workbookPr date1904="1"/><sheets>'
    )
    assert _cells(raw_xlsx(tmp_path / "d.xlsx", parts))["A1"] == datetime.date(1904, 1, 1)


def test_custom_date_format(tmp_path: Path) -> None:
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts '
        'count="1">'
        '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf '
        'numFmtId="0"/>'
        '<xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    parts = minimal_parts(
        '<row r="1"><c r="A1" s="1"><v>45916</v></c><c r="B1"><v>45916</v></c></row>',
        extra={"xl/styles.xml": styles},
    )
    cells = _cells(raw_xlsx(tmp_path / "d.xlsx", parts))
    assert cells == {"A1": datetime.date(2025, 9, 16), "B1": D(45916)}


def test_entities_are_refused(tmp_path: Path) -> None:
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    parts = minimal_parts("", extra={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(WorkbookError) as raised:
        read_workbook(raw_xlsx(tmp_path / "dtd.xlsx", parts))
    assert raised.value.diagnostic.code == "XLSX_BROKEN"


def test_merged_cells_fill_their_range(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "m.xlsx", {"S": [["Inputs", None, None], ["a", "b", "c"]]})
    workbook = openpyxl.load_workbook(path)
    workbook["S"].merge_cells("A1:C1")
    workbook.save(path)
    cells = read_workbook(path)[0].sheets[0].row_cells(1)
    assert [(c.coordinate, c.value, c.merged_from) for c in cells] == [
        ("A1", "Inputs", (1, 1)),
        ("B1", "Inputs", (1, 1)),
        ("C1", "Inputs", (1, 1)),
    ]


def test_role_row_and_vertically_merged_conditions(tmp_path: Path) -> None:
    # A merged "Inputs" cell over the input columns, and one condition merged over two rules.
    table: list[list[object]] = [
        ["Decision table", "pathway"],
        ["Hit policy", "Unique"],
        [None, "Inputs", None, "Outputs"],
        ["Rule", "progressed", "ecog", "pathway"],
        ["1", "true", "<= 2", '"systemic"'],
        ["2", None, ">= 3", '"bsc"'],
        ["3", "false", "-", '"confirm"'],
    ]
    path = write_workbook(tmp_path / "m.xlsx", base_sheets(Pathway=table))
    workbook = openpyxl.load_workbook(path)
    workbook["Pathway"].merge_cells("B3:C3")
    workbook["Pathway"].merge_cells("B5:B6")
    workbook.save(path)
    from service.sheets.compiler import compile_workbook

    result = compile_workbook(path)
    assert result.ok, result.diagnostics
    assert result.definitions is not None
    logic = result.definitions.decisions[0].expression
    assert [clause.input_expression.text for clause in logic.inputs] == ["progressed", "ecog"]  # type: ignore[union-attr]
    assert [rule.input_entries[0].text for rule in logic.rules] == ["true", "true", "false"]  # type: ignore[union-attr]


def test_hidden_sheet_without_blocks_is_silent_and_hidden_rows_warn(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "h.xlsx", base_sheets(Lists=[["a"], ["b"]]))
    workbook = openpyxl.load_workbook(path)
    workbook["Lists"].sheet_state = "hidden"
    workbook["Pathway"].row_dimensions[6].hidden = True
    workbook.save(path)
    from service.sheets.compiler import compile_workbook

    result = compile_workbook(path)
    assert {d.code for d in result.diagnostics} == {"HIDDEN_ROW"} and result.ok


def test_comments_formatting_and_trailing_empty_cells_are_ignored(tmp_path: Path) -> None:
    clean = compile_rows(tmp_path, base_sheets(), "clean.xlsx")
    path = write_workbook(tmp_path / "dressed.xlsx", base_sheets())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Pathway"]
    sheet["D4"].comment = Comment("why confirm?", "reviewer")
    for row in range(1, 400):  # formatting far below and right of the table, no values
        sheet.cell(row=row, column=30).fill = PatternFill(fill_type="solid", start_color="FFFF0000")
    sheet.cell(row=5000, column=1).fill = PatternFill(fill_type="solid", start_color="FFFF0000")
    workbook.save(path)
    from service.sheets.compiler import compile_workbook

    dressed = compile_workbook(path)
    assert dressed.ok and dressed.diagnostics == []
    assert dressed.dmn == clean.dmn.replace(b"clean.xlsx", b"dressed.xlsx")  # type: ignore[union-attr]


def test_numbers_stored_as_text_and_stray_spaces(tmp_path: Path) -> None:
    table = [
        ["Decision table", "pathway"],
        ["Hit policy", " unique "],
        ["Rule", " Input:  progressed ", "Input: ecog", "Output: pathway"],
        [" 1 ", " true ", "2", ' "a" '],
        ["2", "false", "1", '"b"'],
    ]
    result = compile_rows(tmp_path, base_sheets(Pathway=table))
    assert result.ok, result.diagnostics
    logic = result.definitions.decisions[0].expression  # type: ignore[union-attr]
    assert logic.rules[0].label == "1" and logic.rules[0].input_entries[1].text == "2"  # type: ignore[union-attr]
    assert logic.rules[0].output_entries[0].text == '"a"'  # type: ignore[union-attr]
    assert "SHEET_TOO_LARGE" not in codes(result)
