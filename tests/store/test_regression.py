"""A published version's own test cases: run the way the service answers, every mismatch named."""

from __future__ import annotations

from pathlib import Path

import pytest
import release_models as rm

from service.store import regression
from service.store.regression import ERROR, FAILED, PASSED

MODEL = rm.MODEL_ID
D = rm.D


def test_all_cases_pass(tmp_path: Path) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"))
    report = regression.run_version(tmp_path, MODEL, "1.0.0")
    assert report.ok and report.has_tests and report.problem is None
    assert [c.status for c in report.cases] == [PASSED] * 4
    assert report.summary == "4/4 passed"
    assert report.sha256 is not None and len(report.sha256) == 64


def test_failures_name_every_result_with_expected_and_actual(tmp_path: Path) -> None:
    cases = [
        (
            "BAD",
            {"ecog": D(4), "her2": "negative", "preference": "declines"},
            {"treatment": "trastuzumab deruxtecan", "fitness": "fit"},
        )
    ]
    rm.publish(tmp_path, rm.pathway("1.0.0"), cases)
    report = regression.run_version(tmp_path, MODEL, "1.0.0")
    assert not report.ok and report.summary == "0/1 passed (1 failed)"
    (case,) = report.cases
    assert case.status == FAILED
    assert [(m.decision, m.expected, m.actual) for m in case.mismatches] == [
        ("treatment", "trastuzumab deruxtecan", "best supportive care"),
        ("fitness", "fit", "unfit"),
    ]
    text = regression.format_reports([report])
    assert "FAIL pathway-demo 1.0.0: 0/1 passed (1 failed)" in text
    assert (
        'treatment: expected string "trastuzumab deruxtecan", got string '
        '"best supportive care"' in text
    )
    assert 'fitness: expected string "fit", got string "unfit"' in text


def test_absent_inputs_take_their_declared_default(tmp_path: Path) -> None:
    # preference is absent: the service fills in "none", so R1 (declines) must not match
    cases = [
        ("D", {"ecog": D(0), "her2": "negative"}, {"treatment": "ramucirumab plus paclitaxel"})
    ]
    rm.publish(tmp_path, rm.pathway("1.0.0"), cases)
    assert regression.run_version(tmp_path, MODEL, "1.0.0").ok


def test_unknown_decision_is_a_failure_with_the_reason(tmp_path: Path) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"), [("U", {"ecog": D(0)}, {"nope": "x"})])
    (case,) = regression.run_version(tmp_path, MODEL, "1.0.0").cases
    assert case.status == ERROR and "nope" in case.message


def test_table_defects_are_reported_with_the_case(tmp_path: Path) -> None:
    overlapping = rm.pathway("1.0.0", fitness_limited="[1..2]")  # F1 and F2 both match ecog 1
    rm.publish(tmp_path, overlapping, [("O", {"ecog": D(1), "her2": "low"}, {"fitness": "fit"})])
    (case,) = regression.run_version(tmp_path, MODEL, "1.0.0").cases
    assert case.status == FAILED
    assert case.mismatches[0].actual is None
    assert case.message.startswith("fitness: UNIQUE_VIOLATION")


def test_missing_unreadable_and_broken(tmp_path: Path) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"), cases=None)
    missing = regression.run_version(tmp_path, MODEL, "1.0.0")
    assert missing.ok and not missing.has_tests and missing.summary == "no test cases"

    (tmp_path / MODEL / "1.0.0.tests.xml").write_text("<not-tests/>")
    unreadable = regression.run_version(tmp_path, MODEL, "1.0.0")
    assert not unreadable.ok and "cannot be read" in (unreadable.problem or "")

    (tmp_path / MODEL / "2.0.0.dmn").write_text("<definitions/>")
    broken = regression.run_version(tmp_path, MODEL, "2.0.0")
    assert not broken.ok and "does not load" in (broken.problem or "")
    assert "not run: the model does not load" in regression.format_reports([broken])

    absent = regression.run_version(tmp_path, MODEL, "3.0.0")
    assert "does not exist" in (absent.problem or "")


def test_run_all_finds_every_published_version_in_order(tmp_path: Path) -> None:
    for version in ("1.10.0", "1.9.0"):
        rm.publish(tmp_path, rm.pathway(version))
    other = rm.pathway("0.1.0")
    other.extensions["model.id"] = "other-model"
    rm.publish(tmp_path, other)
    (tmp_path / "Not A Model").mkdir()
    assert regression.published(tmp_path) == [
        ("other-model", "0.1.0"),
        (MODEL, "1.9.0"),
        (MODEL, "1.10.0"),
    ]
    assert [(r.model_id, r.version) for r in regression.run_all(tmp_path, MODEL)] == [
        (MODEL, "1.9.0"),
        (MODEL, "1.10.0"),
    ]
    assert [r.version for r in regression.run_all(tmp_path, MODEL, "1.9.0")] == ["1.9.0"]
    assert regression.published(tmp_path / "absent") == []


@pytest.mark.parametrize("verbose", [True, False])
def test_verbose_lists_passing_cases(tmp_path: Path, verbose: bool) -> None:
    rm.publish(tmp_path, rm.pathway("1.0.0"))
    text = regression.format_reports(regression.run_all(tmp_path), verbose=verbose)
    assert text.startswith("ok   pathway-demo 1.0.0: 4/4 passed")
    assert ("PASSED case TC1" in text) is verbose
