"""DMN boxed expression XML (:class:`XmlNode` trees) in, :mod:`model` expressions out.

:class:`ExpressionReader` holds what every part of the reader shares (the file's DMN
namespace, the diagnostics found so far, the line of each built object, DMN 1.1 QName
type references) and reads every boxed expression kind: literal expressions, decision
tables, contexts, relations, lists, invocations, function definitions, conditionals,
filters and the for/every/some iterators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from service.dmn import diagnostics as diag
from service.dmn import model as m
from service.dmn.diagnostics import Diagnostic
from service.dmn.xmltree import XmlNode

TABLERX_NS = "https://tablerx.dev/dmn/extensions/1"

_T = TypeVar("_T")

# DMN 1.1 named FEEL types after XML Schema; later versions use FEEL's own names.
_LEGACY_FEEL_TYPES = {
    "dateTime": "date and time",
    "dayTimeDuration": "days and time duration",
    "yearMonthDuration": "years and months duration",
}

_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

_CHILD_EXPRESSION_PARTS = frozenset({"description", "extensionElements"})


class ExpressionReader:
    """Shared reading state and the boxed-expression readers (one method per kind)."""

    def __init__(self, namespace: str, version: str, file: str | None) -> None:
        self.ns = namespace
        self.version = version
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.lines: dict[int, int] = {}  # id(model object) -> line of its XML element
        self.model_namespace = ""
        self.import_names: dict[str, str] = {}  # imported namespace -> import name
        self._kinds: dict[str, Callable[[XmlNode], m.Expression]] = {
            "literalExpression": self.literal,
            "decisionTable": self.decision_table,
            "context": self.context,
            "relation": self.relation,
            "list": self.list_,
            "invocation": self.invocation,
            "functionDefinition": self.function_definition,
            "conditional": self.conditional,
            "filter": self.filter_,
            "for": self.iterator,
            "every": self.iterator,
            "some": self.iterator,
        }

    # --- shared helpers -------------------------------------------------------------------

    def dmn_children(self, node: XmlNode) -> list[XmlNode]:
        """The children of ``node`` in the file's DMN namespace."""
        return [child for child in node.children if child.namespace == self.ns]

    def kids(self, node: XmlNode, local: str) -> list[XmlNode]:
        """The DMN children of ``node`` named ``local``."""
        return [c for c in node.children if c.namespace == self.ns and c.local == local]

    def kid(self, node: XmlNode, local: str) -> XmlNode | None:
        """The first DMN child of ``node`` named ``local``."""
        return next((c for c in node.children if c.namespace == self.ns and c.local == local), None)

    def where(self, node: XmlNode) -> diag.Where:
        """The location of ``node`` for a diagnostic."""
        return (self.file, node.line, node.attrib.get("id"))

    def report(self, diagnostic: Diagnostic) -> None:
        """Note a problem and carry on reading."""
        self.diagnostics.append(diagnostic)

    def mark(self, obj: _T, node: XmlNode) -> _T:
        """Remember the line ``obj`` was read from (validation diagnostics point there)."""
        self.lines[id(obj)] = node.line
        return obj

    def required(self, node: XmlNode, attribute: str) -> str:
        """A required attribute's value ('' and a diagnostic when absent)."""
        value = node.attrib.get(attribute)
        if value is None:
            self.report(diag.missing_attribute(self.where(node), node.local, attribute))
            return ""
        return value

    def boolean(self, node: XmlNode, attribute: str) -> bool:
        """An xsd:boolean attribute, false when absent."""
        value = node.attrib.get(attribute)
        if value is None:
            return False
        if value.strip() not in _BOOLEANS:
            self.report(diag.invalid_value(self.where(node), node.local, attribute, value))
            return False
        return _BOOLEANS[value.strip()]

    def common(self, node: XmlNode) -> dict[str, Any]:
        """The DMNElement attributes of ``node``: id, label, description and extensions."""
        description = self.kid(node, "description")
        return {
            "id": node.attrib.get("id"),
            "label": node.attrib.get("label"),
            "description": description.text if description is not None else None,
            "extensions": self.extensions(node),
        }

    def extensions(self, node: XmlNode) -> dict[str, str]:
        """The tablerx properties in ``node``'s extensionElements (other tools' are ignored)."""
        found: dict[str, str] = {}
        holder = self.kid(node, "extensionElements")
        for child in holder.children if holder is not None else []:
            if child.namespace == TABLERX_NS and child.local == "property":
                found[self.required(child, "name")] = child.attrib.get("value", "")
        return found

    def type_ref(self, value: str | None, node: XmlNode) -> str | None:
        """A typeRef as the model keeps it; DMN 1.1 QNames become plain (or import.) names."""
        if value is None or self.version != "1.1":
            return value
        prefix, _, local = value.rpartition(":")
        if not prefix:
            return _LEGACY_FEEL_TYPES.get(value, value)
        uri = node.nsmap.get(prefix)
        if prefix == "feel" or (uri is not None and uri in m.FEEL_URIS):
            return _LEGACY_FEEL_TYPES.get(local, local)
        if uri == self.model_namespace:
            return local
        if self.import_names.get(uri or ""):
            return f"{self.import_names[uri or '']}.{local}"
        return value

    def info(self, node: XmlNode) -> m.InformationItem:
        """A ``tInformationItem`` (variable, parameter, column)."""
        item = m.InformationItem(
            **self.common(node),
            name=node.attrib.get("name", ""),
            type_ref=self.type_ref(node.attrib.get("typeRef"), node),
        )
        return self.mark(item, node)

    def expressions(self, node: XmlNode, skip: frozenset[str]) -> list[m.Expression]:
        """Every boxed expression among ``node``'s DMN children whose names are not in ``skip``."""
        found: list[m.Expression] = []
        for child in self.dmn_children(node):
            if child.local in skip:
                continue
            kind = self._kinds.get(child.local)
            if kind is None:
                self.report(diag.unknown_element(self.where(child), child.local, node.local))
            else:
                found.append(kind(child))
        return found

    def one_expression(
        self, node: XmlNode, skip: frozenset[str] = _CHILD_EXPRESSION_PARTS
    ) -> m.Expression:
        """The single expression ``node`` must hold (an empty literal and a diagnostic if none)."""
        found = self.expressions(node, skip)
        if not found:
            self.report(diag.missing_element(self.where(node), node.local, "expression"))
            return m.LiteralExpression()
        return found[0]

    def expression_attrs(self, node: XmlNode) -> dict[str, Any]:
        """The tExpression attributes: the DMNElement ones plus typeRef."""
        return {**self.common(node), "type_ref": self.type_ref(node.attrib.get("typeRef"), node)}

    # --- one reader per boxed expression kind ---------------------------------------------

    def literal(self, node: XmlNode) -> m.LiteralExpression:
        """A ``tLiteralExpression`` (also input expressions, output entries, defaults)."""
        text = self.kid(node, "text")
        return self.mark(
            m.LiteralExpression(
                **self.expression_attrs(node),
                text=text.text if text is not None else "",
                expression_language=node.attrib.get("expressionLanguage"),
            ),
            node,
        )

    def unary(self, node: XmlNode) -> m.UnaryTests:
        """A ``tUnaryTests`` (input entries, input/output values, allowed values)."""
        text = self.kid(node, "text")
        if text is None:
            self.report(diag.missing_element(self.where(node), node.local, "text"))
        return self.mark(
            m.UnaryTests(
                **self.common(node),
                text=text.text if text is not None else "",
                expression_language=node.attrib.get("expressionLanguage"),
            ),
            node,
        )

    def decision_table(self, node: XmlNode) -> m.DecisionTable:
        """A ``<decisionTable>``: input/output/annotation clauses and rules."""
        return self.mark(
            m.DecisionTable(
                **self.expression_attrs(node),
                hit_policy=node.attrib.get("hitPolicy", "UNIQUE"),
                aggregation=node.attrib.get("aggregation"),
                preferred_orientation=node.attrib.get("preferredOrientation"),
                output_label=node.attrib.get("outputLabel"),
                inputs=[self.input_clause(n) for n in self.kids(node, "input")],
                outputs=[self.output_clause(n) for n in self.kids(node, "output")],
                annotations=[
                    self.mark(m.RuleAnnotationClause(name=n.attrib.get("name", "")), n)
                    for n in self.kids(node, "annotation")
                ],
                rules=[self.rule(n) for n in self.kids(node, "rule")],
            ),
            node,
        )

    def input_clause(self, node: XmlNode) -> m.InputClause:
        """An ``<input>`` column."""
        expression = self.kid(node, "inputExpression")
        values = self.kid(node, "inputValues")
        if expression is None:
            self.report(diag.missing_element(self.where(node), "input", "inputExpression"))
        clause = m.InputClause(
            **self.common(node),
            input_expression=self.literal(expression) if expression else m.LiteralExpression(),
            input_values=self.unary(values) if values is not None else None,
        )
        return self.mark(clause, node)

    def output_clause(self, node: XmlNode) -> m.OutputClause:
        """An ``<output>`` column."""
        values = self.kid(node, "outputValues")
        default = self.kid(node, "defaultOutputEntry")
        clause = m.OutputClause(
            **self.common(node),
            name=node.attrib.get("name"),
            type_ref=self.type_ref(node.attrib.get("typeRef"), node),
            output_values=self.unary(values) if values is not None else None,
            default_output_entry=self.literal(default) if default is not None else None,
        )
        return self.mark(clause, node)

    def rule(self, node: XmlNode) -> m.DecisionRule:
        """A ``<rule>``: input entries, output entries, annotation entries."""
        annotations = []
        for entry in self.kids(node, "annotationEntry"):
            text = self.kid(entry, "text")
            annotations.append(text.text if text is not None else "")
        rule = m.DecisionRule(
            **self.common(node),
            input_entries=[self.unary(n) for n in self.kids(node, "inputEntry")],
            output_entries=[self.literal(n) for n in self.kids(node, "outputEntry")],
            annotation_entries=annotations,
        )
        return self.mark(rule, node)

    def context(self, node: XmlNode) -> m.Context:
        """A ``<context>``; an entry without a variable is the final result."""
        entries = []
        for entry in self.kids(node, "contextEntry"):
            variable = self.kid(entry, "variable")
            value = self.one_expression(entry, _CHILD_EXPRESSION_PARTS | {"variable"})
            item = m.ContextEntry(
                **self.common(entry),
                variable=self.info(variable) if variable is not None else None,
                value=value,
            )
            entries.append(self.mark(item, entry))
        return self.mark(m.Context(**self.expression_attrs(node), entries=entries), node)

    def relation(self, node: XmlNode) -> m.Relation:
        """A ``<relation>``: columns and rows of expressions."""
        return self.mark(
            m.Relation(
                **self.expression_attrs(node),
                columns=[self.info(n) for n in self.kids(node, "column")],
                rows=[self.expressions(n, _CHILD_EXPRESSION_PARTS) for n in self.kids(node, "row")],
            ),
            node,
        )

    def list_(self, node: XmlNode) -> m.List:
        """A ``<list>`` of expressions."""
        items = self.expressions(node, _CHILD_EXPRESSION_PARTS)
        return self.mark(m.List(**self.expression_attrs(node), items=items), node)

    def invocation(self, node: XmlNode) -> m.Invocation:
        """An ``<invocation>``: the called function's expression and the parameter bindings."""
        called = self.one_expression(node, _CHILD_EXPRESSION_PARTS | {"binding"})
        bindings = []
        for binding in self.kids(node, "binding"):
            parameter = self.kid(binding, "parameter")
            if parameter is None:
                self.report(diag.missing_element(self.where(binding), "binding", "parameter"))
            value = self.expressions(binding, frozenset({"parameter"}))
            item = m.Binding(
                parameter=self.info(parameter)
                if parameter is not None
                else m.InformationItem(name=""),
                value=value[0] if value else None,
            )
            bindings.append(self.mark(item, binding))
        return self.mark(
            m.Invocation(**self.expression_attrs(node), called=called, bindings=bindings), node
        )

    def function_definition(self, node: XmlNode) -> m.FunctionDefinition:
        """A ``<functionDefinition>`` or a BKM's ``<encapsulatedLogic>``."""
        body = self.expressions(node, _CHILD_EXPRESSION_PARTS | {"formalParameter"})
        return self.mark(
            m.FunctionDefinition(
                **self.expression_attrs(node),
                kind=node.attrib.get("kind", "FEEL"),
                parameters=[self.info(n) for n in self.kids(node, "formalParameter")],
                body=body[0] if body else None,
            ),
            node,
        )

    def child(self, node: XmlNode, local: str) -> m.Expression:
        """The expression inside the ``tChildExpression`` child ``local`` of ``node``."""
        holder = self.kid(node, local)
        if holder is None:
            self.report(diag.missing_element(self.where(node), node.local, local))
            return m.LiteralExpression()
        return self.one_expression(holder, frozenset())

    def conditional(self, node: XmlNode) -> m.Conditional:
        """A ``<conditional>``: if, then, else."""
        return self.mark(
            m.Conditional(
                **self.expression_attrs(node),
                condition=self.child(node, "if"),
                then=self.child(node, "then"),
                otherwise=self.child(node, "else"),
            ),
            node,
        )

    def filter_(self, node: XmlNode) -> m.Filter:
        """A ``<filter>``: in, match."""
        return self.mark(
            m.Filter(
                **self.expression_attrs(node),
                source=self.child(node, "in"),
                match=self.child(node, "match"),
            ),
            node,
        )

    def iterator(self, node: XmlNode) -> m.Iterator:
        """A ``<for>`` (in, return) or ``<every>``/``<some>`` (in, satisfies)."""
        return self.mark(
            m.Iterator(
                **self.expression_attrs(node),
                kind=node.local,
                variable=self.required(node, "iteratorVariable"),
                source=self.child(node, "in"),
                body=self.child(node, "return" if node.local == "for" else "satisfies"),
            ),
            node,
        )
