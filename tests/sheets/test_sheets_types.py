"""The Types block: named, structured, list and constrained types, as DMN item definitions.

A workbook built here declares types on their own sheet; inputs, decision columns,
knowledge model parameters, expressions and results use them. The compiled model must be
schema-valid, run its own test cases, check rule cells against the declared types, and
come back identical through ``tablerx export``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sheets_helpers import MODEL, at, compile_rows, tck_location

from service.dmn import model as m
from service.dmn import read_dmn
from service.engine import load_definitions
from service.sheets.compiler import Compilation, compile_workbook
from service.sheets.diagnostics import format_diagnostic
from service.sheets.export import export_model
from service.tck.reader import read_test_file
from service.tck.runner import run_case

TYPES: list[list[Any]] = [
    ["Types"],
    ["Name", "Type", "Allowed values", "Description"],
    ["grade", "integer", "[0..4]", "a performance grade"],
    ["her2_result", "string", "positive, negative", ""],
    ["low_grade", "grade", "[0..2]", "narrows grade"],
    ["patient", "structure", "", "who is treated"],
    ["patient.age", "number", ">= 0"],
    ["patient.address", "structure"],
    ["patient.address.city", "string"],
    ["patient.scores", "list of grade"],
    ["regimen", "structure"],
    ["regimen.name", "string"],
    ["regimen.lines", "list of number"],
    ["regimens", "list of regimen"],
    ["grades", "list of number", "[0..4]"],
]
INPUTS: list[list[Any]] = [
    ["Inputs"],
    ["Name", "Type", "Required"],
    ["ecog", "grade", "yes"],
    ["her2", "her2_result", "yes"],
    ["who", "patient", "no"],
    ["history", "grades", "no"],
]
TABLE: list[list[Any]] = [
    ["Decision table", "pathway"],
    ["Hit policy", "Unique"],
    ["Rule", "Input: her2", "Input: ecog", "Output: pathway"],
    ["1", '"positive"', "< 2", '"targeted"'],
    ["2", '"positive"', ">= 2", '"supportive"'],
    ["3", '"negative"', "-", '"chemotherapy"'],
]
PLAN: list[list[Any]] = [
    ["Decision table", "plan"],
    ["Hit policy", "Collect"],
    ["Result type", "regimens"],
    ["Rule", "Input: her2", "Output: name", "Output: lines"],
    ["1", '"positive"', '"Trastuzumab"', "[2, 3]"],
    ["2", "-", '"Best supportive care"', "[2, 3]"],
]
FIT: list[list[Any]] = [
    ["Knowledge model", "fit"],
    ["Parameters", "g: grade"],
    ["Result type", "boolean"],
    ["Hit policy", "First"],
    ["Input: g", "Output: fit"],
    ["< 2", "true"],
    ["-", "false"],
]
DERIVED: list[list[Any]] = [
    ["Expressions"],
    ["Name", "Expression", "Type"],
    ["city", "who.address.city", "string"],
    ["is_fit", "fit(ecog)", "boolean"],
    ["worst", "max(history)", "grade"],
]
TESTS: list[list[Any]] = [
    ["Tests"],
    ["Test", "Input: ecog", "Input: her2", "Input: who", "Expected: pathway", "Expected: city"],
    ["t1", 1, "positive", '{age: 70, address: {city: "Lyon"}, scores: [1]}', "targeted", "Lyon"],
    ["t2", 3, "negative", None, "chemotherapy", None],
]


def _sheets(**replace: list[list[Any]]) -> dict[str, list[list[Any]]]:
    sheets = {
        "Model": MODEL,
        "Types": TYPES,
        "Inputs": INPUTS,
        "Pathway": TABLE,
        "Plan": PLAN,
        "Fit": FIT,
        "Derived": DERIVED,
        "Tests": TESTS,
    }
    sheets.update(replace)
    return sheets


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compilation:
    """The typed workbook compiled once."""
    result = compile_rows(tmp_path_factory.mktemp("types"), _sheets())
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    return result


def _items(result: Compilation) -> dict[str, m.ItemDefinition]:
    assert result.definitions is not None
    return {item.name: item for item in result.definitions.item_definitions}


def _shape(item: m.ItemDefinition) -> object:
    """An item definition as nested tuples: (name, typeRef, list, allowed, components)."""
    return (
        item.name,
        item.type_ref,
        item.is_collection,
        item.allowed_values,
        [_shape(c) for c in item.components],
    )


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("grade", ("grade", "number", False, "[0..4]", [])),
        ("her2_result", ("her2_result", "string", False, '"positive", "negative"', [])),
        ("low_grade", ("low_grade", "grade", False, "[0..2]", [])),
        ("regimens", ("regimens", "regimen", True, None, [])),
        ("grades", ("grades", "number", True, "[0..4]", [])),
        (
            "patient",
            (
                "patient",
                None,
                False,
                None,
                [
                    ("age", "number", False, ">= 0", []),
                    ("address", None, False, None, [("city", "string", False, None, [])]),
                    ("scores", "grade", True, None, []),
                ],
            ),
        ),
    ],
)
def test_types_become_item_definitions(compiled: Compilation, name: str, shape: object) -> None:
    assert _shape(_items(compiled)[name]) == shape


def test_declared_types_carry_their_cells_and_whole_numbers(compiled: Compilation) -> None:
    grade = _items(compiled)["grade"]
    assert grade.id == "type_grade"
    assert grade.extensions == {
        "source.sheet": "Types",
        "source.cell": "'Types'!A3",
        "type.integer": "true",
    }
    city = _items(compiled)["patient"].components[1].components[0]
    assert city.id == "Types_A9" and city.extensions["source.cell"] == "'Types'!A9"


def test_elements_name_the_declared_types(compiled: Compilation) -> None:
    defs = compiled.definitions
    assert defs is not None
    inputs = {i.name: i for i in defs.input_data}
    assert {n: i.variable.type_ref for n, i in inputs.items()} == {
        "ecog": "grade",
        "her2": "her2_result",
        "who": "patient",
        "history": "grades",
    }
    assert inputs["ecog"].extensions["input.integer"] == "true"  # a grade is a whole number
    decisions = {d.name: d.variable.type_ref for d in defs.decisions}
    assert decisions["plan"] == "regimens" and decisions["worst"] == "grade"
    bkm = defs.business_knowledge_models[0]
    assert bkm.logic is not None and bkm.logic.parameters[0].type_ref == "grade"
    assert bkm.variable.type_ref == "boolean"


def test_the_model_runs_its_tests_and_structures(compiled: Compilation, tmp_path: Path) -> None:
    assert compiled.dmn is not None and compiled.tests is not None
    defs = read_dmn(compiled.dmn)
    model = load_definitions([defs]).get(defs.name)
    assert model is not None
    tests = tmp_path / "cases.xml"
    tests.write_bytes(compiled.tests)
    outcomes = {case.id: run_case(model, case) for case in read_test_file(tests).cases}
    assert all(status == "SUCCESS" for status, _ in outcomes.values()), outcomes
    result = model.evaluate({"ecog": Decimal(1), "her2": "positive", "history": [Decimal(2)]})
    assert result.values["worst"] == Decimal(2)
    assert [r["name"] for r in result.values["plan"]] == ["Trastuzumab", "Best supportive care"]


def test_the_model_is_valid_against_the_schema(compiled: Compilation) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema_file = tck_location() / "DMN15.xsd"
    if not schema_file.exists():
        pytest.skip(f"the DMN schemas are not at {tck_location()} (set TABLERX_TCK_DIR)")
    schema = etree.XMLSchema(etree.parse(str(schema_file)))
    assert schema.validate(etree.fromstring(compiled.dmn)), schema.error_log


def test_export_brings_the_types_back_cell_for_cell(compiled: Compilation, tmp_path: Path) -> None:
    assert compiled.dmn is not None
    source = tmp_path / "model.dmn"
    source.write_bytes(compiled.dmn)
    (tmp_path / "out").mkdir()
    assert export_model(source, tmp_path / "out" / compiled.path.name) == []
    again = compile_workbook(tmp_path / "out" / compiled.path.name)
    assert again.dmn == compiled.dmn, [format_diagnostic(d) for d in again.diagnostics]


@pytest.mark.parametrize(
    ("sheets", "code", "cell"),
    [
        ({"Pathway": [*TABLE, ["4", '"postive"', "-", '"x"']]}, "NOT_ALLOWED_VALUE", "Pathway!B7"),
        ({"Pathway": [*TABLE, ["4", '"negative"', "5", '"x"']]}, "NOT_ALLOWED_VALUE", "Pathway!C7"),
        ({"Pathway": [*TABLE, ["4", '"negative"', "1.5", '"x"']]}, "WRONG_TYPE", "Pathway!C7"),
        ({"Types": [*TYPES, ["odd", "grade", "2.5"]]}, "WRONG_TYPE", "Types!C16"),
        ({"Types": [*TYPES, ["odd", "low_grade", "3"]]}, "NOT_ALLOWED_VALUE", "Types!C16"),
        ({"Types": [*TYPES, ["odd", "mystery"]]}, "TYPE_UNKNOWN", "Types!B16"),
        ({"Types": [*TYPES, ["grade", "number"]]}, "NAME_DUPLICATE", "Types!A16"),
        ({"Types": [*TYPES, ["integer", "number"]]}, "NAME_INVALID", "Types!A16"),
        ({"Types": [*TYPES, ["odd"]]}, "VALUE_MISSING", "Types!B16"),
        ({"Types": [*TYPES, ["odd", "number", "[0..1"]]}, "FEEL_SYNTAX", "Types!C16"),
        ({"Inputs": [*INPUTS, ["size", "patient.age", "no"]]}, "TYPE_UNKNOWN", "Inputs!B7"),
        ({"Fit": [FIT[0], ["Parameters", "g: grad"], *FIT[2:]]}, "TYPE_UNKNOWN", "Fit!B2"),
        (
            {"Types": [*TYPES, ["odd", "structure", "1"], ["odd.x", "number"]]},
            "TYPE_ALLOWED_VALUES",
            "Types!C16",
        ),
        ({"Types": [*TYPES, ["odd", "number", "[0..top]"]]}, "TYPE_ALLOWED_VALUES", "Types!C16"),
        ({"Types": [*TYPES, ["odd", "structure"]]}, "TYPE_COMPONENTS", "Types!B16"),
        ({"Types": [*TYPES, ["odd", "list of structure"]]}, "TYPE_COMPONENTS", "Types!B16"),
        ({"Types": [*TYPES, ["grade.x", "number"]]}, "TYPE_COMPONENTS", "Types!A16"),
        ({"Types": [*TYPES, ["odd.x", "number"]]}, "TYPE_COMPONENTS", "Types!A16"),
        ({"Types": [*TYPES, ["odd", "odd"]]}, "TYPE_CYCLE", "Types!A16"),
        ({"Types": [*TYPES, ["odd", "list of odd2"], ["odd2", "odd"]]}, "TYPE_CYCLE", "Types!A16"),
        ({"Types": [*TYPES, ["odd.", "number"]]}, "NAME_INVALID", "Types!A16"),
        (
            {"Plan": [PLAN[0], PLAN[1], ["Result type", "regimes"], *PLAN[3:]]},
            "TYPE_UNKNOWN",
            "Plan!B3",
        ),
    ],
)
def test_type_mistakes_are_reported_at_their_cells(
    tmp_path: Path, sheets: dict[str, list[list[Any]]], code: str, cell: str
) -> None:
    result = compile_rows(tmp_path, _sheets(**sheets))
    assert cell in at(result, code), [format_diagnostic(d) for d in result.diagnostics]
    assert result.dmn is None


def test_a_types_row_under_a_table_header_is_not_a_block(tmp_path: Path) -> None:
    table = [*TABLE[:3], ["Types", "string", "number", "string"], *TABLE[3:]]
    result = compile_rows(tmp_path, _sheets(Pathway=table))
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    assert result.definitions is not None
    pathway = next(d for d in result.definitions.decisions if d.name == "pathway")
    assert isinstance(pathway.expression, m.DecisionTable)
    assert [i.input_expression.type_ref for i in pathway.expression.inputs] == ["string", "number"]


# TCK models whose item definitions are structures, collections of structures, constrained
# types, nested structures, types tested with `instance of`, and function types (reported).
STRUCTURED_TCK = [
    "compliance-level-2/0008-LX-arithmetic",
    "compliance-level-2/0109-ruleOrder-hitpolicy",
    "compliance-level-2/0113-outputOrder-hitpolicy-singleinoutcol",
    "compliance-level-3/0004-lending",
    "compliance-level-3/0031-user-defined-functions",
    "compliance-level-3/0070-feel-instance-of",
    "compliance-level-3/0087-chapter-11-example",
]


def _type_shape(item: m.ItemDefinition) -> object:
    """An item definition as compared across a round trip: ``Any`` and no typeRef are one."""
    from service.sheets.exporttypes import base_name

    return (
        item.name,
        base_name(item.type_ref) if item.type_ref else "Any",
        item.is_collection,
        (item.allowed_values or "").replace(" ", "") or None,
        [_type_shape(c) for c in item.components],
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", STRUCTURED_TCK)
def test_tck_models_with_types_survive_the_round_trip(name: str, tmp_path: Path) -> None:
    import shutil

    from service.tck.runner import run_folder

    folder = tck_location() / name
    if not folder.is_dir():
        pytest.skip(f"the DMN TCK is not at {tck_location()} (set TABLERX_TCK_DIR)")
    model = next(folder.glob("*.dmn"))
    notes = export_model(model, tmp_path / "exported.xlsx")
    first = compile_workbook(tmp_path / "exported.xlsx")
    assert first.ok and first.dmn is not None, [format_diagnostic(d) for d in first.diagnostics]
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "model.dmn").write_bytes(first.dmn)
    export_model(tmp_path / "again" / "model.dmn", tmp_path / "again" / "exported.xlsx")
    assert compile_workbook(tmp_path / "again" / "exported.xlsx").dmn == first.dmn

    left_out = " ".join(n.message for n in notes if n.code == "NOT_EXPORTABLE")
    recompiled = {i.name: _type_shape(i) for i in read_dmn(first.dmn).item_definitions}
    for item in read_dmn(model).item_definitions:
        if f"{item.name!r}" not in left_out:
            assert recompiled.get(item.name) == _type_shape(item), item.name

    rerun = tmp_path / folder.parent.name / folder.name
    rerun.mkdir(parents=True)
    (rerun / model.name).write_bytes(first.dmn)
    for test_file in folder.glob("*-test-*.xml"):
        shutil.copy(test_file, rerun)
    before = {r.key: r.status for r in run_folder(folder)}
    after = {r.key: r.status for r in run_folder(rerun)}
    assert after == before and set(before.values()) == {"SUCCESS"}


FOREIGN_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"
    id="d" name="Foreign types" namespace="urn:foreign-types">
  <itemDefinition name="tNode"><itemComponent name="next"><typeRef>tLink</typeRef>
    </itemComponent></itemDefinition>
  <itemDefinition name="tLink"><typeRef>tNode</typeRef></itemDefinition>
  <itemDefinition name="tFn"><functionItem outputTypeRef="string"/></itemDefinition>
  <itemDefinition name="tUsesFn" isCollection="true"><typeRef>tFn</typeRef></itemDefinition>
  <itemDefinition name="tColour"><typeRef>string</typeRef>
    <allowedValues><text>"red", "green"</text></allowedValues></itemDefinition>
  <itemDefinition name="tDated"><typeRef>feel:dateTime</typeRef></itemDefinition>
  <inputData id="i1" name="Colour"><variable name="Colour" typeRef="tColour"/></inputData>
  <inputData id="i2" name="Node"><variable name="Node" typeRef="tNode"/></inputData>
  <decision id="d1" name="Warm">
    <variable name="Warm" typeRef="boolean"/>
    <informationRequirement><requiredInput href="#i1"/></informationRequirement>
    <literalExpression><text>Colour = "red"</text></literalExpression>
  </decision>
</definitions>
"""


def test_types_a_workbook_cannot_hold_are_reported_and_become_any(tmp_path: Path) -> None:
    source = tmp_path / "foreign.dmn"
    source.write_text(FOREIGN_TYPES)
    notes = export_model(source, tmp_path / "foreign.xlsx")
    left_out = sorted(
        re.search(r"'([^']+)' cannot be written", n.message).group(1)  # type: ignore[union-attr]
        for n in notes
        if n.code == "NOT_EXPORTABLE"
    )
    assert left_out == ["tFn", "tLink", "tNode", "tUsesFn"]
    result = compile_workbook(tmp_path / "foreign.xlsx")
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    items = _items(result)
    assert sorted(items) == ["tColour", "tDated"]
    assert items["tDated"].type_ref == "date and time"
    assert result.definitions is not None
    types = {i.name: i.variable.type_ref for i in result.definitions.input_data}
    assert types == {"Colour": "tColour", "Node": "context"}  # a structure: any record
