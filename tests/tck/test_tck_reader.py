"""service.tck.reader: TCK test-case XML into plain data with FEEL values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from service.feel.values import Date, DateTime, DaysTimeDuration, Time, YearsMonthsDuration
from service.tck.reader import (
    InputNode,
    ResultNode,
    TckFormatError,
    TestFile,
    parse_simple,
    read_test_file,
)

DATA = Path(__file__).parent / "data"
D = Decimal


@pytest.fixture(scope="module")
def sample() -> TestFile:
    return read_test_file(DATA / "sample-test-01.xml")


def _inputs(sample: TestFile, case_id: str) -> dict[str, Any]:
    case = next(case for case in sample.cases if case.id == case_id)
    return {node.name: node.value for node in case.inputs}


def test_file_header(sample: TestFile) -> None:
    assert sample.model_name == "sample.dmn"
    assert sample.name == "Sample"
    assert sample.labels == ["Compliance Level 3", "Reader"]
    assert [case.id for case in sample.cases] == ["simple", "temporal", "structures", "service"]


def test_case_attributes(sample: TestFile) -> None:
    simple, _, _, service = sample.cases
    assert (simple.name, simple.description, simple.type) == (
        "Simple values",
        "one of each simple type",
        "decision",
    )
    assert simple.invocable_name is None
    assert (service.type, service.invocable_name) == ("decisionService", "my service")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("a decimal", D("-12.50")),
        ("a double", D("0.08")),
        ("an int", D(42)),
        ("a string", "# # "),
        ("an empty string", ""),
        ("an untyped value", "as is"),
        ("a boolean", False),
        ("a null", None),
    ],
)
def test_simple_values(sample: TestFile, name: str, value: Any) -> None:
    got = _inputs(sample, "simple")[name]
    assert type(got) is type(value) and got == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date", Date(-2017, 12, 31)),
        ("time", Time(12, 59, D("1.3"), offset=-3600)),
        ("date and time", DateTime(Date(2017, 9, 5), Time(9, 15, D(30), offset=0))),
        ("ym", YearsMonthsDuration(-14)),
        ("dt", DaysTimeDuration(D("93784.5"))),
    ],
)
def test_temporal_values(sample: TestFile, name: str, value: Any) -> None:
    assert _inputs(sample, "temporal")[name] == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (
            "a context",
            {"name": "John", "address": {"city": "Oslo", "zip": None}, "tags": ["x"]},
        ),
        ("a list", [D(1), None, [D(2)], {"k": True}]),
        ("an empty list", []),
        ("a null list", None),
    ],
)
def test_structured_values(sample: TestFile, name: str, value: Any) -> None:
    assert _inputs(sample, "structures")[name] == value


def test_result_nodes(sample: TestFile) -> None:
    structures, service = sample.cases[2], sample.cases[3]
    assert structures.results == [
        ResultNode(name="out", expected=[{"a": D(1)}], type="decision"),
    ]
    assert service.results == [
        ResultNode(name="first", expected=None, error_result=True),
        ResultNode(
            name="second", expected=None, type="decision", namespace="https://example.org/model-b"
        ),
    ]


def test_input_namespace(sample: TestFile) -> None:
    assert sample.cases[3].inputs == [
        InputNode("imported input", "x", "https://example.org/model-a")
    ]


def test_expects_non_null(sample: TestFile) -> None:
    assert [case.expects_non_null for case in sample.cases] == [True, False, True, False]


@pytest.mark.parametrize(
    ("xsd_type", "text", "value"),
    [
        ("decimal", "1.5", D("1.5")),
        ("decimal", " 7 ", D(7)),
        ("decimal", "1E+3", D(1000)),
        ("integer", "-3", D(-3)),
        ("double", "2878.6935494327668", D("2878.6935494327668")),
        ("long", "9999999999999999999", D("9999999999999999999")),
        ("boolean", "true", True),
        ("boolean", "0", False),
        ("string", " a ", " a "),
        ("anySimpleType", "x", "x"),
        ("date", "2012-12-25", Date(2012, 12, 25)),
        ("duration", "P0M", YearsMonthsDuration(0)),
        ("duration", "-PT1H", DaysTimeDuration(D(-3600))),
    ],
)
def test_parse_simple(xsd_type: str, text: str, value: Any) -> None:
    got = parse_simple(xsd_type, text)
    assert type(got) is type(value) and got == value


@pytest.mark.parametrize(
    ("xsd_type", "text"),
    [
        ("decimal", "twelve"),
        ("decimal", ""),
        ("boolean", "yes"),
        ("date", "2017-13-01"),
        ("duration", "1 hour"),
        ("QName", "x:y"),
    ],
)
def test_parse_simple_rejects(xsd_type: str, text: str) -> None:
    with pytest.raises(ValueError):
        parse_simple(xsd_type, text)


def test_bad_value_names_file_and_place() -> None:
    with pytest.raises(TckFormatError) as caught:
        read_test_file(DATA / "bad-value-test-01.xml")
    message = str(caught.value)
    assert "bad-value-test-01.xml" in message
    assert "testCase '001', inputNode 'n'" in message
    assert "bad xsd:decimal value 'twelve'" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<testCases", "cannot parse XML"),
        ("<other/>", "expected {http://www.omg.org/spec/DMN/20160719/testcase}testCases"),
        (
            '<!DOCTYPE x [<!ENTITY e "boom">]><testCases>&e;</testCases>',
            "refused XML",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x-test-01.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TckFormatError) as caught:
        read_test_file(path)
    assert message in str(caught.value)


def test_reads_every_tck_file(tck_dir: Path) -> None:
    files = sorted(tck_dir.rglob("*-test-*.xml"))
    cases = sum(len(read_test_file(path).cases) for path in files)
    assert files and cases > 3000
