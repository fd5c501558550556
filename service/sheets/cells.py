"""A cell in, FEEL text out: the text of an expression cell, or the FEEL literal of a data cell.

*Expression cells* (decision table entries, expressions) hold FEEL: a number typed as a
number, a date typed as a date, a TRUE typed as a boolean become the FEEL literals they show;
curly quotes put there by autocorrect become straight ones.
*Data cells* (relation rows, test cases) hold values of a known type: text needs no quotes,
``2, 3`` in a list column is the list ``[2, 3]``, a number stored as text is still a number.
Problems (a formula without a saved result, an error value, text where a number belongs)
come back as diagnostics at the cell.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell
from service.sheets.layout import cell_text, number_text
from service.sheets.types import TypeSpec, temporal_kind

_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'})


def problem(cell: Cell | None, where: Where) -> Diagnostic | None:
    """FORMULA_NO_VALUE or CELL_ERROR when the cell has no usable value."""
    if cell is None:
        return None
    if cell.error is not None:
        return diag.cell_error(where, cell.error)
    if cell.value is None and cell.formula is not None:
        return diag.formula_without_value(where, cell.formula)
    return None


def expression_text(cell: Cell | None, where: Where) -> tuple[str, list[Diagnostic]]:
    """The FEEL text an expression cell holds ('' when empty), with any problem found."""
    trouble = problem(cell, where)
    if cell is None or trouble is not None:
        return "", [trouble] if trouble else []
    value = cell.value
    if isinstance(value, str):
        text = value.replace("\xa0", " ").strip()
        # Curly quotes typed by autocorrect: only when no straight quote shows it is FEEL already.
        fixed = text.translate(_CURLY) if '"' not in text else text
        if fixed != text:
            return fixed, [diag.smart_quotes(Where(where.sheet, where.cell, text))]
        return text, []
    return literal_of(value), []


def literal_of(value: object) -> str:
    """The FEEL literal of a spreadsheet value (number, boolean, date, time, text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        return f'date and time("{value.isoformat()}")'
    if isinstance(value, datetime.date):
        return f'date("{value.isoformat()}")'
    if isinstance(value, datetime.time):
        return f'time("{value.isoformat()}")'
    return string_literal(str(value))


def string_literal(text: str) -> str:
    """``text`` as a FEEL string literal, with quotes and backslashes escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def data_literal(
    cell: Cell | None, spec: TypeSpec | None, where: Where
) -> tuple[str | None, list[Diagnostic]]:
    """The FEEL literal of a data cell of type ``spec`` (None when the cell is empty).

    Without a type the cell is read like an expression cell.
    """
    trouble = problem(cell, where)
    if trouble is not None:
        return None, [trouble]
    if (
        cell is None
        or cell.value is None
        or (isinstance(cell.value, str) and not cell.value.strip())
    ):
        return None, []
    value = cell.value
    if isinstance(value, str):
        value = value.replace("\xa0", " ").strip().translate(_CURLY)
        if value == "null":
            return "null", []
    spec = spec.effective if spec is not None else None  # a declared type: its FEEL type
    if spec is None or spec.base not in _CONVERTERS:
        text, found = expression_text(cell, where)
        return text or None, found
    if spec.is_list:
        return _list_literal(value, spec, where)
    literal = _CONVERTERS[spec.base](value)
    if literal is None or (spec.integer and not _whole(literal)):
        shown = cell_text(cell)
        return None, [
            diag.wrong_type(
                Where(where.sheet, where.cell, shown),
                repr(shown),
                spec.describe(),
                "this column",
                None,
            )
        ]
    return literal, []


def _list_literal(
    value: object, spec: TypeSpec, where: Where
) -> tuple[str | None, list[Diagnostic]]:
    item = TypeSpec(spec.base, integer=spec.integer)
    if isinstance(value, str) and value.startswith("["):
        text = value
        try:
            node = parse_expression(text)
        except FeelSyntaxError as exc:
            return None, [
                diag.feel_syntax(
                    Where(where.sheet, where.cell, text), "list", exc.message, exc.span
                )
            ]
        if not isinstance(node, n.ListLiteral):
            return None, [
                diag.wrong_type(
                    Where(where.sheet, where.cell, text),
                    repr(text),
                    spec.describe(),
                    "this column",
                    None,
                )
            ]
        parts = [text[i.span[0] : i.span[1]] for i in node.items]
    elif isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
    else:
        parts = [value]  # type: ignore[list-item]
    items: list[str] = []
    for part in parts:
        literal = _CONVERTERS[item.base](_unquote(part) if isinstance(part, str) else part)
        if literal is None or (item.integer and not _whole(literal)):
            shown = str(part)
            return None, [
                diag.wrong_type(
                    Where(where.sheet, where.cell, str(value)),
                    repr(shown),
                    item.describe(),
                    "this column",
                    None,
                )
            ]
        items.append(literal)
    return "[" + ", ".join(items) + "]", []


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            node = parse_expression(text)
        except FeelSyntaxError:
            return text
        if isinstance(node, n.StringLiteral):
            return node.value
    return text


def _whole(literal: str) -> bool:
    try:
        number = decimal.Decimal(literal)
    except decimal.InvalidOperation:
        return False
    return number == number.to_integral_value()


def _to_string(value: object) -> str:
    if isinstance(value, str):
        return string_literal(_unquote(value))
    if isinstance(value, decimal.Decimal):
        return string_literal(number_text(value))
    if isinstance(value, bool):
        return string_literal("true" if value else "false")
    if isinstance(value, datetime.date | datetime.time):
        return string_literal(value.isoformat())
    return string_literal(str(value))


def _to_number(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, decimal.Decimal):
        return number_text(value)
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value.replace(" ", ""))
        except decimal.InvalidOperation:
            return None
        return number_text(number) if number.is_finite() else None
    return None


def _to_boolean(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return {"true": "true", "yes": "true", "false": "false", "no": "false"}.get(
            value.casefold()
        )
    return None


def _temporal(kind: str, function: str) -> Callable[[object], str | None]:
    def convert(value: object) -> str | None:
        if isinstance(value, datetime.datetime):
            if kind == "date" and value.time() == datetime.time(0):
                value = value.date()
            elif kind != "date and time":
                return None
        if (
            kind == "date"
            and isinstance(value, datetime.date)
            and not isinstance(value, datetime.datetime)
        ):
            return f'date("{value.isoformat()}")'
        if kind == "date and time" and isinstance(value, datetime.datetime):
            return f'date and time("{value.isoformat()}")'
        if kind == "time" and isinstance(value, datetime.time):
            return f'time("{value.isoformat()}")'
        if isinstance(value, str):
            return _temporal_text(value, kind, function)
        return None

    return convert


def _temporal_text(text: str, kind: str, function: str) -> str | None:
    inner = _unquote(text[1:] if text.startswith("@") else text).strip()
    if '"' in inner or "\\" in inner or temporal_kind(inner) != kind:
        return None
    checks: dict[str, Callable[[str], object]] = {
        "date": datetime.date.fromisoformat,
        "date and time": lambda t: datetime.datetime.fromisoformat(t.split("@")[0].rstrip("Z")),
        "time": lambda t: datetime.time.fromisoformat(t.split("@")[0].rstrip("Z")),
    }
    try:
        checks.get(kind, _duration)(inner)
    except ValueError:
        return None
    return f'{function}("{inner}")'


_DURATION = re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


def _duration(text: str) -> None:
    if not _DURATION.fullmatch(text):
        raise ValueError(text)


_CONVERTERS: dict[str, Callable[[object], str | None]] = {
    "string": _to_string,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _temporal("date", "date"),
    "date and time": _temporal("date and time", "date and time"),
    "time": _temporal("time", "time"),
    "days and time duration": _temporal("days and time duration", "duration"),
    "years and months duration": _temporal("years and months duration", "duration"),
}
