"""Generated patients in, model versus spec out: the compiled model agrees with gastric_oracle.

gastric_oracle.py reads spec.md independently of the workbook. For every generated request
the model's guard must reject exactly what the oracle rejects, and for an accepted request
its HER2 status, pathway, ranked options, exclusion reasons, warnings and monitoring must be
the oracle's, with no table defect (two rules of a Unique table matching) and no FEEL warning.
A few invariants of spec sections 7 and 9 are checked on the way.
"""

from __future__ import annotations

from typing import Any

import gastric_oracle as spec
import pytest
from gastric_paths import feel_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.engine import Model

PRIOR = [
    None,
    spec.TDXD,
    spec.RAMPAC,
    spec.TRIPLET,
    spec.RAM,
    spec.DOCE,
    spec.PACLI,
    spec.IRI,
    spec.FOLFIRI,
    spec.TRIAL,
    "Other",
]
maybe_bool = st.sampled_from([None, True, False])
OPTIONAL = {
    "lvef_percent": st.one_of(st.sampled_from([49, 50, 49.5]), st.integers(5, 90)),
    "ild_history": maybe_bool,
    "uncontrolled_hypertension": maybe_bool,
    "bleeding_or_perforation_risk": maybe_bool,
    "residual_neuropathy_grade": st.one_of(st.none(), st.integers(0, 4)),
    "prior_irinotecan": maybe_bool,
    "patient_preference": st.sampled_from(
        [None, "none", "prefers_less_frequent_visits", "declines_anticancer_therapy"]
    ),
}


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """A request, mostly consistent (one in ten breaks a rule of spec 5.0); any field may lack."""
    line = draw(st.sampled_from([2, 3]))
    request: dict[str, Any] = {
        "line_of_therapy": line,
        "progressed_on_first_line": draw(st.sampled_from([True] * 6 + [False])),
        "her2_status_after_progression": draw(
            st.sampled_from(["positive", "negative", "not_retested"])
        ),
        "ecog": draw(st.sampled_from([0, 1, 1, 2, 2, 3, 4])),
    }
    for name, values in OPTIONAL.items():
        if draw(st.booleans()):
            request[name] = draw(values)
    consistent = draw(st.integers(0, 9)) > 0
    prior = draw(st.sampled_from(PRIOR[1:])) if line == 3 or not consistent else None
    if prior is not None or not consistent:
        request["prior_second_line_regimen"] = prior
    if (
        consistent
        and prior in (spec.IRI, spec.FOLFIRI)
        and request.get("prior_irinotecan") is False
    ):
        del request["prior_irinotecan"]
    if not consistent and draw(st.booleans()):
        del request[draw(st.sampled_from(sorted(request)))]
    return request


def model_answer(model: Model, request: dict[str, Any]) -> tuple[list[tuple[str, str]], Any]:
    """The guard's (code, field) pairs and, when accepted, the answer in the oracle's terms."""
    guard = model.evaluate(feel_inputs(request), ["request_errors"])
    errors = [(e["code"], e["field"]) for e in guard.values["request_errors"]]
    if errors:
        return errors, None  # the service stops here: nothing else is evaluated
    result = model.evaluate(feel_inputs(request))
    assert result.errors == [] and result.warnings == []
    values = result.values
    options = values["options"]
    answer = spec.Answer(
        her2_status_acted_on=values["her2_status_acted_on"],
        care_pathway=values["care_pathway"],
        options=[o["regimen"] for o in options],
        excluded={
            e["regimen"]: [r["reason_code"] for r in e["reasons"]]
            for e in values["excluded_options"]
        },
        warnings=[w["code"] for w in values["warnings"]],
        monitoring=[item["code"] for item in values["monitoring"]],
        option_monitoring={o["regimen"]: list(o["monitoring"]) for o in options},
    )
    check_invariants(values)
    return errors, answer


def check_invariants(values: dict[str, Any]) -> None:
    """Spec sections 7 and 9 on one accepted answer."""
    options = values["options"]
    regimens = [o["regimen"] for o in options]
    assert [o["rank"] for o in options] == list(range(1, len(options) + 1))
    assert values["first_choice"] == (regimens[0] if regimens else None)
    assert not set(regimens) & {e["regimen"] for e in values["excluded_options"]}
    priorities = [o["priority"] for o in options]
    assert priorities == sorted(priorities)
    assert len({m["code"] for m in values["monitoring"]}) == len(values["monitoring"])
    if values["care_pathway"] == "bsc":
        assert regimens == [spec.BSC]


@pytest.mark.slow
@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(request=requests())
def test_model_agrees_with_the_spec_oracle(model: Model, request: dict[str, Any]) -> None:
    errors, answer = model_answer(model, request)
    assert errors == spec.guard_errors(request)
    if not errors:
        assert answer == spec.answer(request)


# Patients the spec's sections 6 and 9 single out, written as plain requests.
NAMED = [
    {
        "line_of_therapy": 2,
        "progressed_on_first_line": True,
        "her2_status_after_progression": "positive",
        "ecog": 1,
    },
    {
        "line_of_therapy": 3,
        "progressed_on_first_line": True,
        "her2_status_after_progression": "not_retested",
        "ecog": 0,
        "prior_second_line_regimen": spec.RAMPAC,
    },
    {
        "line_of_therapy": 2,
        "progressed_on_first_line": True,
        "her2_status_after_progression": "negative",
        "ecog": 1,
        "uncontrolled_hypertension": True,
        "residual_neuropathy_grade": 3,
        "prior_irinotecan": True,
    },
    {
        "line_of_therapy": 3,
        "progressed_on_first_line": True,
        "her2_status_after_progression": "positive",
        "ecog": 2,
        "prior_second_line_regimen": "FOLFIRI",
        "ild_history": True,
        "lvef_percent": 45,
    },
]


@pytest.mark.parametrize("request_body", NAMED)
def test_named_patients_agree_with_the_spec_oracle(
    model: Model, request_body: dict[str, Any]
) -> None:
    errors, answer = model_answer(model, request_body)
    assert errors == [] and answer == spec.answer(request_body)
