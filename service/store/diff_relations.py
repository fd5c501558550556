"""Two versions of a relation (a catalogue block) in, its changes out: columns, and rows by key.

A relation's rows carry no id of their own, and inserting a row in the workbook moves
every row below it, so rows are never compared by position. They are paired first by
identical content (a row left alone, wherever it now stands), then, when the first
column's values are unique in both versions (a catalogue's regimen names), by that
value (a row edited in place), then by similarity (at least half the cells equal: a row
whose first cell was edited too). What is left was added or removed, one line each. A
row is named by its first cell (the *key*) and, when the DMN carries it, by its
workbook cell: the compiler derives a relation cell's id from the cell (``<sheet>_M11``,
docs/dmn-extensions.md), and the decision's ``source.*`` properties give the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from service.dmn import model as dmn
from service.store.diff_tables import ColumnChange, differing, keyed, moved_pairs

_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class RowRef:
    """A relation row as clinicians know it: its key (first cell), position, workbook cell."""

    key: str
    position: int
    cell: str | None = None


@dataclass(frozen=True, slots=True)
class RowCell:
    """One cell of a relation row: its column, its workbook cell (when known), old and new."""

    column: str
    cell: str | None
    old: str | None
    new: str | None


@dataclass(slots=True)
class RowChange:
    """A relation row added, removed, changed (``cells`` differ) or moved (order changed)."""

    kind: str
    old: RowRef | None
    new: RowRef | None
    cells: list[RowCell] = field(default_factory=list)
    moved: bool = False

    @property
    def key(self) -> str:
        """The row's key in the newer version it is in."""
        ref = self.new or self.old
        return ref.key if ref is not None else ""


Row = dict[str, str]  # column name -> cell text


def key_text(text: str) -> str:
    """A first cell as a key: a string literal without its quotes, anything else as written."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        return stripped[1:-1].replace('\\"', '"')
    return stripped


class _Side:
    """One version of a relation: its rows as texts by column, and where each cell lives."""

    def __init__(self, relation: dmn.Relation, where: dict[str, str]) -> None:
        self.names = [column.name.strip() for column in relation.columns]
        self.rows: list[Row] = [
            {name: (_text(row[i]) if i < len(row) else "") for i, name in enumerate(self.names)}
            for row in relation.rows
        ]
        self.cells = [[_cell_of(relation, where, item) for item in row] for row in relation.rows]

    def ref(self, index: int) -> RowRef:
        first = self.rows[index].get(self.names[0], "") if self.names else ""
        cell = self.cells[index][0] if self.cells[index] else None
        return RowRef(key_text(first) or f"row {index + 1}", index + 1, cell)

    def cell(self, index: int, column: str) -> str | None:
        if column in self.names and self.names.index(column) < len(self.cells[index]):
            return self.cells[index][self.names.index(column)]
        return None

    def unique_keys(self) -> bool:
        firsts = [row.get(self.names[0], "") for row in self.rows] if self.names else []
        return len(set(firsts)) == len(firsts)


def _text(item: dmn.Expression) -> str:
    """A relation cell's text (a literal expression's; another expression by its kind)."""
    text = getattr(item, "text", None)
    return text.strip() if isinstance(text, str) else type(item).__name__


def _cell_of(relation: dmn.Relation, where: dict[str, str], item: dmn.Expression) -> str | None:
    """``'Sheet'!M11`` for a relation cell whose id the compiler derived from its cell."""
    sheet, anchor = where.get("source.sheet"), where.get("source.cell", "")
    keyword = anchor.rpartition("!")[2]
    if not (sheet and relation.id and item.id and keyword and relation.id.endswith(keyword)):
        return None
    prefix = relation.id[: -len(keyword)]
    local = item.id[len(prefix) :] if item.id.startswith(prefix) else ""
    if not _CELL.fullmatch(local):
        return None
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{local}"


def compare_relations(
    old: dmn.Relation,
    new: dmn.Relation,
    old_where: dict[str, str] | None = None,
    new_where: dict[str, str] | None = None,
) -> tuple[list[ColumnChange], list[RowChange]]:
    """The column changes and the row changes of a relation (``*_where``: the decision's
    extension properties, which name the sheet and the block's keyword cell)."""
    a, b = _Side(old, old_where or {}), _Side(new, new_where or {})
    columns = _columns(old, new)
    pairs = match_rows(a, b)
    moved = moved_pairs(pairs)
    found: list[RowChange] = []
    for i, j in pairs:
        cells = _cells(a, b, i, j)
        if cells or (i, j) in moved:
            kind = "changed" if cells else "moved"
            found.append(RowChange(kind, a.ref(i), b.ref(j), cells, (i, j) in moved))
    matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for j in range(len(b.rows)):
        if j not in matched_b:
            found.append(RowChange("added", None, b.ref(j), _whole(b, j, "added")))
    for i in range(len(a.rows)):
        if i not in matched_a:
            found.append(RowChange("removed", a.ref(i), None, _whole(a, i, "removed")))
    order = {"changed": 0, "moved": 0, "added": 0, "removed": 1}
    found.sort(key=lambda c: (order[c.kind], (c.new or c.old or RowRef("", 0)).position))
    return columns, found


def _columns(old: dmn.Relation, new: dmn.Relation) -> list[ColumnChange]:
    found = []
    for name, a, b in keyed(old.columns, new.columns, lambda c: c.name.strip()):
        if a is None or b is None:
            found.append(ColumnChange("added" if a is None else "removed", "column", name))
            continue
        changes = differing([("type", a.type_ref, b.type_ref)])
        if changes:
            found.append(ColumnChange("changed", "column", name, changes))
    return found


def match_rows(a: _Side, b: _Side) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of the same row in two versions of a relation."""
    pairs: list[tuple[int, int]] = []
    free_a, free_b = list(range(len(a.rows))), list(range(len(b.rows)))

    def take(same: Callable[[int, int], bool]) -> None:
        for i in list(free_a):
            candidates = [j for j in free_b if same(i, j)]
            if candidates:
                j = min(candidates, key=lambda j: abs(i - j))  # duplicates: the nearest row
                pairs.append((i, j))
                free_a.remove(i)
                free_b.remove(j)

    take(lambda i, j: a.rows[i] == b.rows[j])
    if a.names and b.names and a.names[0] == b.names[0] and a.unique_keys() and b.unique_keys():
        first = a.names[0]
        take(lambda i, j: a.rows[i].get(first) == b.rows[j].get(first))
    scored = sorted(
        (-_similarity(a.rows[i], b.rows[j]), abs(i - j), i, j) for i in free_a for j in free_b
    )
    for score, _, i, j in scored:
        if -score >= 0.5 and i in free_a and j in free_b:
            pairs.append((i, j))
            free_a.remove(i)
            free_b.remove(j)
    return sorted(pairs)


def _similarity(a: Row, b: Row) -> float:
    names = set(a) | set(b)
    return sum(1 for n in names if a.get(n) == b.get(n)) / len(names) if names else 1.0


def _cells(a: _Side, b: _Side, i: int, j: int) -> list[RowCell]:
    """The cells of a paired row that differ, by column (a column added or removed counts)."""
    names = b.names + [n for n in a.names if n not in b.names]
    found = []
    for name in names:
        before, after = a.rows[i].get(name), b.rows[j].get(name)
        if before != after:
            found.append(RowCell(name, b.cell(j, name) or a.cell(i, name), before, after))
    return found


def _whole(side: _Side, index: int, kind: str) -> list[RowCell]:
    """Every cell of a row added or removed as a whole."""
    return [
        RowCell(
            name,
            side.cell(index, name),
            text if kind == "removed" else None,
            text if kind == "added" else None,
        )
        for name, text in side.rows[index].items()
    ]
