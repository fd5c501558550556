"""Structural validation of models built in Python (no XML): each check, and clean models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from service.dmn import model as m
from service.dmn import read_dmn, validate

DATA = Path(__file__).resolve().parent / "data"


def base() -> m.Definitions:
    """A small valid model: input Age, a one-rule table decision, a BKM, a decision service."""
    table = m.DecisionTable(
        id="dt",
        inputs=[m.InputClause(input_expression=m.LiteralExpression(text="Age"))],
        outputs=[m.OutputClause(name="score")],
        rules=[
            m.DecisionRule(
                id="r1",
                input_entries=[m.UnaryTests(text=">= 65")],
                output_entries=[m.LiteralExpression(text="1")],
            )
        ],
    )
    return m.Definitions(
        id="defs",
        name="base",
        namespace="https://t",
        input_data=[m.InputData(id="age", name="Age", variable=m.InformationItem(name="Age"))],
        decisions=[
            m.Decision(
                id="score",
                name="Score",
                variable=m.InformationItem(name="Score"),
                requirements=[
                    m.Requirement(kind="input", href="#age"),
                    m.Requirement(kind="knowledge", href="#bkm"),
                ],
                expression=table,
            )
        ],
        business_knowledge_models=[
            m.BusinessKnowledgeModel(
                id="bkm",
                name="Helper",
                variable=m.InformationItem(name="Helper"),
                logic=m.FunctionDefinition(body=m.LiteralExpression(text="1")),
            )
        ],
        decision_services=[
            m.DecisionService(
                id="ds",
                name="Service",
                variable=m.InformationItem(name="Service"),
                output_decisions=["#score"],
                input_data=["#age"],
            )
        ],
    )


def table(defs: m.Definitions) -> m.DecisionTable:
    expression = defs.decisions[0].expression
    assert isinstance(expression, m.DecisionTable)
    return expression


def _set(obj: object, **changes: object) -> None:
    for name, value in changes.items():
        setattr(obj, name, value)


def req(defs: m.Definitions, index: int) -> m.Requirement:
    return defs.decisions[0].requirements[index]


def imported(defs: m.Definitions) -> None:
    defs.imports = [m.Import(name="x", namespace="https://x", import_type="dmn")]
    req(defs, 0).href = "https://x#age"


Change = Callable[[m.Definitions], object]
R = m.Requirement
CASES: list[tuple[str, Change, list[str]]] = [
    ("valid", lambda d: None, []),
    ("no name", lambda d: _set(d.input_data[0], name=""), ["DMN_MISSING_NAME"]),
    ("no variable name", lambda d: _set(d.decisions[0].variable, name=""), ["DMN_MISSING_NAME"]),
    ("duplicate id", lambda d: _set(table(d).rules[0], id="age"), ["DMN_DUPLICATE_ID"]),
    ("invalid id", lambda d: _set(table(d).rules[0], id="T1!A5"), ["DMN_INVALID_ID"]),
    ("duplicate name", lambda d: _set(d.business_knowledge_models[0], name="Age"),
     ["DMN_DUPLICATE_NAME"]),
    ("duplicate type", lambda d: _set(d, item_definitions=[m.ItemDefinition(name="t")] * 2),
     ["DMN_DUPLICATE_NAME"]),
    ("dangling href", lambda d: _set(req(d, 0), href="#gone"), ["DMN_UNRESOLVED_HREF"]),
    ("local namespace href", lambda d: _set(req(d, 0), href="https://t#age"), []),
    ("foreign href", lambda d: _set(req(d, 0), href="https://x#age"), ["DMN_UNRESOLVED_HREF"]),
    ("imported href", imported, []),
    ("service href kind", lambda d: _set(d.decision_services[0], output_decisions=["#age"]),
     ["DMN_HREF_KIND"]),
    ("knowledge href kind", lambda d: _set(req(d, 1), href="#score"),
     ["DMN_HREF_KIND", "DMN_REQUIREMENT_CYCLE"]),
    ("self cycle", lambda d: d.decisions[0].requirements.append(R(kind="decision", href="#score")),
     ["DMN_REQUIREMENT_CYCLE"]),
    ("bkm cycle", lambda d: d.business_knowledge_models[0].requirements.append(
        R(kind="knowledge", href="#bkm")), ["DMN_REQUIREMENT_CYCLE"]),
    ("hit policy", lambda d: _set(table(d), hit_policy="unique"), ["DMN_HIT_POLICY"]),
    ("aggregation without collect", lambda d: _set(table(d), aggregation="SUM"),
     ["DMN_AGGREGATION"]),
    ("unknown aggregation", lambda d: _set(table(d), hit_policy="COLLECT", aggregation="AVG"),
     ["DMN_AGGREGATION"]),
    ("collect sum", lambda d: _set(table(d), hit_policy="COLLECT", aggregation="SUM"), []),
    ("orientation", lambda d: _set(table(d), preferred_orientation="rows"), ["DMN_ORIENTATION"]),
    ("input entries", lambda d: _set(table(d).rules[0], input_entries=[]), ["DMN_RULE_SHAPE"]),
    ("output entries", lambda d: table(d).rules[0].output_entries.append(m.LiteralExpression()),
     ["DMN_RULE_SHAPE"]),
    ("annotation entries", lambda d: _set(table(d).rules[0], annotation_entries=["why"]),
     ["DMN_RULE_SHAPE"]),
    ("no output", lambda d: _set(table(d), outputs=[], rules=[]), ["DMN_TABLE_NO_OUTPUT"]),
    ("unnamed output", lambda d: _set(table(d), outputs=[m.OutputClause()] * 2, rules=[]),
     ["DMN_OUTPUT_NAME", "DMN_OUTPUT_NAME"]),
    ("type mix", lambda d: _set(d, item_definitions=[m.ItemDefinition(
        name="t", type_ref="number", components=[m.ItemDefinition(name="c")])]),
     ["DMN_TYPE_SHAPE"]),
    ("constraint without base", lambda d: _set(d, item_definitions=[m.ItemDefinition(
        name="t", allowed_values="1")]), ["DMN_TYPE_SHAPE"]),
    ("function kind", lambda d: _set(d.business_knowledge_models[0].logic, kind="Python"),
     ["DMN_FUNCTION_KIND"]),
]  # fmt: skip


@pytest.mark.parametrize(("change", "codes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate(change: Change, codes: list[str]) -> None:
    defs = base()
    change(defs)
    assert sorted(d.code for d in validate(defs)) == codes


def test_validate_names_the_nearest_element_with_an_id() -> None:
    defs = base()
    table(defs).rules[0].input_entries = []
    [found] = validate(defs)
    assert (found.element_id, found.line, found.file) == ("r1", None, None)


def test_the_sample_models_are_valid() -> None:
    for path in sorted(DATA.glob("*.dmn")):
        assert validate(read_dmn(path)) == [], path
