"""The DMN 1.5 writer: schema-valid, deterministic, faithful to the model (round trips)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from service.dmn import model as m
from service.dmn import read_dmn, write_dmn

DATA = Path(__file__).resolve().parent / "data"
KITCHEN_SINK = DATA / "kitchen_sink.dmn"
# The writer's output for kitchen_sink.dmn, committed: any change to the bytes shows in review.
# Regenerate with: .venv/bin/python -c "from service.dmn import *; import sys;
#   sys.stdout.buffer.write(write_dmn(read_dmn('tests/dmn/data/kitchen_sink.dmn')))"
WRITTEN = DATA / "kitchen_sink.written.dmn"

SchemaErrors = Callable[[bytes], list[str]]


def minimal(**changes: object) -> m.Definitions:
    """A one-decision model built in Python, without ids."""
    decision = m.Decision(
        name="Greeting",
        variable=m.InformationItem(name="Greeting", type_ref="string"),
        expression=m.LiteralExpression(text='"Hello"'),
    )
    return dataclasses.replace(
        m.Definitions(name="minimal", namespace="https://t", decisions=[decision]), **changes
    )


def test_kitchen_sink_output_is_the_committed_snapshot() -> None:
    assert write_dmn(read_dmn(KITCHEN_SINK)) == WRITTEN.read_bytes()


@pytest.mark.parametrize("name", ["kitchen_sink.dmn", "dmn11_sample.dmn"])
def test_sample_writes_schema_valid_and_round_trips(name: str, schema_errors: SchemaErrors) -> None:
    original = read_dmn(DATA / name)
    written = write_dmn(original)
    assert schema_errors(written) == []
    assert read_dmn(written) == dataclasses.replace(original, dmn_version="1.5")


def test_layout_declaration_indentation_and_final_newline() -> None:
    lines = write_dmn(minimal()).decode("utf-8").split("\n")
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
    assert lines[1].startswith('<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" ')
    assert lines[2] == '  <decision name="Greeting">'
    assert lines[3] == '    <variable name="Greeting" typeRef="string"/>'
    assert lines[-1] == ""


def test_a_model_built_in_python_writes_valid_dmn(schema_errors: SchemaErrors) -> None:
    written = write_dmn(minimal())
    assert schema_errors(written) == []
    assert read_dmn(written) == minimal()


def test_same_model_same_bytes_whatever_the_dict_order() -> None:
    one = minimal(extensions={"b": "2", "a": "1"})
    other = minimal(extensions={"a": "1", "b": "2"})
    assert write_dmn(one) == write_dmn(other) == write_dmn(read_dmn(write_dmn(one)))


def test_extensions_are_sorted_properties_in_the_tablerx_namespace() -> None:
    text = write_dmn(minimal(extensions={"model.version": "1", "model.id": "x"})).decode()
    assert 'xmlns:tablerx="https://tablerx.dev/dmn/extensions/1"' in text
    assert text.index('name="model.id"') < text.index('name="model.version"')
    assert "tablerx" not in write_dmn(minimal()).decode()  # declared only when used


def test_awkward_characters_survive_the_round_trip(schema_errors: SchemaErrors) -> None:
    awkward = "a < b & c > \"d\" 'e'\r\n\tf  "
    defs = minimal(description=awkward, extensions={"note": awkward}, label=awkward)
    defs.decisions[0].expression = m.LiteralExpression(text=awkward)
    written = write_dmn(defs)
    assert schema_errors(written) == []
    assert read_dmn(written) == defs


def test_text_xml_cannot_carry_raises_value_error() -> None:
    defs = minimal()
    defs.decisions[0].expression = m.LiteralExpression(text="bell \x07")
    with pytest.raises(ValueError, match="U\\+0007"):
        write_dmn(defs)


def test_empty_texts_and_defaults_round_trip(schema_errors: SchemaErrors) -> None:
    defs = minimal()
    defs.decisions[0].expression = m.FunctionDefinition(body=m.LiteralExpression())
    defs.item_definitions = [m.ItemDefinition(name="t", type_ref="number", allowed_values="")]
    written = write_dmn(defs)
    assert schema_errors(written) == []
    assert "kind=" not in written.decode()  # FEEL is the schema's default kind
    assert read_dmn(written) == defs
