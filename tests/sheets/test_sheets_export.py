"""DMN -> workbook: tablerx models come back cell for cell, other tools' models laid out fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from sheets_helpers import GOLDEN, REPO, tck_location

from service.dmn import model as m
from service.sheets.compiler import compile_workbook
from service.sheets.diagnostics import format_diagnostic
from service.sheets.export import ExportError, export_model
from service.sheets.flatten import flatten

WORKBOOKS = [
    REPO / "docs" / "examples" / "starter.xlsx",
    GOLDEN / "features.xlsx",
    *sorted((REPO / "spreadsheets").glob("[!~.]*.xlsx")),  # the real clinical workbooks
]
TCK_SAMPLES = [
    "compliance-level-2/0004-simpletable-U",
    "compliance-level-2/0008-LX-arithmetic",
    "compliance-level-2/0105-feel-math",
    "compliance-level-2/0118-multi-priority-hitpolicy",
    "compliance-level-3/0037-dt-on-bkm-implicit-params",
    "compliance-level-3/0031-user-defined-functions",
]


def _recompile(dmn: bytes, folder: Path, name: str) -> bytes:
    """Export ``dmn`` to ``folder/name`` and compile that workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "model.dmn"
    source.write_bytes(dmn)
    export_model(source, folder / name)
    result = compile_workbook(folder / name)
    assert result.ok and result.dmn is not None, [format_diagnostic(d) for d in result.diagnostics]
    return result.dmn


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.stem)
def test_workbook_dmn_workbook_dmn_is_identical(workbook: Path, tmp_path: Path) -> None:
    first = compile_workbook(workbook).dmn
    assert first is not None
    assert _recompile(first, tmp_path, workbook.name) == first


def _tck_folder(name: str) -> Path:
    folder = tck_location() / name
    if not folder.is_dir():
        pytest.skip(f"the DMN TCK is not at {tck_location()} (set TABLERX_TCK_DIR)")
    return folder


@pytest.mark.parametrize("name", TCK_SAMPLES)
def test_other_tools_models_export_compile_and_still_pass_their_tests(
    name: str, tmp_path: Path
) -> None:
    from service.tck.runner import run_folder

    folder = _tck_folder(name)
    model = next(folder.glob("*.dmn"))
    export_model(model, tmp_path / "exported.xlsx")
    first = compile_workbook(tmp_path / "exported.xlsx")
    assert first.ok and first.dmn is not None, [format_diagnostic(d) for d in first.diagnostics]
    assert _recompile(first.dmn, tmp_path / "again", "exported.xlsx") == first.dmn
    rerun = tmp_path / "compliance" / folder.name
    rerun.mkdir(parents=True)
    (rerun / model.name).write_bytes(first.dmn)
    for test_file in folder.glob("*-test-*.xml"):
        shutil.copy(test_file, rerun)
    statuses = {r.case_id: r.status for r in run_folder(rerun)}
    assert statuses and set(statuses.values()) == {"SUCCESS"}, statuses


FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"
    id="d" name="Foreign" namespace="urn:foreign">
  <inputData id="i1" name="Age"><variable name="Age" typeRef="number"/></inputData>
  <decision id="d1" name="Boxed">
    <variable name="Boxed"/>
    <informationRequirement><requiredInput href="#i1"/></informationRequirement>
    <context>
      <contextEntry><variable name="double"/>
        <literalExpression><text>Age * 2</text></literalExpression></contextEntry>
      <contextEntry><literalExpression><text>double + 1</text></literalExpression></contextEntry>
    </context>
  </decision>
  <decision id="d2" name="Nested">
    <variable name="Nested"/>
    <informationRequirement><requiredInput href="#i1"/></informationRequirement>
    <context>
      <contextEntry><variable name="t"/>
        <decisionTable id="dt">
          <input id="in1"><inputExpression><text>Age</text></inputExpression></input>
          <output id="o1"/><rule id="r1"><inputEntry id="e1"><text>-</text></inputEntry>
          <outputEntry id="e2"><text>1</text></outputEntry></rule></decisionTable>
      </contextEntry>
    </context>
  </decision>
  <decisionService id="s1" name="Service"><variable name="Service"/>
    <outputDecision href="#d1"/></decisionService>
</definitions>
"""


def test_foreign_parts_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "foreign.dmn"
    source.write_text(FOREIGN)
    notes = export_model(source, tmp_path / "foreign.xlsx")
    assert {n.code for n in notes} == {"EXPORTED_AS_TEXT", "NOT_EXPORTABLE"}
    assert (
        sum(n.code == "NOT_EXPORTABLE" for n in notes) == 2
    )  # the nested table, the decision service
    result = compile_workbook(tmp_path / "foreign.xlsx")
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    texts = {d.name: d.expression.text for d in result.definitions.decisions}  # type: ignore[union-attr]
    assert texts["Boxed"] == '{"double": Age * 2, "result": double + 1}.result'


def test_an_unreadable_model_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "broken.dmn"
    source.write_text("<definitions")
    with pytest.raises(ExportError) as raised:
        export_model(source, tmp_path / "out.xlsx")
    assert raised.value.code == "DMN_UNREADABLE"


def test_exported_rule_cells_offer_the_inputs_allowed_values(tmp_path: Path) -> None:
    dmn = compile_workbook(REPO / "docs" / "examples" / "starter.xlsx").dmn
    source = tmp_path / "model.dmn"
    source.write_bytes(dmn or b"")
    export_model(source, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Pathway"]
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(r.startswith("C9") for r in ranges), ranges  # the ecog column of care_pathway


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        (m.List(items=[m.LiteralExpression(text="1"), m.LiteralExpression(text="a")]), "[1, a]"),
        (
            m.Conditional(
                condition=m.LiteralExpression(text="x"),
                then=m.LiteralExpression(text="1"),
                otherwise=m.LiteralExpression(text="2"),
            ),
            "if (x) instance of boolean then (if (x) then (1) else (2)) else null",
        ),
        (
            m.Filter(
                source=m.LiteralExpression(text="l"), match=m.LiteralExpression(text="item > 1")
            ),
            "(l)[item > 1]",
        ),
        (
            m.Iterator(
                kind="for",
                variable="i",
                source=m.LiteralExpression(text="l"),
                body=m.LiteralExpression(text="i + 1"),
            ),
            "for i in (l) return (i + 1)",
        ),
        (
            m.Invocation(
                called=m.LiteralExpression(text="f"),
                bindings=[
                    m.Binding(
                        parameter=m.InformationItem(name="a"), value=m.LiteralExpression(text="1")
                    )
                ],
            ),
            "f(a: 1)",
        ),
        (
            m.FunctionDefinition(
                parameters=[m.InformationItem(name="a", type_ref="number")],
                body=m.LiteralExpression(text="a * 2"),
            ),
            "function(a: number) a * 2",
        ),
        (
            m.Relation(
                columns=[m.InformationItem(name="x")], rows=[[m.LiteralExpression(text="1")]]
            ),
            '[{"x": 1}]',
        ),
        (m.DecisionTable(), None),
    ],
)
def test_boxed_expressions_as_feel(expression: m.Expression, text: str | None) -> None:
    assert flatten(expression) == text


def test_an_exported_workbook_sizes_its_columns(tmp_path: Path) -> None:
    source = tmp_path / "starter.dmn"
    source.write_bytes(compile_workbook(REPO / "docs" / "examples" / "starter.xlsx").dmn or b"")
    export_model(source, tmp_path / "exported.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "exported.xlsx")["Pathway"]
    assert sheet["A5"].value == "Decision table"
    assert sheet.column_dimensions["A"].width >= len("Decision table") * 1.2
    rationale = sheet.column_dimensions["E"].width
    assert 30 <= rationale <= 50  # wide enough to read, long rationales wrap
