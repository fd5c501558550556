"""Sheets of cells in, blocks out: a block starts at a keyword cell; labels, a header, rows follow.

A *keyword cell* is the first filled cell of its row and says what follows: ``Model``,
``Types``, ``Inputs``, ``Decision table``, ``Knowledge model``, ``Relation``,
``Expressions``, ``Tests``, ``References`` or ``Notes``. The block's title (a decision's
name, say) is the next cell of the row, or follows a colon in the keyword cell itself
(``Relation: catalogue``).
A block runs down to the next keyword cell of its sheet. Inside it, *label rows*
(``Hit policy | Collect``) come first, then a *header row* naming the columns, then the
data rows. Formatting and borders play no part; anything above the first keyword cell of a
sheet, and every Notes block, is free text.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell, Sheet, Workbook, coordinate

# keyword text (normalized) -> block kind
KEYWORDS: dict[str, str] = {
    "model": "model",
    "inputs": "inputs",
    "input data": "inputs",
    "decision table": "decision table",
    "knowledge model": "knowledge model",
    "business knowledge model": "knowledge model",
    "bkm": "knowledge model",
    "relation": "relation",
    "expressions": "expressions",
    "literal expressions": "expressions",
    "derived values": "expressions",
    "tests": "tests",
    "test cases": "tests",
    "references": "references",
    "types": "types",
    "data types": "types",
    "type definitions": "types",
    "item definitions": "types",
    "notes": "notes",
    "note": "notes",
}

_SPACES = re.compile(r"\s+")
# Role words that, next to "Inputs", make a row a decision table's role row, not an Inputs block.
_OTHER_ROLES = frozenset(
    {"output", "outputs", "result", "results", "annotation", "annotations", "expected"}
)
_TITLE = re.compile(r"^[^\W\d]\w*(?: \w+)*$")


def normalize(text: str) -> str:
    """A label as compared: trimmed, single-spaced, lower case, without a trailing colon."""
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip().rstrip(":").strip().casefold()


def cell_text(cell: Cell | None) -> str:
    """The text a cell shows, for labels and names (numbers without exponent, dates in ISO form)."""
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return number_text(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return (
        _SPACES.sub(" ", value.replace("\xa0", " ")).strip() if "\n" not in value else value.strip()
    )


def number_text(value: decimal.Decimal) -> str:
    """A number as FEEL writes it: no exponent, no trailing ``.0`` from spreadsheet storage."""
    if value == value.to_integral_value():
        return format(value.quantize(decimal.Decimal(1)), "f")
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def where(
    sheet: Sheet, cell: Cell | None, row: int = 0, col: int = 0, text: str | None = None
) -> Where:
    """The location of ``cell`` (or of the empty cell at ``row``, ``col``) for a diagnostic."""
    if cell is not None:
        shown = text if text is not None else (cell_text(cell) or None)
        # A merged range is one cell to the person who typed it: report at its top-left cell.
        origin = coordinate(*cell.merged_from) if cell.merged_from else cell.coordinate
        return Where(sheet.name, origin, shown)
    return Where(sheet.name, coordinate(row, col) if row and col else "", text)


@dataclass(slots=True)
class Label:
    """A label row (``Hit policy | Collect``): the label cell and its value cell."""

    name: str  # normalized label
    cell: Cell
    value: Cell | None

    @property
    def text(self) -> str:
        """The value's text ('' when empty)."""
        return cell_text(self.value)


@dataclass(slots=True)
class Block:
    """A keyword cell, its title and the rows below it up to the next keyword cell."""

    kind: str
    sheet: Sheet
    keyword: Cell
    title: str
    title_cell: Cell | None
    rows: list[int] = field(default_factory=list)  # filled rows after the keyword row
    misspelt: str | None = None  # the keyword as meant, when the cell misspells it

    def at(self, cell: Cell | None, row: int = 0, col: int = 0, text: str | None = None) -> Where:
        """A diagnostic location inside this block."""
        return where(self.sheet, cell, row, col, text)

    @property
    def anchor(self) -> Where:
        """The keyword cell's location."""
        return where(self.sheet, self.keyword)

    @property
    def name_where(self) -> Where:
        """Where the block's title is written (the keyword cell when it is part of it)."""
        return where(self.sheet, self.title_cell or self.keyword)

    def describe(self) -> str:
        """``'T2 Pathway'!A1`` for messages that point at another block."""
        quoted = "'" + self.sheet.name.replace("'", "''") + "'"
        return f"{quoted}!{self.keyword.coordinate}"


def keyword_of(cell: Cell) -> tuple[str, str] | None:
    """(kind, title) when ``cell`` is a keyword cell's text, else None."""
    if not isinstance(cell.value, str):
        return None
    text = normalize(cell.value)
    if text in KEYWORDS:
        return KEYWORDS[text], ""
    head, colon, _ = cell.value.partition(":")
    title = cell_text(cell).partition(":")[2].strip()
    # "Tests: one per row." is a sentence, not a keyword: the title must look like a name.
    if colon and normalize(head) in KEYWORDS and (not title or _TITLE.match(title)):
        return KEYWORDS[normalize(head)], title
    return None


def find_blocks(workbook: Workbook) -> tuple[list[Block], list[Diagnostic]]:
    """Every block of the visible sheets, in sheet and row order; hidden sheets are reported."""
    blocks: list[Block] = []
    found: list[Diagnostic] = []
    for sheet in workbook.sheets:
        if sheet.truncated:
            continue  # SHEET_TOO_LARGE said so; half a table must not compile
        sheet_blocks = sheet_blocks_of(sheet)
        if sheet.hidden:
            named = [b.kind for b in sheet_blocks if b.kind != "notes"]
            if named:
                blocks_named = [f"{k} block" for k in named]
                found.append(diag.hidden_sheet(sheet.name, blocks_named, sheet.very_hidden))
            continue
        blocks.extend(b for b in sheet_blocks if b.kind != "notes")
        found.extend(
            diag.keyword_misspelt(b.anchor, cell_text(b.keyword), b.misspelt)
            for b in sheet_blocks
            if b.misspelt
        )
    return blocks, found


def sheet_blocks_of(sheet: Sheet) -> list[Block]:
    """The blocks of one sheet, each with the rows up to the next keyword cell."""
    blocks: list[Block] = []
    for row in sheet.row_numbers():
        cells = sheet.row_cells(row)
        first = cells[0]
        alone = first.merged_from in (None, (row, first.col))
        found = keyword_of(first) if alone else None
        misspelt = None
        if found is None and alone:
            guess = misspelt_keyword(sheet, cells, blocks[-1].kind if blocks else None)
            found, misspelt = (guess[:2], guess[2]) if guess else (None, None)
        if found is None:
            if blocks:
                blocks[-1].rows.append(row)
            continue
        kind, title = found
        roles = kind == "inputs" and any(normalize(cell_text(c)) in _OTHER_ROLES for c in cells[1:])
        if roles or (kind == "types" and len(_distinct(cells)) > 2):
            # "Inputs | Outputs": a decision table's role row; "Types | string | number": the
            # row of column types under a table's header.
            if blocks:
                blocks[-1].rows.append(row)
            continue
        title_cell = None
        if not title:
            title_cell = next_value(cells, first)
            title = cell_text(title_cell)
        blocks.append(Block(kind, sheet, first, title, title_cell, misspelt=misspelt))
    return blocks


# Words that stand first in rows inside blocks and are close to a keyword ("Expression" of a
# knowledge model, the "Type" row of a table): never taken for a misspelt keyword.
_NEAR_KEYWORDS = {"type", "expression", "note", "notes", "test id", "test case"}


def misspelt_keyword(
    sheet: Sheet, cells: list[Cell], enclosing: str | None
) -> tuple[str, str, str] | None:
    """(kind, title, keyword as meant) when a row's first cell misspells a keyword.

    A misspelt keyword would silently drop its whole block, so it is read as meant and
    reported. To leave notes and ordinary rows alone, the cell must be close to a keyword,
    stand alone or with a title on its row, and be followed by a row of at least two cells
    (labels or a header); inside another block, an empty row must precede it.
    """
    first = cells[0]
    if not isinstance(first.value, str) or len(_distinct(cells)) > 2:
        return None
    head, colon, rest = first.value.partition(":")
    title = rest.strip() if colon else ""
    word = normalize(head)
    if len(word) < 4 or word in _NEAR_KEYWORDS or (title and not _TITLE.match(title)):
        return None
    if colon and len(_distinct(cells)) > 1:
        return None
    close = difflib.get_close_matches(word, list(KEYWORDS), n=1, cutoff=0.8)
    if not close or KEYWORDS[close[0]] == "notes":
        return None
    if enclosing not in (None, "notes") and sheet.rows.get(first.row - 1):
        return None
    below = [r for r in sheet.row_numbers() if r > first.row][:1]
    if not below or len(_distinct(sheet.row_cells(below[0]))) < 2:
        return None
    return KEYWORDS[close[0]], title, close[0].capitalize()


def next_value(cells: list[Cell], label: Cell) -> Cell | None:
    """The first filled cell right of ``label`` that is not part of the label's merged range."""
    for cell in cells:
        if cell.col > label.col and cell.merged_from != (
            label.merged_from or (label.row, label.col)
        ):
            return cell
    return None


@dataclass(slots=True)
class TableLayout:
    """A block split into label rows, its header row and its data rows."""

    labels: dict[str, Label] = field(default_factory=dict)
    header_row: int | None = None
    role_row: int | None = None  # a row of Input/Output/Annotation words above the header
    data_rows: list[int] = field(default_factory=list)


def split_table(
    block: Block,
    known_labels: Iterable[str],
    is_header: Callable[[list[Cell]], bool],
    is_role_row: Callable[[list[Cell]], bool] | None = None,
) -> tuple[TableLayout, list[Diagnostic]]:
    """Label rows, header and data rows of ``block``; unknown labels before the header reported."""
    known = tuple(known_labels)
    layout = TableLayout()
    found: list[Diagnostic] = []
    sheet = block.sheet
    _keyword_row_labels(block, known, layout)
    for row in block.rows:
        cells = sheet.row_cells(row)
        label_row = normalize(cell_text(cells[0])) in known and len(_distinct(cells)) <= 2
        inline = _inline_label(cells, known) if layout.header_row is None else None
        if layout.header_row is not None:
            layout.data_rows.append(row)
        elif label_row and layout.role_row is None:
            _add_label(layout, cells[0], next_value(cells, cells[0]))
        elif inline is not None:
            layout.labels.setdefault(inline.name, inline)
        elif is_role_row is not None and is_role_row(cells):
            layout.role_row = row
        elif layout.role_row is not None or is_header(cells):
            layout.header_row = row
        elif (meant := _misspelt_label(cells, known, layout)) is not None:
            # "Hit polcy | Collect": ignoring the row would quietly change the table (Unique
            # would be assumed); read it as meant, and report it as an error.
            _add_label(layout, cells[0], next_value(cells, cells[0]), meant)
            found.append(diag.label_misspelt(block.at(cells[0]), meant.capitalize()))
        else:
            found.append(unknown_label(block, cells[0], known))
    return layout, found


def _misspelt_label(cells: list[Cell], known: tuple[str, ...], layout: TableLayout) -> str | None:
    """The known label a label row's first cell misspells (one not given yet), if any."""
    if len(_distinct(cells)) > 2:
        return None
    free = [label for label in known if label not in layout.labels]
    close = difflib.get_close_matches(normalize(cell_text(cells[0])), free, n=1, cutoff=0.75)
    return close[0] if close else None


def _distinct(cells: list[Cell]) -> list[Cell]:
    """The cells of a row, one per merged range."""
    return [c for c in cells if c.merged_from in (None, (c.row, c.col))]


def label_rows(
    block: Block, known_labels: Iterable[str]
) -> tuple[dict[str, Label], list[Diagnostic]]:
    """The label rows of a block made only of labels (the Model block)."""
    layout, found = split_table(block, known_labels, lambda cells: False)
    return layout.labels, found


def unknown_label(block: Block, cell: Cell, known: Iterable[str]) -> Diagnostic:
    """UNKNOWN_LABEL for ``cell``, suggesting the closest known label."""
    known = list(known)
    close = difflib.get_close_matches(normalize(cell_text(cell)), known, n=1, cutoff=0.7)
    shown = [close[0]] if close else known
    return diag.unknown_label(block.at(cell), [label.capitalize() for label in shown])


def _keyword_row_labels(block: Block, known: tuple[str, ...], layout: TableLayout) -> None:
    """Label pairs written on the keyword row itself, after the title."""
    cells = block.sheet.row_cells(block.keyword.row)
    after = block.title_cell.col if block.title_cell else block.keyword.col
    rest = [c for c in cells if c.col > after and c.merged_from in (None, (c.row, c.col))]
    for index, cell in enumerate(rest):
        if normalize(cell_text(cell)) in known:
            _add_label(layout, cell, rest[index + 1] if index + 1 < len(rest) else None)


def _inline_label(cells: list[Cell], known: tuple[str, ...]) -> Label | None:
    """``Hit policy: Collect`` typed in one cell, alone on its row."""
    first = cells[0]
    if len(_distinct(cells)) != 1 or not isinstance(first.value, str) or ":" not in first.value:
        return None
    head, _, rest = first.value.partition(":")
    name = normalize(head)
    if name not in known or not rest.strip():
        return None
    return Label(
        name, first, Cell(first.row, first.col, rest.strip(), merged_from=first.merged_from)
    )


def _add_label(
    layout: TableLayout, cell: Cell, value: Cell | None, name: str | None = None
) -> None:
    name = name or normalize(cell_text(cell))
    layout.labels.setdefault(name, Label(name, cell, value))
