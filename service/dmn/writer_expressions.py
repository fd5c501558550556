""":mod:`model` boxed expressions in, :class:`Out` elements in DMN 1.5 schema order out.

Each writer emits the attributes DMNElement defines (id, label), then the type's own, and
the children in the order ``DMN15.xsd`` requires: description, extensionElements, then the
type-specific elements. FEEL texts go into ``<text>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.dmn import model as m
from service.dmn.xmlout import Out

TABLERX_NS = "https://tablerx.dev/dmn/extensions/1"
TABLERX_PREFIX = "tablerx"


def element(tag: str, obj: Any, *attrs: tuple[str, str | None]) -> Out:
    """An element with DMNElement's id and label (and name, if ``obj`` has one) first, then
    ``attrs``, holding ``obj``'s description and tablerx extension properties."""
    head: list[tuple[str, str | None]] = [("id", obj.id)]
    if hasattr(obj, "name") and not isinstance(obj, m.OutputClause):
        head.append(("name", obj.name))
    head.append(("label", obj.label))
    out = Out(tag, [*head, *attrs])
    out.leaf("description", obj.description)
    if obj.extensions:
        holder = Out("extensionElements")
        for key in sorted(obj.extensions):
            prop = Out(
                f"{TABLERX_PREFIX}:property", [("name", key), ("value", obj.extensions[key])]
            )
            holder.children.append(prop)
        out.children.append(holder)
    return out


def information_item(tag: str, item: m.InformationItem) -> Out:
    """A ``tInformationItem`` (variable, parameter, column ...)."""
    return element(tag, item, ("typeRef", item.type_ref))


def literal(item: m.LiteralExpression, tag: str = "literalExpression") -> Out:
    """A ``tLiteralExpression``; its FEEL text in ``<text>``."""
    out = element(
        tag, item, ("typeRef", item.type_ref), ("expressionLanguage", item.expression_language)
    )
    out.leaf("text", item.text)
    return out


def unary(item: m.UnaryTests, tag: str) -> Out:
    """A ``tUnaryTests`` (input entry, input/output values)."""
    out = element(tag, item, ("expressionLanguage", item.expression_language))
    out.leaf("text", item.text)
    return out


def unary_text(tag: str, text: str) -> Out:
    """A ``tUnaryTests`` known only by its text (an item definition's allowed values)."""
    return Out(tag, children=[Out("text", text=text)])


def expression(item: m.Expression) -> Out:
    """Any boxed expression, by its class."""
    writer = _WRITERS.get(type(item))
    if writer is None:
        raise TypeError(f"cannot write a {type(item).__name__} as a DMN expression")
    return writer(item)


def _typed(tag: str, item: m.Expression, *attrs: tuple[str, str | None]) -> Out:
    return element(tag, item, ("typeRef", item.type_ref), *attrs)


def _decision_table(table: Any) -> Out:
    out = _typed(
        "decisionTable",
        table,
        ("hitPolicy", table.hit_policy),
        ("aggregation", table.aggregation),
        ("preferredOrientation", table.preferred_orientation),
        ("outputLabel", table.output_label),
    )
    for clause in table.inputs:
        column = out.add(element("input", clause))
        column.add(literal(clause.input_expression, "inputExpression"))
        if clause.input_values is not None:
            column.add(unary(clause.input_values, "inputValues"))
    for output in table.outputs:
        column = out.add(
            element("output", output, ("name", output.name), ("typeRef", output.type_ref))
        )
        if output.output_values is not None:
            column.add(unary(output.output_values, "outputValues"))
        if output.default_output_entry is not None:
            column.add(literal(output.default_output_entry, "defaultOutputEntry"))
    for annotation in table.annotations:
        out.add(Out("annotation", [("name", annotation.name)]))
    for rule in table.rules:
        out.add(_rule(rule))
    return out


def _rule(rule: m.DecisionRule) -> Out:
    out = element("rule", rule)
    out.children += [unary(entry, "inputEntry") for entry in rule.input_entries]
    out.children += [literal(entry, "outputEntry") for entry in rule.output_entries]
    out.children += [Out("annotationEntry", children=[Out("text", text=text)])
                     for text in rule.annotation_entries]  # fmt: skip
    return out


def _context(context: Any) -> Out:
    out = _typed("context", context)
    for entry in context.entries:
        holder = element("contextEntry", entry)
        if entry.variable is not None:
            holder.add(information_item("variable", entry.variable))
        holder.add(expression(entry.value))
        out.add(holder)
    return out


def _relation(relation: Any) -> Out:
    out = _typed("relation", relation)
    out.children += [information_item("column", column) for column in relation.columns]
    out.children += [Out("row", children=[expression(cell) for cell in row])
                     for row in relation.rows]  # fmt: skip
    return out


def _list(items: Any) -> Out:
    out = _typed("list", items)
    out.children += [expression(item) for item in items.items]
    return out


def _invocation(invocation: Any) -> Out:
    out = _typed("invocation", invocation)
    out.add(expression(invocation.called))
    for binding in invocation.bindings:
        holder = Out("binding", children=[information_item("parameter", binding.parameter)])
        if binding.value is not None:
            holder.add(expression(binding.value))
        out.add(holder)
    return out


def function_definition(function: m.FunctionDefinition, tag: str = "functionDefinition") -> Out:
    """A ``tFunctionDefinition`` (also a BKM's ``encapsulatedLogic``); kind FEEL is the default."""
    kind = None if function.kind == "FEEL" else function.kind
    out = _typed(tag, function, ("kind", kind))
    out.children += [information_item("formalParameter", p) for p in function.parameters]
    if function.body is not None:
        out.add(expression(function.body))
    return out


def _child(tag: str, item: m.Expression) -> Out:
    return Out(tag, children=[expression(item)])


def _conditional(item: Any) -> Out:
    out = _typed("conditional", item)
    out.children += [
        _child("if", item.condition),
        _child("then", item.then),
        _child("else", item.otherwise),
    ]
    return out


def _filter(item: Any) -> Out:
    out = _typed("filter", item)
    out.children += [_child("in", item.source), _child("match", item.match)]
    return out


def _iterator(item: Any) -> Out:
    if item.kind not in ("for", "every", "some"):
        raise ValueError(f"unknown iterator kind {item.kind!r}: use for, every or some")
    out = _typed(item.kind, item, ("iteratorVariable", item.variable))
    body = "return" if item.kind == "for" else "satisfies"
    out.children += [_child("in", item.source), _child(body, item.body)]
    return out


_WRITERS: dict[type, Callable[[Any], Out]] = {
    m.LiteralExpression: literal,
    m.DecisionTable: _decision_table,
    m.Context: _context,
    m.Relation: _relation,
    m.List: _list,
    m.Invocation: _invocation,
    m.FunctionDefinition: function_definition,
    m.Conditional: _conditional,
    m.Filter: _filter,
    m.Iterator: _iterator,
}
