"""A small clinical-style model built in Python, in versions, and published to a folder.

``pathway(version, ...)`` is a model shaped like the compiler's output (rule ids from sheet
and row, the Rule column's id as label, ``source.*`` extensions): a guard, a derived
``fitness`` table and a top-level ``treatment`` table with hit policy First. Keyword
arguments make the second versions the tests compare. ``publish`` writes the DMN and its
test cases (TCK format) to ``<root>/<model>/<version>.dmn`` and ``.tests.xml``.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from service.dmn import model as m
from service.dmn import write_dmn

MODEL_ID = "pathway-demo"
NAMESPACE = f"https://tablerx.dev/models/{MODEL_ID}"
D = decimal.Decimal

Rule = tuple[str, list[str], list[str], list[str]]  # (label, input cells, outputs, annotations)


def _extensions(sheet: str, row: int) -> dict[str, str]:
    return {"source.sheet": sheet, "source.row": str(row), "source.cell": f"'{sheet}'!A{row}"}


def table(
    sheet: str,
    sheet_id: str,
    policy: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rules: Sequence[Rule],
    first_row: int = 5,
    annotations: Sequence[str] = ("rationale",),
) -> m.DecisionTable:
    """A decision table whose rules start at ``first_row`` of ``sheet``, one row each."""
    logic = m.DecisionTable(
        id=f"{sheet_id}_table",
        hit_policy=policy,
        inputs=[
            m.InputClause(
                id=f"{sheet_id}_in{i}", label=text, input_expression=m.LiteralExpression(text=text)
            )
            for i, text in enumerate(inputs)
        ],
        outputs=[
            m.OutputClause(id=f"{sheet_id}_out{i}", name=name, type_ref="string")
            for i, name in enumerate(outputs)
        ],
        annotations=[m.RuleAnnotationClause(name=name) for name in annotations],
    )
    for offset, (label, cells, results, notes) in enumerate(rules):
        row = first_row + offset
        logic.rules.append(
            m.DecisionRule(
                id=f"{sheet_id}_row{row}",
                label=label,
                extensions=_extensions(sheet, row),
                input_entries=[m.UnaryTests(text=text) for text in cells],
                output_entries=[m.LiteralExpression(text=text) for text in results],
                annotation_entries=list(notes),
            )
        )
    return logic


def _input(name: str, type_ref: str, **ext: str) -> m.InputData:
    extensions = {f"input.{key}": value for key, value in ext.items()}
    return m.InputData(
        id=f"input_{name}",
        name=name,
        extensions=extensions,
        variable=m.InformationItem(name=name, type_ref=type_ref),
    )


def _decision(
    name: str, sheet: str, logic: m.Expression, needs: Sequence[str], **ext: str
) -> m.Decision:
    extensions = {f"decision.{key}": value for key, value in ext.items()}
    extensions |= {"source.sheet": sheet, "source.cell": f"'{sheet}'!A1"}
    requirements = [
        m.Requirement(
            kind="decision" if need == "fitness" else "input",
            href=f"#{'decision' if need == 'fitness' else 'input'}_{need}",
        )
        for need in needs
    ]
    return m.Decision(
        id=f"decision_{name}",
        name=name,
        extensions=extensions,
        variable=m.InformationItem(name=name),
        requirements=requirements,
        expression=logic,
    )


TREATMENT_RULES: list[Rule] = [
    ("R1", ['"declines"', "-", "-", "-"], ['"best supportive care"'], ["Patient's choice."]),
    (
        "R2",
        ["-", '"fit"', '"positive"', ">= 50"],
        ['"trastuzumab deruxtecan"'],
        ["DESTINY-Gastric04 displaced the previous standard."],
    ),
    (
        "R3",
        ["-", '"fit", "limited"', '"positive"', "-"],
        ['"ramucirumab plus paclitaxel"'],
        ["Second-line standard."],
    ),
    (
        "R4",
        ["-", '"fit"', '"negative", "low"', "-"],
        ['"ramucirumab plus paclitaxel"'],
        ["Second-line standard."],
    ),
    ("R5", ["-", "-", "-", "-"], ['"best supportive care"'], ["No active option."]),
]


def pathway(
    version: str = "1.0.0",
    *,
    lvef_threshold: str = ">= 50",
    treatment_rules: Sequence[Rule] | None = None,
    treatment_policy: str = "FIRST",
    fitness_limited: str = "2",
    lvef_allowed: str = "[10..90]",
    guard: bool = True,
    status: str = "draft",
) -> m.Definitions:
    """The model in one version; the keywords make the variants the tests compare."""
    rules: list[Rule] = list(treatment_rules or TREATMENT_RULES)
    if treatment_rules is None:
        rules = [
            (label, [*cells[:3], lvef_threshold] if label == "R2" else cells, out, notes)
            for label, cells, out, notes in rules
        ]
    defs = m.Definitions(
        id="pathway_demo",
        name="Pathway demo",
        namespace=NAMESPACE,
        extensions={
            "model.id": MODEL_ID,
            "model.version": version,
            "model.status": status,
            "model.authors": "A. Author",
            "model.effective_date": "2025-06-01",
        },
        item_definitions=[
            m.ItemDefinition(name="tEcog", type_ref="number", allowed_values="[0..4]"),
            m.ItemDefinition(
                name="tHer2", type_ref="string", allowed_values='"positive", "negative", "low"'
            ),
            m.ItemDefinition(name="tLvef", type_ref="number", allowed_values=lvef_allowed),
            m.ItemDefinition(
                name="tPreference", type_ref="string", allowed_values='"none", "declines"'
            ),
        ],
        input_data=[
            _input("ecog", "tEcog", required="true", integer="true"),
            _input("her2", "tHer2", required="true"),
            _input("lvef", "tLvef", unit="%"),
            _input("preference", "tPreference", default='"none"'),
        ],
    )
    fitness = table(
        "T1 Fitness",
        "T1_Fitness",
        "UNIQUE",
        ["ecog"],
        ["fitness"],
        [
            ("F1", ["[0..1]"], ['"fit"'], ["ECOG 0-1."]),
            ("F2", [fitness_limited], ['"limited"'], ["ECOG 2."]),
            ("F3", ["[3..4]"], ['"unfit"'], ["ECOG 3-4."]),
        ],
    )
    treatment = table(
        "T2 Treatment",
        "T2_Treatment",
        treatment_policy,
        ["preference", "fitness", "her2", "lvef"],
        ["treatment"],
        rules,
    )
    if guard:
        checks = table(
            "T0 Validation",
            "T0_Validation",
            "COLLECT",
            ["her2", "lvef"],
            ["code", "message", "field"],
            [
                (
                    "V1",
                    ['"positive"', "null"],
                    ['"LVEF_REQUIRED"', '"LVEF is needed before anti-HER2 therapy"', '"lvef"'],
                    [],
                ),
            ],
            annotations=(),
        )
        defs.decisions.append(
            _decision("Request validation", "T0 Validation", checks, ["her2", "lvef"], role="guard")
        )
    defs.decisions.append(_decision("fitness", "T1 Fitness", fitness, ["ecog"]))
    defs.decisions.append(
        _decision(
            "treatment",
            "T2 Treatment",
            treatment,
            ["preference", "fitness", "her2", "lvef"],
            top_level="true",
        )
    )
    return defs


# --- test cases ----------------------------------------------------------------------------

Case = tuple[str, Mapping[str, Any], Mapping[str, Any]]  # (id, inputs, expected results)

CASES: list[Case] = [
    (
        "TC1",
        {"ecog": D(0), "her2": "positive", "lvef": D(60)},
        {"treatment": "trastuzumab deruxtecan"},
    ),
    (
        "TC2",
        {"ecog": D(2), "her2": "positive", "lvef": D(60)},
        {"treatment": "ramucirumab plus paclitaxel"},
    ),
    ("TC3", {"ecog": D(1), "her2": "low"}, {"treatment": "ramucirumab plus paclitaxel"}),
    (
        "TC4",
        {"ecog": D(4), "her2": "negative", "preference": "declines"},
        {"treatment": "best supportive care", "fitness": "unfit"},
    ),
]


def _value(value: Any) -> str:
    if value is None:
        return '<value xsi:nil="true"/>'
    if isinstance(value, bool):
        return f'<value xsi:type="xsd:boolean">{"true" if value else "false"}</value>'
    if isinstance(value, decimal.Decimal):
        return f'<value xsi:type="xsd:decimal">{value}</value>'
    return f'<value xsi:type="xsd:string">{escape(str(value))}</value>'


def _node(value: Any) -> str:
    """A value as the content of a TCK ``expected``, ``item`` or ``component`` element."""
    if isinstance(value, list):
        return "<list>" + "".join(f"<item>{_node(item)}</item>" for item in value) + "</list>"
    if isinstance(value, dict):
        return "".join(
            f"<component name={quoteattr(k)}>{_node(v)}</component>" for k, v in value.items()
        )
    return _value(value)


def tests_xml(model_file: str, cases: Sequence[Case]) -> bytes:
    """Test cases in the DMN TCK format."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
        f"  <modelName>{escape(model_file)}</modelName>",
    ]
    for ident, inputs, expected in cases:
        lines.append(f"  <testCase id={quoteattr(ident)}>")
        for name, value in inputs.items():
            lines.append(f"    <inputNode name={quoteattr(name)}>{_value(value)}</inputNode>")
        for name, value in expected.items():
            lines.append(
                f"    <resultNode name={quoteattr(name)}><expected>{_node(value)}"
                "</expected></resultNode>"
            )
        lines.append("  </testCase>")
    lines.append("</testCases>")
    return ("\n".join(lines) + "\n").encode()


def publish(root: Path, defs: m.Definitions, cases: Sequence[Case] | None = CASES) -> Path:
    """Write ``<root>/<model>/<version>.dmn`` (and its tests unless ``cases`` is None)."""
    version = defs.extensions["model.version"]
    folder = root / defs.extensions["model.id"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}.dmn"
    path.write_bytes(write_dmn(defs))
    if cases is not None:
        (folder / f"{version}.tests.xml").write_bytes(tests_xml(path.name, cases))
    return path
