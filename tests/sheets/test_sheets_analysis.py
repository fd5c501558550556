"""Overlapping rules and gaps in decision tables, found at check time (service/sheets/analysis.py).

Each case is a small workbook (Inputs: ecog integer [0..4] and her2 positive/negative and
progressed, all required; lvef a number in [5..90], optional) with one table, and the
codes the analysis must report about it, with a piece of the message.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_helpers import REPO, base_sheets, compile_rows

from service.sheets import analysis
from service.sheets.compiler import Compilation, compile_workbook

CODES = ("RULES_OVERLAP", "TABLE_GAP", "TABLE_NOT_ANALYSED")
CLINICAL = REPO / "spreadsheets" / "gastric-her2-later-lines.xlsx"


def _table(policy: str, inputs: list[str], *rules: list[Any], name: str = "pathway") -> list[Any]:
    head = ["Rule", *(f"Input: {i}" for i in inputs), "Output: pathway"]
    rows = [[str(k + 1), *rule] for k, rule in enumerate(rules)]
    return [["Decision table", name], ["Hit policy", policy], head, *rows]


def _found(result: Compilation) -> list[tuple[str, str, str]]:
    """(code, severity, Sheet!cell) of the analysis diagnostics, and no other problem."""
    others = [d for d in result.diagnostics if d.code not in CODES]
    assert others == [], [d.message for d in others]
    return [(d.code, d.severity, f"{d.sheet}!{d.cell}") for d in result.diagnostics]


def _messages(result: Compilation) -> str:
    return "\n".join(d.message for d in result.diagnostics)


U, E, W = "Unique", "error", "warning"
PE = ["progressed", "ecog"]

# name -> (hit policy, input columns, rules, expected (code, severity, cell), text in message)
CASES: dict[str, tuple[str, list[str], list[list[Any]], list[tuple[str, str, str]], str]] = {
    "clean": (
        U,
        PE,
        [["false", "-", '"c"'], ["true", ">= 3", '"b"'], ["true", "[0..2]", '"s"']],
        [],
        "",
    ),
    "overlap": (
        U,
        PE,
        [["false", "-", '"c"'], ["true", ">= 3", '"b"'], ["true", "[0..3]", '"s"']],
        [("RULES_OVERLAP", E, "Pathway!A6")],
        "rules 2 (A5) and 3 (A6) of pathway both match progressed = true, ecog = 3",
    ),
    "gap": (
        U,
        PE,
        [["false", "-", '"c"'], ["true", ">= 3", '"b"'], ["true", "[0..1]", '"s"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        "no rule of pathway matches progressed = true, ecog = 2",
    ),
    "closed and open range ends meet": (
        U,
        ["ecog"],
        [["[0..2]", '"a"'], ["(2..4]", '"b"']],
        [],
        "",
    ),
    "two closed ends overlap": (
        U,
        ["ecog"],
        [["[0..2]", '"a"'], ["[2..4]", '"b"']],
        [("RULES_OVERLAP", E, "Pathway!A5")],
        "ecog = 2",
    ),
    "two open ends leave a gap": (
        U,
        ["ecog"],
        [["[0..2)", '"a"'], ["(2..4]", '"b"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        "matches ecog = 2:",
    ),
    "< and >= leave no gap": (
        U,
        ["lvef"],
        [["< 50", '"a"'], [">= 50", '"b"'], ["null", '"n"']],
        [],
        "",
    ),
    "optional input not given": (
        U,
        ["lvef"],
        [["< 50", '"a"'], [">= 50", '"b"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        "lvef not given",
    ),
    "gap between decimals": (
        U,
        ["lvef"],
        [["<= 40", '"a"'], ["> 40.5", '"b"'], ["null", '"n"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        "lvef = 40.25",
    ),
    "integers have no gap between 1 and 2": (
        U,
        ["ecog"],
        [["<= 1", '"a"'], [">= 2", '"b"']],
        [],
        "",
    ),
    "enumeration covered": (U, ["her2"], [['"positive"', '"a"'], ['"negative"', '"b"']], [], ""),
    "enumeration with a value missing": (
        U,
        ["her2"],
        [['"positive"', '"a"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        'her2 = "negative"',
    ),
    "not() covers the rest": (
        U,
        ["her2"],
        [['"positive"', '"a"'], ['not("positive")', '"b"']],
        [],
        "",
    ),
    "catch-all row overlaps under Unique": (
        U,
        ["her2"],
        [['"positive"', '"a"'], ["-", '"b"']],
        [("RULES_OVERLAP", E, "Pathway!A5")],
        'her2 = "positive"',
    ),
    "catch-all row under First": ("First", ["her2"], [['"positive"', '"a"'], ["-", '"b"']], [], ""),
    "gap under First": (
        "First",
        ["ecog"],
        [["< 2", '"a"']],
        [("TABLE_GAP", W, "Pathway!A1")],
        "ecog = 2 or 3 or 4",
    ),
    "Any with equal outputs": ("Any", ["ecog"], [["<= 2", '"a"'], [">= 2", '"a"']], [], ""),
    "Any with different outputs": (
        "Any",
        ["ecog"],
        [["<= 2", '"a"'], [">= 2", '"b"']],
        [("RULES_OVERLAP", E, "Pathway!A5")],
        "under hit policy Any matching rules must agree",
    ),
    "Collect is never checked": ("Collect", ["ecog"], [["<= 2", '"a"'], [">= 2", '"b"']], [], ""),
    "dashes everywhere but one column": (
        U,
        ["progressed", "her2", "ecog"],
        [["-", "-", "< 2", '"a"'], ["-", "-", ">= 2", '"b"']],
        [],
        "",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_overlaps_and_gaps(case: str, tmp_path: Path) -> None:
    policy, inputs, rules, expected, text = CASES[case]
    result = compile_rows(tmp_path, base_sheets(Pathway=_table(policy, inputs, *rules)))
    assert _found(result) == expected
    assert text in _messages(result)
    assert (result.dmn is None) == any(severity == E for _, severity, _ in expected)


_FITNESS = [
    ["Decision table", "fitness"],
    ["Hit policy", "Unique"],
    ["Rule", "Input: ecog", "Output: fitness"],
    ["f1", "[0..1]", '"fit"'],
    ["f2", "[2..4]", '"unfit"'],
]


@pytest.mark.parametrize(
    ("rules", "expected", "text"),
    [
        ([['"fit"', '"s"'], ['"unfit"', '"b"']], [], ""),
        ([['"fit"', '"s"']], [("TABLE_GAP", W, "Pathway!A1")], 'fitness = "unfit"'),
        (
            [['"fit", "unfit"', '"s"'], ['"unfit"', '"b"']],
            [("RULES_OVERLAP", W, "Pathway!A5")],  # a derived value: the rules *can* both match
            'can both match fitness = "unfit"',
        ),
    ],
)
def test_a_derived_decision_takes_its_table_outputs(
    rules: list[list[Any]], expected: list[tuple[str, str, str]], text: str, tmp_path: Path
) -> None:
    sheets = base_sheets(Fitness=_FITNESS, Pathway=_table(U, ["fitness"], *rules))
    result = compile_rows(tmp_path, sheets)
    assert _found(result) == expected
    assert text in _messages(result)


def test_too_many_combinations_are_not_searched_for_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "MAX_COMBINATIONS", 4)
    rules = [["false", "-", '"c"'], ["true", ">= 3", '"b"'], ["true", "[0..3]", '"s"']]
    result = compile_rows(tmp_path, base_sheets(Pathway=_table(U, PE, *rules)))
    assert _found(result) == [
        ("TABLE_NOT_ANALYSED", "info", "Pathway!A1"),
        ("RULES_OVERLAP", E, "Pathway!A6"),  # overlaps are still checked
    ]


def test_the_clinical_workbook_is_clean() -> None:
    result = compile_workbook(CLINICAL)
    assert result.ok and result.dmn is not None
    assert [d.message for d in result.diagnostics if d.code in CODES] == []


@pytest.mark.parametrize(
    ("cell", "text", "expected", "message"),
    [
        (
            "D12",
            "[0..2]",
            ("RULES_OVERLAP", E, "T2 Care pathway!A12"),
            "rules 2.4 (A11) and 2.5 (A12) of care_pathway_assessment both match "
            'progressed_on_first_line = true, patient_preference = "none", ecog = 2',
        ),
        (
            "D10",
            ">= 4",
            ("TABLE_GAP", W, "T2 Care pathway!A4"),
            "no rule of care_pathway_assessment matches progressed_on_first_line = true, "
            'patient_preference = "none" or "prefers_less_frequent_visits", ecog = 3',
        ),
    ],
)
def test_the_reviewers_two_mistakes(
    cell: str, text: str, expected: tuple[str, str, str], message: str, tmp_path: Path
) -> None:
    path = tmp_path / CLINICAL.name
    shutil.copy(CLINICAL, path)
    workbook = openpyxl.load_workbook(path)
    workbook["T2 Care pathway"][cell] = text
    workbook.save(path)
    result = compile_workbook(path)
    found = [(d.code, d.severity, f"{d.sheet}!{d.cell}") for d in result.diagnostics]
    assert [f for f in found if f[0] in CODES] == [expected]
    assert message in _messages(result)


def test_every_analysis_code_is_documented() -> None:
    doc = (REPO / "docs" / "spreadsheet-format.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in doc] == []
