"""``check --annotate``: the faulty cells of a copy are filled and carry their messages."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from sheets_helpers import TABLE, base_sheets, write_workbook

from service.sheets.annotate import ERROR_FILL, WARNING_FILL, AnnotateError, annotate
from service.sheets.compiler import compile_workbook


def test_errors_and_warnings_are_marked_and_old_comments_kept(tmp_path: Path) -> None:
    table = [*TABLE, ["4", "true", "[0..2", None, "note"]]
    path = write_workbook(tmp_path / "book.xlsx", base_sheets(Pathway=table))
    workbook = openpyxl.load_workbook(path)
    workbook["Pathway"]["C7"].comment = Comment("checked by Dr A", "A")
    workbook.save(path)
    result = compile_workbook(path)
    marked = annotate(path, result.diagnostics, tmp_path / "marked.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "marked.xlsx")["Pathway"]
    assert marked == 2
    assert sheet["C7"].fill.start_color.rgb == ERROR_FILL.start_color.rgb
    assert sheet["C7"].comment.text.startswith("checked by Dr A\n---\nerror FEEL_SYNTAX")
    assert sheet["D7"].fill.start_color.rgb == WARNING_FILL.start_color.rgb
    assert "OUTPUT_EMPTY" in sheet["D7"].comment.text


def test_a_merged_cell_is_marked_at_its_top_left(tmp_path: Path) -> None:
    table = [*TABLE[:3], ["1", "true", "[0..9", '"a"'], ["2", None, None, '"b"']]
    path = write_workbook(tmp_path / "book.xlsx", base_sheets(Pathway=table))
    workbook = openpyxl.load_workbook(path)
    workbook["Pathway"].merge_cells("C4:C5")
    workbook.save(path)
    result = compile_workbook(path)
    assert [d.cell for d in result.diagnostics if d.code == "FEEL_SYNTAX"] == [
        "C4"
    ]  # typed once, said once
    annotate(path, result.diagnostics, tmp_path / "marked.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "marked.xlsx")["Pathway"]
    assert sheet["C4"].comment.text.count("FEEL_SYNTAX") == 1


def test_an_unwritable_target(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", base_sheets())
    with pytest.raises(AnnotateError):
        annotate(path, [], tmp_path / "missing-folder" / "x.xlsx")
