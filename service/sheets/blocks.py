"""Blocks in, specs out: the Model, Inputs, Expressions, References and Relation blocks.

Each reader takes a :class:`layout.Block`, finds its labels and header by their text,
and returns the block's spec with every value's cell, plus the structural diagnostics
(a missing id, an unknown status, a column without header). FEEL is not parsed here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from service.sheets import diagnostics as diag
from service.sheets.cells import problem, string_literal
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell
from service.sheets.layout import Block, cell_text, normalize, split_table
from service.sheets.specs import (
    Column,
    ExpressionSpec,
    InputSpec,
    ReferenceSpec,
    RelationSpec,
    RowSpec,
)
from service.sheets.types import TYPE_CHOICES, Declared, TypeSpec, parse_type

YES = {"yes", "y", "true", "required", "x", "1", "mandatory"}
NO = {"no", "n", "false", "optional", "0", "", "-"}

# header text (normalized) -> column key, per block kind
INPUT_HEADERS = {
    "name": "name", "input": "name", "type": "type", "allowed values": "allowed",
    "allowed values or range": "allowed", "values": "allowed", "range": "allowed",
    "allowed": "allowed", "unit": "unit", "units": "unit", "required": "required",
    "required?": "required", "mandatory": "required", "default": "default",
    "required when": "required_when", "description": "description", "meaning": "description",
}  # fmt: skip
EXPRESSION_HEADERS = {
    "name": "name", "decision": "name", "expression": "expression", "formula": "expression",
    "feel": "expression", "type": "type", "description": "description", "meaning": "description",
    "top level": "top_level", "returned": "top_level", "in response": "top_level",
}  # fmt: skip
REFERENCE_HEADERS = {
    "code": "code", "id": "code", "citation code": "code", "text": "text", "citation": "text",
    "reference": "text", "full text": "text", "source": "text", "link": "link", "url": "link",
}  # fmt: skip
RELATION_LABELS = ("description", "top level", "returned", "in response", "result type")


def yes_no(text: str) -> bool | None:
    """True, False, or None when ``text`` is neither a yes nor a no."""
    key = normalize(text)
    return True if key in YES else False if key in NO else None


# --- list-shaped blocks: one header row naming the columns --------------------------------------


def header_columns(
    block: Block, headers: dict[str, str], required: tuple[str, ...], found: list[Diagnostic]
) -> tuple[dict[str, int], list[int]]:
    """Column numbers by key (from the header row's labels) and the data rows."""

    def is_header(cells: list[Cell]) -> bool:
        # Any known header word makes the row the header: a misspelt first header must not
        # turn the header and every row below it into unknown labels.
        return any(normalize(cell_text(c)) in headers for c in cells)

    layout, problems = split_table(block, ("description",), is_header)
    found.extend(problems)
    if layout.header_row is None:
        example = " | ".join(k.capitalize() for k in dict.fromkeys(headers.values()))
        found.append(diag.header_missing(block.anchor, f"{block.kind} block", example))
        return {}, []
    columns: dict[str, int] = {}
    unknown: list[Cell] = []
    for cell in block.sheet.row_cells(layout.header_row):
        key = headers.get(normalize(cell_text(cell)))
        if key is None:
            unknown.append(cell)
        else:
            columns.setdefault(key, cell.col)
    kind = f"{block.kind} block"
    for key in dict.fromkeys([*required, *headers.values()]):
        if key in columns or _adopt_misspelt(block, key, headers, unknown, columns, found):
            continue
        if key in required:
            where = block.at(block.sheet.get(layout.header_row, 1), layout.header_row, 1)
            found.append(diag.column_missing(where, kind, key.capitalize()))
    known = sorted({k.capitalize() for k in headers})
    found.extend(diag.unknown_column(block.at(cell), known) for cell in unknown)
    return columns, layout.data_rows


def _adopt_misspelt(
    block: Block,
    key: str,
    headers: dict[str, str],
    unknown: list[Cell],
    columns: dict[str, int],
    found: list[Diagnostic],
) -> bool:
    """A header that misspells the column ``key`` (``Expresion``, ``Requird``) is read as it
    and reported once, as an error: ignoring it would quietly change the model (no allowed
    values, every input optional) or raise a problem in every row."""
    words = [word for word, meaning in headers.items() if meaning == key]
    for cell in unknown:
        close = difflib.get_close_matches(normalize(cell_text(cell)), words, n=1, cutoff=0.75)
        if close:
            unknown.remove(cell)
            columns[key] = cell.col
            name = close[0].capitalize()
            found.append(diag.column_missing(block.at(cell), f"{block.kind} block", name, name))
            return True
    return False


def column_cell(block: Block, row: int, columns: dict[str, int], key: str) -> Cell | None:
    """The cell of ``row`` in the column ``key`` names (None when empty or no such column)."""
    col = columns.get(key)
    return block.sheet.get(row, col) if col else None


def column_text(block: Block, row: int, columns: dict[str, int], key: str) -> str:
    """The text of :func:`column_cell` ('' when empty)."""
    return cell_text(column_cell(block, row, columns, key))


def _flag(
    block: Block, row: int, columns: dict[str, int], key: str, label: str, found: list[Diagnostic]
) -> bool | None:
    cell = column_cell(block, row, columns, key)
    if cell is None:
        return None
    value = yes_no(cell_text(cell))
    if value is None:
        found.append(diag.flag_invalid(block.at(cell), label))
    return value


def column_where(block: Block, row: int, columns: dict[str, int], key: str) -> Where:
    """Where :func:`column_cell` is, filled or not."""
    cell = column_cell(block, row, columns, key)
    return block.at(cell, row, columns.get(key, 1))


def read_inputs(block: Block, declared_types: Declared, found: list[Diagnostic]) -> list[InputSpec]:
    """The rows of an Inputs block."""
    columns, rows = header_columns(block, INPUT_HEADERS, ("name", "type"), found)
    specs: list[InputSpec] = []
    for row in rows:
        name_cell = column_cell(block, row, columns, "name")
        if name_cell is None:
            report_nameless(block, row, columns, found)
            continue
        spec = InputSpec(cell_text(name_cell), block.at(name_cell), row)
        spec.type = _type(block, row, columns, declared_types, found, required=True)
        spec.allowed, spec.allowed_where = _allowed(block, row, columns, spec, found)
        spec.unit = column_text(block, row, columns, "unit")
        spec.required = _flag(block, row, columns, "required", "Required", found)
        spec.default = _default(column_text(block, row, columns, "default"), spec)
        spec.default_where = column_where(block, row, columns, "default")
        spec.required_when = column_text(block, row, columns, "required_when")
        spec.required_when_where = column_where(block, row, columns, "required_when")
        spec.description = column_text(block, row, columns, "description")
        specs.append(spec)
    return specs


def report_nameless(
    block: Block, row: int, columns: dict[str, int], found: list[Diagnostic]
) -> None:
    """VALUE_MISSING for a row whose Name cell is empty (not when the block has no Name
    column at all: COLUMN_MISSING said so once)."""
    if "name" not in columns and "code" not in columns:
        return
    first = block.sheet.row_cells(row)[0]
    found.append(diag.value_missing(block.at(None, row, columns.get("name", first.col)), "a name"))


def _type(
    block: Block,
    row: int,
    columns: dict[str, int],
    declared: Declared,
    found: list[Diagnostic],
    required: bool,
) -> TypeSpec | None:
    cell = column_cell(block, row, columns, "type")
    text = cell_text(cell)
    if not text:
        if required and "type" in columns:  # else COLUMN_MISSING said so, once
            found.append(diag.value_missing(column_where(block, row, columns, "type"), "a type"))
        return None
    spec = parse_type(text, declared)
    if spec is None:
        found.append(diag.type_unknown(block.at(cell), text, [*TYPE_CHOICES, *sorted(declared)]))
    return spec


def _allowed(
    block: Block, row: int, columns: dict[str, int], spec: InputSpec, found: list[Diagnostic]
) -> tuple[str, Where | None]:
    cell = column_cell(block, row, columns, "allowed")
    if cell is None:
        return "", None
    where = block.at(cell)
    trouble = problem(cell, where)
    if trouble:
        found.append(trouble)
        return "", where
    text = cell_text(cell)
    if spec.type is not None and spec.type.effective.base == "string" and plain_words(text):
        # Plain words in a text input's allowed values: each one is a value, not a name.
        text = quoted_words(text)
    return text, Where(where.sheet, where.cell, text)


def _default(text: str, spec: InputSpec) -> str:
    """A text input's default written without quotes is the text itself."""
    if (
        spec.type is not None
        and spec.type.effective.base == "string"
        and text
        and '"' not in text
        and text != "null"
    ):
        return string_literal(text)
    return text


def plain_words(text: str) -> bool:
    """True when a text type's allowed values are written as bare words (no quotes)."""
    return '"' not in text and text != "-"


def quoted_words(text: str) -> str:
    """``positive, negative`` as the FEEL string literals ``"positive", "negative"``."""
    return ", ".join(string_literal(p.strip()) for p in re.split(r"[,;\n]", text) if p.strip())


def read_expressions(
    block: Block, declared: Declared, found: list[Diagnostic]
) -> list[ExpressionSpec]:
    """The rows of an Expressions block."""
    columns, rows = header_columns(block, EXPRESSION_HEADERS, ("name", "expression"), found)
    specs: list[ExpressionSpec] = []
    for row in rows:
        name_cell = column_cell(block, row, columns, "name")
        expression = column_cell(block, row, columns, "expression")
        if name_cell is None:
            report_nameless(block, row, columns, found)
            continue
        spec = ExpressionSpec(
            cell_text(name_cell),
            block.at(name_cell),
            "",
            column_where(block, row, columns, "expression"),
            row,
        )
        if expression is not None:
            from service.sheets.cells import expression_text

            spec.text, problems = expression_text(expression, spec.text_where)
            spec.text_where = Where(spec.text_where.sheet, spec.text_where.cell, spec.text)
            found.extend(problems)
        missing = not spec.text and "expression" in columns  # else COLUMN_MISSING said so
        if missing and not any(p.cell == spec.text_where.cell for p in found):
            found.append(diag.value_missing(spec.text_where, "an expression"))
        spec.type = _type(block, row, columns, declared, found, required=False)
        spec.description = column_text(block, row, columns, "description")
        spec.top_level = _flag(block, row, columns, "top_level", "Top level", found)
        specs.append(spec)
    return specs


def read_references(block: Block, found: list[Diagnostic]) -> list[ReferenceSpec]:
    """The rows of a References block."""
    columns, rows = header_columns(block, REFERENCE_HEADERS, ("code", "text"), found)
    specs: list[ReferenceSpec] = []
    for row in rows:
        code = column_cell(block, row, columns, "code")
        if code is None:
            report_nameless(block, row, columns, found)
            continue
        specs.append(
            ReferenceSpec(
                cell_text(code),
                column_text(block, row, columns, "text"),
                block.at(code),
                column_text(block, row, columns, "link"),
            )
        )
    return specs


def read_relation(block: Block, declared: Declared, found: list[Diagnostic]) -> RelationSpec:
    """A Relation block: the header names the columns; an optional row of types follows it."""
    spec = RelationSpec(block, block.title)
    layout, problems = split_table(block, RELATION_LABELS, lambda cells: True)
    found.extend(problems)
    if "description" in layout.labels:
        spec.description = layout.labels["description"].text
    for key in ("top level", "returned", "in response"):
        if key in layout.labels:
            spec.top_level = yes_no(layout.labels[key].text)
    if "result type" in layout.labels:
        label = layout.labels["result type"]
        spec.result_type = parse_type(label.text, declared) if label.text else None
        if label.text and spec.result_type is None:
            found.append(
                diag.type_unknown(
                    block.at(label.value), label.text, [*TYPE_CHOICES, *sorted(declared)]
                )
            )
    if layout.header_row is None:
        found.append(diag.header_missing(block.anchor, "relation", "regimen | priority | lines"))
        return spec
    sheet = block.sheet
    for cell in sheet.row_cells(layout.header_row):
        spec.columns.append(Column("column", cell_text(cell), cell, block.at(cell)))
    rows = layout.data_rows
    if rows and _is_type_row(sheet.row_cells(rows[0]), declared):
        for cell in sheet.row_cells(rows[0]):
            column = next((c for c in spec.columns if c.col == cell.col), None)
            text = cell_text(cell)
            if column is None or normalize(text) in ("type", "types"):
                continue
            column.type = parse_type(text, declared)
            column.type_where = block.at(cell)
            if column.type is None:  # its cells are then left unread (check.py)
                choices = [*TYPE_CHOICES, *sorted(declared)]
                found.append(diag.type_unknown(column.type_where, text, choices))
        rows = rows[1:]
    spec.rows = _data_rows(block, rows, spec.columns, found, lambda row: (str(row), None))
    return spec


def _is_type_row(cells: list[Cell], declared: Declared) -> bool:
    """True for the row of column types under a relation's header: every cell a type, or
    most of them with the others misspelt types (reported then, not read as data)."""
    texts = [cell_text(c) for c in cells if cell_text(c)]
    if texts and normalize(texts[0]) in ("type", "types"):
        texts = texts[1:]
    types = [t for t in texts if parse_type(t, declared) is not None]
    if not texts or len(types) * 2 <= len(texts):
        return False
    words = [*TYPE_CHOICES, *declared, *(f"list of {name}" for name in declared)]
    return all(
        t in types or difflib.get_close_matches(normalize(t), words, n=1, cutoff=0.75)
        for t in texts
    )


def _data_rows(
    block: Block,
    rows: list[int],
    columns: list[Column],
    found: list[Diagnostic],
    ident: Callable[[int], tuple[str, Where | None]],
    quiet: frozenset[int] = frozenset(),
) -> list[RowSpec]:
    """The rows' cells under ``columns``; filled cells outside them are reported, except in
    the ``quiet`` columns, whose header is already reported (one error, not one per row)."""
    known = {c.col for c in columns} | quiet
    specs: list[RowSpec] = []
    for row in rows:
        cells = block.sheet.row_cells(row)
        for cell in cells:
            if cell.col not in known and cell.merged_from in (None, (cell.row, cell.col)):
                found.append(diag.ignored_cell(block.at(cell)))
        inside = {c.col: block.sheet.get(row, c.col) for c in columns}
        if all(v is None for v in inside.values()):
            continue
        if row in block.sheet.hidden_rows:
            found.append(diag.hidden_row(block.at(cells[0])))
        key, where = ident(row)
        specs.append(RowSpec(row, key, where, inside))
    return specs


data_rows = _data_rows
