"""DMN texts in, workbook cell values out, for ``tablerx export``: types, policies, inputs, data.

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
from service.feel.parser import parse_expression, parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.cells import data_literal
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell
from service.sheets.types import FEEL_TYPES, parse_type

NOT_DATA = object()  # a value that cannot be written as a data cell

_DMN11_TYPES = {
    "dateTime": "date and time",
    "dayTimeDuration": "days and time duration",
    "yearMonthDuration": "years and months duration",
}
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


def _base(type_ref: str) -> str:
    name = type_ref.split(":", 1)[1] if type_ref.startswith("feel:") else type_ref
    return _DMN11_TYPES.get(name, name)


def type_text(type_ref: str | None, items: dict[str, m.ItemDefinition]) -> str:
    """How a typeRef is written in a Type cell ('' when the workbook has no word for it)."""
    if not type_ref:
        return ""
    base = _base(type_ref)
    if base in FEEL_TYPES:
        return base
    item = items.get(base)
    if (
        item is not None
        and item.is_collection
        and item.type_ref
        and _base(item.type_ref) in FEEL_TYPES
    ):
        return f"list of {_base(item.type_ref)}"
    return ""


def _resolve(type_ref: str | None, items: dict[str, m.ItemDefinition]) -> tuple[str, bool, str]:
    """(FEEL base type, is a list, allowed values) of an input's typeRef, via item definitions."""
    is_list, allowed, seen = False, "", set()
    name = _base(type_ref) if type_ref else ""
    while name and name not in FEEL_TYPES and name in items and name not in seen:
        seen.add(name)
        item = items[name]
        if is_list and item.is_collection:
            return "", False, ""  # a list of lists: the workbook has no word for it
        is_list = is_list or item.is_collection
        allowed = allowed or (item.allowed_values or "")
        if item.components:
            return "context", is_list, allowed
        name = _base(item.type_ref) if item.type_ref else ""
    return (name if name in FEEL_TYPES else ""), is_list, allowed


def input_row(
    item: m.InputData, items: dict[str, m.ItemDefinition], notes: list[Diagnostic]
) -> list[object]:
    """The Inputs block row of one input: name, type, allowed values, unit, required, ..."""
    ext = item.extensions
    base, is_list, allowed = _resolve(item.variable.type_ref, items)
    if not base:
        if item.variable.type_ref:
            notes.append(diag.not_exportable("the type of input", item.name))
        base = "Any"
    if base == "number" and ext.get("input.integer") == "true":
        base = "integer"
    type_word = f"list of {base}" if is_list else base
    required = "yes" if ext.get("input.required") == "true" else "no"
    return [
        item.name,
        type_word,
        allowed,
        ext.get("input.unit", ""),
        required,
        ext.get("input.default", ""),
        ext.get("input.required_when", ""),
        item.description or "",
    ]


def input_choices(item: m.InputData, items: dict[str, m.ItemDefinition]) -> list[str] | None:
    """The drop-down values for rule cells testing ``item``: its allowed values, or true/false."""
    base, is_list, allowed = _resolve(item.variable.type_ref, items)
    if is_list:
        return None
    if base == "boolean":
        return ["true", "false", "-"]
    if not allowed:
        return None
    try:
        tests = parse_unary_tests(allowed)
    except FeelSyntaxError:
        return None
    if (
        item.extensions.get("input.integer") == "true"
        and (counted := _small_range(tests)) is not None
    ):
        return [*counted, "-"]
    values = []
    for test in tests.tests:
        if not isinstance(test, n.UnaryExpression) or not isinstance(
            test.expression, n.StringLiteral | n.NumberLiteral | n.BooleanLiteral
        ):
            return None
        values.append(allowed[test.span[0] : test.span[1]])
    return [*values, "-"] if not tests.negated else None


def _small_range(tests: n.UnaryTests) -> list[str] | None:
    """The whole numbers of a single closed range such as ``[0..4]`` (at most 20 of them)."""
    if len(tests.tests) != 1 or tests.negated or not isinstance(tests.tests[0], n.UnaryRange):
        return None
    bounds = tests.tests[0].range
    if not (bounds.start_included and bounds.end_included):
        return None
    if not isinstance(bounds.start, n.NumberLiteral) or not isinstance(bounds.end, n.NumberLiteral):
        return None
    low, high = bounds.start.value, bounds.end.value
    if (
        low != low.to_integral_value()
        or high != high.to_integral_value()
        or not 0 <= high - low < 20
    ):
        return None
    return [str(v) for v in range(int(low), int(high) + 1)]


def data_value(text: str, type_ref: str, items: dict[str, m.ItemDefinition]) -> object:
    """The cell value for the FEEL literal ``text`` in a relation column of ``type_ref``.

    Without a usable type, the FEEL text itself; :data:`NOT_DATA` when no value reads back the same.
    """
    spec = parse_type(type_text(type_ref, items)) if type_ref else None
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


def _reads_back(value: object, spec: object, text: str) -> bool:
    cell_value: object = value
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell_value = (
            decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
        )
    cell = Cell(1, 1, cell_value)  # type: ignore[arg-type]
    literal, problems = data_literal(cell, spec, Where("", "A1"))  # type: ignore[arg-type]
    return not problems and literal == text.strip()
