"""Sheet layouts in, an .xlsx file out: keyword cells, labels, headers, notes and drop-down lists.

``tablerx new`` (:mod:`starter`) describes its sheets as :class:`SheetOut` blocks laid out
top to bottom; ``tablerx export`` (:mod:`export`) places cells where the DMN's source
properties say they were. Both end as :class:`GridSheet` objects that :func:`save` writes.
Formatting is for people only (bold keywords, shaded headers, grey notes): the compiler
never looks at it. Drop-down lists (data validation) are offered wherever a value comes
from a fixed set: hit policies, statuses, types, yes/no, and each declared input's allowed
values in the rule cells of the columns that test it. The lists live on a hidden sheet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from service.sheets.modelblock import STATUSES
from service.sheets.tableblocks import HIT_POLICY_NAMES
from service.sheets.typeblocks import STRUCTURE_CHOICES
from service.sheets.types import TYPE_CHOICES

SPARE_ROWS = 40  # rows below a table that keep its drop-downs, for rules added later
LISTS_SHEET = "tablerx lists"

Value = object  # str, int, float, bool, date or None

_STYLES = {
    "keyword": {"font": Font(bold=True, size=13, color="FF1F3864")},
    "title": {"font": Font(bold=True, size=13, color="FF1F3864")},  # the name after a keyword
    "label": {"font": Font(bold=True)},
    "header": {
        "font": Font(bold=True),
        "fill": PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7"),
    },
    "meta": {"fill": PatternFill(fill_type="solid", start_color="FFF2F2F2", end_color="FFF2F2F2")},
    "note": {"font": Font(italic=True, color="FF555555")},
}


@dataclass(slots=True)
class Validation:
    """A drop-down list over a range of cells."""

    cells: str
    title: str
    values: list[str]
    strict: bool


@dataclass(slots=True)
class GridSheet:
    """The cells of one sheet to write, by (row, column), with styles, comments and drop-downs."""

    name: str
    cells: dict[tuple[int, int], tuple[Value, str]] = field(default_factory=dict)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width

    def put(self, row: int, col: int, value: Value, style: str = "") -> None:
        """Set a cell (empty values are skipped)."""
        if value is not None and value != "":
            self.cells[(row, col)] = (value, style)

    def free(self, row: int, col: int) -> bool:
        """True when nothing was put at ``row``, ``col``."""
        return (row, col) not in self.cells

    @property
    def last_row(self) -> int:
        """The lowest row used (0 when empty)."""
        return max((r for r, _ in self.cells), default=0)


@dataclass(slots=True)
class BlockOut:
    """A block laid out top to bottom: keyword and title, labels, header, meta rows, data rows."""

    keyword: str
    title: str = ""
    labels: list[tuple[str, Value]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    meta: list[list[Value]] = field(default_factory=list)  # Type / Allowed values rows
    rows: list[list[Value]] = field(default_factory=list)
    header_notes: dict[int, str] = field(default_factory=dict)  # column index -> cell comment


@dataclass(slots=True)
class SheetOut:
    """A sheet for top-to-bottom layout: notes at the top, then blocks separated by an empty row."""

    name: str
    notes: list[str] = field(default_factory=list)
    blocks: list[BlockOut] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> width


@dataclass(slots=True)
class Choices:
    """Drop-down values for rule cells: per declared input, the cell texts it allows."""

    inputs: dict[str, list[str]] = field(default_factory=dict)


def layout_sheet(sheet: SheetOut, choices: Choices) -> GridSheet:
    """A :class:`SheetOut` laid out top to bottom."""
    grid = GridSheet(sheet.name, widths={k + 1: v for k, v in sheet.widths.items()})
    row = 1
    for note in sheet.notes:
        grid.put(row, 1, note, "note")
        row += 1
    row += 1 if sheet.notes else 0
    for block in sheet.blocks:
        row = place_block(grid, block, row, 1, choices) + 1
    return grid


def place_block(grid: GridSheet, block: BlockOut, row: int, col: int, choices: Choices) -> int:
    """Put ``block`` with its keyword cell at ``row``, ``col``; returns the first row after it."""
    grid.put(row, col, block.keyword, "keyword")
    grid.put(row, col + 1, block.title, "title")
    row += 1
    for label, value in block.labels:
        grid.put(row, col, label, "label")
        grid.put(row, col + 1, value, "value")
        label_choices(grid, label, row, col + 1)
        row += 1
    if not block.header:
        return row
    for index, text in enumerate(block.header):
        grid.put(row, col + index, text, "header")
        if index in block.header_notes:
            grid.comments[(row, col + index)] = block.header_notes[index]
    row += 1
    for meta in block.meta:
        for index, value in enumerate(meta):
            grid.put(row, col + index, value, "meta")
        row += 1
    first = row
    for values in block.rows:
        for index, value in enumerate(values):
            grid.put(row, col + index, value)
        row += 1
    column_choices(grid, block.keyword, block.header, col, first, row + SPARE_ROWS, choices)
    return row


def label_choices(grid: GridSheet, label: str, row: int, col: int) -> None:
    """A drop-down for a label's value when the label takes a fixed set (Hit policy, Status)."""
    fixed = {"hit policy": HIT_POLICY_NAMES, "status": STATUSES}.get(label.casefold())
    if fixed:
        grid.validations.append(
            Validation(f"{get_column_letter(col)}{row}", label, list(fixed), True)
        )


_INPUT_HEADER = re.compile(r"^\s*input\s*:\s*(.+?)\s*$", re.IGNORECASE)


def column_choices(
    grid: GridSheet,
    keyword: str,
    header: list[str],
    col: int,
    first: int,
    last: int,
    choices: Choices,
) -> None:
    """Drop-downs for the data cells under ``header``: types, yes/no, declared inputs' values."""
    for index, text in enumerate(header):
        letter = get_column_letter(col + index)
        cells = f"{letter}{first}:{letter}{last}"
        key = text.strip().casefold()
        if keyword == "Inputs" and key == "type":
            grid.validations.append(Validation(cells, "Type", list(TYPE_CHOICES), False))
        elif keyword == "Types" and key == "type":
            words = [*TYPE_CHOICES, *STRUCTURE_CHOICES]
            grid.validations.append(Validation(cells, "Type", words, False))
        elif keyword == "Inputs" and key == "required":
            grid.validations.append(Validation(cells, "Required", ["yes", "no"], True))
        match = _INPUT_HEADER.match(text)
        if match and match.group(1) in choices.inputs and keyword != "Tests":
            grid.validations.append(
                Validation(cells, match.group(1), choices.inputs[match.group(1)], False)
            )


def save(grids: list[GridSheet], path: Path) -> None:
    """Write the sheets (in order) and the hidden list sheet to ``path``."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    lists = _Lists()
    for grid in grids:
        sheet = workbook.create_sheet(grid.name)
        widths, wrapped = fit_columns(grid)
        for (row, col), (value, style) in sorted(grid.cells.items()):
            _write(sheet, row, col, value, style, (row, col) in wrapped)
        for row, lines in _row_lines(wrapped).items():
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines
        for (row, col), text in sorted(grid.comments.items()):
            sheet.cell(row=row, column=col).comment = Comment(text, "tablerx")
        for col, width in sorted(widths.items()):
            sheet.column_dimensions[get_column_letter(col)].width = width
        _print_setup(sheet, _total_width(grid, widths))
        for validation in grid.validations:
            sheet.add_data_validation(lists.validation(validation))
    lists.write(workbook)
    workbook.save(path)


def _write(
    sheet: Worksheet, row: int, col: int, value: Value, style: str, wrap: bool = False
) -> None:
    cell = sheet.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # FEEL text such as "= 5" must not become a formula
    if wrap or (isinstance(value, str) and "\n" in value):
        cell.alignment = _WRAP
    elif style not in ("note", "keyword", "title"):
        cell.alignment = _TOP  # a row with a wrapped cell reads from the top
    for attribute, setting in _STYLES.get(style, {}).items():
        setattr(cell, attribute, setting)


FIT_TO_PAGE = 300.0  # sheets up to this wide (in characters) print one page wide


def _print_setup(sheet: Worksheet, width: float) -> None:
    """Printed (for a review meeting, say), a sheet comes out landscape, and one page wide
    unless that would make its text too small to read."""
    sheet.page_setup.orientation = "landscape"
    if width <= FIT_TO_PAGE:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _total_width(grid: GridSheet, widths: dict[int, float]) -> float:
    last = max((col for _, col in grid.cells), default=0)
    return sum(widths.get(col, MIN_WIDTH) for col in range(1, last + 1))


# --- column widths ------------------------------------------------------------------------------

# Cells are FEEL text or data: all read from the left (numbers too), rows from the top.
_TOP = Alignment(horizontal="left", vertical="top")
_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
LINE_HEIGHT = 15.0  # points per line of 11-point text
MIN_WIDTH = 9.0  # about the spreadsheet programs' default column width
MAX_WIDTH = 50.0  # wider text wraps (rationales, long expressions)
_FONT_FACTOR = {"keyword": 1.35, "title": 1.35, "label": 1.1, "header": 1.1}
_OVERFLOWING = ("title", "value")  # may run on into empty cells to their right


def fit_columns(grid: GridSheet) -> tuple[dict[int, float], dict[tuple[int, int], int]]:
    """Column widths (in characters) that show every label, header and typical value, and
    the cells whose text is still wider than its column and so must wrap, with the number
    of lines each then takes.

    Notes (the text above a sheet's first block) run on over the empty cells to their
    right and size nothing; so do a block's title and its label values when the cells to
    their right are empty. Widths the sheet sets itself (``grid.widths``) win.
    """
    widths: dict[int, float] = {}
    for (_, col), (value, style) in grid.cells.items():
        if style != "note" and style not in _OVERFLOWING:
            needed = min(_needed(value, style), MAX_WIDTH)
            widths[col] = max(widths.get(col, MIN_WIDTH), needed)
    last = max((col for _, col in grid.cells), default=0)
    for (row, col), (value, style) in sorted(grid.cells.items()):
        if style in _OVERFLOWING:
            room = _room(grid, widths, row, col, last) - widths.get(col, MIN_WIDTH)
            needed = min(_needed(value, style) - room, MAX_WIDTH)
            widths[col] = max(widths.get(col, MIN_WIDTH), needed)
    widths.update(grid.widths)
    wrapped: dict[tuple[int, int], int] = {}
    for (row, col), (value, style) in grid.cells.items():
        room = _room(grid, widths, row, col, last)
        if style != "note" and _needed(value, style) > room + 0.5:
            wrapped[(row, col)] = _lines(value, room)
    return {col: round(width, 1) for col, width in widths.items()}, wrapped


def _lines(value: Value, room: float) -> int:
    """How many lines a wrapped text takes in ``room`` characters (a fair estimate)."""
    text = value if isinstance(value, str) else str(value)
    usable = max(room - 2, 1)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in text.split("\n"))


def _row_lines(wrapped: dict[tuple[int, int], int]) -> dict[int, int]:
    """The number of lines each row with a wrapped cell needs (its tallest cell's)."""
    rows: dict[int, int] = {}
    for (row, _), lines in wrapped.items():
        rows[row] = max(rows.get(row, 1), lines)
    return rows


def _needed(value: Value, style: str) -> float:
    """The width a value's text needs in its style (its longest line, plus a margin)."""
    text = value if isinstance(value, str) else str(value)
    longest = max((_text_width(line) for line in text.split("\n")), default=0)
    return longest * _FONT_FACTOR.get(style, 1.0) + 3


def _text_width(line: str) -> float:
    """A line's width in column-width units (the width of a digit): capitals and m, w, _
    are wider, spaces, punctuation and i, j, l, t narrower (a fair guess for any font)."""
    return sum(1.1 if ch.isupper() or ch in "mw_" else 0.5 if ch in _NARROW else 0.9 for ch in line)


_NARROW = frozenset(" .,;:'!|ijlt()[]")


def _room(grid: GridSheet, widths: dict[int, float], row: int, col: int, last: int) -> float:
    """The width a cell's text can use: its column's, and for a title or label value the
    columns to its right up to the next filled cell."""
    room = widths.get(col, MIN_WIDTH)
    if grid.cells[(row, col)][1] not in _OVERFLOWING:
        return room
    for right in range(col + 1, last + 1):
        if not grid.free(row, right):
            break
        room += widths.get(right, MIN_WIDTH)
    return room


class _Lists:
    """The values of every drop-down, one column each on a hidden sheet."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, ...], int] = {}

    def validation(self, item: Validation) -> DataValidation:
        """The data validation for ``item``, its list stored on the lists sheet."""
        key = tuple(item.values)
        col = self.columns.setdefault(key, len(self.columns) + 1)
        letter = get_column_letter(col)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(item.values)}"
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.promptTitle = item.title[:32]
        if item.strict:
            validation.showErrorMessage = True
            validation.error = f"Choose one of: {', '.join(item.values)}"[:255]
            validation.errorTitle = "Not in the list"
        else:
            validation.showErrorMessage = False  # the list helps; any other FEEL is allowed too
        validation.add(item.cells)
        return validation

    def write(self, workbook: openpyxl.Workbook) -> None:
        """Add the hidden lists sheet last."""
        if not self.columns:
            return
        sheet = workbook.create_sheet(LISTS_SHEET)
        for values, col in self.columns.items():
            for row, value in enumerate(values, start=1):
                _write(sheet, row, col, value, "")
        sheet.sheet_state = "hidden"
