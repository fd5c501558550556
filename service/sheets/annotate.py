"""A workbook and its diagnostics in, a copy out with each faulty cell coloured and commented.

Errors are filled red, warnings amber; every message about a cell goes into that cell's
comment (kept after any comment already there), so a clinician can open the copy and
fix the workbook where the problems are. Sheet-level messages go to the sheet's A1.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from service.sheets.diagnostics import Diagnostic

ERROR_FILL = PatternFill(fill_type="solid", start_color="FFF4B6B6", end_color="FFF4B6B6")
WARNING_FILL = PatternFill(fill_type="solid", start_color="FFFFE08A", end_color="FFFFE08A")


class AnnotateError(Exception):
    """The annotated copy could not be written (the message says why)."""


def annotate(source: Path, diagnostics: list[Diagnostic], target: Path, force: bool = False) -> int:
    """Write ``target``: ``source`` with the cells of ``diagnostics`` marked; the count marked.

    Hidden sheets that hold blocks (HIDDEN_SHEET) are made visible in the copy, also "very
    hidden" ones, which Excel's menus cannot unhide. ``target`` may not be ``source`` itself
    unless ``force`` is given: the workbook would be overwritten with the marks.
    """
    if not force and _same_file(source, target):
        raise AnnotateError(
            f"the annotated copy would overwrite {source.name} itself; "
            "give another file name for the copy"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            workbook = openpyxl.load_workbook(source)
    except Exception as exc:  # openpyxl raises many types for files it cannot load
        raise AnnotateError(f"cannot open {source.name} for annotation: {exc}") from None
    by_cell: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for item in diagnostics:
        if item.sheet is not None and item.sheet in workbook.sheetnames:
            by_cell[(item.sheet, item.cell or "A1")].append(item)
    for (sheet, cell), items in sorted(by_cell.items()):
        _mark(_writable(workbook[sheet], cell), items)
    for item in diagnostics:
        if item.code == "HIDDEN_SHEET" and item.sheet in workbook.sheetnames:
            workbook[item.sheet].sheet_state = "visible"
    try:
        workbook.save(target)
    except OSError as exc:
        raise AnnotateError(f"cannot write {target}: {exc.strerror or exc}") from None
    return len(by_cell)


def _same_file(source: Path, target: Path) -> bool:
    try:
        return source.resolve() == target.resolve() or (target.exists() and source.samefile(target))
    except OSError:
        return False


def _writable(sheet: Worksheet, coordinate: str) -> Cell:
    """The cell at ``coordinate``, or the top-left cell of the merged range holding it."""
    cell = sheet[coordinate]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if coordinate in merged:
                return sheet.cell(merged.min_row, merged.min_col)
    assert isinstance(cell, Cell)
    return cell


def _mark(cell: Cell, items: list[Diagnostic]) -> None:
    errors = any(item.is_error for item in items)
    cell.fill = ERROR_FILL if errors else WARNING_FILL
    text = "\n".join(
        f"{item.severity} {item.code}: {item.message}"
        + (f"\nhint: {item.hint}" if item.hint else "")
        for item in items
    )
    if cell.comment is not None and cell.comment.text:
        text = f"{cell.comment.text}\n---\n{text}"
    comment = Comment(text, "tablerx check")
    comment.width = 320
    comment.height = min(600, 80 + 18 * text.count("\n"))
    cell.comment = comment
