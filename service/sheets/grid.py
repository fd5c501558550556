"""An .xlsx file in, plain cells out: sheet name, A1 coordinate and value, with bounded reading.

The reader streams each part of the archive with a hardened XML parser (no DTDs, no
entities) and keeps only what the compiler needs: cell values (the saved result of a
formula, with the formula text kept so that a missing result can be reported), merged
ranges (the top-left value is copied into every merged cell), hidden sheets and rows, and
which numbers are dates by their number format. Rows, columns and cell texts are capped;
crossing a cap stops reading that sheet with a diagnostic instead of exhausting memory.

It relies on the parts every producer writes (Excel, LibreOffice, Google Sheets, Excel
Online, openpyxl, xlsxwriter) and tolerates what some leave out: the ``r`` attribute of
cells and rows, the styles part, shared strings, namespaces of strict OOXML.
"""

from __future__ import annotations

import datetime
import decimal
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from defusedxml.ElementTree import iterparse

from service.sheets import diagnostics as diag
from service.sheets.container import WorkbookError, member_name, open_archive
from service.sheets.diagnostics import Diagnostic, Where

MAX_ROWS = 20_000  # rows holding at least one value, per sheet
MAX_COLUMNS = 512
MAX_TEXT = 32_767  # Excel's own limit for one cell
MAX_SHARED_STRINGS = 2_000_000

CellValue = str | decimal.Decimal | bool | datetime.date | datetime.datetime | datetime.time | None


EXCEL_MAX_TEXT = 32_767  # characters Excel keeps in one cell


@dataclass(slots=True)
class Cell:
    """One non-empty cell. ``value`` is None for a formula without a saved result."""

    row: int
    col: int
    value: CellValue
    formula: str | None = None
    error: str | None = None  # "#N/A", "#REF!", ...
    merged_from: tuple[int, int] | None = None  # top-left cell of its merged range

    @property
    def coordinate(self) -> str:
        """The A1 coordinate."""
        return coordinate(self.row, self.col)


@dataclass(slots=True)
class Sheet:
    """The cells of one sheet, by row and column (1-based)."""

    name: str
    index: int
    hidden: bool = False
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    very_hidden: bool = False  # "veryHidden": Excel's menus cannot unhide it
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    truncated: bool = False  # reading stopped at a cap: the sheet is not compiled

    def get(self, row: int, col: int) -> Cell | None:
        """The cell at ``row``, ``col``, or None when empty."""
        return self.rows.get(row, {}).get(col)

    def row_cells(self, row: int) -> list[Cell]:
        """The non-empty cells of ``row``, left to right."""
        cells = self.rows.get(row, {})
        return [cells[c] for c in sorted(cells)]

    def row_numbers(self) -> list[int]:
        """The numbers of the rows holding at least one cell, top to bottom."""
        return sorted(self.rows)


@dataclass(slots=True)
class Workbook:
    """The sheets of a workbook, in tab order."""

    path: Path
    sheets: list[Sheet] = field(default_factory=list)


def coordinate(row: int, col: int) -> str:
    """``coordinate(7, 3) == "C7"``."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_coordinate(ref: str) -> tuple[int, int] | None:
    """``parse_coordinate("C7") == (7, 3)``; None when ``ref`` is not a cell reference."""
    match = _REF.match(ref.strip())
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def read_workbook(path: Path) -> tuple[Workbook, list[Diagnostic]]:
    """Every sheet of the workbook at ``path``; raises :class:`WorkbookError` when unreadable."""
    archive = open_archive(path)
    with archive:
        reader = _Reader(archive)
        workbook = Workbook(path)
        for index, (name, state, part) in enumerate(reader.sheet_parts()):
            sheet = Sheet(name, index, state != "visible", very_hidden=state == "veryHidden")
            reader.read_sheet(sheet, part)
            _fill_merges(sheet)
            workbook.sheets.append(sheet)
        return workbook, reader.diagnostics


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(element: Any, name: str) -> str | None:
    value = element.get(name)
    if value is not None:
        return str(value)
    for key, val in element.attrib.items():  # namespaced attributes (r:id)
        if _local(key) == name:
            return str(val)
    return None


class _Reader:
    """Parses the shared parts once, then one sheet at a time."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.diagnostics: list[Diagnostic] = []
        self.date1904 = False
        self.shared: list[str] = []
        self.date_styles: dict[int, str] = {}  # style index -> "date", "datetime" or "time"
        self._wide_sheets: set[str] = set()
        self.workbook_part = self._workbook_part()
        self._read_shared_strings()
        self._read_styles()

    # --- parts ---------------------------------------------------------------------------

    def _open(self, part: str) -> IO[bytes] | None:
        name = member_name(self.archive, part)
        return self.archive.open(name) if name else None

    def _events(self, part: str, phase: str) -> Iterator[tuple[str, Any]]:
        handle = self._open(part)
        if handle is None:
            return
        try:
            with handle:
                yield from iterparse(handle, events=("start", "end"), forbid_dtd=True)
        except WorkbookError:
            raise
        except Exception as exc:  # ParseError, zlib/CRC errors, DTD or entity refused
            raise WorkbookError(diag.broken_xlsx(phase, str(exc) or type(exc).__name__)) from None

    def _workbook_part(self) -> str:
        rels = self._relationships("_rels/.rels", "")
        for target, kind in rels.values():
            if kind.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    def _relationships(self, part: str, base: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for event, element in self._events(part, f"reading {part}"):
            if event == "end" and _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                if element.get("TargetMode") == "External":
                    continue
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(base, target))
                found[element.get("Id", "")] = (resolved, element.get("Type", ""))
        return found

    def sheet_parts(self) -> list[tuple[str, str, str]]:
        """(name, state, part) of each worksheet in tab order; chart sheets are skipped."""
        base = posixpath.dirname(self.workbook_part)
        rels_part = posixpath.join(base, "_rels", posixpath.basename(self.workbook_part) + ".rels")
        rels = self._relationships(rels_part, base)
        sheets: list[tuple[str, str, str]] = []
        for event, element in self._events(self.workbook_part, "reading the list of sheets"):
            if event != "end":
                continue
            tag = _local(element.tag)
            if tag == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif tag == "sheet":
                target, kind = rels.get(_attr(element, "id") or "", ("", ""))
                if target and not kind.endswith("/chartsheet"):
                    state = element.get("state", "visible")
                    sheets.append((element.get("name", f"Sheet{len(sheets) + 1}"), state, target))
        if not sheets:
            raise WorkbookError(
                diag.broken_xlsx("reading the list of sheets", "the workbook has no sheets")
            )
        return sheets

    def _read_shared_strings(self) -> None:
        for event, element in self._events("xl/sharedStrings.xml", "reading the shared texts"):
            if event == "end" and _local(element.tag) == "si":
                self.shared.append(_text_of(element))
                element.clear()
                if len(self.shared) > MAX_SHARED_STRINGS:
                    raise WorkbookError(
                        diag.broken_xlsx("reading the shared texts", "too many texts")
                    )

    def _read_styles(self) -> None:
        formats: dict[int, str] = {}
        in_xfs = False
        index = 0
        for event, element in self._events("xl/styles.xml", "reading the cell styles"):
            tag = _local(element.tag)
            if tag == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_xfs:
                kind = _date_kind(int(element.get("numFmtId", "0") or 0), formats)
                if kind:
                    self.date_styles[index] = kind
                index += 1

    # --- one sheet --------------------------------------------------------------------------

    def read_sheet(self, sheet: Sheet, part: str) -> None:
        """Fill ``sheet`` from its part, stopping at the caps."""
        row_number = 0
        col_number = 0
        container: Any = None
        for event, element in self._events(part, f"reading sheet {sheet.name!r}"):
            tag = _local(element.tag)
            if event == "start":
                if tag == "sheetData":
                    container = element
                elif tag == "row":
                    row_number = _int(element.get("r")) or row_number + 1
                    col_number = 0
                    if element.get("hidden", "0").lower() in ("1", "true"):
                        sheet.hidden_rows.add(row_number)
                continue
            if tag == "c":
                col_number = self._read_cell(sheet, element, row_number, col_number)
            elif tag == "row":
                if container is not None:
                    container.clear()
                if len(sheet.rows) > MAX_ROWS:
                    self._stop(sheet, row_number, "rows with values", MAX_ROWS)
                    return
            elif tag == "mergeCell":
                self._merge(sheet, element.get("ref", ""))
            elif tag == "col" and element.get("hidden", "0").lower() in ("1", "true"):
                low = _int(element.get("min")) or 1
                high = min(_int(element.get("max")) or low, MAX_COLUMNS)
                sheet.hidden_cols.update(range(low, high + 1))

    def _stop(self, sheet: Sheet, row: int, what: str, limit: int) -> None:
        sheet.rows.pop(row, None)
        sheet.truncated = True
        self.diagnostics.append(diag.sheet_too_large(sheet.name, coordinate(row, 1), what, limit))

    def _read_cell(self, sheet: Sheet, element: Any, row: int, previous_col: int) -> int:
        ref = parse_coordinate(element.get("r", "")) if element.get("r") else None
        col = ref[1] if ref else previous_col + 1
        row = ref[0] if ref else row
        if col > MAX_COLUMNS:
            if sheet.name not in self._wide_sheets and _has_content(element):
                self.diagnostics.append(
                    diag.sheet_too_large(sheet.name, coordinate(row, col), "columns", MAX_COLUMNS)
                )
                self._wide_sheets.add(sheet.name)
            return col
        cell = self._cell(element, row, col)
        if cell is not None:
            sheet.rows.setdefault(row, {})[col] = cell
            if isinstance(cell.value, str) and len(cell.value) >= EXCEL_MAX_TEXT:
                # Excel keeps at most 32,767 characters of a cell: the rest was cut off
                where = Where(sheet.name, cell.coordinate, None)
                self.diagnostics.append(diag.text_cut(where, EXCEL_MAX_TEXT))
        return col

    def _cell(self, element: Any, row: int, col: int) -> Cell | None:
        kind = element.get("t", "n")
        raw: str | None = None
        formula: str | None = None
        for child in element:
            tag = _local(child.tag)
            if tag == "v":
                raw = child.text or ""
            elif tag == "f":
                formula = child.text or ""
            elif tag == "is":
                raw = _text_of(child)
        if raw is None and formula is None:
            return None
        if raw is None or (raw == "" and kind not in ("s", "str", "inlineStr")):
            return Cell(row, col, None, formula=formula) if formula is not None else None
        if kind == "e":
            return Cell(row, col, None, formula=formula, error=raw)
        value = self._value(kind, raw, int(element.get("s", "0") or 0))
        if isinstance(value, str) and value == "" and formula is None:
            return None
        return Cell(row, col, value, formula=formula)

    def _value(self, kind: str, raw: str, style: int) -> CellValue:
        if kind == "s":
            index = _int(raw)
            text = self.shared[index] if index is not None and 0 <= index < len(self.shared) else ""
            return text[:MAX_TEXT]
        if kind in ("str", "inlineStr"):
            return raw[:MAX_TEXT]
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return _iso_value(raw)
        try:
            number = decimal.Decimal(raw.strip())
        except decimal.InvalidOperation:
            return raw[:MAX_TEXT]
        date_kind = self.date_styles.get(style)
        if date_kind and number.is_finite():
            return _serial_to_date(number, date_kind, self.date1904)
        return number

    def _merge(self, sheet: Sheet, ref: str) -> None:
        first, _, last = ref.partition(":")
        start = parse_coordinate(first)
        end = parse_coordinate(last or first)
        if start and end:
            r1, c1 = start
            r2, c2 = end
            # Cap the area so that a merge of whole columns cannot fill a million cells.
            sheet.merges.append((r1, c1, min(r2, r1 + 1000), min(c2, c1 + MAX_COLUMNS)))


def _fill_merges(sheet: Sheet) -> None:
    """Copy each merged range's top-left value into its other cells, noting where it came from."""
    for r1, c1, r2, c2 in sheet.merges:
        origin = sheet.get(r1, c1)
        if origin is None:
            continue
        origin.merged_from = (r1, c1)
        for row in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                if (row, col) != (r1, c1):
                    sheet.rows.setdefault(row, {})[col] = Cell(
                        row, col, origin.value, origin.formula, origin.error, (r1, c1)
                    )


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its <t> parts, without phonetic runs."""
    parts: list[str] = []
    for child in element.iter():
        tag = _local(child.tag)
        if tag == "t" and child.text:
            parts.append(child.text)
        elif tag == "rPh":
            break  # phonetic guides follow the text
    return "".join(parts)


def _has_content(element: Any) -> bool:
    return any(_local(child.tag) in ("v", "f", "is") for child in element)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


# Built-in number formats that show dates or times (ECMA-376 18.8.30 and common locales).
_BUILTIN_DATES = {
    14: "date",
    15: "date",
    16: "date",
    17: "date",
    22: "datetime",
    18: "time",
    19: "time",
    20: "time",
    21: "time",
    45: "time",
    46: "time",
    47: "time",
    27: "date",
    30: "date",
    36: "date",
    50: "date",
    57: "date",
}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _date_kind(format_id: int, formats: dict[int, str]) -> str | None:
    if format_id in formats:
        code = _QUOTED.sub("", formats[format_id].split(";")[0]).lower()
        has_date = any(ch in code for ch in "dy") or (
            "m" in code and "h" not in code and "s" not in code
        )
        has_time = any(ch in code for ch in "hs")
        if has_date and has_time:
            return "datetime"
        if has_date:
            return "date"
        return "time" if has_time else None
    return _BUILTIN_DATES.get(format_id)


def _serial_to_date(serial: decimal.Decimal, kind: str, date1904: bool) -> CellValue:
    """A spreadsheet serial number as the date, date and time, or time its format shows."""
    if date1904:
        base = datetime.datetime(1904, 1, 1)
    elif serial < 60:
        base = datetime.datetime(1899, 12, 31)  # before Excel's phantom 1900-02-29
    else:
        base = datetime.datetime(1899, 12, 30)
    days = int(serial)
    millis = int(((serial - days) * 86_400_000).to_integral_value(decimal.ROUND_HALF_EVEN))
    try:
        moment = base + datetime.timedelta(days=days, milliseconds=millis)
    except OverflowError:
        return serial
    if kind == "time" and days == 0:
        return moment.time()
    if kind == "date" or (moment.hour, moment.minute, moment.second, moment.microsecond) == (
        0,
        0,
        0,
        0,
    ):
        return moment.date() if kind == "date" else moment
    return moment


def _iso_value(raw: str) -> CellValue:
    try:
        moment = datetime.datetime.fromisoformat(raw.strip().rstrip("Z"))
    except ValueError:
        return raw
    if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return moment.date()
    return moment
