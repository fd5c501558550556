"""Workbook specs in, checked FEEL texts out: every cell parsed, every name and literal checked.

The checker first gathers the declared names (inputs, decisions, relations, knowledge
models) and reports invalid or duplicate ones. It then parses every FEEL cell with those
names known, reports names that are declared nowhere (with a suggestion, or a reminder to
quote text), literals of the wrong type and values outside an input's allowed values, and
records the canonical text of each cell and the names each decision uses, which
:mod:`service.sheets.graph` turns into the requirement graph.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.cells import data_literal, expression_text
from service.sheets.citations import citation_codes, cited, is_citation_column
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.feeltext import parse_cell_expression, parse_cell_tests
from service.sheets.grid import Cell
from service.sheets.layout import cell_text
from service.sheets.members import check_members, record_fields
from service.sheets.names import BUILTIN_FUNCTIONS, free_names, is_valid_name
from service.sheets.specs import Column, InputSpec, RowSpec, TableSpec, WorkbookSpec
from service.sheets.symbols import SINGLE_HIT, Checked, Key, Symbols, suggest
from service.sheets.types import (
    TypeSpec,
    compared_literal_kinds,
    fits,
    inferred_type,
    literal_kind,
    literal_value,
    satisfies,
    text_kind,
)


class Checker:
    """Parses and checks the FEEL of every cell of one workbook."""

    def __init__(self, spec: WorkbookSpec, symbols: Symbols, found: list[Diagnostic]) -> None:
        self.spec = spec
        self.symbols = symbols
        self.found = found
        self.checked = Checked()
        self.names = symbols.all_names()
        self.references = {r.code for r in spec.references}
        self._parameters: frozenset[str] = frozenset()  # of the knowledge model being checked
        # id(column) -> the allowed values and type of the input the column names
        self._declared_allowed: dict[int, str] = {}
        self._checked_types: dict[int, TypeSpec | None] = {}
        self._fields = record_fields(spec)  # multi-output decision -> its output names

    def run(self) -> Checked:
        """Check every block; the result holds the canonical texts and the names used."""
        for item in self.spec.inputs:
            self._input(item)
        for table in self.spec.tables:
            if table.name in self.symbols.decisions or table.name in self.symbols.knowledge:
                self._table(table)
        for relation in self.spec.relations:
            self._relation_cells(
                relation.name, relation.columns, relation.rows, relation.block.sheet.name
            )
        self._result_types()
        for expression in self.spec.expressions:
            if expression.name in self.symbols.decisions and expression.text:
                self.expression(
                    expression.text,
                    expression.text_where,
                    "expression",
                    expression.name,
                    self._scope(),
                )
        return self.checked

    def _result_types(self) -> None:
        """A single-output table's result type, now that undeclared output types are inferred."""
        for table in self.spec.tables:
            outputs = table.of_role("output")
            if (
                table.kind != "decision"
                or len(outputs) != 1
                or table.hit_policy not in SINGLE_HIT
                or table.hit_unknown
            ):
                continue
            if self.symbols.types.get(table.name) is None:
                key = (table.block.sheet.name, outputs[0].header.row, outputs[0].col)
                inferred = self.checked.output_types.get(key)
                guessed = self.checked.guessed_types.get(key)
                if inferred is not None:
                    self.symbols.types[table.name] = TypeSpec(inferred)
                elif guessed is not None:
                    self.symbols.guesses[table.name] = TypeSpec(guessed)

    # --- scopes and names ---------------------------------------------------------------

    def _scope(self, parameters: Iterable[str] | None = None) -> frozenset[str]:
        """Names visible in a decision (``parameters`` None) or in a knowledge model."""
        if parameters is None:
            return frozenset(self.names)
        return frozenset(parameters) | frozenset(self.symbols.knowledge)

    def _use(
        self,
        owner: str | None,
        node: n.Node,
        where: Where,
        scope: frozenset[str],
        expects: str | None = None,
    ) -> None:
        """Record the declared names ``node`` uses; report the undeclared ones.

        ``expects`` is ``"text"`` or ``"boolean"`` when the cell holds values of that type, so
        that a bare word gets the right hint (quote it; write true or false).
        """
        for use in free_names(node):
            if use.name in self._parameters and owner is not None:
                self.checked.parameter_uses.setdefault(owner, set()).add(use.name)
                continue
            if use.name == owner and use.called and use.name in BUILTIN_FUNCTIONS:
                continue  # a decision named "before" calling the built-in before()
            if owner is not None and use.name in self.names:
                self.checked.uses.setdefault(owner, set()).add(use.name)
            if use.name in scope or use.name in BUILTIN_FUNCTIONS:
                continue
            if use.in_filter and not use.called:
                continue  # may be a field of the filtered list's items; a call names a function
            hidden = use.name in self.names  # declared, but a knowledge model cannot see it
            suggestions = [] if hidden else suggest(use.name, scope)
            self.found.append(
                diag.undeclared_name(
                    where,
                    use.name,
                    use.span,
                    [f"'{s}'" for s in suggestions],
                    expects == "text" and not use.called,
                    hidden,
                    expects == "boolean",
                )
            )

    def expression(
        self,
        text: str,
        where: Where,
        what: str,
        owner: str | None,
        scope: frozenset[str],
        expects: str | None = None,
    ) -> n.Node | None:
        """Parse and name-check one expression cell."""
        node = parse_cell_expression(
            text, where, what, [*self.names, *self._parameters], self.found
        )
        if node is not None:
            self._use(owner, node, Where(where.sheet, where.cell, text), scope, expects)
            check_members(node, Where(where.sheet, where.cell, text), self._fields, self.found)
        return node

    # --- inputs ----------------------------------------------------------------------------

    def _input(self, item: InputSpec) -> None:
        if item.allowed and item.allowed_where is not None:
            tests = parse_cell_tests(
                item.allowed, item.allowed_where, "list of allowed values", (), self.found
            )
            if tests is not None and item.type is not None:
                self._literals(tests, item.type, None, item.allowed_where, item.name)
        if item.default and item.default_where is not None:
            node = self.expression(
                item.default, item.default_where, "default value", None, frozenset()
            )
            if node is not None and item.type is not None:
                self._literal_fits(node, item.type, item.default_where, item.name)
        if item.required_when and item.required_when_where is not None:
            self.expression(
                item.required_when,
                item.required_when_where,
                "condition",
                None,
                frozenset(self.symbols.inputs),
            )

    # --- decision tables and knowledge models -----------------------------------------------------

    def _table(self, table: TableSpec) -> None:
        knowledge = table.kind == "knowledge"
        scope = self._scope([p[0] for p in table.parameters] if knowledge else None)
        self._parameters = frozenset(p[0] for p in table.parameters) if knowledge else frozenset()
        try:
            self._table_cells(table, scope)
        finally:
            self._parameters = frozenset()

    def _table_cells(self, table: TableSpec, scope: frozenset[str]) -> None:
        parameter_types = {p[0]: p[1] for p in table.parameters}
        if table.body and table.body_where is not None:
            self.expression(table.body, table.body_where, "expression", table.name, scope)
        sheet = table.block.sheet.name
        for column in table.columns:
            if column.role == "input":
                node = self.expression(
                    column.text, column.where, "input expression", table.name, scope
                )
                self._column_facts(column, node, parameter_types)
            elif column.role == "output" and column.allowed and column.allowed_where is not None:
                parse_cell_tests(
                    column.allowed, column.allowed_where, "list of output values", (), self.found
                )
        for rule in table.rules:
            for column in table.columns:
                cell = rule.cells.get(column.col)
                key = (sheet, rule.row, column.col)
                where = table.block.at(cell, rule.row, column.col)
                if column.role == "input":
                    self._input_entry(table.name, column, cell, where, key, scope)
                elif column.role == "output":
                    self._output_entry(table.name, column, cell, where, key, scope)
                elif column.role == "annotation":
                    self.checked.texts[key] = _plain(cell)
                if column.role in ("output", "annotation") and is_citation_column(column.text):
                    self._citations(table.name, self.checked.texts.get(key, ""), where)
        for column in table.of_role("output"):
            self._infer_output_type(table, column)

    def _citations(self, owner: str, text: str, where: Where) -> None:
        if not self.references:
            return
        for code, span in citation_codes(text):
            reference = cited(code, self.references)
            if reference is None:
                self.found.append(
                    diag.citation_unknown(Where(where.sheet, where.cell, text), code, span)
                )
            else:
                self.checked.citations.setdefault(owner, set()).add(reference)

    def _column_facts(
        self, column: Column, node: n.Node | None, parameter_types: dict[str, TypeSpec | None]
    ) -> None:
        """The type and allowed values of the input a column names, unless the table has its own."""
        if not isinstance(node, n.Name):
            return
        declared = self.symbols.inputs.get(node.name)
        if declared is not None:
            self._checked_types[id(column)] = column.type or declared.type
            if not column.allowed:
                self._declared_allowed[id(column)] = declared.allowed
        elif parameter_types.get(node.name) is not None:
            self._checked_types[id(column)] = column.type or parameter_types[node.name]

    def _input_entry(
        self,
        owner: str,
        column: Column,
        cell: Cell | None,
        where: Where,
        key: Key,
        scope: frozenset[str],
    ) -> None:
        text, problems = expression_text(cell, where)
        self.found.extend(problems)
        text = text or "-"
        self.checked.texts[key] = text
        where = Where(where.sheet, where.cell, text)
        spec = self._checked_types.get(id(column), column.type)
        if _date_for_number(cell, spec):
            assert cell is not None and spec is not None
            self.found.append(diag.date_typed(where, cell_text(cell), spec.describe(), column.text))
            return
        tests = parse_cell_tests(
            text, where, "condition", [*self.names, *self._parameters], self.found
        )
        if tests is None:
            return
        spec = self._checked_types.get(id(column), column.type)
        allowed = self._allowed_of(column, spec)
        if re.fullmatch(r"-?\d+,\d+", text) and (spec is None or spec.base == "number"):
            self.found.append(diag.decimal_comma(where, text))
        self._use(owner, tests, where, scope, _expects(spec, allowed is not None))
        if spec is not None:
            self._literals(tests, spec, allowed, where, column.text)

    def _allowed_of(self, column: Column, spec: TypeSpec | None) -> tuple[n.UnaryTests, str] | None:
        """The allowed values a column's entries are checked against, parsed, with their text:
        the column's own, else the input's, else those of its declared type."""
        text = column.allowed or self._declared_allowed.get(id(column), "")
        text = text or (spec.effective.allowed if spec is not None else "")
        if not text:
            return None
        try:
            return parse_unary_tests(text), text
        except FeelSyntaxError:  # reported where the allowed values are declared
            return None

    def _literals(
        self,
        tests: n.UnaryTests,
        spec: TypeSpec,
        allowed: tuple[n.UnaryTests, str] | None,
        where: Where,
        name: str,
        severity: str = diag.ERROR,
    ) -> None:
        for node, kind, equality in compared_literal_kinds(tests):
            value = literal_value(node)
            shown = (where.text or "")[node.span[0] : node.span[1]]
            if not fits(kind, spec, value):
                self.found.append(
                    diag.wrong_type(where, shown, spec.describe(), name, node.span, severity)
                )
            elif equality and allowed is not None and satisfies(value, allowed[0]) is False:
                self.found.append(
                    diag.not_allowed(where, shown, name, allowed[1], node.span, severity)
                )

    def _literal_fits(self, node: n.Node, spec: TypeSpec, where: Where, name: str) -> None:
        kind = literal_kind(node)
        if kind is not None and not fits(kind, spec, literal_value(node)):
            shown = (where.text or "")[node.span[0] : node.span[1]]
            self.found.append(diag.wrong_type(where, shown, spec.describe(), name, node.span))

    def _output_entry(
        self,
        owner: str,
        column: Column,
        cell: Cell | None,
        where: Where,
        key: Key,
        scope: frozenset[str],
    ) -> None:
        before = len(self.found)
        self._output_value(owner, column, cell, where, key, scope)
        if diag.has_errors(self.found[before:]):
            self.checked.broken.add(key)  # says nothing about the column's type

    def _output_value(
        self,
        owner: str,
        column: Column,
        cell: Cell | None,
        where: Where,
        key: Key,
        scope: frozenset[str],
    ) -> None:
        text, problems = expression_text(cell, where)
        self.found.extend(problems)
        if not text and not problems:
            self.found.append(diag.output_empty(where, column.text))
        text = text or "null"
        self.checked.texts[key] = text
        where = Where(where.sheet, where.cell, text)
        expects = _expects(column.type, column.type is None)
        node = self.expression(text, where, "output value", owner, scope, expects)
        if node is None:
            return
        if column.type is not None:
            self._literal_fits(node, column.type, where, column.text)
        if literal_kind(node) is not None:
            allowed = self._allowed_of(column, column.type)
            if allowed is not None and satisfies(literal_value(node), allowed[0]) is False:
                self.found.append(diag.not_allowed(where, text, column.text, allowed[1], node.span))

    def _infer_output_type(self, table: TableSpec, column: Column) -> None:
        """Declared type, or the one type all literal outputs share; mixed literals are warned."""
        sheet = table.block.sheet.name
        header_key = (sheet, column.header.row, column.col)
        if column.type is not None:
            self.checked.output_types[header_key] = column.type.type_ref
            return
        texts: list[str] = []
        first: str | None = None
        for rule in table.rules:
            if (sheet, rule.row, column.col) in self.checked.broken:
                continue  # the type is inferred from the valid cells
            text = self.checked.texts.get((sheet, rule.row, column.col), "null")
            texts.append(text)
            kind = text_kind(text)
            first = first or kind
            if kind is not None and first is not None and kind != first:
                where = table.block.at(rule.cells.get(column.col), rule.row, column.col, text)
                self.found.append(
                    diag.wrong_type(
                        where, text, TypeSpec(first).describe(), column.text, None, diag.WARNING
                    )
                )
        inferred = inferred_type(texts)
        if inferred is not None:
            self.checked.output_types[header_key] = inferred
        elif first in ("string", "number", "boolean"):
            self.checked.guessed_types[header_key] = first

    # --- relations -------------------------------------------------------------------------------

    def _relation_cells(
        self, owner: str, columns: list[Column], rows: list[RowSpec], sheet: str
    ) -> None:
        for column in columns:
            if not is_valid_name(column.text):
                self.found.append(diag.name_invalid(column.where, column.text))
        for row in rows:
            for column in columns:
                if column.type is None and column.type_where is not None:
                    continue  # its type cell is reported: reading its values would mislead
                cell = row.cells.get(column.col)
                where = Where(sheet, cell.coordinate if cell else "", None)
                literal, problems = data_literal(cell, column.type, where)
                self.found.extend(problems)
                text = literal or "null"
                self.checked.texts[(sheet, row.row, column.col)] = text
                if column.type is None and literal is not None:
                    self.expression(
                        text, Where(sheet, where.cell, text), "value", owner, self._scope()
                    )


def _expects(spec: TypeSpec | None, text_by_default: bool) -> str | None:
    """What a cell's bare words most likely were meant as: "text", "boolean" or unknown."""
    spec = spec.effective if spec is not None else None
    if spec is not None and spec.base == "boolean":
        return "boolean"
    if (spec is not None and spec.base == "string") or (spec is None and text_by_default):
        return "text"
    return None


def _date_for_number(cell: Cell | None, spec: TypeSpec | None) -> bool:
    """True when the spreadsheet turned a condition for a number into a date (``1-2``)."""
    value = cell.value if cell is not None else None
    return (
        isinstance(value, datetime.date)
        and spec is not None
        and spec.effective.base in ("number", "integer")
    )


def _plain(cell: Cell | None) -> str:
    return cell_text(cell)
