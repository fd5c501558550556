"""Test cases in, rule coverage out: every rule of every table, matched by some case or not."""

from __future__ import annotations

from pathlib import Path

import release_models as rm

from service.dmn import model as m
from service.store import regression
from service.store.coverage import DECISION, all_tables, format_coverage

# Cases matching the two rules CASES leave out: the guard's V1 (a case must check the
# guard's decision: only the decisions a case checks are evaluated), and R5 (under hit
# policy First R5 matches every patient, but gives the answer only when no rule above does).
REFUSAL = [
    {"code": "LVEF_REQUIRED", "message": "LVEF is needed before anti-HER2 therapy", "field": "lvef"}
]
MORE: list[rm.Case] = [
    ("TC5", {"ecog": rm.D(0), "her2": "positive"}, {"Request validation": REFUSAL}),
    ("TC6", {"ecog": rm.D(3), "her2": "low"}, {"treatment": "best supportive care"}),
]


def run(root: Path, cases: list[rm.Case]) -> regression.VersionReport:
    rm.publish(root, rm.pathway("1.0.0"), cases)
    return regression.run_version(root, rm.MODEL_ID, "1.0.0", with_coverage=True)


def test_every_rule_is_listed_with_the_cases_matching_it(tmp_path: Path) -> None:
    report = run(tmp_path, rm.CASES)
    assert report.ok and report.coverage is not None
    found = report.coverage
    assert [(r.owner, r.label, r.cell) for r in found.rules][:4] == [
        ("Request validation", "V1", "'T0 Validation'!A5"),
        ("fitness", "F1", "'T1 Fitness'!A5"),
        ("fitness", "F2", "'T1 Fitness'!A6"),
        ("fitness", "F3", "'T1 Fitness'!A7"),
    ]
    assert len(found.rules) == 1 + 3 + 5 and {r.kind for r in found.rules} == {DECISION}
    assert {r.label: found.cases.get(r, []) for r in found.rules} == {
        "V1": [],
        "F1": ["TC1", "TC3"],
        "F2": ["TC2"],
        "F3": ["TC4"],
        "R1": ["TC4"],
        "R2": ["TC1"],
        "R3": ["TC2"],
        "R4": ["TC3"],
        "R5": [],
    }
    assert [r.where for r in found.unmatched] == [
        "Request validation rule V1 ('T0 Validation'!A5)",
        "treatment rule R5 ('T2 Treatment'!A9)",
    ]
    assert found.summary == "7/9 rules matched by a test case (2 never)"


def test_full_coverage(tmp_path: Path) -> None:
    report = run(tmp_path, [*rm.CASES, *MORE])
    assert report.ok, regression.format_reports([report])
    assert report.coverage is not None and report.coverage.unmatched == []


def test_the_text_report(tmp_path: Path) -> None:
    report = run(tmp_path, rm.CASES)
    assert report.coverage is not None
    text = format_coverage("pathway-demo 1.0.0", report.coverage)
    lines = text.splitlines()
    assert lines[0] == "coverage pathway-demo 1.0.0: 7/9 rules matched by a test case (2 never)"
    assert "  decision fitness: 3/3 rules matched" in lines
    assert any(
        line.split() == ["rule", "R5", "'T2", "Treatment'!A9", "NOT", "MATCHED"] for line in lines
    )
    assert any("F1" in line and "matched by 2 cases (TC1, TC3)" in line for line in lines)
    assert lines[-3:] == [
        "  rules no test case matches (add a case for each):",
        "    Request validation rule V1 ('T0 Validation'!A5)",
        "    treatment rule R5 ('T2 Treatment'!A9)",
    ]


def test_tables_nested_in_boxed_expressions_count(tmp_path: Path) -> None:
    defs = rm.pathway("1.0.0")
    inner = rm.table(
        "T3 Nested",
        "T3_Nested",
        "UNIQUE",
        ["ecog"],
        ["x"],
        [("N1", ["< 2"], ['"a"'], []), ("N2", [">= 2"], ['"b"'], [])],
    )
    context = m.Context(entries=[m.ContextEntry(variable=m.InformationItem(name="x"), value=inner)])
    defs.decisions.append(
        m.Decision(
            id="decision_nested",
            name="nested",
            variable=m.InformationItem(name="nested"),
            expression=context,
        )
    )
    tables = all_tables(defs)
    assert [(t.owner, t.table.id) for t in tables][-1] == ("nested", "T3_Nested_table")
