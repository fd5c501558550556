"""Small DMN models built in Python for the engine's tests: one line per element."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from service.dmn import model as m
from service.engine import Model, Result, load_definitions

NS = "https://tablerx.dev/tests/engine"


def slug(name: str) -> str:
    """An id-friendly form of a name."""
    return re.sub(r"\W+", "_", name)


def lit(text: str, type_ref: str | None = None) -> m.LiteralExpression:
    """A literal expression."""
    return m.LiteralExpression(text=text, type_ref=type_ref)


def inp(name: str, type_ref: str | None = None) -> m.InputData:
    """An input data element (id ``i_<name>``)."""
    return m.InputData(
        id=f"i_{slug(name)}", name=name, variable=m.InformationItem(name=name, type_ref=type_ref)
    )


def dec(
    name: str,
    expression: m.Expression | str | None,
    requires: Sequence[str] = (),
    type_ref: str | None = None,
    knowledge: Sequence[str] = (),
) -> m.Decision:
    """A decision (id ``d_<name>``); ``requires`` names inputs or decisions (resolved later)."""
    if isinstance(expression, str):
        expression = lit(expression)
    reqs = [m.Requirement(kind="pending", href=r) for r in requires]
    reqs += [m.Requirement(kind="knowledge", href=f"#k_{slug(k)}") for k in knowledge]
    return m.Decision(
        id=f"d_{slug(name)}",
        name=name,
        variable=m.InformationItem(name=name, type_ref=type_ref),
        requirements=reqs,
        expression=expression,
    )


def bkm(
    name: str,
    parameters: Sequence[tuple[str, str | None]],
    body: m.Expression | str,
    type_ref: str | None = None,
    knowledge: Sequence[str] = (),
) -> m.BusinessKnowledgeModel:
    """A business knowledge model (id ``k_<name>``)."""
    if isinstance(body, str):
        body = lit(body)
    params = [m.InformationItem(name=p, type_ref=t) for p, t in parameters]
    return m.BusinessKnowledgeModel(
        id=f"k_{slug(name)}",
        name=name,
        variable=m.InformationItem(name=name, type_ref=type_ref),
        logic=m.FunctionDefinition(parameters=params, body=body),
        requirements=[m.Requirement(kind="knowledge", href=f"#k_{slug(k)}") for k in knowledge],
    )


def service(
    name: str,
    outputs: Sequence[str],
    input_decisions: Sequence[str] = (),
    input_data: Sequence[str] = (),
    encapsulated: Sequence[str] = (),
    type_ref: str | None = None,
) -> m.DecisionService:
    """A decision service (id ``k_<name>``) over decisions and inputs named as in the model."""
    return m.DecisionService(
        id=f"k_{slug(name)}",
        name=name,
        variable=m.InformationItem(name=name, type_ref=type_ref),
        output_decisions=[f"#d_{slug(d)}" for d in outputs],
        encapsulated_decisions=[f"#d_{slug(d)}" for d in encapsulated],
        input_decisions=[f"#d_{slug(d)}" for d in input_decisions],
        input_data=[f"#i_{slug(i)}" for i in input_data],
    )


def table(
    inputs: Sequence[str],
    outputs: Sequence[str] | str,
    rules: Sequence[tuple[Sequence[str], Sequence[str] | str]],
    hit_policy: str = "UNIQUE",
    aggregation: str | None = None,
    input_values: Mapping[int, str] | None = None,
    output_values: Mapping[int, str] | None = None,
    defaults: Mapping[int, str] | None = None,
    annotations: Sequence[str] = (),
    notes: Sequence[Sequence[str]] = (),
    input_types: Mapping[int, str] | None = None,
) -> m.DecisionTable:
    """A decision table: input expressions, output names (a str: one unnamed output), rules
    as (input entries, output entries); rule ids are ``r1``, ``r2``..."""
    names = [outputs] if isinstance(outputs, str) else list(outputs)
    single_unnamed = isinstance(outputs, str)
    return m.DecisionTable(
        id="table",
        hit_policy=hit_policy,
        aggregation=aggregation,
        inputs=[
            m.InputClause(
                id=f"in{i}",
                input_expression=lit(text, (input_types or {}).get(i)),
                input_values=_tests((input_values or {}).get(i)),
            )
            for i, text in enumerate(inputs)
        ],
        outputs=[
            m.OutputClause(
                id=f"out{i}",
                name=None if single_unnamed else name,
                output_values=_tests((output_values or {}).get(i)),
                default_output_entry=lit(d) if (d := (defaults or {}).get(i)) else None,
            )
            for i, name in enumerate(names)
        ],
        annotations=[m.RuleAnnotationClause(name=a) for a in annotations],
        rules=[
            m.DecisionRule(
                id=f"r{n}",
                input_entries=[m.UnaryTests(text=t) for t in entries],
                output_entries=[lit(o) for o in ([outs] if isinstance(outs, str) else outs)],
                annotation_entries=list(notes[n - 1]) if notes else [],
                extensions={"source.cell": f"A{n}"},
            )
            for n, (entries, outs) in enumerate(rules, start=1)
        ],
    )


def _tests(text: str | None) -> m.UnaryTests | None:
    return m.UnaryTests(text=text) if text else None


def item(
    name: str,
    type_ref: str | None = None,
    *,
    allowed: str | None = None,
    collection: bool = False,
    components: Sequence[m.ItemDefinition] = (),
    constraint: str | None = None,
) -> m.ItemDefinition:
    """An item definition."""
    return m.ItemDefinition(
        name=name,
        type_ref=type_ref,
        allowed_values=allowed,
        is_collection=collection,
        components=list(components),
        type_constraint=constraint,
    )


def definitions(
    *elements: m.Element,
    items: Iterable[m.ItemDefinition] = (),
    imports: Iterable[m.Import] = (),
    name: str = "test",
    namespace: str = NS,
) -> m.Definitions:
    """A model of ``elements``; decisions' pending requirements are resolved by name."""
    inputs = [e for e in elements if isinstance(e, m.InputData)]
    decisions = [e for e in elements if isinstance(e, m.Decision)]
    input_names = {i.name for i in inputs}
    for decision in decisions:
        for req in decision.requirements:
            if req.kind == "pending":
                target = req.href
                req.kind = "input" if target in input_names else "decision"
                prefix = "i" if target in input_names else "d"
                req.href = target if "#" in target else f"#{prefix}_{slug(target)}"
    return m.Definitions(
        id=f"defs_{slug(name)}",
        name=name,
        namespace=namespace,
        imports=list(imports),
        item_definitions=list(items),
        input_data=inputs,
        decisions=decisions,
        business_knowledge_models=[e for e in elements if isinstance(e, m.BusinessKnowledgeModel)],
        decision_services=[e for e in elements if isinstance(e, m.DecisionService)],
    )


def load(*elements: m.Element, **options: Any) -> Model:
    """The compiled model of ``elements``."""
    models = load_definitions([definitions(*elements, **options)])
    return next(iter(models))


def run_table(
    decision_table: m.DecisionTable,
    inputs: Mapping[str, Any],
    types: Mapping[str, str] | None = None,
) -> Result:
    """Evaluate a one-table model whose inputs are the table's input expressions."""
    names = [c.input_expression.text for c in decision_table.inputs]
    model = load(
        *(inp(n, (types or {}).get(n)) for n in names),
        dec("Result", decision_table, names),
    )
    return model.evaluate(dict(inputs))


def num(value: int | str) -> Decimal:
    """A FEEL number."""
    return Decimal(value)
