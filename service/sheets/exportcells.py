"""DMN texts in, workbook cell values out, for ``tablerx export``: hit policies and data cells.

Each conversion is checked by reading it back the way the compiler will (a data cell is
accepted only when :func:`cells.data_literal` gives back the very same FEEL text), so an
exported workbook compiles to the DMN it came from.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal

from service.dmn import model as m
from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression
from service.sheets.cells import data_literal
from service.sheets.diagnostics import Where
from service.sheets.grid import Cell
from service.sheets.types import TypeSpec

NOT_DATA = object()  # a value that cannot be written as a data cell

_WORDS = {
    "UNIQUE": "Unique",
    "FIRST": "First",
    "PRIORITY": "Priority",
    "ANY": "Any",
    "COLLECT": "Collect",
    "RULE ORDER": "Rule order",
    "OUTPUT ORDER": "Output order",
}


def hit_policy_words(table: m.DecisionTable) -> str:
    """``Collect sum`` for COLLECT with SUM, ``Unique`` for UNIQUE."""
    words = _WORDS.get(table.hit_policy.upper(), table.hit_policy.capitalize())
    return f"{words} {table.aggregation.lower()}" if table.aggregation else words


def data_value(text: str, spec: TypeSpec | None) -> object:
    """The cell value for the FEEL literal ``text`` in a relation column of type ``spec``.

    Without a type, the FEEL text itself; :data:`NOT_DATA` when no value reads back the same.
    """
    if spec is None:
        return text
    if text.strip() == "null":
        return None
    for candidate in _candidates(text):
        if _reads_back(candidate, spec, text):
            return candidate
    return NOT_DATA


def _candidates(text: str) -> list[object]:
    """Cell values to try for a literal, friendliest first."""
    try:
        node = parse_expression(text)
    except FeelSyntaxError:
        return []
    found: list[object] = []
    if isinstance(node, n.StringLiteral | n.BooleanLiteral):
        found.append(node.value)
    elif isinstance(node, n.NumberLiteral | n.Negation):
        found.extend(_number_cells(text))
    elif (
        isinstance(node, n.FunctionCall)
        and node.arguments
        and isinstance(node.arguments[0].value, n.StringLiteral)
    ):
        raw = node.arguments[0].value.value
        with contextlib.suppress(ValueError):
            found.append(datetime.date.fromisoformat(raw))
        found.append(raw)
    elif isinstance(node, n.ListLiteral):
        parts = [text[i.span[0] : i.span[1]] for i in node.items]
        found.append(", ".join(_unquoted(p) for p in parts))
    found.append(text)
    return found


def _number_cells(text: str) -> list[object]:
    try:
        value = decimal.Decimal(text.replace(" ", ""))
    except decimal.InvalidOperation:
        return []
    cells: list[object] = []
    if value == value.to_integral_value() and abs(value) < 10**15:
        cells.append(int(value))
    elif decimal.Decimal(repr(float(value))) == value:
        cells.append(float(value))
    return cells


def _unquoted(part: str) -> str:
    try:
        node = parse_expression(part)
    except FeelSyntaxError:
        return part
    if (
        isinstance(node, n.StringLiteral)
        and "," not in node.value
        and node.value.strip() == node.value
    ):
        return node.value
    return part


def _reads_back(value: object, spec: TypeSpec, text: str) -> bool:
    cell_value: object = value
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell_value = (
            decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
        )
    cell = Cell(1, 1, cell_value)  # type: ignore[arg-type]
    literal, problems = data_literal(cell, spec, Where("", "A1"))
    return not problems and literal == text.strip()
