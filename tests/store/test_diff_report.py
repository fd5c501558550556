"""The diff report: one Markdown page for people, the whole diff as JSON for machines."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
import release_models as rm

from service.feel import evaluate
from service.store import diff_markdown, diff_report, releases
from service.store.diff_report import VersionDiff

MODEL = rm.MODEL_ID


@pytest.fixture(scope="module")
def diff(tmp_path_factory: pytest.TempPathFactory) -> VersionDiff:
    root = tmp_path_factory.mktemp("decisions")
    rm.publish(root, rm.pathway("1.0.0"))
    rm.publish(root, rm.pathway("1.1.0", lvef_threshold=">= 40"))
    moment = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    for action, who in ((releases.submit, "A"), (releases.approve, "B")):
        action(releases.Step(root, MODEL, "1.0.0", who, clock=lambda: moment))
    return diff_report.diff_published(root, MODEL, "1.0.0", "1.1.0")


def test_markdown_shows_what_changed_and_whom_it_affects(diff: VersionDiff) -> None:
    text = diff_markdown.to_markdown(diff)
    assert text.startswith("# Pathway demo (pathway-demo): 1.0.0 → 1.1.0\n")
    assert "| status | approved | draft |" in text
    assert "### Decision `treatment` (sheet T2 Treatment, 'T2 Treatment'!A1): changed" in text
    assert "| changed | R2 | 'T2 Treatment'!A6 | lvef | `>= 50` | `>= 40` |" in text
    assert "## Whom it affects" in text
    assert "### 1. 6 input sets: treatment changed" in text
    assert "- rules in 1.0.0: treatment R3 ('T2 Treatment'!A7)" in text
    assert "- rules in 1.1.0: treatment R2 ('T2 Treatment'!A6)" in text
    assert '- treatment: "ramucirumab plus paclitaxel" → "trastuzumab deruxtecan"' in text
    assert '- all with her2 = "positive", preference = "none"' in text
    assert "| `1` | `49.9` | generated |" in text
    counts = diff_report.summary(diff)
    assert f"**{counts['cases_differing']} of {counts['cases_run']} input sets**" in text
    assert counts["cases_differing"] == 6


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ("a", "b", '"a" → "b"'),
        (["x", "y"], ["y", "z"], 'added "z"; removed "x"'),
        (["x", "y"], ["y", "x"], 'order now "y", "x"'),
        (
            [{"regimen": "A", "rank": 1}, {"regimen": "B", "rank": 2}],
            [{"regimen": "B", "rank": 1}],
            'removed "A"; "B": rank: 2 → 1',
        ),
        ({"a": "1", "b": None}, {"a": "2", "b": "x"}, 'added b, a: "1" → "2"'),
        ({"k": ["x"]}, {"k": ["y"]}, "k changed"),
        ("x" * 300, "y", '"' + "x" * 46 + '… → "y"'),
    ],
)
def test_describe_change(old: object, new: object, text: str) -> None:
    assert diff_markdown.describe_change(old, new) == text


def test_markdown_rows_are_capped_per_group(diff: VersionDiff) -> None:
    text = diff_markdown.to_markdown(diff, rows=2)
    hidden = len(diff.behaviour.differences) - 2
    assert f"… and {hidden} more input sets (see the JSON report)." in text


def test_json_has_everything_with_exact_numbers(diff: VersionDiff) -> None:
    data = json.loads(diff_report.dumps(diff_report.to_json(diff)), parse_float=Decimal)
    assert data["model"] == MODEL
    assert data["from"]["status"] == "approved" and data["to"]["version"] == "1.1.0"
    assert len(data["from"]["hash"]) == 64
    (decision,) = data["structural"]["decisions"]
    (rule,) = decision["rules"]
    assert rule["from"]["rule"] == "R2" and rule["cells"] == [
        {"column": "lvef", "role": "input", "from": ">= 50", "to": ">= 40"}
    ]
    differences = data["behaviour"]["differences"]
    assert len(differences) == data["summary"]["cases_differing"] > 0
    lvefs = {d["inputs"]["lvef"] for d in differences}
    assert Decimal("49.9") in lvefs and Decimal("40.1") in lvefs
    first = differences[0]
    assert first["from"]["rules"] == [
        {"decision": "treatment", "rule": "R3", "cell": "'T2 Treatment'!A7"}
    ]
    assert first["to"]["outputs"] == {"treatment": "trastuzumab deruxtecan"}
    assert '"lvef": 49.9' in diff_report.dumps(diff_report.to_json(diff))


def test_no_change_says_so(tmp_path: Path) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"))
    rm.publish(tmp_path, rm.pathway("1.0.1"))
    text = diff_markdown.to_markdown(diff_report.diff_published(tmp_path, MODEL, "1.0.0", "1.0.1"))
    assert "- version: `1.0.0` → `1.0.1`" in text
    assert "No input set of the" in text and "gets a different answer." in text


def test_unpublished_version(tmp_path: Path) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"))
    with pytest.raises(FileNotFoundError, match=r"no published version 2\.0\.0"):
        diff_report.diff_published(tmp_path, MODEL, "1.0.0", "2.0.0")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        ('a"b', '"a\\"b"'),
        (Decimal("2.50"), "2.50"),
        ([Decimal(1), "x"], '[1, "x"]'),
        ({"code": "X"}, '{code: "X"}'),
        (Decimal("1E+40"), "1E+40"),
    ],
)
def test_feel_text(value: object, text: str) -> None:
    assert diff_markdown.feel_text(value) == text


def test_plain_values() -> None:
    assert diff_report.plain(evaluate('date("2025-01-02")')) == "2025-01-02"
    assert diff_report.plain(evaluate("[1..2)")) == {
        "start": Decimal(1),
        "end": Decimal(2),
        "start_included": True,
        "end_included": False,
    }
    assert diff_report.dumps([Decimal("0.10")]) == "[\n  0.10\n]\n"


@pytest.mark.parametrize("limit", [5, 30])
def test_every_format_says_when_the_input_sets_were_capped(tmp_path: Path, limit: int) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"))
    rm.publish(tmp_path, rm.pathway("1.1.0", lvef_threshold=">= 40"))
    diff = diff_report.diff_published(tmp_path, MODEL, "1.0.0", "1.1.0", limit=limit)
    report = diff.behaviour
    assert report.cut and not report.exhaustive
    command = f"tablerx diff {MODEL} 1.0.0 1.1.0 --max-cases {report.combinations}"
    text = diff_markdown.to_markdown(diff)
    assert f"**Input sets capped:** generation stopped at the limit of {limit}" in text
    assert f"{report.cases} input sets were run" in text and command in text
    sets = diff_report.to_json(diff)["behaviour"]["input_sets"]
    assert sets == {
        "run": report.cases,
        "from_tests": report.from_tests,
        "limit": limit,
        "combinations": report.combinations,
        "every_combination": False,
        "capped": True,
        "full_run": command,
    }


def test_an_uncapped_run_says_every_combination_ran(diff: VersionDiff) -> None:
    assert diff.behaviour.exhaustive and not diff.behaviour.cut
    sets = diff_report.to_json(diff)["behaviour"]["input_sets"]
    assert sets["every_combination"] and not sets["capped"] and sets["full_run"] is None
    assert "every combination of the boundary values was run" in diff_markdown.to_markdown(diff)
