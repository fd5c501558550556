"""DMN 1.1-1.5 XML (a path or bytes) in, a :class:`model.Definitions` out.

Reading has three phases, each with its own diagnostic codes: *safe parsing* (defusedxml
into plain :class:`XmlNode` trees, hostile XML refused, size and depth capped: DMN_IO,
DMN_TOO_LARGE, DMN_XML_*, DMN_NOT_DMN), *building* the model (every missing or invalid
attribute or element noted with its line, then reading carries on), and *validation*
(:func:`service.dmn.validate.validate` on the built model, located by the same lines).
Any error raises one :class:`DmnReadError` listing everything found.

Boxed expressions are built by :mod:`service.dmn.reader_expressions`; this module reads the
definitions, types and the requirement graph.
"""

from __future__ import annotations

import os
from pathlib import Path

from service.dmn import diagnostics as diag
from service.dmn import model as m
from service.dmn.diagnostics import Diagnostic, DmnReadError
from service.dmn.reader_expressions import ExpressionReader
from service.dmn.validate import validate
from service.dmn.xmltree import XmlNode, parse_xml

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# The MODEL namespace of each DMN version the reader accepts.
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}

# Children of <decision> that are not its decision logic.
_DECISION_PARTS = frozenset(
    {"description", "extensionElements", "question", "allowedAnswers", "variable",
     "informationRequirement", "knowledgeRequirement", "authorityRequirement",
     "supportedObjective", "impactedPerformanceIndicator", "decisionMaker", "decisionOwner",
     "usingProcess", "usingTask"}
)  # fmt: skip

_REQUIREMENTS = {
    "informationRequirement": {"requiredDecision": "decision", "requiredInput": "input"},
    "knowledgeRequirement": {"requiredKnowledge": "knowledge"},
    "authorityRequirement": {
        "requiredAuthority": "authority",
        "requiredDecision": "authority-decision",
        "requiredInput": "authority-input",
    },
}


def read_dmn(
    source: str | os.PathLike[str] | bytes | bytearray,
    *,
    source_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> m.Definitions:
    """Read a DMN 1.1-1.5 file (a path, or its bytes) into a model; raise DmnReadError."""
    return read_dmn_with_warnings(source, source_name=source_name, max_bytes=max_bytes)[0]


def read_dmn_with_warnings(
    source: str | os.PathLike[str] | bytes | bytearray,
    *,
    source_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[m.Definitions, list[Diagnostic]]:
    """Like :func:`read_dmn`, also returning the warnings (problems that do not stop reading)."""
    if isinstance(source, bytes | bytearray):
        name = source_name
        data = bytes(source)
        if len(data) > max_bytes:
            raise DmnReadError([diag.too_large(name, len(data), max_bytes)])
    else:
        name = source_name or str(source)
        data = _read_file(Path(source), name, max_bytes)
    root = parse_xml(data, name)
    version = DMN_NAMESPACES.get(root.namespace)
    if root.local != "definitions" or version is None:
        raise DmnReadError([diag.not_dmn(name, root.line, root.tag)])
    reader = DefinitionsReader(root.namespace, version, name)
    definitions = reader.definitions(root)
    found = reader.diagnostics + validate(definitions, file=name, lines=reader.lines)
    if any(d.severity == "error" for d in found):
        raise DmnReadError(found)
    return definitions, found


def _read_file(path: Path, name: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` without reading them whole."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DmnReadError([diag.io_error(name, exc.strerror or str(exc))]) from None
    if len(data) > max_bytes:
        try:
            size = path.stat().st_size
        except OSError:  # gone since it was read: the part read is evidence enough
            size = len(data)
        raise DmnReadError([diag.too_large(name, size, max_bytes)])
    return data


class DefinitionsReader(ExpressionReader):
    """Builds the model from one file's tree, collecting diagnostics as it goes."""

    def definitions(self, root: XmlNode) -> m.Definitions:
        """The whole model of the ``<definitions>`` element ``root``."""
        self.model_namespace = root.attrib.get("namespace", "")
        imports = [self.import_(node) for node in self.kids(root, "import")]
        if self.version == "1.1":  # 1.1 imports have no name: use the file's prefix for them
            prefixes = {uri: prefix for prefix, uri in sorted(root.nsmap.items()) if prefix}
            for item in imports:
                item.name = item.name or prefixes.get(item.namespace, "")
        self.import_names = {i.namespace: i.name for i in imports}
        defs = m.Definitions(
            **self.common(root),
            name=root.attrib.get("name", ""),
            namespace=self.required(root, "namespace"),
            dmn_version=self.version,
            expression_language=root.attrib.get("expressionLanguage"),
            type_language=root.attrib.get("typeLanguage"),
            imports=imports,
            item_definitions=[self.item_definition(n) for n in self.kids(root, "itemDefinition")],
            input_data=[self.input_data(n) for n in self.kids(root, "inputData")],
            decisions=[self.decision(n) for n in self.kids(root, "decision")],
            business_knowledge_models=[
                self.bkm(n) for n in self.kids(root, "businessKnowledgeModel")
            ],
            decision_services=[
                self.decision_service(n) for n in self.kids(root, "decisionService")
            ],
            knowledge_sources=[
                self.knowledge_source(n) for n in self.kids(root, "knowledgeSource")
            ],
        )
        return self.mark(defs, root)

    def import_(self, node: XmlNode) -> m.Import:
        """An ``<import>`` (DMN 1.1 imports have no name)."""
        return self.mark(
            m.Import(
                **self.common(node),
                namespace=self.required(node, "namespace"),
                name=node.attrib.get("name", ""),
                import_type=self.required(node, "importType"),
                location_uri=node.attrib.get("locationURI"),
            ),
            node,
        )

    def item_definition(self, node: XmlNode) -> m.ItemDefinition:
        """An ``<itemDefinition>`` or ``<itemComponent>``, components included."""
        type_ref = self.kid(node, "typeRef")
        function = self.kid(node, "functionItem")
        item = m.ItemDefinition(
            **self.common(node),
            name=node.attrib.get("name", ""),
            type_ref=self.type_ref(type_ref.text.strip(), type_ref) if type_ref else None,
            is_collection=self.boolean(node, "isCollection"),
            allowed_values=self.unary_text(self.kid(node, "allowedValues")),
            type_constraint=self.unary_text(self.kid(node, "typeConstraint")),
            components=[self.item_definition(n) for n in self.kids(node, "itemComponent")],
            type_language=node.attrib.get("typeLanguage"),
        )
        if function is not None:
            item.function_parameters = [self.info(n) for n in self.kids(function, "parameters")]
            output = function.attrib.get("outputTypeRef")
            item.function_output_type_ref = self.type_ref(output, function)
        return self.mark(item, node)

    def unary_text(self, node: XmlNode | None) -> str | None:
        """The ``<text>`` of an allowedValues/typeConstraint element, None when absent."""
        return None if node is None else self.unary(node).text

    def input_data(self, node: XmlNode) -> m.InputData:
        """An ``<inputData>``."""
        name = node.attrib.get("name", "")
        return self.mark(
            m.InputData(**self.common(node), name=name, variable=self.variable(node, name)),
            node,
        )

    def decision(self, node: XmlNode) -> m.Decision:
        """A ``<decision>`` with its requirements and its decision logic (if any)."""
        name = node.attrib.get("name", "")
        question = self.kid(node, "question")
        answers = self.kid(node, "allowedAnswers")
        logic = self.expressions(node, skip=_DECISION_PARTS)
        decision = m.Decision(
            **self.common(node),
            name=name,
            variable=self.variable(node, name),
            question=question.text if question is not None else None,
            allowed_answers=answers.text if answers is not None else None,
            requirements=self.requirements(node),
            expression=logic[0] if logic else None,
        )
        return self.mark(decision, node)

    def bkm(self, node: XmlNode) -> m.BusinessKnowledgeModel:
        """A ``<businessKnowledgeModel>`` with its encapsulated logic."""
        name = node.attrib.get("name", "")
        logic = self.kid(node, "encapsulatedLogic")
        return self.mark(
            m.BusinessKnowledgeModel(
                **self.common(node),
                name=name,
                variable=self.variable(node, name),
                logic=self.function_definition(logic) if logic is not None else None,
                requirements=self.requirements(node),
            ),
            node,
        )

    def decision_service(self, node: XmlNode) -> m.DecisionService:
        """A ``<decisionService>``: the hrefs of its output, encapsulated and input elements."""
        name = node.attrib.get("name", "")
        return self.mark(
            m.DecisionService(
                **self.common(node),
                name=name,
                variable=self.variable(node, name),
                output_decisions=self.hrefs(node, "outputDecision"),
                encapsulated_decisions=self.hrefs(node, "encapsulatedDecision"),
                input_decisions=self.hrefs(node, "inputDecision"),
                input_data=self.hrefs(node, "inputData"),
            ),
            node,
        )

    def knowledge_source(self, node: XmlNode) -> m.KnowledgeSource:
        """A ``<knowledgeSource>``."""
        kind = self.kid(node, "type")
        owner = self.kid(node, "owner")
        return self.mark(
            m.KnowledgeSource(
                **self.common(node),
                name=node.attrib.get("name", ""),
                requirements=self.requirements(node),
                type=kind.text if kind is not None else None,
                owner=self.required(owner, "href") if owner is not None else None,
                location_uri=node.attrib.get("locationURI"),
            ),
            node,
        )

    def variable(self, node: XmlNode, name: str) -> m.InformationItem:
        """The element's ``<variable>``, or one named after the element when it has none."""
        found = self.kid(node, "variable")
        if found is None:
            return m.InformationItem(name=name)
        return self.info(found)

    def requirements(self, node: XmlNode) -> list[m.Requirement]:
        """The information, knowledge and authority requirements of ``node``, in file order."""
        found: list[m.Requirement] = []
        for child in self.dmn_children(node):
            targets = _REQUIREMENTS.get(child.local)
            if targets is None:
                continue
            target = next((t for t in self.dmn_children(child) if t.local in targets), None)
            if target is None:
                wanted = " or ".join(targets)
                self.report(diag.missing_element(self.where(child), child.local, wanted))
                continue
            requirement = m.Requirement(
                kind=targets[target.local],
                href=self.required(target, "href"),
                id=child.attrib.get("id"),
            )
            found.append(self.mark(requirement, child))
        return found

    def hrefs(self, node: XmlNode, local: str) -> list[str]:
        """The ``href`` of every ``local`` child."""
        return [self.required(child, "href") for child in self.kids(node, local)]


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DMN_NAMESPACES",
    "Diagnostic",
    "DmnReadError",
    "read_dmn",
    "read_dmn_with_warnings",
]
