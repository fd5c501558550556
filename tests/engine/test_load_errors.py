"""Loading: broken models raise ModelError listing every problem; warnings are kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from engine_builders import dec, definitions, inp, table

from service.dmn import model as m
from service.engine import ModelError, load_definitions, load_files

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="Small"
             namespace="https://tablerx.dev/tests/small">
  <inputData id="i_age" name="Age"><variable name="Age" typeRef="number"/></inputData>
  <decision id="d_band" name="Band">
    <variable name="Band" typeRef="string"/>
    <informationRequirement><requiredInput href="#i_age"/></informationRequirement>
    <decisionTable id="t_band" hitPolicy="UNIQUE">
      <input id="c_age"><inputExpression typeRef="number"><text>Age</text></inputExpression></input>
      <output id="c_band" name="Band"/>
      <rule id="r_minor"><inputEntry id="e1"><text>{cell}</text></inputEntry>
        <outputEntry id="o1"><text>"minor"</text></outputEntry></rule>
      <rule id="r_adult"><inputEntry id="e2"><text>&gt;= 18</text></inputEntry>
        <outputEntry id="o2"><text>"adult"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_load_files_and_evaluate(tmp_path: Path) -> None:
    path = tmp_path / "small.dmn"
    path.write_text(DMN.format(cell="&lt; 18"), encoding="utf-8")
    model = load_files([path])["Small"]
    assert model.evaluate({"Age": Decimal(9)}).values == {"Band": "minor"}


def test_syntax_error_in_a_cell_names_the_element_and_shows_a_caret(tmp_path: Path) -> None:
    path = tmp_path / "small.dmn"
    path.write_text(DMN.format(cell="&lt; 18 +"), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_files([path])
    (problem,) = caught.value.diagnostics
    assert problem.code == "ENGINE_FEEL_SYNTAX"
    assert (problem.element_id, problem.file, problem.line) == ("e1", str(path), 11)
    assert "decision 'Band'" in problem.message and "rule 1" in problem.message
    assert "< 18 +" in problem.message and "^" in problem.message


def test_every_problem_is_listed() -> None:
    bad = table(["x"], "out", [(["> "], '"a"'), (["-"], '"b" +')])
    defs = definitions(inp("x"), dec("A", bad, ["x"]), dec("B", "1 +* 2"))
    with pytest.raises(ModelError) as caught:
        load_definitions([defs])
    assert [d.element_id for d in caught.value.diagnostics] == ["r1", "r2", "d_B"]


def test_unreadable_file_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.dmn"
    path.write_text("<definitions", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_files([path, tmp_path / "absent.dmn"])
    assert [d.code for d in caught.value.diagnostics] == ["DMN_XML_MALFORMED", "DMN_IO"]


def test_unresolved_import_and_duplicate_namespace() -> None:
    lonely = definitions(
        imports=[
            m.Import(
                namespace="urn:missing",
                name="x",
                import_type="https://www.omg.org/spec/DMN/20230324/MODEL/",
            )
        ]
    )
    with pytest.raises(ModelError) as caught:
        load_definitions([lonely, definitions(name="again")])
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes == ["ENGINE_DUPLICATE_NAMESPACE", "ENGINE_UNRESOLVED_IMPORT"]


def test_warnings_do_not_stop_loading() -> None:
    models = load_definitions([definitions(inp("x", "tNowhere"), dec("A", "x", ["x"]))])
    assert [d.code for d in models.diagnostics] == ["ENGINE_UNKNOWN_TYPE"]
    assert all(d.severity == "warning" for d in models.diagnostics)
