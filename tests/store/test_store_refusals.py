"""Test cases that expect a refusal (``tablerx:errors``): run as the service answers them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.store import regression
from service.store.admission import Problem
from service.store.refusals import unmatched

MODELS = Path(__file__).resolve().parents[1] / "api" / "models"

P = Problem  # short for the tables below


@pytest.mark.parametrize(
    ("expected", "problems", "missing", "extra"),
    [
        (["OUT_OF_RANGE ecog"], [P("OUT_OF_RANGE", "m", "ecog")], [], []),
        (["OUT_OF_RANGE"], [P("OUT_OF_RANGE", "m", "ecog")], [], []),
        (["OUT_OF_RANGE lvef"], [P("OUT_OF_RANGE", "m", "ecog")], ["OUT_OF_RANGE lvef"], ["ecog"]),
        ([], [P("UNKNOWN_FIELD", "m", "x")], [], ["x"]),
        (["CONTRADICTION"], [], ["CONTRADICTION"], []),
        # a bare code must not take the problem that a code-with-field entry needs
        (
            ["INVALID_TYPE", "INVALID_TYPE ecog"],
            [P("INVALID_TYPE", "m", "ecog"), P("INVALID_TYPE", "m", "line")],
            [],
            [],
        ),
        (["INVALID_TYPE", "INVALID_TYPE"], [P("INVALID_TYPE", "m", "ecog")], ["INVALID_TYPE"], []),
    ],
)
def test_entries_match_problems_one_to_one(
    expected: list[str], problems: list[Problem], missing: list[str], extra: list[str]
) -> None:
    left_entries, left_problems = unmatched(expected, problems)
    assert left_entries == missing
    assert [p.field for p in left_problems] == extra


CASES = """<?xml version="1.0" encoding="UTF-8"?>
<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <modelName>1.0.0.dmn</modelName>
  {cases}
</testCases>
"""


def _case(case_id: str, inputs: dict[str, str], errors: list[str]) -> str:
    nodes = "".join(
        f'<inputNode name="{name}">{value}</inputNode>' for name, value in inputs.items()
    )
    items = "".join(f'<item><value xsi:type="xsd:string">{e}</value></item>' for e in errors)
    return (
        f'<testCase id="{case_id}">{nodes}<resultNode name="tablerx:errors" type="decision">'
        f"<expected><list>{items}</list></expected></resultNode></testCase>"
    )


def _num(text: str) -> str:
    return f'<value xsi:type="xsd:decimal">{text}</value>'


def _text(text: str) -> str:
    return f'<value xsi:type="xsd:string">{text}</value>'


def _bool(text: str) -> str:
    return f'<value xsi:type="xsd:boolean">{text}</value>'


VALID = {"line_of_therapy": _num("2"), "progressed_on_first_line": _bool("true"),
         "her2_status": _text("positive"), "ecog": _num("1")}  # fmt: skip


def _run(tmp_path: Path, cases: list[str]) -> regression.VersionReport:
    decisions = tmp_path / "decisions"
    shutil.copytree(MODELS / "triage-demo", decisions / "triage-demo")
    tests = decisions / "triage-demo" / "1.0.0.tests.xml"
    tests.write_text(CASES.format(cases="\n".join(cases)), encoding="utf-8")
    return regression.run_version(decisions, "triage-demo", "1.0.0")


def test_refusals_the_service_gives_pass(tmp_path: Path) -> None:
    report = _run(
        tmp_path,
        [
            _case("range", {**VALID, "ecog": _num("7")}, ["OUT_OF_RANGE ecog"]),
            _case("type", {**VALID, "progressed_on_first_line": _text("yes")},
                  ["INVALID_TYPE progressed_on_first_line"]),
            _case("missing", {k: v for k, v in VALID.items() if k != "ecog"},
                  ["MISSING_REQUIRED_FIELD ecog"]),
            _case("unknown", {**VALID, "smoker": _text("yes")}, ["UNKNOWN_FIELD smoker"]),
            _case("guard", {**VALID, "line_of_therapy": _num("3"),
                            "progressed_on_first_line": _bool("false"),
                            "prior_regimen": _text("Paclitaxel")}, ["CONTRADICTION"]),
            _case("several", {**VALID, "ecog": _num("7"), "her2_status": _text("maybe")},
                  ["INVALID_ENUM her2_status", "OUT_OF_RANGE"]),
        ],
    )  # fmt: skip
    assert report.problem is None
    assert [(c.case_id, c.status, c.mismatches) for c in report.cases] == [
        (name, regression.PASSED, ())
        for name in ("range", "type", "missing", "unknown", "guard", "several")
    ]


def test_a_refusal_that_does_not_happen_fails(tmp_path: Path) -> None:
    report = _run(
        tmp_path,
        [
            _case("accepted", VALID, ["OUT_OF_RANGE ecog"]),
            _case("other field", {**VALID, "ecog": _num("7")}, ["OUT_OF_RANGE lvef_percent"]),
            _case("one too few", {**VALID, "ecog": _num("7"), "smoker": _text("x")},
                  ["OUT_OF_RANGE ecog"]),
        ],
    )  # fmt: skip
    assert [c.status for c in report.cases] == [regression.FAILED] * 3
    details = [c.mismatches[0].detail for c in report.cases]
    assert details[0].endswith("the service answers nothing (the request is accepted)")
    assert "the service answers OUT_OF_RANGE ecog" in details[1]
    assert "UNKNOWN_FIELD smoker" in details[2]
    text = regression.format_reports([report])
    assert "FAIL triage-demo 1.0.0: 0/3 passed (3 failed)" in text
