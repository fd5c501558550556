"""Compiled test cases in, the DMN TCK test-case XML (``testCases.xsd``) out, byte-stable.

Each case becomes a ``testCase``: an ``inputNode`` per value sent, a ``resultNode
type="decision"`` per expected decision result, and, for a row that expects the service to
refuse its request, one ``resultNode`` named ``tablerx:errors`` whose expected value is the
list of ``CODE`` / ``CODE field`` strings (docs/dmn-extensions.md). The XML is written by
hand so that the same workbook always gives the same bytes.
"""

from __future__ import annotations

import decimal
from xml.sax.saxutils import escape, quoteattr

from service.feel import nodes as n
from service.sheets.layout import number_text
from service.sheets.refusals import ERRORS_RESULT
from service.sheets.testcases import TestCase
from service.sheets.types import literal_value, temporal_kind

TESTCASE_NS = "http://www.omg.org/spec/DMN/20160719/testcase"

_XSD = {
    "date": "xsd:date", "date and time": "xsd:dateTime", "time": "xsd:time",
    "days and time duration": "xsd:duration", "years and months duration": "xsd:duration",
}  # fmt: skip


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
            lines.extend(_result_xml(name, _value_xml(node, 4)))
        if case.errors is not None:
            lines.extend(_result_xml(ERRORS_RESULT, _errors_xml(case.errors, 4)))
        lines.append("  </testCase>")
    lines.append("</testCases>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _result_xml(name: str, value: list[str]) -> list[str]:
    return [
        f'    <resultNode name={quoteattr(name)} type="decision">',
        "      <expected>",
        *value,
        "      </expected>",
        "    </resultNode>",
    ]


def _errors_xml(errors: list[str], depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}<list>"]
    for text in errors:
        lines.append(f"{pad}  <item>")
        lines.append(f'{pad}    <value xsi:type="xsd:string">{escape(text)}</value>')
        lines.append(f"{pad}  </item>")
    return [*lines, f"{pad}</list>"]


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
        assert isinstance(value, decimal.Decimal)
        return "xsd:decimal", number_text(value)
    text = str(value)
    return _XSD[temporal_kind(text)], text
