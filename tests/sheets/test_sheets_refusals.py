"""Tests rows that expect the service to refuse the request: ``Expected: errors``, wrong values
sent as written, ``Extra:`` fields, and their encoding in the test-case file.

The last tests hold the encoding to what the service really answers: each refusal case of a
compiled workbook is run through the service's own request validation and guard tables
(``service/store/admission.py``), and a TCK runner that does not know the ``tablerx:errors``
result reports it as an unknown decision.
"""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path
from typing import Any

import pytest
from sheets_helpers import REPO, base_sheets, compile_rows

from service.dmn import read_dmn
from service.engine import load_definitions
from service.sheets.compiler import compile_workbook
from service.sheets.diagnostics import Where, format_diagnostic
from service.sheets.grid import Cell
from service.sheets.refusals import ERRORS_RESULT, REQUEST_CODES, written_literal
from service.sheets.types import TypeSpec
from service.store import admission
from service.tck.reader import read_test_file
from service.tck.runner import run_case

GUARD = [
    ["Decision table", "request_errors"],
    ["Hit policy", "Collect"],
    ["Role", "guard"],
    [
        "Rule",
        "Input: ecog",
        "Input: progressed",
        "Output: code",
        "Output: message",
        "Output: field",
    ],
    ["G1", ">= 3", "false", '"CONTRADICTION"', '"ECOG 3-4 without progression"', '"progressed"'],
]
HEADER = ["Test", "Input: ecog", "Input: her2", "Input: progressed", "Extra: smoker"]


def _tests(*rows: list[Any], expected: str = "Expected: errors") -> list[list[Any]]:
    return [["Tests"], [*HEADER, "Expected: pathway", expected], *rows]


def _compile(tmp_path: Path, *rows: list[Any]) -> Any:
    return compile_rows(tmp_path, base_sheets(Guard=GUARD, Tests=_tests(*rows)))


EXPECTED_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <modelName>1.0.0.dmn</modelName>
  <testCase id="T1">
    <inputNode name="ecog">
      <value xsi:type="xsd:decimal">1</value>
    </inputNode>
    <inputNode name="her2">
      <value xsi:type="xsd:string">positive</value>
    </inputNode>
    <inputNode name="progressed">
      <value xsi:type="xsd:boolean">true</value>
    </inputNode>
    <resultNode name="pathway" type="decision">
      <expected>
        <value xsi:type="xsd:string">systemic</value>
      </expected>
    </resultNode>
  </testCase>
  <testCase id="R1">
    <inputNode name="ecog">
      <value xsi:type="xsd:decimal">1.5</value>
    </inputNode>
    <inputNode name="her2">
      <value xsi:type="xsd:string">maybe</value>
    </inputNode>
    <inputNode name="progressed">
      <value xsi:type="xsd:string">yes</value>
    </inputNode>
    <resultNode name="tablerx:errors" type="decision">
      <expected>
        <list>
          <item>
            <value xsi:type="xsd:string">INVALID_TYPE ecog</value>
          </item>
          <item>
            <value xsi:type="xsd:string">INVALID_ENUM her2</value>
          </item>
          <item>
            <value xsi:type="xsd:string">INVALID_TYPE progressed</value>
          </item>
        </list>
      </expected>
    </resultNode>
  </testCase>
  <testCase id="R2">
    <inputNode name="her2">
      <value xsi:type="xsd:string">positive</value>
    </inputNode>
    <inputNode name="progressed">
      <value xsi:type="xsd:boolean">true</value>
    </inputNode>
    <inputNode name="smoker">
      <value xsi:type="xsd:boolean">true</value>
    </inputNode>
    <resultNode name="tablerx:errors" type="decision">
      <expected>
        <list>
          <item>
            <value xsi:type="xsd:string">MISSING_REQUIRED_FIELD ecog</value>
          </item>
          <item>
            <value xsi:type="xsd:string">UNKNOWN_FIELD smoker</value>
          </item>
        </list>
      </expected>
    </resultNode>
  </testCase>
  <testCase id="R3">
    <inputNode name="ecog">
      <value xsi:type="xsd:decimal">7</value>
    </inputNode>
    <inputNode name="her2">
      <value xsi:type="xsd:string">positive</value>
    </inputNode>
    <inputNode name="progressed">
      <value xsi:type="xsd:boolean">true</value>
    </inputNode>
    <resultNode name="tablerx:errors" type="decision">
      <expected>
        <list>
          <item>
            <value xsi:type="xsd:string">OUT_OF_RANGE ecog</value>
          </item>
        </list>
      </expected>
    </resultNode>
  </testCase>
  <testCase id="R4">
    <inputNode name="ecog">
      <value xsi:type="xsd:decimal">3</value>
    </inputNode>
    <inputNode name="her2">
      <value xsi:type="xsd:string">negative</value>
    </inputNode>
    <inputNode name="progressed">
      <value xsi:type="xsd:boolean">false</value>
    </inputNode>
    <resultNode name="tablerx:errors" type="decision">
      <expected>
        <list>
          <item>
            <value xsi:type="xsd:string">CONTRADICTION</value>
          </item>
        </list>
      </expected>
    </resultNode>
  </testCase>
</testCases>
"""

ROWS: list[list[Any]] = [
    ["T1", 1, "positive", True, None, "systemic", None],
    ["R1", 1.5, "maybe", "yes", None, None,
     "INVALID_TYPE ecog, INVALID_ENUM her2; invalid_type progressed"],
    ["R2", None, "positive", True, True, None, "MISSING_REQUIRED_FIELD ecog\nUNKNOWN_FIELD smoker"],
    ["R3", 7, "positive", True, None, None, "OUT_OF_RANGE: ecog"],
    ["R4", 3, "negative", False, None, None, "contradiction"],
]  # fmt: skip


def test_refusal_rows_compile_to_a_tablerx_errors_result(tmp_path: Path) -> None:
    result = _compile(tmp_path, *ROWS)
    assert result.ok, [format_diagnostic(d) for d in result.diagnostics]
    assert result.diagnostics == []
    assert result.tests is not None
    assert result.tests.decode() == EXPECTED_XML


def test_the_test_file_stays_valid_against_the_tck_schema(tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema_path = REPO.parent / "shared" / "tck" / "testCases.xsd"
    if not schema_path.exists():
        pytest.skip(f"the TCK schema is not at {schema_path}")
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    assert schema.validate(etree.fromstring(EXPECTED_XML.encode())), schema.error_log


# (row, the diagnostics expected as (code, cell))
MISTAKES: list[tuple[str, list[Any], list[tuple[str, str]]]] = [
    ("unknown code, with a suggestion", ["R", 7, "positive", True, None, None, "OUT_OF_RANG ecog"],
     [("ERROR_CODE_UNKNOWN", "G3")]),
    ("not a code at all", ["R", 7, "positive", True, None, None, "7 is too high"],
     [("REFUSAL_MISMATCH", "G3")]),
    ("field no input", ["R", 7, "positive", True, None, None, "OUT_OF_RANGE ecgo"],
     [("UNDECLARED_NAME", "G3")]),
    ("missing, but given", ["R", 1, "positive", True, None, None, "MISSING_REQUIRED_FIELD ecog"],
     [("REFUSAL_MISMATCH", "G3")]),
    ("missing, but optional", ["R", 1, "positive", True, None, None, "MISSING_REQUIRED_FIELD lvef"],
     [("REFUSAL_MISMATCH", "G3")]),
    ("out of range, but not given", ["R", None, "positive", True, None, None, "OUT_OF_RANGE ecog"],
     [("REFUSAL_MISMATCH", "G3")]),
    ("unknown field, none sent", ["R", 1, "positive", True, None, None, "UNKNOWN_FIELD"],
     [("REFUSAL_MISMATCH", "G3")]),
    ("extra field, refusal not expected", ["R", 1, "positive", True, "yes", "systemic", None],
     [("REFUSAL_MISMATCH", "E3")]),
    ("refused, yet a decision expected",
     ["R", 7, "positive", True, None, "bsc", "OUT_OF_RANGE ecog"],
     [("REFUSAL_MISMATCH", "F3")]),
    ("wrong types in an ordinary row", ["R", 1.5, "positive", "maybe", None, "systemic", None],
     [("WRONG_TYPE", "B3"), ("WRONG_TYPE", "D3")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "expected"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES]
)
def test_refusal_mistakes_are_reported_at_their_cells(
    tmp_path: Path, row: list[Any], expected: list[tuple[str, str]]
) -> None:
    result = _compile(tmp_path, row)
    found = [(d.code, d.cell) for d in result.diagnostics if d.sheet == "Tests"]
    assert found == expected, [format_diagnostic(d) for d in result.diagnostics]


def test_an_unknown_code_gets_the_closest_one_as_hint(tmp_path: Path) -> None:
    result = _compile(tmp_path, ["R", 3, "positive", False, None, None, "CONTRADICTON"])
    [found] = result.diagnostics
    assert found.hint == "did you mean CONTRADICTION?"
    assert found.span == (0, 12)


def test_an_extra_column_may_not_name_a_declared_input(tmp_path: Path) -> None:
    tests: list[list[Any]] = [
        ["Tests"],
        ["Test", "Extra: ecog", "Expected: errors"],
        ["R", 9, "UNKNOWN_FIELD"],
    ]
    result = compile_rows(tmp_path, base_sheets(Guard=GUARD, Tests=tests))
    assert ("VALUE_INVALID", "B2") in [(d.code, d.cell) for d in result.diagnostics]


def test_a_decision_named_errors_keeps_its_column(tmp_path: Path) -> None:
    table = [
        ["Decision table", "errors"],
        ["Hit policy", "Unique"],
        ["Rule", "Input: ecog", "Output: errors"],
        ["1", "-", '"none"'],
    ]
    tests: list[list[Any]] = [
        ["Tests"],
        ["Test", "Input: ecog", "Expected: errors"],
        ["T", 1, "none"],
    ]
    result = compile_rows(tmp_path, base_sheets(Errors=table, Tests=tests))
    assert result.ok and result.tests is not None
    assert b'<resultNode name="errors" type="decision">' in result.tests


D = decimal.Decimal
BOOLEAN, INTEGER, STRING = TypeSpec("boolean"), TypeSpec("number", integer=True), TypeSpec("string")


@pytest.mark.parametrize(
    ("value", "spec", "literal"),
    [
        ("yes", BOOLEAN, '"yes"'),
        (True, BOOLEAN, "true"),
        ("TRUE", BOOLEAN, "true"),
        (D("1.5"), INTEGER, "1.5"),
        ("1.5", INTEGER, "1.5"),
        ("two", INTEGER, '"two"'),
        (D(3), INTEGER, "3"),
        (D(3), STRING, "3"),
        ('"3"', INTEGER, '"3"'),
        ("positive", STRING, '"positive"'),
        ("2025-13-45", TypeSpec("date"), '"2025-13-45"'),
        (datetime.date(2025, 1, 31), TypeSpec("date"), 'date("2025-01-31")'),
        ("2025-01-31", TypeSpec("date"), 'date("2025-01-31")'),
        ("2, 3", TypeSpec("number", is_list=True), "[2, 3]"),
        ("yes", None, '"yes"'),
        ("null", INTEGER, "null"),
    ],
)
def test_cells_of_a_refusal_row_are_sent_as_written(
    value: object, spec: TypeSpec | None, literal: str
) -> None:
    cell = Cell(3, 2, value)  # type: ignore[arg-type]
    assert written_literal(cell, spec, Where("Tests", "B3")) == (literal, [])


def test_the_request_codes_are_those_of_the_service() -> None:
    made = {
        admission.missing_required("f").code,
        admission.invalid_type("f", "a number").code,
        admission.out_of_range("f", "[0..4]").code,
        admission.invalid_enum("f", '"a"').code,
        admission.unknown_field("f", ["g"]).code,
    }
    assert made == set(REQUEST_CODES)


# --- the encoding against what the service answers ---------------------------------------------


def _refusals(dmn: bytes, tests: bytes, tmp_path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(case, expected, what the service's validation and guards say) for each refusal case."""
    defs = read_dmn(dmn)
    model = load_definitions([defs]).get(defs.name)
    assert model is not None
    contract = admission.Admission.of(defs)
    path = tmp_path / "cases.tests.xml"
    path.write_bytes(tests)
    found = []
    for case in read_test_file(path).cases:
        [expected] = [r.expected for r in case.results if r.name == ERRORS_RESULT] or [None]
        if expected is None:
            continue
        validated = contract.validate({node.name: node.value for node in case.inputs})
        guarded = model.evaluate(validated.values, decisions=contract.guards)
        problems = contract.refusals(validated, guarded.tables)
        found.append((case.id, expected, [f"{p.code} {p.field}" for p in problems]))
    return found


def _matches(expected: list[str], answered: list[str]) -> bool:
    """Every answered error matched by one expected entry (``CODE`` matches any field)."""
    left = list(answered)
    for entry in expected:
        hit = next((a for a in left if a == entry or a.split(" ")[0] == entry), None)
        if hit is None:
            return False
        left.remove(hit)
    return not left


def test_the_service_refuses_as_the_rows_expect(tmp_path: Path) -> None:
    result = _compile(tmp_path, *ROWS)
    assert result.dmn is not None and result.tests is not None
    outcomes = _refusals(result.dmn, result.tests, tmp_path)
    assert [case for case, _, _ in outcomes] == ["R1", "R2", "R3", "R4"]
    for case, expected, answered in outcomes:
        assert _matches(expected, answered), (case, expected, answered)


def test_the_starters_refusal_rows_are_what_the_service_answers(tmp_path: Path) -> None:
    result = compile_workbook(REPO / "docs" / "examples" / "starter.xlsx")
    assert result.dmn is not None and result.tests is not None
    outcomes = _refusals(result.dmn, result.tests, tmp_path)
    assert len(outcomes) == 4
    for case, expected, answered in outcomes:
        assert _matches(expected, answered), (case, expected, answered)


def test_a_tck_runner_reports_the_errors_result_as_an_unknown_decision(tmp_path: Path) -> None:
    result = _compile(tmp_path, *ROWS)
    assert result.dmn is not None and result.tests is not None
    defs = read_dmn(result.dmn)
    model = load_definitions([defs]).get(defs.name)
    path = tmp_path / "cases.tests.xml"
    path.write_bytes(result.tests)
    cases = {case.id: case for case in read_test_file(path).cases}
    assert run_case(model, cases["T1"]) == ("SUCCESS", "")
    with pytest.raises(KeyError, match="no decision 'tablerx:errors'"):
        run_case(model, cases["R1"])


def test_a_structured_input_gets_the_text_itself(tmp_path: Path) -> None:
    spec = TypeSpec("patient", resolved=None)
    cell = Cell(3, 2, "abc")
    assert written_literal(cell, spec, Where("Tests", "B3")) == ('"abc"', [])


def test_an_undeclared_input_column_points_to_extra(tmp_path: Path) -> None:
    tests: list[list[Any]] = [
        ["Tests"],
        ["Test", "Input: smoker", "Expected: errors"],
        ["R", 1, "X"],
    ]
    result = compile_rows(tmp_path, base_sheets(Tests=tests))
    [hint] = [d.hint for d in result.diagnostics if d.code == "UNDECLARED_NAME"]
    assert hint is not None and hint.endswith("write Extra: smoker")
