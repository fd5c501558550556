"""One mistake, one diagnostic: a broken cell is reported where it is, and nowhere else.

Found in a usability test: one unquoted output in the starter's Pathway table also gave
four errors on the Tests sheet, which the clinician never touched (the output column's type
could no longer be inferred, so the test values were read as FEEL names). A type that
cannot be known because of an error elsewhere leaves the cells that depend on it unread; a
type the other, valid cells still show is used. Each case below edits one cell of the
starter workbook (``tablerx new``) and expects exactly one diagnostic, at that cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_helpers import base_sheets, compile_rows

from service.sheets.compiler import compile_workbook
from service.sheets.diagnostics import format_diagnostic
from service.sheets.starter import write_starter

# (what breaks, sheet, cell, new content, the one code expected there)
BREAKAGES: list[tuple[str, str, str, Any, str]] = [
    ("output: closing quote missing", "Pathway", "D11", '"systemic_limited', "FEEL_SYNTAX"),
    ("output: text without quotes", "Pathway", "D12", "systemic_full", "UNDECLARED_NAME"),
    ("output: dangling operator", "Pathway", "D9", '"confirm_progression" +', "FEEL_SYNTAX"),
    ("output: two texts", "Pathway", "D11", '"systemic_limited" "x"', "FEEL_SYNTAX"),
    ("output: misspelt boolean", "Candidate", "G9", "flase", "UNDECLARED_NAME"),
    (
        "guard output: code without quotes",
        "Request checks",
        "D9",
        "CONTRADICTION",
        "UNDECLARED_NAME",
    ),
    ("input: unfinished comparison", "Pathway", "C10", ">= ", "FEEL_SYNTAX"),
    ("input: range not closed", "Pathway", "C10", "[0..1", "FEEL_SYNTAX"),
    ("input: yes for a boolean", "Pathway", "B10", "yes", "UNDECLARED_NAME"),
    ("input: misspelt name", "Pathway", "C10", "ecgo >= 3", "UNDECLARED_NAME"),
    ("hit policy: misspelt", "Pathway", "B6", "Uniqe", "HIT_POLICY_UNKNOWN"),
    ("hit policy: misspelt, knowledge model", "Candidate", "B7", "Frist", "HIT_POLICY_UNKNOWN"),
    ("hit policy: misspelt, guard", "Request checks", "B6", "Colect", "HIT_POLICY_UNKNOWN"),
    ("header: misspelt output role", "Pathway", "D8", "Outptu: care_pathway", "HEADER_UNKNOWN"),
    ("header: output without role", "Pathway", "D8", "care_pathway", "HEADER_UNKNOWN"),
    ("header: misspelt input role", "Pathway", "C8", "Inptu: ecog", "HEADER_UNKNOWN"),
    ("header: misspelt input name", "Pathway", "C8", "Input: ecgo", "UNDECLARED_NAME"),
    ("header: misspelt rule column", "Pathway", "A8", "Rulez", "HEADER_UNKNOWN"),
    ("header: misspelt Name", "Options", "A6", "Nmae", "COLUMN_MISSING"),
    ("header: misspelt Expression", "Options", "B6", "Expresion", "COLUMN_MISSING"),
    ("header: misspelt expected name", "Tests", "G6", "Expected: care_pathwy", "UNDECLARED_NAME"),
    ("header: misspelt Type", "Inputs", "B7", "Tpye", "COLUMN_MISSING"),
    ("header: misspelt Allowed values", "Inputs", "C7", "Allowed vlaues", "COLUMN_MISSING"),
    ("header: misspelt Required", "Inputs", "E7", "Requird", "COLUMN_MISSING"),
    ("header: misspelt Code", "References", "A4", "Cdoe", "COLUMN_MISSING"),
    ("label: misspelt hit policy", "Pathway", "A6", "Hit polcy", "UNKNOWN_LABEL"),
    ("label: misspelt role", "Request checks", "A7", "Rloe", "UNKNOWN_LABEL"),
    ("label: misspelt version", "Model", "A8", "Verison", "UNKNOWN_LABEL"),
    ("value: misspelt guard role", "Request checks", "B7", "gaurd", "VALUE_INVALID"),
    ("value: misspelt status", "Model", "B9", "drft", "VALUE_INVALID"),
    ("type: input", "Inputs", "B10", "strnig", "TYPE_UNKNOWN"),
    ("type: input, integer", "Inputs", "B11", "integr", "TYPE_UNKNOWN"),
    ("type: input, boolean", "Inputs", "B9", "boolen", "TYPE_UNKNOWN"),
    ("type: expression", "Options", "C9", "strnig", "TYPE_UNKNOWN"),
    ("type: relation column", "Catalogue", "B6", "nubmer", "TYPE_UNKNOWN"),
    ("type: relation list column", "Catalogue", "C6", "list of nubmer", "TYPE_UNKNOWN"),
    ("allowed values: quote not closed", "Inputs", "C10", 'positive, "x', "FEEL_SYNTAX"),
    ("expression: unfinished", "Options", "B9", "if count(options) > 0 then 1 else", "FEEL_SYNTAX"),
    (
        "expression: misspelt knowledge model in a filter",
        "Options",
        "B7",
        "catalogue[is_candidat(item, care_pathway, line_of_therapy, her2_status)]",
        "UNDECLARED_NAME",
    ),
    (
        "parameters: two commas",
        "Candidate",
        "B6",
        "r, care_pathway,, line_of_therapy, her2_status",
        "VALUE_INVALID",
    ),
    ("relation value: text for a number", "Catalogue", "B7", "ten", "WRONG_TYPE"),
    ("test value: text for an integer", "Tests", "C7", "two", "WRONG_TYPE"),
]


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("starter") / "starter.xlsx"
    write_starter(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "cell", "content", "code"),
    [case[1:] for case in BREAKAGES],
    ids=[case[0] for case in BREAKAGES],
)
def test_one_broken_cell_gives_one_diagnostic(
    starter: Path, tmp_path: Path, sheet: str, cell: str, content: Any, code: str
) -> None:
    workbook = openpyxl.load_workbook(starter)
    workbook[sheet][cell] = content
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    result = compile_workbook(edited)
    shown = [format_diagnostic(d) for d in result.diagnostics]
    assert len(result.diagnostics) == 1, "\n".join(shown)
    [found] = result.diagnostics
    assert (found.code, found.sheet, found.cell) == (code, sheet, cell), shown[0]


@pytest.mark.parametrize(
    ("sheet", "cell", "content", "hint"),
    [
        ("Pathway", "D8", "Outptu: care_pathway", "did you mean 'Output: care_pathway'?"),
        ("Pathway", "A6", "Hit polcy", "did you mean 'Hit policy'?"),
        ("Inputs", "E7", "Requird", "did you mean 'Required'? (the column was read as Required)"),
    ],
)
def test_a_misspelt_word_is_named_in_the_hint_and_read_as_meant(
    starter: Path, tmp_path: Path, sheet: str, cell: str, content: str, hint: str
) -> None:
    workbook = openpyxl.load_workbook(starter)
    workbook[sheet][cell] = content
    workbook.save(tmp_path / "edited.xlsx")
    [found] = compile_workbook(tmp_path / "edited.xlsx").diagnostics
    assert found.hint == hint and found.is_error


_NUMBERS = [
    ["Decision table", "score"],
    ["Hit policy", "Unique"],
    ["Rule", "Input: ecog", "Output: score"],
    ["1", "0", "1"],
    ["2", "1", "2 +"],
    ["3", ">= 2", "3"],
]


def test_the_type_the_valid_cells_show_is_still_used(tmp_path: Path) -> None:
    # The broken cell says nothing about the type; the other two say number, so a text
    # expected for the decision is still a mistake worth reporting.
    tests: list[list[Any]] = [
        ["Tests"],
        ["Test", "Input: ecog", "Expected: score"],
        ["T1", 0, "high"],
    ]
    result = compile_rows(tmp_path, base_sheets(Pathway=_NUMBERS, Tests=tests))
    assert [(d.code, d.cell) for d in result.diagnostics] == [
        ("FEEL_SYNTAX", "C5"),
        ("WRONG_TYPE", "C3"),
    ]


def test_mixed_results_read_test_values_as_plain_values_or_text(tmp_path: Path) -> None:
    table = [
        ["Decision table", "advice"],
        ["Hit policy", "Unique"],
        ["Rule", "Input: ecog", "Output: advice"],
        ["1", "< 2", '"treat"'],
        ["2", ">= 2", "ecog"],  # a number: the column holds no single type
    ]
    tests: list[list[Any]] = [
        ["Tests"],
        ["Test", "Input: ecog", "Expected: advice"],
        ["T1", 0, "treat"],
        ["T2", 3, 3],
    ]
    result = compile_rows(tmp_path, base_sheets(Pathway=table, Tests=tests))
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    assert result.tests is not None
    text = result.tests.decode()
    assert '<value xsi:type="xsd:string">treat</value>' in text
    assert '<value xsi:type="xsd:decimal">3</value>' in text


def test_a_misspelt_word_of_a_role_row_is_the_one_diagnostic(tmp_path: Path) -> None:
    table: list[list[Any]] = [
        ["Decision table", "pathway"],
        ["Hit policy", "Unique"],
        [None, "Inptus", "Outputs"],
        ["Rule", "progressed", "pathway"],
        ["1", "false", '"confirm"'],
        ["2", "true", '"treat"'],
    ]
    result = compile_rows(tmp_path, base_sheets(Pathway=table))
    assert [(d.code, d.cell, d.hint) for d in result.diagnostics] == [
        ("HEADER_UNKNOWN", "B3", "did you mean 'Inputs'?")
    ]
