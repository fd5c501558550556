"""The fast answer assembly (service.api.render) against the straightforward one, byte for byte.

For every clinical test case of every published version and a range of requests to the
test models, the answer ``evaluate()`` assembles from cached fragments must be exactly
``jsonmap.dumps`` of the tree built the plain way from the same engine results (content
and key order), and its audit record must hold the very same outputs, matched rules and
warnings. Each request runs twice, in two orders, so answers made from fragments learnt
on earlier requests are compared too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_harness import MODELS, REPO, VALID

from service.api import jsonmap, render
from service.api.evaluation import Call, Outcome, evaluate, explain, matched_rules, warnings_of
from service.api.prepared import Prepared, prepare
from service.store.catalogue import load_catalogue
from service.tck.reader import read_test_file

DECISIONS = REPO / "decisions"


def _prepared(folder: Path) -> list[Prepared]:
    catalogue = load_catalogue(folder, drafts=True)
    return [prepare(version) for version in catalogue.all_versions()]


def _clinical_requests() -> Iterator[tuple[Prepared, dict[str, Any]]]:
    if not DECISIONS.is_dir():
        return
    for prepared in _prepared(DECISIONS):
        path = prepared.version.path.with_suffix(".tests.xml")
        if not path.is_file():
            continue
        for case in read_test_file(path).cases:
            tree = {node.name: jsonmap.to_json(node.value) for node in case.inputs}
            yield prepared, jsonmap.parse_body(jsonmap.dumps(tree))


_DEMO_CHANGES: list[dict[str, Any]] = [
    {},
    {"visit_date": "2024-01-31", "symptoms": ["cough", "fever"]},
    {"her2_status": "negative", "ecog": 3},
    {"her2_status": "not_retested", "line_of_therapy": 3},
    {"preference": "declines_anticancer_therapy"},
    {"lvef_percent": 55, "prior_regimen": "Paclitaxel"},
    {"lvef_percent": 40},  # the deliberate defect: a 500, assembled the plain way
    {"ecog": 7},  # refused
    {"progressed_on_first_line": False},
]


def _demo_requests() -> Iterator[tuple[Prepared, dict[str, Any]]]:
    for prepared in _prepared(MODELS):
        for changes in _DEMO_CHANGES:
            tree = {**VALID, **changes}
            yield prepared, jsonmap.parse_body(jsonmap.dumps(tree))


def _reference(prepared: Prepared, body: dict[str, Any], evaluation_id: str) -> dict[str, Any]:
    """The answer and audit columns built the straightforward way (None: not a 200)."""
    admission = prepared.admission
    model = prepared.version.compiled
    values = admission.validate(body, jsonmap.from_json).values
    results = [model.evaluate(values, decisions=admission.guards)] if admission.guards else []
    results.append(model.evaluate(values, decisions=admission.top_level))
    explanation = [entry for r in results for entry in explain(r.tables, prepared)]
    outputs = {name: jsonmap.to_json(results[-1].values[name]) for name in admission.top_level}
    notice = [prepared.notice] if prepared.notice is not None else []
    warnings = notice + [w for r in results for w in warnings_of(r.warnings)]
    payload = {
        "model": prepared.ref,
        "evaluation_id": evaluation_id,
        "outputs": outputs,
        "explanation": explanation,
        "warnings": warnings,
    }
    return {
        "body": jsonmap.dumps(payload),
        "outputs": jsonmap.dumps(outputs).decode(),
        "matched_rules": jsonmap.dumps(matched_rules(explanation)).decode(),
        "warnings": jsonmap.dumps(warnings).decode() if warnings else None,
    }


def test_the_engine_hands_over_its_log() -> None:
    """Without the engine's log, every answer would be explained the plain (slow) way."""
    prepared = _prepared(MODELS)[-1]
    values = prepared.admission.validate(dict(VALID), jsonmap.from_json).values
    result = prepared.version.compiled.evaluate(values, decisions=prepared.top_level)
    assert render.log_of(result)


def _check(prepared: Prepared, body: dict[str, Any]) -> Outcome:
    outcome = evaluate(
        lambda m, v: prepared, prepared.version.model_id, None, body, Call("render-test"), None
    )
    if outcome.status == 200:
        record = outcome.record
        expected = _reference(prepared, body, record.id)
        assert prepared.fragments.usable
        assert outcome.json() == expected["body"]
        assert record.outputs == expected["outputs"]
        assert record.matched_rules == expected["matched_rules"]
        assert record.warnings == expected["warnings"]
    return outcome


def _no_fallback(caplog: pytest.LogCaptureFixture) -> None:
    """The fast path did not give up (it would log, then answer the plain way)."""
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.slow
def test_clinical_answers_match_the_plain_assembly(caplog: pytest.LogCaptureFixture) -> None:
    requests = list(_clinical_requests())
    if not requests:
        pytest.skip("no clinical test cases in decisions/")
    statuses = [_check(p, b).status for p, b in requests + requests[::-1]]
    assert statuses.count(200) > len(statuses) // 2  # mostly answers, not refusals
    _no_fallback(caplog)


def test_test_model_answers_match_the_plain_assembly(caplog: pytest.LogCaptureFixture) -> None:
    requests = list(_demo_requests())
    statuses = {_check(p, b).status for p, b in requests + requests[::-1]}
    assert {200, 422, 500} <= statuses
    _no_fallback(caplog)
