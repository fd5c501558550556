"""A table's header and data rows in, diagnostics about its shape out: columns no header
names, hidden columns, and merged cells that span columns of different meaning.

These are the mistakes that would otherwise change a table without a word: a deleted
header makes a whole condition vanish (its cells were once only warned about one by one),
a hidden column hides a condition from reviewers, and a cell merged across an output and
an annotation copies one value into both.
"""

from __future__ import annotations

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import coordinate
from service.sheets.layout import Block
from service.sheets.specs import Column

_ROLE_WORDS = {
    "input": "Input", "output": "Output", "annotation": "Annotation", "expected": "Expected",
    "extra": "Extra", "rule": "Rule", "description": "Description", "name": "Input",
}  # fmt: skip
_HEADERS = {
    "table": "Input: ..., Output: ..., Annotation: ...",
    "tests": "Input: ..., Expected: ...",
}


def _letters(col: int) -> str:
    return coordinate(1, col)[:-1]


def table_name(block: Block) -> str:
    """How messages name a table: its title, or where its keyword cell is."""
    return block.title or f"at {block.describe()}"


def headerless_columns(
    block: Block,
    header_row: int,
    rows: list[int],
    headed: set[int],
    kind: str,
    found: list[Diagnostic],
) -> frozenset[int]:
    """Report each column of the table whose header is empty but whose cells are filled;
    the columns reported (their cells are then not reported one by one)."""
    if not headed or not rows:
        return frozenset()
    sheet = block.sheet
    first, last = min(headed), max(headed)
    filled: dict[int, list[int]] = {}
    for row in rows:
        for cell in sheet.row_cells(row):
            if cell.col not in headed and cell.merged_from in (None, (cell.row, cell.col)):
                filled.setdefault(cell.col, []).append(row)
    reported: set[int] = set()
    for col, at_rows in sorted(filled.items()):
        inside = first < col < last
        if not inside and (len(at_rows) < 2 or len(at_rows) * 2 < len(rows)):
            continue  # a stray note beside the table: IGNORED_CELL says so
        letters = _letters(col)
        span = f"{letters}{at_rows[0]}:{letters}{at_rows[-1]}"
        if len(at_rows) == 1:
            span = f"{letters}{at_rows[0]}"
        where = Where(sheet.name, coordinate(header_row, col))
        what = f"table {table_name(block)}" if kind == "table" else f"the {block.describe()} tests"
        found.append(
            diag.column_without_header(where, letters, what, len(at_rows), span, _HEADERS[kind])
        )
        reported.add(col)
    return frozenset(reported)


def hidden_columns(block: Block, columns: list[Column], found: list[Diagnostic]) -> None:
    """HIDDEN_COLUMN for each column of the table that is hidden (it is compiled)."""
    for column in columns:
        if column.col in block.sheet.hidden_cols:
            found.append(diag.hidden_column(column.where))


def merged_across_columns(
    block: Block, rows: list[int], columns: list[Column], found: list[Diagnostic]
) -> None:
    """MERGED_ACROSS_COLUMNS for a data cell merged over columns that do not share a meaning:
    its one value would be copied into each of them. Merging conditions is allowed (the
    value applies to each of them, as a merge down several rules does)."""
    by_col = {c.col: c for c in columns}
    wanted = set(rows)
    for r1, c1, r2, c2 in block.sheet.merges:
        if c1 == c2 or not wanted.intersection(range(r1, r2 + 1)):
            continue
        spanned = [by_col[col] for col in range(c1, c2 + 1) if col in by_col]
        roles = {c.role for c in spanned}
        if len(spanned) < 2 or roles == {"input"}:
            continue
        named = [f"{_ROLE_WORDS.get(c.role, c.role)}: {c.text}" for c in spanned]
        where = Where(block.sheet.name, coordinate(r1, c1))
        found.append(
            diag.merged_across_columns(
                where, f"{coordinate(r1, c1)}:{coordinate(r2, c2)}", named, len(roles) > 1
            )
        )


def drop_superseded(found: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics without those at a cell whose merge across columns is reported:
    that one mistake explains them."""
    merged = {(d.sheet, d.cell) for d in found if d.code == "MERGED_ACROSS_COLUMNS"}
    return [
        d for d in found if d.code == "MERGED_ACROSS_COLUMNS" or (d.sheet, d.cell) not in merged
    ]
