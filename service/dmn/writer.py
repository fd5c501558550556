"""A :class:`model.Definitions` in, deterministic DMN 1.5 XML bytes out (valid against DMN15.xsd).

The same model always gives the same bytes: attributes in a fixed order per element,
the DMN namespace as default namespace and ``tablerx`` as the only prefix (declared only
when some element carries extension properties), no timestamps, 2-space indentation and
UTF-8 with an XML declaration. Boxed expressions are written by
:mod:`service.dmn.writer_expressions`; this module writes definitions, types and the DRG.
"""

from __future__ import annotations

from service.dmn import model as m
from service.dmn.validate import walk
from service.dmn.writer_expressions import (
    TABLERX_NS,
    TABLERX_PREFIX,
    element,
    expression,
    function_definition,
    information_item,
    unary_text,
)
from service.dmn.xmlout import Out, serialize

DMN15_NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"

_REQUIREMENT_ELEMENTS = {
    "decision": ("informationRequirement", "requiredDecision"),
    "input": ("informationRequirement", "requiredInput"),
    "knowledge": ("knowledgeRequirement", "requiredKnowledge"),
    "authority": ("authorityRequirement", "requiredAuthority"),
    "authority-decision": ("authorityRequirement", "requiredDecision"),
    "authority-input": ("authorityRequirement", "requiredInput"),
}
# The schema wants information, then knowledge, then authority requirements.
_REQUIREMENT_ORDER = ("informationRequirement", "knowledgeRequirement", "authorityRequirement")


def write_dmn(defs: m.Definitions) -> bytes:
    """``defs`` as DMN 1.5 XML bytes; raises ValueError for text XML cannot carry."""
    return serialize(definitions(defs))


def definitions(defs: m.Definitions) -> Out:
    """The ``<definitions>`` element with everything in it."""
    namespaces: list[tuple[str, str | None]] = [("xmlns", DMN15_NS)]
    if any(getattr(obj, "extensions", None) for obj, _ in walk(defs)):
        namespaces.append((f"xmlns:{TABLERX_PREFIX}", TABLERX_NS))
    out = element(
        "definitions",
        defs,
        ("namespace", defs.namespace),
        ("expressionLanguage", defs.expression_language),
        ("typeLanguage", defs.type_language),
    )
    out.attrs[:0] = namespaces
    out.children += [_import(i) for i in defs.imports]
    out.children += [item_definition(i, "itemDefinition") for i in defs.item_definitions]
    out.children += [_input_data(i) for i in defs.input_data]
    out.children += [_decision(d) for d in defs.decisions]
    out.children += [_bkm(b) for b in defs.business_knowledge_models]
    out.children += [_decision_service(s) for s in defs.decision_services]
    out.children += [_knowledge_source(s) for s in defs.knowledge_sources]
    return out


def _import(item: m.Import) -> Out:
    return element(
        "import",
        item,
        ("namespace", item.namespace),
        ("locationURI", item.location_uri),
        ("importType", item.import_type),
    )


def item_definition(item: m.ItemDefinition, tag: str) -> Out:
    """An ``itemDefinition``/``itemComponent``: a base type with constraints, components,
    or a function type (the schema allows one of the three)."""
    collection = "true" if item.is_collection else None
    out = element(tag, item, ("typeLanguage", item.type_language), ("isCollection", collection))
    out.leaf("typeRef", item.type_ref)
    if item.allowed_values is not None:
        out.add(unary_text("allowedValues", item.allowed_values))
    if item.type_constraint is not None:
        out.add(unary_text("typeConstraint", item.type_constraint))
    out.children += [item_definition(c, "itemComponent") for c in item.components]
    if item.function_parameters is not None:
        function = out.add(Out("functionItem", [("outputTypeRef", item.function_output_type_ref)]))
        function.children += [information_item("parameters", p) for p in item.function_parameters]
    return out


def _input_data(item: m.InputData) -> Out:
    out = element("inputData", item)
    out.add(information_item("variable", item.variable))
    return out


def _decision(decision: m.Decision) -> Out:
    out = element("decision", decision)
    out.leaf("question", decision.question)
    out.leaf("allowedAnswers", decision.allowed_answers)
    out.add(information_item("variable", decision.variable))
    out.children += requirements(decision.requirements)
    if decision.expression is not None:
        out.add(expression(decision.expression))
    return out


def _bkm(bkm: m.BusinessKnowledgeModel) -> Out:
    out = element("businessKnowledgeModel", bkm)
    out.add(information_item("variable", bkm.variable))
    if bkm.logic is not None:
        out.add(function_definition(bkm.logic, "encapsulatedLogic"))
    out.children += requirements(bkm.requirements)
    return out


def _decision_service(service: m.DecisionService) -> Out:
    out = element("decisionService", service)
    out.add(information_item("variable", service.variable))
    for tag, hrefs in (
        ("outputDecision", service.output_decisions),
        ("encapsulatedDecision", service.encapsulated_decisions),
        ("inputDecision", service.input_decisions),
        ("inputData", service.input_data),
    ):
        out.children += [Out(tag, [("href", href)]) for href in hrefs]
    return out


def _knowledge_source(source: m.KnowledgeSource) -> Out:
    out = element("knowledgeSource", source, ("locationURI", source.location_uri))
    out.children += requirements(source.requirements)
    out.leaf("type", source.type)
    if source.owner is not None:
        out.add(Out("owner", [("href", source.owner)]))
    return out


def requirements(items: list[m.Requirement]) -> list[Out]:
    """Requirement elements in schema order (information, knowledge, authority), stable within."""
    written: list[tuple[int, Out]] = []
    for item in items:
        if item.kind not in _REQUIREMENT_ELEMENTS:
            raise ValueError(f"unknown requirement kind {item.kind!r} (href {item.href!r})")
        outer, inner = _REQUIREMENT_ELEMENTS[item.kind]
        holder = Out(outer, [("id", item.id)], [Out(inner, [("href", item.href)])])
        written.append((_REQUIREMENT_ORDER.index(outer), holder))
    return [out for _, out in sorted(written, key=lambda pair: pair[0])]
