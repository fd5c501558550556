"""A request in, the answer spec.md prescribes out: an independent reading of the clinical spec.

This is a second implementation of shared/clinical/spec.md (sections 3 to 8), written from the
specification's tables and not from the workbook, so that the model can be compared with it on
many generated patients (tests/clinical/test_gastric_oracle.py). It returns codes and regimen
names only; the texts are checked elsewhere. Values are plain Python: ints, floats, bools, None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TDXD = "Trastuzumab deruxtecan"
FTD = "Trifluridine/tipiracil"
RAMPAC = "Ramucirumab + paclitaxel"
TRIPLET = "Trastuzumab + ramucirumab + paclitaxel"
RAM = "Ramucirumab"
DOCE = "Docetaxel"
PACLI = "Paclitaxel"
IRI = "Irinotecan"
FOLFIRI = "FOLFIRI"
TRIAL = "Clinical trial"
BSC = "Best supportive care"


@dataclass(frozen=True)
class Regimen:
    """A row of the T3 catalogue (spec 5.3)."""

    name: str
    priority: int
    lines: tuple[int, ...]
    kind: str
    anti_her2: bool = False
    ramucirumab: bool = False
    taxane: bool = False
    irinotecan: bool = False
    multi_agent: bool = False


CATALOGUE = (
    Regimen(TDXD, 10, (2, 3), "systemic", anti_her2=True),
    Regimen(FTD, 15, (3,), "systemic"),
    Regimen(RAMPAC, 20, (2, 3), "systemic", ramucirumab=True, taxane=True, multi_agent=True),
    Regimen(
        TRIPLET,
        30,
        (2,),
        "systemic",
        anti_her2=True,
        ramucirumab=True,
        taxane=True,
        multi_agent=True,
    ),
    Regimen(RAM, 35, (2, 3), "systemic", ramucirumab=True),
    Regimen(DOCE, 40, (2, 3), "systemic", taxane=True),
    Regimen(PACLI, 50, (2, 3), "systemic", taxane=True),
    Regimen(IRI, 60, (2, 3), "systemic", irinotecan=True),
    Regimen(FOLFIRI, 70, (2, 3), "systemic", irinotecan=True, multi_agent=True),
    Regimen(TRIAL, 90, (2, 3), "trial"),
    Regimen(BSC, 100, (2, 3), "supportive"),
)
BY_NAME = {r.name: r for r in CATALOGUE}

# T7a (spec 5.7), per regimen in rule order; T7b.
_RAM3 = (RAMPAC, TRIPLET, RAM)
T7A: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ILD_SURVEILLANCE", (TDXD,)),
    ("PULMONARY_FUNCTION", (TDXD,)),
    ("CBC_BEFORE_EACH_DOSE", (TDXD,)),
    ("LVEF_MONITORING", (TDXD, TRIPLET)),
    ("BP_MONITORING", _RAM3),
    ("PROTEINURIA_MONITORING", _RAM3),
    ("BLEEDING_SIGNS", _RAM3),
    ("CBC_BEFORE_EACH_DOSE", (RAMPAC, TRIPLET, DOCE, PACLI, IRI, FOLFIRI, FTD)),
    ("NEUROPATHY_ASSESSMENT", (RAMPAC, TRIPLET, DOCE, PACLI)),
    ("DIARRHEA_MONITORING", (IRI, FOLFIRI)),
    ("SYMPTOM_PALLIATION_REVIEW", (BSC,)),
)
T7B = ("IMAGING_Q6_8W", "CLINICAL_SYMPTOM_REVIEW")

REQUIRED = ("line_of_therapy", "progressed_on_first_line", "her2_status_after_progression", "ecog")


@dataclass
class Answer:
    """What the spec prescribes for one accepted request (codes and names only)."""

    her2_status_acted_on: str
    care_pathway: str
    options: list[str]
    excluded: dict[str, list[str]]
    warnings: list[str]
    monitoring: list[str]
    option_monitoring: dict[str, list[str]] = field(default_factory=dict)


def guard_errors(req: dict[str, Any]) -> list[tuple[str, str]]:
    """Spec 5.0 rules 0.1, 0.2, 0.7, 0.8, 0.9 as (code, field), in rule order."""
    found = [("MISSING_REQUIRED_FIELD", name) for name in REQUIRED if req.get(name) is None]
    line, prior = req.get("line_of_therapy"), req.get("prior_second_line_regimen")
    if line == 3 and prior is None:
        found.append(("MISSING_REQUIRED_FIELD", "prior_second_line_regimen"))
    if line == 3 and req.get("progressed_on_first_line") is False:
        found.append(("CONTRADICTION", "progressed_on_first_line"))
    if line == 2 and prior is not None:
        found.append(("CONTRADICTION", "prior_second_line_regimen"))
    if prior in (IRI, FOLFIRI) and req.get("prior_irinotecan") is False:
        found.append(("CONTRADICTION", "prior_irinotecan"))
    return found


def monitoring_of(regimen: str) -> list[str]:
    """The T7a codes of one regimen, in rule order."""
    return [code for code, regimens in T7A if regimen in regimens]


def care_pathway(req: dict[str, Any]) -> str:
    """T2 (spec 5.2)."""
    if not req["progressed_on_first_line"]:
        return "confirm_progression"
    if req.get("patient_preference") == "declines_anticancer_therapy":
        return "bsc"
    ecog = req["ecog"]
    return "bsc" if ecog >= 3 else "systemic_limited" if ecog == 2 else "systemic_full"


def is_candidate(pathway: str, r: Regimen, line: int) -> bool:
    """T4 (spec 5.4)."""
    in_scope = line in r.lines
    if pathway == "confirm_progression":
        return False
    if pathway == "bsc":
        return r.kind == "supportive"
    if pathway == "systemic_full":
        return r.kind in ("systemic", "trial") and in_scope
    return r.kind in ("systemic", "supportive") and in_scope  # systemic_limited


def exclusions(req: dict[str, Any], r: Regimen, her2: str, pathway: str) -> list[str]:
    """T5 (spec 5.5): the reason codes of candidate ``r``, in rule order."""
    prior = req.get("prior_second_line_regimen")
    prior_iri = req.get("prior_irinotecan") is True or prior in (IRI, FOLFIRI)
    prior_ram = prior in (RAMPAC, TRIPLET, RAM)
    prior_taxane = prior in (RAMPAC, TRIPLET, DOCE, PACLI)
    lvef, neuropathy = req.get("lvef_percent"), req.get("residual_neuropathy_grade")
    line3 = req["line_of_therapy"] == 3
    checks = (
        (r.anti_her2 and her2 == "negative", "HER2_NEGATIVE"),
        (r.name == TRIPLET and her2 == "positive_unconfirmed", "HER2_NOT_CONFIRMED"),
        (r.name == TDXD and req.get("ild_history") is True, "ILD_HISTORY"),
        (r.anti_her2 and lvef is not None and lvef < 50, "LVEF_BELOW_50"),
        (
            r.ramucirumab and req.get("uncontrolled_hypertension") is True,
            "UNCONTROLLED_HYPERTENSION",
        ),
        (
            r.ramucirumab and req.get("bleeding_or_perforation_risk") is True,
            "BLEEDING_OR_PERFORATION_RISK",
        ),
        (r.taxane and neuropathy is not None and neuropathy >= 3, "NEUROPATHY_GRADE_3_PLUS"),
        (r.irinotecan and prior_iri, "PRIOR_IRINOTECAN"),
        (r.multi_agent and pathway == "systemic_limited", "ECOG2_COMBINATION"),
        (r.kind == "systemic" and line3 and prior == r.name, "ALREADY_USED_SECOND_LINE"),
        (r.ramucirumab and line3 and prior_ram, "RAMUCIRUMAB_ALREADY_USED"),
        (r.taxane and line3 and prior_taxane, "TAXANE_ALREADY_USED"),
    )
    return [code for holds, code in checks if holds]


def answer(req: dict[str, Any]) -> Answer:
    """The spec's answer to an accepted request (``guard_errors`` is empty)."""
    her2 = {"positive": "positive", "negative": "negative", "not_retested": "positive_unconfirmed"}[
        req["her2_status_after_progression"]
    ]
    pathway = care_pathway(req)
    line = req["line_of_therapy"]
    candidates = [r for r in CATALOGUE if is_candidate(pathway, r, line)]
    excluded = {r.name: exclusions(req, r, her2, pathway) for r in candidates}
    excluded = {name: codes for name, codes in excluded.items() if codes}
    options = sorted((r for r in candidates if r.name not in excluded), key=lambda r: r.priority)
    systemic = pathway in ("systemic_full", "systemic_limited")
    fallback = (
        systemic
        and not any(r.kind == "systemic" for r in options)
        and all(r.name != BSC for r in options)
    )
    if fallback:
        options.append(BY_NAME[BSC])
    names = [r.name for r in options]
    first = options[0] if options else None
    monitoring: list[str] = []
    if first is not None:
        general = list(T7B) if first.kind in ("systemic", "trial") else []
        monitoring = list(dict.fromkeys(general + monitoring_of(first.name)))
    result = Answer(
        her2,
        pathway,
        names,
        excluded,
        [],
        monitoring,
        {name: monitoring_of(name) for name in names},
    )
    result.warnings = warnings(req, result, fallback)
    return result


def warnings(req: dict[str, Any], a: Answer, fallback: bool) -> list[str]:
    """T8 (spec 5.8): the warning codes, W01 to W20 in order."""
    offered = set(a.options)
    rows = [BY_NAME[name] for name in a.options]
    systemic = a.care_pathway in ("systemic_full", "systemic_limited")
    her2_in = req["her2_status_after_progression"]
    preference = req.get("patient_preference")
    prior = req.get("prior_second_line_regimen")
    prior_iri = req.get("prior_irinotecan") is True or prior in (IRI, FOLFIRI)
    neuropathy = req.get("residual_neuropathy_grade")
    taxane = any(r.taxane for r in rows)
    tdxd_safety = any(c in ("ILD_HISTORY", "LVEF_BELOW_50") for c in a.excluded.get(TDXD, []))
    conditions = (
        ("HER2_NOT_RETESTED", her2_in == "not_retested" and systemic),
        ("HER2_LOSS_CONFIRMED", her2_in == "negative" and systemic),
        ("TDXD_ILD_RISK", TDXD in offered),
        ("NO_TRASTUZUMAB_BEYOND_PROGRESSION", systemic),
        (
            "AVOID_TREATMENT_DELAY",
            a.care_pathway == "systemic_full" and req["line_of_therapy"] == 2,
        ),
        ("ECOG2_LIMITED_EVIDENCE", a.care_pathway == "systemic_limited"),
        ("POOR_PERFORMANCE_STATUS", a.care_pathway == "bsc" and req["ecog"] >= 3),
        (
            "PATIENT_DECLINES_THERAPY",
            a.care_pathway == "bsc" and preference == "declines_anticancer_therapy",
        ),
        ("PROGRESSION_NOT_CONFIRMED", a.care_pathway == "confirm_progression"),
        (
            "LVEF_NOT_ASSESSED",
            req.get("lvef_percent") is None and (TDXD in offered or TRIPLET in offered),
        ),
        ("ILD_HISTORY_NOT_ASSESSED", req.get("ild_history") is None and TDXD in offered),
        (
            "VEGF_RISK_NOT_ASSESSED",
            (
                req.get("uncontrolled_hypertension") is None
                or req.get("bleeding_or_perforation_risk") is None
            )
            and any(r.ramucirumab for r in rows),
        ),
        ("NEUROPATHY_TAXANE_CAUTION", neuropathy == 2 and taxane),
        ("NEUROPATHY_NOT_ASSESSED", neuropathy is None and taxane),
        (
            "PRIOR_IRINOTECAN_UNKNOWN",
            req.get("prior_irinotecan") is None
            and not prior_iri
            and any(r.irinotecan for r in rows),
        ),
        ("INVESTIGATIONAL_REGIMEN", TRIPLET in offered),
        ("TDXD_EXCLUDED_SAFETY", a.her2_status_acted_on != "negative" and tdxd_safety),
        ("NO_STANDARD_OPTION_REMAINING", fallback),
        (
            "PRIOR_SECOND_LINE_UNSPECIFIED",
            req["line_of_therapy"] == 3 and prior in (TRIAL, "Other") and systemic,
        ),
        ("SCHEDULE_PREFERENCE_NOTED", preference == "prefers_less_frequent_visits" and systemic),
    )
    return [code for code, holds in conditions if holds]
