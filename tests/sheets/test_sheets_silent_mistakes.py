"""Mistakes a clinician makes while editing, which once compiled silently or were explained
badly: each edit of the starter workbook (``tablerx new``) must give exactly one
diagnostic, at the cell edited, with a message that says how to fix it.

Found in a review of the clinical workbook: a misspelt keyword dropped its whole block,
a deleted column header dropped a condition, a cleared rule became a catch-all, and
spreadsheet habits (``<> 2``, ``[0-1]``) were read as FEEL that matches the wrong values.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from service.sheets.compiler import compile_workbook
from service.sheets.diagnostics import Diagnostic, format_diagnostic
from service.sheets.starter import write_starter

Edit = Callable[[openpyxl.Workbook], None]


def _set(sheet: str, **cells: Any) -> Edit:
    def edit(workbook: openpyxl.Workbook) -> None:
        for cell, value in cells.items():
            workbook[sheet][cell] = value

    return edit


def _clear(sheet: str, *ranges: str) -> Edit:
    def edit(workbook: openpyxl.Workbook) -> None:
        for area in ranges:
            for row in workbook[sheet][area]:
                for cell in row:
                    cell.value = None

    return edit


def _merge(sheet: str, area: str) -> Edit:
    return lambda workbook: workbook[sheet].merge_cells(area)


def _hide_column(sheet: str, letter: str) -> Edit:
    def edit(workbook: openpyxl.Workbook) -> None:
        workbook[sheet].column_dimensions[letter].hidden = True

    return edit


# (what breaks, the edit, the one (code, sheet, cell) expected, words the message or hint says)
MISTAKES: list[tuple[str, Edit, tuple[str, str, str], str]] = [
    (
        "keyword: Decison table",
        _set("Request checks", A5="Decison table"),
        ("UNKNOWN_KEYWORD", "Request checks", "A5"),
        "'Decison table' is not a block keyword; did you mean 'Decision table'?",
    ),
    (
        "keyword: Test for Tests",
        _set("Tests", A5="Test"),
        ("UNKNOWN_KEYWORD", "Tests", "A5"),
        "did you mean 'Tests'?",
    ),
    (
        "keyword: Input for Inputs",
        _set("Inputs", A6="Input"),
        ("UNKNOWN_KEYWORD", "Inputs", "A6"),
        "did you mean 'Inputs'?",
    ),
    (
        "keyword: Relatoin with its title",
        _set("Catalogue", A4="Relatoin"),
        ("UNKNOWN_KEYWORD", "Catalogue", "A4"),
        "did you mean 'Relation'?",
    ),
    (
        "header: input header deleted",
        _set("Pathway", C8=None),
        ("COLUMN_WITHOUT_HEADER", "Pathway", "C8"),
        "column C of table care_pathway has no header, so its 4 cells (C9:C12) would be ignored",
    ),
    (
        "header: output header deleted",
        _set("Request checks", E8=None),
        ("COLUMN_WITHOUT_HEADER", "Request checks", "E8"),
        "restore the header (Input: ..., Output: ..., Annotation: ...) or clear the column",
    ),
    (
        "header: tests input header deleted",
        _set("Tests", E6=None),
        ("COLUMN_WITHOUT_HEADER", "Tests", "E6"),
        "column E of the 'Tests'!A5 tests has no header",
    ),
    (
        "rule: conditions and outputs cleared, id kept",
        _clear("Pathway", "B10:D10"),
        ("RULE_EMPTY", "Pathway", "A10"),
        "rule 2.2 has no conditions and no outputs",
    ),
    (
        "condition: <> for not equal",
        _set("Pathway", C10="<> 2"),
        ("FEEL_SYNTAX", "Pathway", "C10"),
        "write != 2, or not(2)",
    ),
    (
        "condition: [0-1] for a range",
        _set("Pathway", C10="[0-1]"),
        ("DASH_RANGE", "Pathway", "C10"),
        "did you mean [0..1]?",
    ),
    (
        "condition: >= 0 and <= 1",
        _set("Pathway", C10=">= 0 and <= 1"),
        ("FEEL_SYNTAX", "Pathway", "C10"),
        "write [0..1]",
    ),
    (
        "condition: not without brackets",
        _set("Request checks", C9='not "x"'),
        ("FEEL_SYNTAX", "Request checks", "C9"),
        'write not("x")',
    ),
    (
        "condition: a number range the spreadsheet turned into a date",
        _set("Pathway", C10=datetime.datetime(2025, 1, 2)),
        ("WRONG_TYPE", "Pathway", "C10"),
        "the spreadsheet turned this entry into the date 2025-01-02",
    ),
    (
        "table: hidden column",
        _hide_column("Pathway", "C"),
        ("HIDDEN_COLUMN", "Pathway", "C8"),
        "so that reviewers see every condition",
    ),
    (
        "table: cell merged over an output and an annotation",
        _merge("Pathway", "D10:E10"),
        ("MERGED_ACROSS_COLUMNS", "Pathway", "D10"),
        "the merged cell D10:E10 spans columns of different roles "
        "(Output: care_pathway, Annotation: rationale); unmerge it",
    ),
    (
        "table: cell merged over two annotations",
        _merge("Pathway", "E10:F10"),
        ("MERGED_ACROSS_COLUMNS", "Pathway", "E10"),
        "spans several columns (Annotation: rationale, Annotation: citation)",
    ),
    (
        "table: cell merged over a whole rule",
        _merge("Pathway", "B10:F10"),
        ("MERGED_ACROSS_COLUMNS", "Pathway", "B10"),
        "unmerge it",
    ),
]


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("starter") / "starter.xlsx"
    write_starter(path)
    return path


def _compile_edited(starter: Path, tmp_path: Path, edit: Edit) -> list[Diagnostic]:
    workbook = openpyxl.load_workbook(starter)
    edit(workbook)
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    return compile_workbook(edited).diagnostics


@pytest.mark.parametrize(
    ("edit", "expected", "words"),
    [case[1:] for case in MISTAKES],
    ids=[case[0] for case in MISTAKES],
)
def test_a_silent_mistake_gives_one_plain_diagnostic(
    starter: Path, tmp_path: Path, edit: Edit, expected: tuple[str, str, str], words: str
) -> None:
    found = _compile_edited(starter, tmp_path, edit)
    shown = [format_diagnostic(d) for d in found]
    assert len(found) == 1, "\n".join(shown)
    assert (found[0].code, found[0].sheet, found[0].cell) == expected, shown[0]
    assert words in f"{found[0].message} hint: {found[0].hint}", shown[0]


def test_a_catch_all_rule_with_outputs_is_still_allowed(starter: Path, tmp_path: Path) -> None:
    found = _compile_edited(starter, tmp_path, _set("Pathway", B9="-", C9="-", B6="First"))
    assert found == [], [format_diagnostic(d) for d in found]


def test_a_condition_merged_over_inputs_is_still_allowed(starter: Path, tmp_path: Path) -> None:
    edit = _set("Request checks", B9="-", C9="-")
    found = _compile_edited(
        starter, tmp_path, lambda wb: (edit(wb), wb["Request checks"].merge_cells("B9:C9"))
    )
    assert not any(d.code == "MERGED_ACROSS_COLUMNS" for d in found)


@pytest.mark.parametrize(
    "text",
    ["Test results are below.", "Inputs come from the form", "Decision tables follow"],
)
def test_prose_close_to_a_keyword_is_not_a_keyword(
    starter: Path, tmp_path: Path, text: str
) -> None:
    found = _compile_edited(starter, tmp_path, _set("Pathway", A3=text))
    assert found == [], [format_diagnostic(d) for d in found]


def test_a_renamed_output_used_elsewhere_is_reported(tmp_path: Path) -> None:
    from sheets_helpers import base_sheets, compile_rows

    table = [
        ["Decision table", "plan"],
        ["Hit policy", "Unique"],
        ["Rule", "Input: ecog", "Output: pathway", "Output: why"],
        ["1", "< 2", '"treat"', '"fit"'],
        ["2", ">= 2", '"bsc"', '"unfit"'],
    ]
    derived = [["Expressions"], ["Name", "Expression"], ["result", "plan.care_pathway"]]
    result = compile_rows(tmp_path, base_sheets(Pathway=table, Derived=derived))
    [found] = result.diagnostics
    assert (found.code, found.sheet, found.cell) == ("OUTPUT_UNKNOWN", "Derived", "B3")
    assert "plan has no output 'care_pathway'" in found.message
    assert found.hint is not None and "pathway, why" in found.hint


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("hidden", "right-click any sheet tab, Unhide"),
        ("veryHidden", "--annotate COPY.xlsx"),
    ],
)
def test_a_name_defined_on_a_hidden_sheet_says_where(
    starter: Path, tmp_path: Path, state: str, words: str
) -> None:
    def hide(workbook: openpyxl.Workbook) -> None:
        workbook["Pathway"].sheet_state = state

    found = _compile_edited(starter, tmp_path, hide)
    undeclared = [d for d in found if d.code == "UNDECLARED_NAME"]
    assert undeclared, [format_diagnostic(d) for d in found]
    for item in undeclared:
        assert "care_pathway' is defined on the" in item.message
        assert "sheet 'Pathway'" in item.message
        assert item.hint is not None and words in item.hint


def test_the_annotated_copy_shows_a_very_hidden_sheet(starter: Path, tmp_path: Path) -> None:
    from service.sheets.annotate import annotate

    workbook = openpyxl.load_workbook(starter)
    workbook["Pathway"].sheet_state = "veryHidden"
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    annotate(edited, compile_workbook(edited).diagnostics, tmp_path / "copy.xlsx")
    assert openpyxl.load_workbook(tmp_path / "copy.xlsx")["Pathway"].sheet_state == "visible"


def test_the_annotated_copy_never_replaces_the_workbook(starter: Path, tmp_path: Path) -> None:
    from service.sheets.annotate import AnnotateError, annotate

    source = tmp_path / "book.xlsx"
    source.write_bytes(starter.read_bytes())
    with pytest.raises(AnnotateError, match=r"would overwrite book\.xlsx itself"):
        annotate(source, [], tmp_path / "." / "book.xlsx")
    assert source.read_bytes() == starter.read_bytes()
