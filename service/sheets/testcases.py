"""The Tests blocks in, compiled test cases out: the values each row sends and expects, checked.

Each row is a test case: its input columns give the request, its expected columns the
decision results to check; an empty cell leaves the input out (not assessed) or the
result unchecked, ``null`` says null. Values are data: text needs no quotes, a number
stored as text is a number, and the column's type (the input's, or the decision's output
type) decides how a cell is read. A row whose ``Expected: errors`` cell is filled expects
the service to refuse the request instead (:mod:`service.sheets.refusals`); it sends its
cells as written and may send undeclared fields (``Extra: <name>`` columns).

A column whose type cannot be known because of an error elsewhere (a broken type cell, an
output cell that does not parse where no other cell tells the type) is not read at all:
that error is the one to fix, and reporting each test cell too would bury it.
:mod:`service.sheets.testxml` writes the cases as TCK XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression, parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.cells import data_literal, expression_text, problem, string_literal
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.feeltext import syntax
from service.sheets.grid import Cell, parse_coordinate
from service.sheets.layout import Block, cell_text
from service.sheets.refusals import (
    ExpectedError,
    RefusalCheck,
    Sent,
    guard_codes,
    is_errors_column,
    parse_errors,
    written_literal,
)
from service.sheets.specs import Column, RowSpec, TestsSpec, WorkbookSpec
from service.sheets.symbols import Checked, Symbols, suggest
from service.sheets.types import FEEL_TYPES, TypeSpec, is_plain, literal_value, satisfies

_EXPECTING = ("expected", "errors")


@dataclass(slots=True)
class TestCase:
    """One compiled test case: FEEL literals it sends, results it expects, or its refusal."""

    __test__ = False  # not a pytest test class, despite the name

    ident: str
    description: str
    inputs: list[tuple[str, n.Node]] = field(default_factory=list)
    expected: list[tuple[str, n.Node]] = field(default_factory=list)
    where: Where | None = None
    errors: list[str] | None = None  # ``CODE`` / ``CODE field`` when a refusal is expected


@dataclass(slots=True)
class TestColumn:
    """A Tests column with its meaning settled.

    ``role`` is ``input``, ``extra`` (an undeclared field), ``expected`` or ``errors``;
    ``reading`` says how its cells are read: ``typed`` by ``spec``, ``guessed`` (plain
    values, else text of the likely type ``spec``), ``plain`` (FEEL values: no type is
    known) or ``unchecked`` (not read: its type is unknown because of an error elsewhere).
    """

    column: Column
    role: str
    spec: TypeSpec | None = None
    reading: str = "typed"

    @property
    def name(self) -> str:
        """The input, field or decision the column names."""
        return self.column.text


def read_test_cases(
    spec: WorkbookSpec, symbols: Symbols, checked: Checked, found: list[Diagnostic]
) -> list[TestCase]:
    """Every test row of every Tests block, checked against the declared inputs and decisions."""
    unknown = unknown_types(spec, symbols, found)
    reader = _Reader(
        symbols, RefusalCheck(symbols.inputs, guard_codes(spec, checked), found), found
    )
    cases: list[TestCase] = []
    seen: dict[str, str] = {}
    for block in spec.tests:
        columns = reader.columns(block, unknown)
        for row in block.rows:
            if row.ident and row.ident in seen and row.ident_where is not None:
                found.append(diag.duplicate_id(row.ident_where, "test", row.ident, seen[row.ident]))
            elif row.ident and row.ident_where is not None:
                seen[row.ident] = row.ident_where.cell
            cases.append(reader.case(block, row, columns))
    return cases


def unknown_types(spec: WorkbookSpec, symbols: Symbols, found: list[Diagnostic]) -> set[str]:
    """Inputs and decisions whose type is unknown because of an error where they are defined."""
    structures = {t.name for t in spec.types if t.structure}
    inputs = {
        name
        for name, item in symbols.inputs.items()
        if item.type is None or _unresolved(item.type, structures)  # its type cell is reported
    }
    rows = _error_rows(found)
    broken: set[str] = set()  # decisions with an error where they are defined
    sources: list[tuple[str, Block]] = [
        *((t.name, t.block) for t in spec.tables if t.kind == "decision"),
        *((r.name, r.block) for r in spec.relations),
    ]
    for name, block in sources:
        sheet = block.sheet.name
        if {(sheet, row) for row in (block.keyword.row, *block.rows)} & rows:
            broken.add(name)
    for expression in spec.expressions:
        if (expression.where.sheet, expression.row) in rows:
            broken.add(expression.name)
    known = {name for name, type_ in symbols.types.items() if type_ is not None}
    return inputs | (broken - known - set(symbols.guesses))


def _error_rows(found: list[Diagnostic]) -> set[tuple[str, int]]:
    rows: set[tuple[str, int]] = set()
    for item in found:
        where = parse_coordinate(item.cell or "") if item.is_error else None
        if where is not None and item.sheet is not None:
            rows.add((item.sheet, where[0]))
    return rows


def _unresolved(spec: TypeSpec, structures: set[str]) -> bool:
    """A declared type (not a structure) that rests on no FEEL type: its definition is broken."""
    return spec.base not in FEEL_TYPES and spec.resolved is None and spec.base not in structures


class _Reader:
    """Reads the columns and rows of Tests blocks."""

    def __init__(self, symbols: Symbols, refusals: RefusalCheck, found: list[Diagnostic]) -> None:
        self.symbols = symbols
        self.refusals = refusals
        self.found = found

    # --- columns -------------------------------------------------------------------------

    def columns(self, block: TestsSpec, unknown: set[str]) -> list[TestColumn]:
        """The block's value columns, each settled (unusable ones reported and left out)."""
        settled: list[TestColumn] = []
        for column in block.columns:
            if column.role in ("rule", "description"):
                continue
            found = self._settle(column, unknown)
            if found is None:
                continue
            if found.role == "errors" and any(c.role == "errors" for c in settled):
                self.found.append(
                    diag.value_invalid(column.where, "a second column of expected errors")
                )
                continue
            settled.append(found)
        return settled

    def _settle(self, column: Column, unknown: set[str]) -> TestColumn | None:
        name, symbols = column.text, self.symbols
        role = column.role
        if role == "name":
            role = "input" if name in symbols.inputs else "expected"
        if role == "expected" and name not in symbols.decisions and is_errors_column(name):
            return TestColumn(column, "errors")
        if role == "extra":
            return self._extra(column)
        wanted = symbols.inputs if role == "input" else symbols.decisions
        if role not in ("input", "expected") or name not in wanted:
            where = column.where
            start = (where.text or "").find(name)
            span = (start, start + len(name)) if start >= 0 else (0, len(where.text or ""))
            close = suggest(name, frozenset(wanted if role in ("input", "expected") else ()))
            shown = [f"'{s}'" for s in close]
            self.found.append(
                diag.undeclared_name(where, name, span, shown, False, test_input=role == "input")
            )
            return None
        if name in unknown:
            return TestColumn(column, role, None, "unchecked")
        if role == "input":
            return TestColumn(column, role, symbols.inputs[name].type)
        if symbols.types.get(name) is not None:
            return TestColumn(column, role, symbols.types[name])
        if name in symbols.guesses:
            return TestColumn(column, role, symbols.guesses[name], "guessed")
        return TestColumn(column, role, None, "plain")

    def _extra(self, column: Column) -> TestColumn | None:
        if column.text in self.symbols.inputs:
            self.found.append(
                diag.value_invalid(
                    column.where,
                    f"{column.text!r} is a declared input, not an extra field",
                    hint=f"write Input: {column.text}",
                )
            )
            return None
        return TestColumn(column, "extra")

    # --- rows ----------------------------------------------------------------------------

    def case(self, block: TestsSpec, row: RowSpec, columns: list[TestColumn]) -> TestCase:
        """One row as a test case."""
        ident = row.ident or f"row{row.row}"
        case = TestCase(ident, block.descriptions.get(row.row, ""), where=row.ident_where)
        errors_column = next((c for c in columns if c.role == "errors"), None)
        entries, errors_where = None, None
        if errors_column is not None:
            entries, errors_where = self._errors(block.block, row, errors_column)
        sent = Sent()
        for column in columns:
            if column.role != "errors":
                self._cell(block.block, row, column, case, sent, entries is not None)
        if entries is not None and errors_where is not None:
            self.refusals.against(entries, sent, errors_where)
            case.errors = [entry.text for entry in entries]
        else:
            self.refusals.extras([], sent)
        expects = any(
            cell_text(row.cells.get(c.column.col)) for c in columns if c.role in _EXPECTING
        )  # a filled expected cell with a reported problem still meant to check something
        if not expects:
            first = block.block.sheet.row_cells(row.row)[0]
            self.found.append(diag.test_without_expectation(block.block.at(first)))
        return case

    def _errors(
        self, block: Block, row: RowSpec, column: TestColumn
    ) -> tuple[list[ExpectedError] | None, Where | None]:
        """The expected errors of a row (None when its errors cell is empty) and their cell."""
        cell = row.cells.get(column.column.col)
        where = block.at(cell, row.row, column.column.col)
        trouble = problem(cell, where)
        if trouble is not None:
            self.found.append(trouble)
            return None, None
        text = cell_text(cell)
        if not text:
            return None, None
        where = Where(where.sheet, where.cell, text)
        return self.refusals.codes(parse_errors(text, where, self.found), where), where

    def _cell(
        self,
        block: Block,
        row: RowSpec,
        column: TestColumn,
        case: TestCase,
        sent: Sent,
        refused: bool,
    ) -> None:
        cell = row.cells.get(column.column.col)
        where = block.at(cell, row.row, column.column.col)
        if column.role == "expected" and refused and cell_text(cell):
            self.found.append(
                diag.refusal_mismatch(
                    where,
                    "this row expects the request to be refused, and a refused request "
                    "gives no decision results",
                    None,
                    "leave the expected results of this row empty",
                )
            )
            return
        if column.reading == "unchecked":
            sent.unread.add(column.name)  # its type is unknown: the type's error says why
            return
        value = self._value(cell, column, where, refused)
        if value is None:
            if cell_text(cell):
                sent.unread.add(column.name)  # reported: its refusal is not checked again
            return
        node, text = value
        if column.role == "expected":
            case.expected.append((column.name, node))
            return
        case.inputs.append((column.name, node))
        if column.role == "extra":
            sent.extras[column.name] = node
            sent.extra_where[column.name] = where
            return
        sent.inputs[column.name] = node
        if not refused:
            self._check_allowed(node, column.name, Where(where.sheet, where.cell, text))

    def _value(
        self, cell: Cell | None, column: TestColumn, where: Where, refused: bool
    ) -> tuple[n.Node, str] | None:
        """The cell's value as a plain FEEL literal and its text (None when empty, unread or
        reported)."""
        if column.role == "extra" or (refused and column.role == "input"):
            text, problems = written_literal(cell, column.spec, where)
        elif column.reading == "guessed":
            text, problems = _guessed_literal(cell, column.spec, where)
        else:
            text, problems = data_literal(cell, column.spec, where)
        self.found.extend(problems)
        if text is None:
            return None
        where = Where(where.sheet, where.cell, text)
        try:
            node = parse_expression(text)
        except FeelSyntaxError as exc:
            self.found.append(syntax(where, text, "test value", exc))
            return None
        if not is_plain(node):
            self.found.append(
                diag.value_invalid(
                    where,
                    "a test value must be a plain value (text, number, date, list)",
                    hint="write the value itself, not a formula or a name",
                )
            )
            return None
        return node, text

    def _check_allowed(self, node: n.Node, name: str, where: Where) -> None:
        """A value outside the allowed values is allowed in a test (guards are tested so)."""
        declared = self.symbols.inputs[name]
        allowed_text = declared.allowed or (
            declared.type.effective.allowed if declared.type else ""
        )
        if not allowed_text or isinstance(node, n.NullLiteral | n.ListLiteral):
            return
        try:
            allowed = parse_unary_tests(allowed_text)
        except FeelSyntaxError:
            return
        if satisfies(literal_value(node), allowed) is False:
            self.found.append(
                diag.not_allowed(where, where.text or "", name, allowed_text, None, diag.WARNING)
            )


def _guessed_literal(
    cell: Cell | None, spec: TypeSpec | None, where: Where
) -> tuple[str | None, list[Diagnostic]]:
    """A cell of a decision whose results are of mixed types: a plain FEEL value as it is,
    anything else as a value of the type most results have (text needs no quotes)."""
    text, problems = expression_text(cell, where)
    if problems or not text:
        return (text or None), problems
    try:
        if is_plain(parse_expression(text)):
            return text, []
    except FeelSyntaxError:
        pass
    if spec is not None and spec.base == "string":
        return string_literal(cell_text(cell)), []
    return data_literal(cell, spec, where)
