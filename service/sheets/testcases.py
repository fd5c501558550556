"""The Tests blocks in, DMN TCK test-case XML out (``testCases.xsd``), so one runner serves both.

Each row is a test case: its input columns give ``inputNode`` values, its expected columns
``resultNode`` expectations; an empty cell leaves the input out (not assessed) or the
result unchecked, ``null`` says null. Values are data: text needs no quotes, a number
stored as text is a number, and the column's declared type (the input's, or the
decision's output type) decides how a cell is read. The XML is written by hand so that
the same workbook always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression
from service.sheets import diagnostics as diag
from service.sheets.cells import data_literal
from service.sheets.check import Symbols
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.feeltext import syntax
from service.sheets.layout import number_text
from service.sheets.specs import Column, TestsSpec
from service.sheets.types import TypeSpec, literal_value, satisfies, temporal_kind

TESTCASE_NS = "http://www.omg.org/spec/DMN/20160719/testcase"

_XSD = {
    "date": "xsd:date", "date and time": "xsd:dateTime", "time": "xsd:time",
    "days and time duration": "xsd:duration", "years and months duration": "xsd:duration",
}  # fmt: skip
_FUNCTIONS = {
    "date": "date",
    "date and time": "date and time",
    "time": "time",
    "duration": "duration",
}


@dataclass(slots=True)
class TestCase:
    """One compiled test case: FEEL literal texts of its inputs and expected results."""

    ident: str
    description: str
    inputs: list[tuple[str, n.Node]] = field(default_factory=list)
    expected: list[tuple[str, n.Node]] = field(default_factory=list)
    where: Where | None = None


def read_test_cases(
    blocks: list[TestsSpec], symbols: Symbols, found: list[Diagnostic]
) -> list[TestCase]:
    """Every test row of every Tests block, checked against the declared inputs and decisions."""
    cases: list[TestCase] = []
    seen: dict[str, str] = {}
    for block in blocks:
        columns = [
            _resolve(c, symbols, found)
            for c in block.columns
            if c.role not in ("rule", "description")
        ]
        for row in block.rows:
            ident = row.ident or f"row{row.row}"
            case = TestCase(ident, block.descriptions.get(row.row, ""), where=row.ident_where)
            if row.ident and row.ident in seen and row.ident_where is not None:
                found.append(diag.duplicate_id(row.ident_where, "test", row.ident, seen[row.ident]))
            elif row.ident and row.ident_where is not None:
                seen[row.ident] = row.ident_where.cell
            for column in columns:
                if column is not None:
                    _value(block, row.row, row.cells.get(column.col), column, symbols, case, found)
            if not case.expected:
                first = block.block.sheet.row_cells(row.row)[0]
                found.append(diag.test_without_expectation(block.block.at(first)))
            cases.append(case)
    return cases


def _resolve(column: Column, symbols: Symbols, found: list[Diagnostic]) -> Column | None:
    """The column with its role settled: a bare name is an input or a decision."""
    name = column.text
    if column.role == "name":
        column.role = (
            "input" if name in symbols.inputs else "expected" if name in symbols.decisions else ""
        )
    wanted = symbols.inputs if column.role == "input" else symbols.decisions
    if column.role not in ("input", "expected") or name not in wanted:
        where = Where(column.where.sheet, column.where.cell, column.where.text)
        start = (where.text or "").find(name)
        span = (start, start + len(name)) if start >= 0 else None
        found.append(
            diag.undeclared_name(where, name, span or (0, len(where.text or "")), [], False)
        )
        return None
    if column.role == "input":
        column.type = symbols.inputs[name].type
    else:
        column.type = symbols.types.get(name)
    return column


def _value(
    block: TestsSpec,
    row: int,
    cell: object,
    column: Column,
    symbols: Symbols,
    case: TestCase,
    found: list[Diagnostic],
) -> None:
    from service.sheets.grid import Cell

    assert cell is None or isinstance(cell, Cell)
    where = block.block.at(cell, row, column.col)
    text, problems = data_literal(cell, column.type, where)
    found.extend(problems)
    if text is None:
        return
    where = Where(where.sheet, where.cell, text)
    try:
        node = parse_expression(text)
    except FeelSyntaxError as exc:
        found.append(syntax(where, text, "test value", exc))
        return
    if not _is_plain(node):
        found.append(
            diag.value_invalid(
                where,
                "a test value must be a plain value (text, number, date, list)",
                hint="write the value itself, not a formula or a name",
            )
        )
        return
    if column.role == "input":
        _check_allowed(node, column, symbols, where, found)
        case.inputs.append((column.text, node))
    else:
        case.expected.append((column.text, node))


def _check_allowed(
    node: n.Node, column: Column, symbols: Symbols, where: Where, found: list[Diagnostic]
) -> None:
    """A value outside the allowed values is allowed in a test (guards are tested so): a warning."""
    declared = symbols.inputs[column.text]
    allowed_text = declared.allowed or (declared.type.effective.allowed if declared.type else "")
    if not allowed_text or isinstance(node, n.NullLiteral | n.ListLiteral):
        return
    try:
        from service.feel.parser import parse_unary_tests

        allowed = parse_unary_tests(allowed_text)
    except FeelSyntaxError:
        return
    if satisfies(literal_value(node), allowed) is False:
        found.append(
            diag.not_allowed(where, where.text or "", column.text, allowed_text, None, diag.WARNING)
        )


def _is_plain(node: n.Node) -> bool:
    if isinstance(
        node,
        n.StringLiteral | n.NumberLiteral | n.BooleanLiteral | n.NullLiteral | n.TemporalLiteral,
    ):
        return True
    if isinstance(node, n.Negation):
        return isinstance(node.operand, n.NumberLiteral)
    if isinstance(node, n.ListLiteral):
        return all(_is_plain(item) for item in node.items)
    if isinstance(node, n.ContextLiteral):
        return all(_is_plain(entry.value) for entry in node.entries)
    if isinstance(node, n.FunctionCall) and isinstance(node.function, n.Name):
        return (
            node.function.name in _FUNCTIONS
            and len(node.arguments) == 1
            and isinstance(node.arguments[0].value, n.StringLiteral)
        )
    return False


# --- XML -----------------------------------------------------------------------------------


def test_cases_xml(model_file: str, cases: list[TestCase]) -> bytes:
    """The TCK test-case file for ``cases`` (at least one)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testCases xmlns="{TESTCASE_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
        f"  <modelName>{escape(model_file)}</modelName>",
    ]
    for case in cases:
        lines.append(f"  <testCase id={quoteattr(case.ident)}>")
        if case.description:
            lines.append(f"    <description>{escape(case.description)}</description>")
        for name, node in case.inputs:
            lines.append(f"    <inputNode name={quoteattr(name)}>")
            lines.extend(_value_xml(node, 3))
            lines.append("    </inputNode>")
        for name, node in case.expected:
            lines.append(f'    <resultNode name={quoteattr(name)} type="decision">')
            lines.append("      <expected>")
            lines.extend(_value_xml(node, 4))
            lines.append("      </expected>")
            lines.append("    </resultNode>")
        lines.append("  </testCase>")
    lines.append("</testCases>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _value_xml(node: n.Node, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(node, n.ListLiteral):
        lines = [f"{pad}<list>"]
        for item in node.items:
            lines.append(f"{pad}  <item>")
            lines.extend(_value_xml(item, depth + 2))
            lines.append(f"{pad}  </item>")
        return [*lines, f"{pad}</list>"]
    if isinstance(node, n.ContextLiteral):
        lines = []
        for entry in node.entries:
            lines.append(f"{pad}<component name={quoteattr(entry.key)}>")
            lines.extend(_value_xml(entry.value, depth + 1))
            lines.append(f"{pad}</component>")
        return lines or [f'{pad}<component xsi:nil="true"/>']
    if isinstance(node, n.NullLiteral):
        return [f'{pad}<value xsi:nil="true"/>']
    kind, text = _scalar(node)
    return [f'{pad}<value xsi:type="{kind}">{escape(text)}</value>']


def _scalar(node: n.Node) -> tuple[str, str]:
    value = literal_value(node)
    if isinstance(node, n.StringLiteral):
        return "xsd:string", node.value
    if isinstance(node, n.BooleanLiteral):
        return "xsd:boolean", "true" if node.value else "false"
    if isinstance(node, n.NumberLiteral | n.Negation):
        import decimal

        assert isinstance(value, decimal.Decimal)
        return "xsd:decimal", number_text(value)
    text = str(value)
    return _XSD[temporal_kind(text)], text


def value_type(spec: TypeSpec | None) -> str:
    """How a value of ``spec`` is described in messages."""
    return spec.describe() if spec is not None else "value"
