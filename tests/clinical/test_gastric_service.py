"""Requests to the service in, spec.md section 7 and 8 out: the served model's outputs and refusals.

The committed model is served in-process from a copy of its folder. Each test posts JSON the
way a caller would and checks the shapes of section 7, the values its example shows, the 422
codes of section 5.0 (type, range, enum and unknown-field errors come from the input
declarations; contradictions from the guard table), null versus absent, and determinism.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from gastric_paths import FOLDER, MODEL_ID, REPO, VERSION

from service.api.app import create_app
from service.api.state import Settings

sys.path.insert(0, str(REPO / "tests" / "api"))
from api_harness import InProcess

URL = f"/decisions/{MODEL_ID}/evaluate?version={VERSION}"
DISCLAIMER = (
    "Decision support only; verify against current guidelines and the full clinical picture."
)
OUTPUT_KEYS = {
    "her2_status_acted_on",
    "care_pathway",
    "first_choice",
    "options",
    "excluded_options",
    "monitoring",
    "warnings",
    "citations",
    "disclaimer",
}
OPTION_KEYS = [
    "rank",
    "regimen",
    "priority",
    "evidence_category",
    "rationale",
    "schedule",
    "citations",
    "monitoring",
]
REGIMENS = {
    "Trastuzumab deruxtecan",
    "Trifluridine/tipiracil",
    "Ramucirumab + paclitaxel",
    "Trastuzumab + ramucirumab + paclitaxel",
    "Ramucirumab",
    "Docetaxel",
    "Paclitaxel",
    "Irinotecan",
    "FOLFIRI",
    "Clinical trial",
    "Best supportive care",
}

BASE: dict[str, Any] = {
    "line_of_therapy": 2,
    "progressed_on_first_line": True,
    "her2_status_after_progression": "not_retested",
    "ecog": 1,
    "lvef_percent": 60,
    "ild_history": False,
    "uncontrolled_hypertension": False,
    "bleeding_or_perforation_risk": False,
    "residual_neuropathy_grade": 0,
    "prior_irinotecan": False,
}
LINE3 = {**BASE, "line_of_therapy": 3, "prior_second_line_regimen": "Ramucirumab + paclitaxel"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """The service over a copy of the committed model, with a fresh SQLite audit log."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(FOLDER, root / "decisions" / MODEL_ID)
    settings = Settings(
        decisions_dir=root / "decisions", database_url=f"sqlite:///{root / 'audit.sqlite'}"
    )
    client = InProcess(create_app(settings))
    yield client
    client.close()


def post(client: InProcess, body: Any) -> tuple[int, dict[str, Any]]:
    response = client.post(URL, json=body)
    return response.status_code, response.json()


def outputs(client: InProcess, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = post(client, body)
    assert status == 200, answer
    result: dict[str, Any] = answer["outputs"]
    return result


# --- section 7: shapes ---------------------------------------------------------------------


def test_outputs_have_the_shapes_of_spec_section_7(client: InProcess) -> None:
    out = outputs(client, BASE)
    assert set(out) == OUTPUT_KEYS
    assert out["disclaimer"] == DISCLAIMER
    assert [list(o) for o in out["options"]] == [OPTION_KEYS] * len(out["options"])
    assert [o["rank"] for o in out["options"]] == list(range(1, len(out["options"]) + 1))
    assert {o["regimen"] for o in out["options"]} <= REGIMENS
    assert out["first_choice"] == out["options"][0]["regimen"]
    for excluded in out["excluded_options"]:
        assert list(excluded) == ["regimen", "reasons"] and excluded["reasons"]
        assert all(
            list(r) == ["reason_code", "reason_text", "citations"] for r in excluded["reasons"]
        )
    assert all(list(item) == ["code", "text", "citations"] for item in out["monitoring"])
    assert all(list(w) == ["code", "severity", "text", "citations"] for w in out["warnings"])
    assert {w["severity"] for w in out["warnings"]} <= {"high", "medium", "info"}


def test_citations_name_exactly_the_codes_the_answer_cites(client: InProcess) -> None:
    out = outputs(client, LINE3)
    cited = {c for o in out["options"] for c in o["citations"]}
    cited |= {c for e in out["excluded_options"] for r in e["reasons"] for c in r["citations"]}
    cited |= {c for item in out["monitoring"] + out["warnings"] for c in item["citations"]}
    assert cited <= set(out["citations"])
    assert all(isinstance(text, str) and len(text) > 20 for text in out["citations"].values())
    assert out["citations"]["CONV"].startswith("Clinical convention")


def test_the_values_of_the_spec_example(client: InProcess) -> None:
    out = outputs(client, BASE)
    assert (out["her2_status_acted_on"], out["care_pathway"]) == (
        "positive_unconfirmed",
        "systemic_full",
    )
    first = out["options"][0]
    assert (first["rank"], first["regimen"], first["priority"]) == (1, "Trastuzumab deruxtecan", 10)
    assert first["evidence_category"] == (
        "NCCN preferred (2A per manufacturer summary; re-check after DG04); phase 3 RCT"
    )
    assert first["schedule"] == "6.4 mg/kg IV every 3 weeks"
    assert first["citations"] == ["ARTICLE", "DG04", "DG01", "TDXD-LABEL"]
    assert first["monitoring"] == [
        "ILD_SURVEILLANCE",
        "PULMONARY_FUNCTION",
        "CBC_BEFORE_EACH_DOSE",
        "LVEF_MONITORING",
    ]
    assert out["excluded_options"][0]["regimen"] == "Trastuzumab + ramucirumab + paclitaxel"
    reason = out["excluded_options"][0]["reasons"][0]
    assert (reason["reason_code"], reason["citations"]) == (
        "HER2_NOT_CONFIRMED",
        ["CONV", "ARTICLE", "TACT", "HER2LOSS"],
    )
    assert out["monitoring"][0] == {
        "code": "IMAGING_Q6_8W",
        "text": "Radiographic response assessment every 6–8 weeks.",
        "citations": ["ARTICLE"],
    }
    ild = next(item for item in out["monitoring"] if item["code"] == "ILD_SURVEILLANCE")
    assert ild["citations"] == ["ARTICLE", "DG04", "TDXD-LABEL"]
    risk = next(w for w in out["warnings"] if w["code"] == "TDXD_ILD_RISK")
    assert (risk["severity"], risk["citations"]) == ("high", ["ARTICLE", "DG04", "TDXD-LABEL"])
    assert out["citations"]["DG04"].startswith("Shitara K, Van Cutsem E, Gümüş M, et al.")


def test_lvef_monitoring_of_tdxd_cites_the_label_only(client: InProcess) -> None:
    """Spec 5.7 rule 7.4: "TDXD-LABEL; CONV for the triplet" (CONV only for the triplet)."""
    request = {
        "line_of_therapy": 2,
        "progressed_on_first_line": True,
        "her2_status_after_progression": "positive",
        "ecog": 1,
    }
    out = outputs(client, request)
    assert out["first_choice"] == "Trastuzumab deruxtecan"
    lvef = next(item for item in out["monitoring"] if item["code"] == "LVEF_MONITORING")
    assert lvef == {
        "code": "LVEF_MONITORING",
        "text": (
            "LVEF before starting and at regular intervals; "
            "interrupt or discontinue per label thresholds."
        ),
        "citations": ["TDXD-LABEL"],
    }
    triplet = next(o for o in out["options"] if o["regimen"].startswith("Trastuzumab +"))
    assert "LVEF_MONITORING" in triplet["monitoring"]


def test_progression_not_confirmed_returns_no_option(client: InProcess) -> None:
    out = outputs(client, {**BASE, "progressed_on_first_line": False})
    assert (out["care_pathway"], out["first_choice"]) == ("confirm_progression", None)
    assert (out["options"], out["excluded_options"], out["monitoring"]) == ([], [], [])
    assert [w["code"] for w in out["warnings"]] == ["PROGRESSION_NOT_CONFIRMED"]


def test_best_supportive_care_has_no_schedule(client: InProcess) -> None:
    out = outputs(client, {**BASE, "ecog": 3})
    assert [(o["regimen"], o["schedule"]) for o in out["options"]] == [
        ("Best supportive care", None)
    ]
    assert [m["code"] for m in out["monitoring"]] == ["SYMPTOM_PALLIATION_REVIEW"]


# --- section 8: missing values and determinism ----------------------------------------------

OPTIONAL = [
    "lvef_percent",
    "ild_history",
    "uncontrolled_hypertension",
    "bleeding_or_perforation_risk",
    "residual_neuropathy_grade",
    "prior_irinotecan",
    "patient_preference",
]


def test_null_and_absent_optional_inputs_are_the_same(client: InProcess) -> None:
    required = {k: BASE[k] for k in list(BASE)[:4]}
    absent = outputs(client, required)
    explicit = outputs(client, {**required, **dict.fromkeys(OPTIONAL)})
    assert absent == explicit
    assert absent["first_choice"] == "Trastuzumab deruxtecan"


def test_line_2_with_a_null_line_2_regimen_is_accepted(client: InProcess) -> None:
    """Section 3: the line-2 regimen must be absent or null in line 2; null is not refused."""
    assert outputs(client, {**BASE, "prior_second_line_regimen": None}) == outputs(client, BASE)


def test_absent_patient_preference_is_none(client: InProcess) -> None:
    assert outputs(client, BASE) == outputs(client, {**BASE, "patient_preference": "none"})


def test_the_same_request_gives_the_same_answer(client: InProcess) -> None:
    first = post(client, LINE3)[1]
    second = post(client, LINE3)[1]
    assert first["outputs"] == second["outputs"]
    assert first["explanation"] == second["explanation"]


# --- sections 5.0 and 8: refusals ----------------------------------------------------------

REFUSALS: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("ecog as text", {**BASE, "ecog": "1"}, [("INVALID_TYPE", "ecog")]),
    ("boolean as text", {**BASE, "ild_history": "yes"}, [("INVALID_TYPE", "ild_history")]),
    ("fraction for an integer", {**BASE, "ecog": 1.5}, [("INVALID_TYPE", "ecog")]),
    (
        "fraction for the line",
        {**BASE, "line_of_therapy": 2.5},
        [("INVALID_TYPE", "line_of_therapy")],
    ),
    ("number as text", {**BASE, "lvef_percent": "55"}, [("INVALID_TYPE", "lvef_percent")]),
    ("line 1", {**BASE, "line_of_therapy": 1}, [("OUT_OF_RANGE", "line_of_therapy")]),
    ("line 4", {**BASE, "line_of_therapy": 4}, [("OUT_OF_RANGE", "line_of_therapy")]),
    ("ecog 5", {**BASE, "ecog": 5}, [("OUT_OF_RANGE", "ecog")]),
    ("ecog -1", {**BASE, "ecog": -1}, [("OUT_OF_RANGE", "ecog")]),
    ("lvef 4", {**BASE, "lvef_percent": 4}, [("OUT_OF_RANGE", "lvef_percent")]),
    ("lvef 90.5", {**BASE, "lvef_percent": 90.5}, [("OUT_OF_RANGE", "lvef_percent")]),
    (
        "neuropathy 5",
        {**BASE, "residual_neuropathy_grade": 5},
        [("OUT_OF_RANGE", "residual_neuropathy_grade")],
    ),
    (
        "equivocal HER2",
        {**BASE, "her2_status_after_progression": "equivocal"},
        [("INVALID_ENUM", "her2_status_after_progression")],
    ),
    (
        "unknown regimen",
        {**LINE3, "prior_second_line_regimen": "Cisplatin"},
        [("INVALID_ENUM", "prior_second_line_regimen")],
    ),
    (
        "unknown preference",
        {**BASE, "patient_preference": "weekly"},
        [("INVALID_ENUM", "patient_preference")],
    ),
    ("misspelt field", {**BASE, "lvef": 55}, [("UNKNOWN_FIELD", "lvef")]),
    (
        "missing ecog",
        {k: v for k, v in BASE.items() if k != "ecog"},
        [("MISSING_REQUIRED_FIELD", "ecog")],
    ),
    (
        "null HER2",
        {**BASE, "her2_status_after_progression": None},
        [("MISSING_REQUIRED_FIELD", "her2_status_after_progression")],
    ),
    (
        "line 3 without its line-2 regimen",
        {**BASE, "line_of_therapy": 3},
        [("MISSING_REQUIRED_FIELD", "prior_second_line_regimen")],
    ),
    (
        "line 3 not progressed",
        {**LINE3, "progressed_on_first_line": False},
        [("CONTRADICTION", "progressed_on_first_line")],
    ),
    (
        "line 2 with a line-2 regimen",
        {**BASE, "prior_second_line_regimen": "Docetaxel"},
        [("CONTRADICTION", "prior_second_line_regimen")],
    ),
    (
        "FOLFIRI without irinotecan",
        {**LINE3, "prior_second_line_regimen": "FOLFIRI"},
        [("CONTRADICTION", "prior_irinotecan")],
    ),
    (
        "all errors together",
        {"line_of_therapy": 3, "progressed_on_first_line": False, "ecog": 9, "lvef": 1},
        [
            ("UNKNOWN_FIELD", "lvef"),
            ("MISSING_REQUIRED_FIELD", "her2_status_after_progression"),
            ("OUT_OF_RANGE", "ecog"),
            ("MISSING_REQUIRED_FIELD", "prior_second_line_regimen"),
            ("CONTRADICTION", "progressed_on_first_line"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("body", "errors"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refused_with_the_codes_of_spec_section_5_0(
    client: InProcess, body: dict[str, Any], errors: list[tuple[str, str]]
) -> None:
    status, answer = post(client, body)
    assert status == 422
    assert "outputs" not in answer
    assert sorted((e["code"], e["field"]) for e in answer["errors"]) == sorted(errors)


def test_a_contradiction_names_its_rule_and_message(client: InProcess) -> None:
    status, answer = post(client, {**LINE3, "progressed_on_first_line": False})
    assert status == 422
    [error] = answer["errors"]
    assert error["message"] == "line 3 implies progression on line 1"
    assert error["location"]["decision"] == "request_errors"
    assert error["location"]["source"]["sheet"] == "T0 Validation"


@pytest.mark.parametrize(
    "change",
    [
        {"lvef_percent": 5},
        {"lvef_percent": 90},
        {"ecog": 0},
        {"ecog": 4},
        {"residual_neuropathy_grade": 4},
        {"prior_second_line_regimen": "Irinotecan", "prior_irinotecan": None, "line_of_therapy": 3},
    ],
)
def test_values_at_the_edges_are_accepted(client: InProcess, change: dict[str, Any]) -> None:
    status, answer = post(client, {**BASE, **change})
    assert status == 200, answer
