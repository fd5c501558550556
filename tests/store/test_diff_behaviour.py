"""Behavioural diff: which input sets two versions answer differently, and by which rules."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import release_models as rm

from service.dmn import model as m
from service.store import regression
from service.store.diff_behaviour import (
    REFUSAL,
    Answer,
    BehaviourDiff,
    Responder,
    RuleHit,
    behaviour,
    differing_outputs,
)
from service.store.diff_structural import diff_models
from service.store.versions import ModelVersion, load_version
from service.tck.reader import TestCase

D = rm.D
MODEL = rm.MODEL_ID


def loaded(
    root: Path, defs: m.Definitions, cases: Sequence[rm.Case] | None = None
) -> tuple[ModelVersion, list[TestCase]]:
    path = rm.publish(root, defs, rm.CASES if cases is None else cases)
    version = load_version(MODEL, path)
    return version, regression.load_cases(regression.tests_path(root, MODEL, version.version))


def run(root: Path, old: m.Definitions, new: m.Definitions, limit: int = 20000) -> BehaviourDiff:
    a, cases_a = loaded(root, old)
    b, cases_b = loaded(root, new)
    return behaviour(a, b, cases_a, cases_b, diff_models(old, new), limit)


def test_changed_threshold_names_the_patients_and_rules(tmp_path: Path) -> None:
    report = run(tmp_path, rm.pathway("1.0.0"), rm.pathway("1.1.0", lvef_threshold=">= 40"))
    assert report.differences, "lowering the LVEF threshold must change some answers"
    assert report.from_tests == 4 and report.cases > 100
    for item in report.differences:
        inputs = item.inputs
        assert inputs["her2"] == "positive" and D(40) <= inputs["lvef"] < D(50)
        assert inputs["ecog"] <= 1 and inputs["preference"] != "declines"
        assert item.outputs == ["treatment"] and item.decisions == ["treatment"]
        assert item.old.outputs["treatment"] == "ramucirumab plus paclitaxel"
        assert item.new.outputs["treatment"] == "trastuzumab deruxtecan"
        assert item.old_rules == [RuleHit("treatment", "R3", "'T2 Treatment'!A7")]
        assert item.new_rules == [RuleHit("treatment", "R2", "'T2 Treatment'!A6")]
    lvefs = {item.inputs["lvef"] for item in report.differences}
    assert {D(40), D("40.1"), D("49.9")} <= lvefs
    assert D("39.9") not in lvefs and D(50) not in lvefs


def test_identical_versions_answer_alike(tmp_path: Path) -> None:
    report = run(tmp_path, rm.pathway("1.0.0"), rm.pathway("1.0.1"))
    assert report.differences == [] and report.cases > 0


def test_a_cause_upstream_is_named_with_the_output_it_changes(tmp_path: Path) -> None:
    report = run(tmp_path, rm.pathway("1.0.0"), _fitness_variant())
    assert report.differences
    item = next(
        d for d in report.differences if d.inputs["ecog"] == D(3) and d.inputs["her2"] == "positive"
    )
    assert item.decisions == ["fitness", "treatment"]
    assert RuleHit("fitness", "F3", "'T1 Fitness'!A7") in item.old_rules
    assert RuleHit("fitness", "F2", "'T1 Fitness'!A6") in item.new_rules
    assert item.new.outputs["treatment"] == "ramucirumab plus paclitaxel"


def _fitness_variant() -> m.Definitions:
    defs = rm.pathway("1.1.0", fitness_limited="[2..3]")
    fitness = defs.decisions[1].expression
    assert isinstance(fitness, m.DecisionTable)
    fitness.rules[2].input_entries[0].text = "4"
    return defs


def test_guard_changes_show_as_refusals(tmp_path: Path) -> None:
    report = run(tmp_path, rm.pathway("1.0.0"), rm.pathway("1.1.0", guard=False))
    assert report.differences
    for item in report.differences:
        assert item.inputs["her2"] == "positive" and item.inputs["lvef"] is None
        assert item.outputs == [REFUSAL]
        assert item.old.refused == ["LVEF_REQUIRED: lvef"] and item.new.refused == []
        assert RuleHit("Request validation", "V1", "'T0 Validation'!A5") in item.old_rules


def test_narrowed_allowed_values_refuse_patients(tmp_path: Path) -> None:
    report = run(tmp_path, rm.pathway("1.0.0"), rm.pathway("1.1.0", lvef_allowed="[20..90]"))
    refused = {item.inputs["lvef"] for item in report.differences}
    assert refused == {D(10), D("10.1"), D("19.9")}  # 19.9: just below the new bound
    assert all(d.new.refused == ["OUT_OF_RANGE: lvef"] for d in report.differences)


def test_test_cases_come_first_with_their_source(tmp_path: Path) -> None:
    cases = [
        (
            "EDGE",
            {"ecog": D(1), "her2": "positive", "lvef": D(45)},
            {"treatment": "ramucirumab plus paclitaxel"},
        )
    ]
    a, _ = loaded(tmp_path, rm.pathway("1.0.0"), cases)
    b, cases_b = loaded(tmp_path, rm.pathway("1.1.0", lvef_threshold=">= 40"), cases)
    structural = diff_models(a.definitions, b.definitions)
    cases_a = regression.load_cases(regression.tests_path(tmp_path, MODEL, "1.0.0"))
    report = behaviour(a, b, cases_a, cases_b, structural)
    first = report.differences[0]
    assert first.source == "test EDGE of 1.0.0" and first.inputs["lvef"] == D(45)
    assert {d.source for d in report.differences[1:]} == {"generated"}


def test_limit_keeps_the_run_small_and_still_finds_the_change(tmp_path: Path) -> None:
    report = run(
        tmp_path, rm.pathway("1.0.0"), rm.pathway("1.1.0", lvef_threshold=">= 40"), limit=60
    )
    full = run(tmp_path / "full", rm.pathway("1.0.0"), rm.pathway("1.1.0", lvef_threshold=">= 40"))
    assert report.cases < full.cases / 2
    assert any(d.inputs["lvef"] == D(40) for d in report.differences)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (Answer(outputs={"t": "a"}), Answer(outputs={"t": "a"}), []),
        (Answer(outputs={"t": "a"}), Answer(outputs={"t": "b"}), ["t"]),
        (Answer(outputs={"t": D(1)}), Answer(outputs={"t": D("1.000000000001")}), []),
        (Answer(outputs={"t": D(1)}), Answer(outputs={"t": "1"}), ["t"]),
        (Answer(outputs={"t": None}), Answer(outputs={}), ["t"]),
        (Answer(refused=["X: f"]), Answer(outputs={"t": "a"}), [REFUSAL]),
        (Answer(refused=["X: f"]), Answer(refused=["X: f"]), []),
        (
            Answer(outputs={"t": "a"}, defects=["t: UNIQUE_VIOLATION"]),
            Answer(outputs={"t": "a"}),
            ["(defects)"],
        ),
    ],
)
def test_differing_outputs(old: Answer, new: Answer, expected: list[str]) -> None:
    assert differing_outputs(old, new) == expected


def test_responder_answers_as_the_service(tmp_path: Path) -> None:
    version, _ = loaded(tmp_path, rm.pathway("1.0.0"))
    responder = Responder(version)
    answer = responder.answer({"ecog": D(0), "her2": "negative", "unknown": 1})
    assert answer.outputs == {"treatment": "ramucirumab plus paclitaxel"}  # preference: "none"
    assert answer.hits["treatment"] == [RuleHit("treatment", "R4", "'T2 Treatment'!A8")]
    assert responder.answer({"her2": "low"}).refused == ["MISSING_REQUIRED_FIELD: ecog"]
    assert responder.answer({"ecog": D("1.5"), "her2": "low"}).refused == ["INVALID_TYPE: ecog"]
    assert responder.answer({"ecog": D(0), "her2": "positive"}).refused == ["LVEF_REQUIRED: lvef"]
