"""The DMN reader: every element kind of the model, DMN 1.1-1.5 namespaces, DMN 1.1 QNames."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from service.dmn import model as m
from service.dmn import read_dmn
from service.dmn.reader import DMN_NAMESPACES

DATA = Path(__file__).resolve().parent / "data"
KITCHEN_SINK = DATA / "kitchen_sink.dmn"
DMN11 = DATA / "dmn11_sample.dmn"
DMN15_NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"


def pick(obj: Any, path: str) -> Any:
    """Follow a path like ``decisions[0].expression.rules[1].id`` from ``obj``."""
    for part in path.split("."):
        match = re.fullmatch(r"(\w+)((?:\[\d+\])*)", part)
        assert match, part
        obj = getattr(obj, match.group(1))
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            obj = obj[int(index)]
    return obj


@pytest.fixture(scope="module")
def sink() -> m.Definitions:
    return read_dmn(KITCHEN_SINK)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("name", "Kitchen sink"),
        ("id", "defs"),
        ("namespace", "https://tablerx.dev/models/kitchen-sink"),
        ("dmn_version", "1.5"),
        ("expression_language", "https://www.omg.org/spec/DMN/20230324/FEEL/"),
        ("description", "A model touching every element kind."),
        ("extensions", {"model.version": "0.1.0", "model.id": "kitchen-sink"}),
        ("imports[0].name", "other"),
        ("imports[0].import_type", "https://www.omg.org/spec/DMN/20230324/MODEL/"),
        ("imports[0].location_uri", "other.dmn"),
        ("item_definitions[0].label", "Grade"),
        ("item_definitions[0].type_ref", "number"),
        ("item_definitions[0].allowed_values", "[0..4]"),
        ("item_definitions[0].type_constraint", ">= 0"),
        ("item_definitions[0].function_parameters", None),
        ("item_definitions[1].components[1].is_collection", True),
        ("item_definitions[1].components[1].components[0].type_ref", "string"),
        ("item_definitions[2].is_collection", True),
        ("item_definitions[2].type_language", "https://www.omg.org/spec/DMN/20230324/FEEL/"),
        ("item_definitions[3].function_output_type_ref", "number"),
        ("item_definitions[3].function_parameters[0].type_ref", "tPatient"),
        ("item_definitions[4].function_parameters", []),
        ("input_data[0].label", "The patient"),
        ("input_data[0].extensions", {"input.required": "true"}),
        ("input_data[0].variable.type_ref", "tPatient"),
        ("decisions[0].question", "How much?"),
        ("decisions[0].allowed_answers", "A number"),
        ("decisions[0].description", "Collects and sums."),
        ("decisions[0].requirements[0]", m.Requirement(kind="input", href="#i_patient", id="ir1")),
        ("decisions[0].requirements[2].kind", "authority"),
        ("decisions[0].expression.hit_policy", "COLLECT"),
        ("decisions[0].expression.aggregation", "SUM"),
        ("decisions[0].expression.preferred_orientation", "Rule-as-Row"),
        ("decisions[0].expression.output_label", "Points"),
        ("decisions[0].expression.type_ref", "number"),
        ("decisions[0].expression.inputs[0].label", "Age"),
        ("decisions[0].expression.inputs[0].input_expression.text", "Patient.age"),
        ("decisions[0].expression.inputs[0].input_values.text", "[0..150]"),
        ("decisions[0].expression.inputs[1].input_values", None),
        ("decisions[0].expression.outputs[0].name", "points"),
        ("decisions[0].expression.outputs[0].output_values.text", "1,2,3"),
        ("decisions[0].expression.outputs[0].default_output_entry.text", "0"),
        ("decisions[0].expression.annotations[1].name", "source"),
        ("decisions[0].expression.rules[0].input_entries[0].text", ">= 65"),
        ("decisions[0].expression.rules[0].output_entries[0].text", "2"),
        ("decisions[0].expression.rules[0].annotation_entries",
         ["age matters", "NCCN 2024 & ESMO"]),
        ("decisions[0].expression.rules[0].extensions",
         {"source.cell": "'T1'!A5", "source.row": "5"}),
        ("decisions[0].expression.rules[1].annotation_entries", []),
        ("decisions[1].requirements[1].href", "https://example.org/other#ext_decision"),
        ("decisions[1].requirements[2].kind", "knowledge"),
        ("decisions[1].expression.label", "boxed context"),
        ("decisions[1].expression.entries[0].id", "ce_rel"),
        ("decisions[1].expression.entries[0].value.columns[0].type_ref", "number"),
        ("decisions[1].expression.entries[0].value.rows[0][1].text", '"x"'),
        ("decisions[1].expression.entries[0].value.rows[1]", []),
        ("decisions[1].expression.entries[1].value.items[1]", m.List()),
        ("decisions[1].expression.entries[2].value.called.text", "Score"),
        ("decisions[1].expression.entries[2].value.bindings[0].parameter.name", "patient"),
        ("decisions[1].expression.entries[2].value.bindings[1].value", None),
        ("decisions[1].expression.entries[3].value.kind", "Java"),
        ("decisions[1].expression.entries[3].value.parameters[0].name", "x"),
        ("decisions[1].expression.entries[4].value", m.FunctionDefinition(kind="PMML")),
        ("decisions[1].expression.entries[5].value.condition.text", "Table > 1"),
        ("decisions[1].expression.entries[5].value.otherwise.text", '"low"'),
        ("decisions[1].expression.entries[6].value.source.text", "[1, 2, 3]"),
        ("decisions[1].expression.entries[6].value.match.text", "item > 1"),
        ("decisions[1].expression.entries[7].value.kind", "for"),
        ("decisions[1].expression.entries[7].value.variable", "x"),
        ("decisions[1].expression.entries[7].value.body.text", "x * 2"),
        ("decisions[1].expression.entries[8].value.kind", "every"),
        ("decisions[1].expression.entries[9].value.kind", "some"),
        ("decisions[1].expression.entries[9].value.body.text", "z > 1"),
        ("decisions[1].expression.entries[10].variable", None),
        ("decisions[1].expression.entries[10].value.text",
         "{rel: rel, items: items}\n  multi-line text\twith a tab"),
        ("decisions[2].expression", None),
        ("business_knowledge_models[0].logic.parameters[0].type_ref", "tPatient"),
        ("business_knowledge_models[0].logic.body.text", "patient.age / 10"),
        ("business_knowledge_models[0].requirements[0].href", "#bkm_helper"),
        ("business_knowledge_models[1].logic", None),
        ("decision_services[0].output_decisions", ["#d_ctx"]),
        ("decision_services[0].encapsulated_decisions", ["#d_empty"]),
        ("decision_services[0].input_decisions", ["#d_table"]),
        ("decision_services[0].input_data", ["#i_patient"]),
        ("knowledge_sources[0].type", "guideline"),
        ("knowledge_sources[0].owner", "#org_unit"),
        ("knowledge_sources[0].location_uri", "https://example.org/guideline.pdf"),
        ("knowledge_sources[0].requirements[0].kind", "authority-input"),
        ("knowledge_sources[0].requirements[1].kind", "authority-decision"),
    ],
)  # fmt: skip
def test_kitchen_sink_field(sink: m.Definitions, path: str, expected: Any) -> None:
    assert pick(sink, path) == expected


@pytest.mark.parametrize(("namespace", "version"), sorted(DMN_NAMESPACES.items()))
def test_every_dmn_version_namespace_reads_the_same_model(
    sink: m.Definitions, namespace: str, version: str
) -> None:
    text = KITCHEN_SINK.read_text(encoding="utf-8")
    text = text.replace(f'xmlns="{DMN15_NS}"', f'xmlns="{namespace}"')
    model = read_dmn(text.encode("utf-8"))
    assert model.dmn_version == version
    assert dataclasses.replace(model, dmn_version="1.5") == sink


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("dmn_version", "1.1"),
        ("imports[0].name", "imp"),  # 1.1 imports have no name: the file's prefix names them
        ("item_definitions[0].type_ref", "number"),  # feel:number
        ("item_definitions[0].allowed_values", "[0..150]"),
        ("item_definitions[1].type_ref", "date and time"),  # feel:dateTime
        ("item_definitions[2].components[0].type_ref", "tAge"),  # tns: is the model's namespace
        ("item_definitions[2].components[1].type_ref", "imp.tThing"),  # an imported type
        ("item_definitions[2].components[1].is_collection", True),  # xsd:boolean "1"
        ("input_data[0].variable.type_ref", "tAge"),
        ("decisions[0].expression.hit_policy", "COLLECT"),
        ("decisions[0].expression.aggregation", "SUM"),
        ("decisions[0].expression.output_label", "Score"),
        ("decisions[0].expression.inputs[0].input_expression.type_ref", "number"),
        ("decisions[0].expression.outputs[0].type_ref", "number"),
        ("decisions[0].expression.rules[0].input_entries[0].text", "< 18"),
        ("decisions[1].variable.type_ref", "days and time duration"),
        ("decisions[1].expression.type_ref", "days and time duration"),
        ("decisions[2].expression.bindings[0].value.text", "Score"),
        ("business_knowledge_models[0].logic.kind", "FEEL"),
        ("business_knowledge_models[0].logic.parameters[0].type_ref", "number"),
        ("business_knowledge_models[0].logic.body.type_ref", "string"),
    ],
)
def test_dmn11_field(path: str, expected: Any) -> None:
    assert pick(read_dmn(DMN11), path) == expected


def test_dmn12_and_later_keep_typeref_strings_as_written() -> None:
    text = DMN11.read_text(encoding="utf-8").replace(
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "https://www.omg.org/spec/DMN/20211108/MODEL/",
    )
    model = read_dmn(text.encode("utf-8"))
    assert model.item_definitions[0].type_ref == "feel:number"  # only 1.1 typeRefs are QNames


def test_a_path_given_as_str_reads_like_a_path() -> None:
    assert read_dmn(str(KITCHEN_SINK)) == read_dmn(KITCHEN_SINK.read_bytes())


def test_is_feel_recognises_every_version_uri() -> None:
    assert all(m.is_feel(uri) for uri in m.FEEL_URIS)
    assert m.is_feel(None)
    assert not m.is_feel("http://www.w3.org/1999/XSL/Transform")
