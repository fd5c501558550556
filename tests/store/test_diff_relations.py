"""Relation (catalogue) rows by key, references and test cases in the diff, from real workbooks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from service.dmn import model as m
from service.sheets.compiler import compile_workbook, write_outputs
from service.store import diff_markdown, diff_report
from service.store.diff_relations import RowCell, compare_relations

MODEL = "catalogue-demo"
ROWS = [
    ["Trastuzumab deruxtecan", 10, "6.4 mg/kg IV every 3 weeks"],
    ["Ramucirumab + paclitaxel", 20, "8 mg/kg IV days 1, 15"],
    ["Docetaxel", 40, "75 mg/m² IV every 3 weeks"],
]
CITATION = "Shitara K et al. N Engl J Med 2025;393:336-348."
CASES = [
    ["T1", "fit", 1, "Trastuzumab deruxtecan"],
    ["T2", "limited", 3, "Docetaxel"],
]


def sheets(
    version: str,
    rows: Sequence[Sequence[Any]] = ROWS,
    citation: str = CITATION,
    cases: Sequence[Sequence[Any]] = CASES,
) -> dict[str, list[list[Any]]]:
    """A small model: one input, a table choosing a regimen, a catalogue, references, tests."""
    return {
        "Model": [["Model"], ["Id", MODEL], ["Version", version], ["Status", "draft"]],
        "Inputs": [
            ["Inputs"],
            ["Name", "Type", "Allowed values", "Required"],
            ["ecog", "integer", "[0..4]", "yes"],
        ],
        "Choice": [
            ["Decision table", "choice"],
            ["Hit policy", "Unique"],
            ["Rule", "Input: ecog", "Output: choice", "Annotation: citation"],
            ["1", "[0..2]", '"Trastuzumab deruxtecan"', "DG04"],
            ["2", "[3..4]", '"Docetaxel"', "DG04"],
        ],
        "Catalogue": [
            ["Relation", "catalogue"],
            ["regimen", "priority", "schedule"],
            ["string", "number", "string"],
            *[list(row) for row in rows],
        ],
        "References": [["References"], ["Code", "Citation", "Link"], ["DG04", citation, None]],
        "Tests": [["Tests"], ["Test", "Description", "Input: ecog", "Expected: choice"]]
        + [list(case) for case in cases],
    }


def publish(folder: Path, name: str, content: dict[str, list[list[Any]]]) -> None:
    """Write the workbook as a real .xlsx, compile it and publish it under ``folder``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in content.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    path = folder / name
    book.save(path)
    result = compile_workbook(path)
    assert result.ok, [str(d) for d in result.diagnostics if d.is_error]
    write_outputs(result, folder / "decisions")


@pytest.fixture(scope="module")
def diff(tmp_path_factory: pytest.TempPathFactory) -> diff_report.VersionDiff:
    folder = tmp_path_factory.mktemp("relations")
    publish(folder, "v1.xlsx", sheets("1.0.0"))
    rows = [ROWS[0], ["Trifluridine/tipiracil", 15, "35 mg/m² PO"], ROWS[1], ROWS[2]]
    rows[2] = ["Ramucirumab + paclitaxel", 25, ROWS[1][2]]  # edited below an inserted row
    cases = [["T1", "fit, edited", 2, "Trastuzumab deruxtecan"], ["T3", "", 4, "Docetaxel"]]
    publish(folder, "v2.xlsx", sheets("1.1.0", rows, CITATION + " Updated.", cases))
    return diff_report.diff_published(folder / "decisions", MODEL, "1.0.0", "1.1.0", limit=200)


def test_an_inserted_row_is_one_line_and_an_edited_row_names_key_column_and_cell(
    diff: diff_report.VersionDiff,
) -> None:
    (logic,) = [item for item in diff.structural.logic if item.name == "catalogue"]
    assert logic.changes == [] and logic.columns == []
    assert [(r.kind, r.key) for r in logic.rows] == [
        ("added", "Trifluridine/tipiracil"),
        ("changed", "Ramucirumab + paclitaxel"),
    ]
    added, changed = logic.rows
    assert added.new is not None and added.new.cell == "'Catalogue'!A5"
    assert changed.cells == [RowCell("priority", "'Catalogue'!B6", "20", "25")]
    text = diff_markdown.to_markdown(diff)
    assert "rows[" not in text
    assert (
        "- `catalogue` row 'Ramucirumab + paclitaxel' column 'priority' ('Catalogue'!B6): "
        "`20` → `25`"
    ) in text
    (line,) = [x for x in text.splitlines() if "'Trifluridine/tipiracil' added" in x]
    assert "at 'Catalogue'!A5" in line and "priority `15`" in line


def test_the_references_change_is_shown(diff: diff_report.VersionDiff) -> None:
    (ref,) = diff.structural.references
    assert (ref.name, ref.kind) == ("DG04", "changed")
    assert [(c.what, c.old, c.new) for c in ref.changes] == [
        ("text", CITATION, CITATION + " Updated.")
    ]
    assert "### References" in diff_markdown.to_markdown(diff)
    data = diff_report.to_json(diff)
    assert data["structural"]["references"][0]["name"] == "DG04"
    assert data["summary"]["references_changed"] == 1


def test_the_test_cases_section_lists_edits_field_by_field(diff: diff_report.VersionDiff) -> None:
    found = {case.id: case for case in diff.test_cases}
    assert [(c.id, c.kind) for c in diff.test_cases] == [
        ("T1", "changed"),
        ("T3", "added"),
        ("T2", "removed"),
    ]
    assert [(c.what, c.old, c.new) for c in found["T1"].changes] == [
        ("description", "fit", "fit, edited"),
        ("input ecog", "1", "2"),
    ]
    text = diff_markdown.to_markdown(diff)
    assert "## Test cases" in text
    assert "- `T1` changed: input ecog: `1` → `2`" in text
    assert '- `T3` added: input ecog `4`, expected choice `"Docetaxel"`' in text
    data = diff_report.to_json(diff)
    assert data["test_cases"][0]["fields"][1] == {"what": "input ecog", "from": "1", "to": "2"}
    assert data["summary"]["test_cases_removed"] == 1


def _relation(rows: Sequence[Sequence[str]], columns: Sequence[str] = ("k", "v")) -> m.Relation:
    return m.Relation(
        columns=[m.InformationItem(name=c) for c in columns],
        rows=[[m.LiteralExpression(text=t) for t in row] for row in rows],
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ([["1", "a"], ["2", "b"]], [["0", "z"], ["1", "a"], ["2", "b"]], [("added", "0")]),
        ([["1", "a"], ["2", "b"]], [["2", "b"], ["1", "a"]], [("moved", "2")]),
        ([["1", "a"], ["1", "b"]], [["1", "a"], ["1", "c"]], [("changed", "1")]),  # no unique key
        ([['"x"', "a"], ['"y"', "b"]], [['"x2"', "a"], ['"y"', "b"]], [("changed", "x2")]),
        ([["1", "a"], ["2", "b"]], [["1", "a"]], [("removed", "2")]),
        ([["1", "a"]], [["1", "a"]], []),
    ],
)
def test_rows_are_matched_by_key_content_or_likeness(
    old: list[list[str]], new: list[list[str]], expected: list[tuple[str, str]]
) -> None:
    _, rows = compare_relations(_relation(old), _relation(new))
    assert [(r.kind, r.key) for r in rows] == expected


def test_a_column_added_to_a_relation() -> None:
    columns, rows = compare_relations(
        _relation([["1", "a"]]), _relation([["1", "a", "x"]], ("k", "v", "w"))
    )
    assert [(c.kind, c.header) for c in columns] == [("added", "w")]
    assert [c for r in rows for c in r.cells] == [RowCell("w", None, None, "x")]
