"""Blocks in, cells on sheets out: where ``tablerx export`` puts each block.

An element compiled by tablerx says where it came from: its id names its cell
(``T2_Pathway_C7``, ``T2_Pathway_row9``) and its ``source.sheet``/``source.cell``
properties name its sheet and keyword or name cell. :class:`Sheets` puts a block back at
those cells when they are all free, and otherwise below what a sheet already holds, so
that a workbook exported from a compiled model compiles to the same model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from service.dmn import model as m
from service.sheets.grid import parse_coordinate
from service.sheets.writer import (
    SPARE_ROWS,
    BlockOut,
    Choices,
    GridSheet,
    column_choices,
    label_choices,
    place_block,
)

_CELL_ID = re.compile(r"_([A-Z]{1,3}\d+)$")
_ROW_ID = re.compile(r"_row(\d+)$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

Cells = list[tuple[int, int, object, str]]  # row, column, value, style
Rows = list[tuple[list[object], int]]  # the values of a row, and the row they go to
T = TypeVar("T")


def cell_of(element_id: str | None) -> tuple[int, int] | None:
    """The (row, column) an id made by the compiler names (``T2_Pathway_C7`` -> (7, 3))."""
    match = _CELL_ID.search(element_id or "")
    return parse_coordinate(match.group(1)) if match else None


def source_of(element: m.Element) -> tuple[str, tuple[int, int]] | None:
    """(sheet, (row, column)) from an element's ``source.sheet``/``source.cell`` properties."""
    sheet = element.extensions.get("source.sheet")
    cell = element.extensions.get("source.cell", "").rpartition("!")[2]
    where = parse_coordinate(cell) if cell else None
    return (sheet, where) if sheet and where else None


def all_or_none(items: Sequence[T | None]) -> list[T] | None:
    """``items`` when none is None, else None."""
    return (
        None
        if any(item is None for item in items)
        else [item for item in items if item is not None]
    )


def rule_row(rule: m.DecisionRule) -> int | None:
    """The workbook row of a rule: from its id (``_row9``) or its ``source.row`` property."""
    match = _ROW_ID.search(rule.id or "")
    if match:
        return int(match.group(1))
    row = rule.extensions.get("source.row", "")
    return int(row) if row.isdigit() else None


@dataclass(slots=True)
class Anchor:
    """A block being placed: its grid and keyword cell."""

    grid: GridSheet
    row: int
    col: int


class Sheets:
    """The sheets being written, by name, in order, with the drop-down values of rule cells."""

    def __init__(self, choices: Choices) -> None:
        self.grids: dict[str, GridSheet] = {}
        self.choices = choices

    def ensure(self, name: str) -> None:
        """Create the sheet ``name`` (a source sheet) if it does not exist yet."""
        if name not in self.grids:
            self.grids[name] = GridSheet(name)

    def new_sheet(self, wanted: str) -> GridSheet:
        """A new sheet named ``wanted`` (made a valid, unused sheet name)."""
        base = _BAD_SHEET_CHARS.sub(" ", wanted).strip()[:31] or "Sheet"
        name, n = base, 2
        while name.casefold() in {k.casefold() for k in self.grids}:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.grids[name] = GridSheet(name)
        return self.grids[name]

    def first(self, name: str) -> GridSheet:
        """A new sheet ``name``, first of all."""
        grid = self.new_sheet(name)
        self.grids = {name: grid, **{k: v for k, v in self.grids.items() if k != name}}
        return grid

    def anchor(self, element: m.Element) -> Anchor | None:
        """The keyword cell an element's source properties name, on a sheet that exists."""
        found = source_of(element)
        if found is None or found[0] not in self.grids:
            return None
        return Anchor(self.grids[found[0]], *found[1])

    def auto(self, wanted: str, block: BlockOut) -> None:
        """Place ``block`` below what the sheet called ``wanted`` holds (made if needed)."""
        grid = self.grids.get(wanted) or self.new_sheet(wanted)
        row = grid.last_row + 2 if grid.cells else 1
        place_block(grid, block, row, 1, self.choices)

    def place_rows(self, sheet: str, col: int, keyword: str, header: list[str], rows: Rows) -> bool:
        """The rows of a list block at their source rows, header and keyword just above them;
        False (nothing placed) when they do not fit there."""
        grid = self.grids.get(sheet)
        if grid is None or not rows:
            return False
        ordered = sorted(rows, key=lambda pair: pair[1])
        first = ordered[0][1]
        if first < 3 or len({row for _, row in rows}) != len(rows):
            return False
        width = len(header)
        needed = [(first - 2, col), *[(first - 1, col + i) for i in range(width)]]
        needed += [(row, col + i) for _, row in ordered for i in range(width)]
        if not all(grid.free(r, c) for r, c in needed):
            return False
        grid.put(first - 2, col, keyword, "keyword")
        for index, text in enumerate(header):
            grid.put(first - 1, col + index, text, "header")
        for values, row in ordered:
            for index, value in enumerate(values):
                grid.put(row, col + index, value)
        column_choices(grid, keyword, header, col, first, ordered[-1][1] + SPARE_ROWS, self.choices)
        return True

    def put_labels(self, anchor: Anchor, block: BlockOut, header_row: int) -> bool:
        """The keyword, title and labels of a block whose header row is ``header_row``:
        labels on free rows between them, else on the keyword row after the title."""
        grid, kr, kc = anchor.grid, anchor.row, anchor.col
        if not grid.free(kr, kc) or not grid.free(kr, kc + 1):
            return False
        grid.put(kr, kc, block.keyword, "keyword")
        grid.put(kr, kc + 1, block.title, "title")
        spare = [r for r in range(kr + 1, header_row) if grid.free(r, kc) and grid.free(r, kc + 1)]
        col = kc + 2
        for label, value in block.labels:
            if spare:
                row = spare.pop(0)
                grid.put(row, kc, label, "label")
                grid.put(row, kc + 1, value, "value")
                label_choices(grid, label, row, kc + 1)
            else:
                grid.put(kr, col, label, "label")
                grid.put(kr, col + 1, value, "value")
                label_choices(grid, label, kr, col + 1)
                col += 2
        return True


def commit(grid: GridSheet, cells: Cells) -> None:
    """Put every cell of ``cells`` on ``grid``."""
    for row, col, value, style in cells:
        grid.put(row, col, value, style)


def all_free(grid: GridSheet, cells: Cells) -> bool:
    """True when none of ``cells`` is taken on ``grid``."""
    return all(grid.free(r, c) for r, c, _, _ in cells)
