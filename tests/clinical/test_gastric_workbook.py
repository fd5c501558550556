"""The clinical workbook in, checks out: it compiles cleanly and matches the committed DMN.

It declares the inputs and outputs of spec.md, and its Tests sheet exercises every situation
and every code of the spec.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from gastric_paths import (
    DMN,
    FIRST_VERSION,
    FOLDER,
    MODEL_ID,
    PUBLISHED,
    REPO,
    SECOND_VERSION,
    TESTS,
    VERSION,
)

from service.dmn import model as m
from service.engine import Model
from service.feel import evaluate
from service.sheets.compiler import Compilation
from service.store import admission, diff_report, regression
from service.store.refusals import ERRORS_RESULT
from service.tck.reader import TestCase

REGIMEN_ENUM = (
    '"Trastuzumab deruxtecan", "Ramucirumab + paclitaxel", '
    '"Trastuzumab + ramucirumab + paclitaxel", "Ramucirumab", "Docetaxel", "Paclitaxel", '
    '"Irinotecan", "FOLFIRI", "Clinical trial", "Other"'
)

# spec.md section 3: name, base type, integer, allowed values, required, required when, default.
SPEC_INPUTS = [
    ("line_of_therapy", "number", True, ["2, 3"], True, None, None),
    ("progressed_on_first_line", "boolean", False, [], True, None, None),
    (
        "her2_status_after_progression",
        "string",
        False,
        ['"positive", "negative", "not_retested"'],
        True,
        None,
        None,
    ),
    ("ecog", "number", True, ["[0..4]"], True, None, None),
    ("lvef_percent", "number", False, ["[5..90]"], False, None, None),
    ("ild_history", "boolean", False, [], False, None, None),
    ("uncontrolled_hypertension", "boolean", False, [], False, None, None),
    ("bleeding_or_perforation_risk", "boolean", False, [], False, None, None),
    ("residual_neuropathy_grade", "number", True, ["[0..4]"], False, None, None),
    ("prior_irinotecan", "boolean", False, [], False, None, None),
    (
        "prior_second_line_regimen",
        "string",
        False,
        [REGIMEN_ENUM],
        False,
        "line_of_therapy = 3",
        None,
    ),
    (
        "patient_preference",
        "string",
        False,
        ['"none", "prefers_less_frequent_visits", "declines_anticancer_therapy"'],
        False,
        None,
        '"none"',
    ),
]

TOP_LEVEL = {
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

WARNING_CODES = [
    "HER2_NOT_RETESTED",
    "HER2_LOSS_CONFIRMED",
    "TDXD_ILD_RISK",
    "NO_TRASTUZUMAB_BEYOND_PROGRESSION",
    "AVOID_TREATMENT_DELAY",
    "ECOG2_LIMITED_EVIDENCE",
    "POOR_PERFORMANCE_STATUS",
    "PATIENT_DECLINES_THERAPY",
    "PROGRESSION_NOT_CONFIRMED",
    "LVEF_NOT_ASSESSED",
    "ILD_HISTORY_NOT_ASSESSED",
    "VEGF_RISK_NOT_ASSESSED",
    "NEUROPATHY_TAXANE_CAUTION",
    "NEUROPATHY_NOT_ASSESSED",
    "PRIOR_IRINOTECAN_UNKNOWN",
    "INVESTIGATIONAL_REGIMEN",
    "TDXD_EXCLUDED_SAFETY",
    "NO_STANDARD_OPTION_REMAINING",
    "PRIOR_SECOND_LINE_UNSPECIFIED",
    "SCHEDULE_PREFERENCE_NOTED",
]
EXCLUSION_CODES = [
    "HER2_NEGATIVE",
    "HER2_NOT_CONFIRMED",
    "ILD_HISTORY",
    "LVEF_BELOW_50",
    "UNCONTROLLED_HYPERTENSION",
    "BLEEDING_OR_PERFORATION_RISK",
    "NEUROPATHY_GRADE_3_PLUS",
    "PRIOR_IRINOTECAN",
    "ECOG2_COMBINATION",
    "ALREADY_USED_SECOND_LINE",
    "RAMUCIRUMAB_ALREADY_USED",
    "TAXANE_ALREADY_USED",
]
GUARD_ERRORS = [  # spec 5.0 rules 0.1, 0.2, 0.7, 0.8, 0.9: (code, field)
    ("MISSING_REQUIRED_FIELD", "line_of_therapy"),
    ("MISSING_REQUIRED_FIELD", "progressed_on_first_line"),
    ("MISSING_REQUIRED_FIELD", "her2_status_after_progression"),
    ("MISSING_REQUIRED_FIELD", "ecog"),
    ("MISSING_REQUIRED_FIELD", "prior_second_line_regimen"),
    ("CONTRADICTION", "progressed_on_first_line"),
    ("CONTRADICTION", "prior_second_line_regimen"),
    ("CONTRADICTION", "prior_irinotecan"),
]
SPEC_SECTION_10 = [
    "ARTICLE",
    "DG04",
    "DG04-PR",
    "DG01",
    "DG02",
    "TDXD-LABEL",
    "RAINBOW",
    "RAINBOW-RESP",
    "RAINBOW-BLEED",
    "REGARD",
    "RAM-LABEL",
    "TAGS",
    "TAGS-3L",
    "TACT",
    "HER2LOSS",
    "TRP",
    "PN2022",
    "GATSBY",
    "NCCN-TDXD",
    "NCCN-TRIAL",
    "CONV",
]


def expected(cases: list[TestCase], decision: str) -> list[Any]:
    """The expected values of ``decision`` over every case that checks it."""
    return [node.expected for case in cases for node in case.results if node.name == decision]


def given(cases: list[TestCase], name: str) -> list[Any]:
    """The values the cases the service answers give to input ``name`` (absent inputs and
    the cases expecting a refusal, whose values are sent as written, left out)."""
    answered = [c for c in cases if all(node.name != ERRORS_RESULT for node in c.results)]
    return [node.value for case in answered for node in case.inputs if node.name == name]


# --- the workbook and the committed files --------------------------------------------------------


def test_workbook_compiles_without_any_diagnostic(compilation: Compilation) -> None:
    assert [str(d) for d in compilation.diagnostics] == []
    assert (compilation.model_id, compilation.version) == (MODEL_ID, VERSION)


def test_committed_files_are_the_workbook_compiled(compilation: Compilation) -> None:
    assert compilation.dmn == DMN.read_bytes(), "recompile: tablerx compile spreadsheets/..."
    assert compilation.tests == TESTS.read_bytes()
    assert sorted(p.name for p in FOLDER.iterdir() if p.suffix in (".dmn", ".xml")) == sorted(
        name for version in PUBLISHED for name in (f"{version}.dmn", f"{version}.tests.xml")
    )


# The sha256 of version 0.1.0's files as published: a published version never changes.
FIRST_VERSION_SHA256 = {
    f"{FIRST_VERSION}.dmn": "3e604a8613a4d076d9d3da1c08b5a07e45bbdf5169d2b2c5d9ff18b28a593a04",
    f"{FIRST_VERSION}.tests.xml": (
        "64acfa8899c8d3e5d53cee3df9a0039936c67ecb2075265d1e1c23823065d341"
    ),
}
# The same for version 0.1.1.
SECOND_VERSION_SHA256 = {
    f"{SECOND_VERSION}.dmn": "c05f81feba3eaa8948b798329a83cfec647db082427147f6141164bcefd035f5",
    f"{SECOND_VERSION}.tests.xml": (
        "e64ba7daec7e9f07ac0bf62e3684914f7a364f9719bb55e1edeb1f6ae2aa0a1d"
    ),
}


def _sha256(names: dict[str, str]) -> dict[str, str]:
    return {name: hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() for name in names}


def test_first_version_files_are_unchanged() -> None:
    assert _sha256(FIRST_VERSION_SHA256) == FIRST_VERSION_SHA256


def test_second_version_files_are_unchanged() -> None:
    assert _sha256(SECOND_VERSION_SHA256) == SECOND_VERSION_SHA256


def test_second_version_changes_no_decision_logic() -> None:
    """0.1.1 only adds test cases: no rule, decision or input changed, and no input set
    (test cases of both versions and generated boundary values) gets another answer."""
    diff = diff_report.diff_published(REPO / "decisions", MODEL_ID, FIRST_VERSION, SECOND_VERSION)
    counts = diff_report.summary(diff)
    assert counts["decisions_changed"] == counts["inputs_changed"] == 0, counts
    assert counts["cases_differing"] == counts["same_answer_other_rules"] == 0, counts
    assert counts["cases_run"] > counts["cases_from_tests"] > 0, counts


TDXD, TRIPLET = "Trastuzumab deruxtecan", "Trastuzumab + ramucirumab + paclitaxel"
# Spec 5.7 rule 7.4: "TDXD-LABEL; CONV for the triplet".
LVEF_MONITORING_CITATIONS = {TDXD: ["TDXD-LABEL"], TRIPLET: ["TDXD-LABEL", "CONV"]}


@pytest.fixture(scope="module")
def newest_diff() -> diff_report.VersionDiff:
    """What 0.1.2 changed against 0.1.1, structurally and for every input set the diff runs."""
    return diff_report.diff_published(REPO / "decisions", MODEL_ID, SECOND_VERSION, VERSION)


def test_newest_version_splits_only_rule_7_4(newest_diff: diff_report.VersionDiff) -> None:
    """0.1.2 splits rule 7.4 of monitoring_for in two (one row per regimen) and adds the
    Tests sheet's summary ``lvef_monitoring_citations``; no input and no other rule changed."""
    logic = {item.name: item for item in newest_diff.structural.logic}
    assert {name: item.kind for name, item in logic.items()} == {
        "monitoring_for": "changed",
        "lvef_monitoring_citations": "added",
    }
    rules = sorted(
        (rule.kind, ref.rule)
        for rule in logic["monitoring_for"].rules
        for ref in (rule.new, rule.old)
        if ref is not None
    )
    assert rules == [("added", "7.4a"), ("added", "7.4b"), ("removed", "7.4")]
    assert newest_diff.structural.inputs == newest_diff.structural.types == []


@pytest.mark.slow
def test_newest_version_changes_only_the_lvef_monitoring_citations(
    newest_diff: diff_report.VersionDiff,
) -> None:
    """Every input set answered differently differs in the citations of T-DXd's LVEF
    monitoring item alone (and so, where nothing else in the answer cited CONV, in the
    answer's citations losing CONV): no option, exclusion, warning or other item moved."""
    counts = diff_report.summary(newest_diff)
    assert counts["cases_run"] > counts["cases_from_tests"] > 0, counts
    assert counts["cases_differing"] > 0, counts
    for item in newest_diff.behaviour.differences:
        old, new = item.old.outputs, item.new.outputs
        assert not item.old.refused and not item.new.refused, item.inputs
        assert set(item.outputs) <= {"monitoring", "citations"}, (item.inputs, item.outputs)
        assert [m["code"] for m in old["monitoring"]] == [m["code"] for m in new["monitoring"]]
        changed = [
            (a, b) for a, b in zip(old["monitoring"], new["monitoring"], strict=True) if a != b
        ]
        assert [(a["code"], a["citations"], b["citations"]) for a, b in changed] == [
            ("LVEF_MONITORING", ["TDXD-LABEL", "CONV"], ["TDXD-LABEL"])
        ], item.inputs
        if "citations" in item.outputs:
            assert set(old["citations"]) - set(new["citations"]) == {"CONV"}, item.inputs
            assert set(new["citations"]) < set(old["citations"]), item.inputs


def test_lvef_monitoring_cites_as_spec_rule_7_4(definitions: m.Definitions) -> None:
    found: dict[str, list[str]] = {}
    for name, table, rule in _table_rows(definitions):
        codes = [o.name for o in table.outputs]
        if (
            name != "monitoring_for"
            or "LVEF_MONITORING" not in rule.output_entries[codes.index("code")].text
        ):
            continue
        for regimen in evaluate(f"[{rule.input_entries[0].text}]"):
            assert regimen not in found, f"{regimen} has two LVEF_MONITORING rules"
            found[regimen] = _cited(table, rule)
    assert found == LVEF_MONITORING_CITATIONS


def test_model_is_a_draft_saying_so(definitions: m.Definitions) -> None:
    ext = definitions.extensions
    assert (ext["model.id"], ext["model.version"], ext["model.status"]) == (
        MODEL_ID,
        VERSION,
        "draft",
    )
    assert (definitions.description or "").startswith(
        "DRAFT v0.1 for clinician review. Not for clinical use"
    )


@pytest.mark.parametrize("spec", SPEC_INPUTS, ids=[s[0] for s in SPEC_INPUTS])
def test_input_declared_as_spec_section_3(
    definitions: m.Definitions, spec: tuple[Any, ...]
) -> None:
    name, base, integer, allowed, required, required_when, default = spec
    decls = {d.name: d for d in admission.declarations(definitions)}
    decl = decls[name]
    data = next(i for i in definitions.input_data if i.name == name)
    assert (decl.base, decl.integer, decl.allowed_texts, decl.required) == (
        base,
        integer,
        allowed,
        required,
    )
    assert data.extensions.get("input.required_when") == required_when
    assert decl.default_text == default


def test_inputs_are_exactly_the_twelve_of_spec_section_3(definitions: m.Definitions) -> None:
    assert [i.name for i in definitions.input_data] == [s[0] for s in SPEC_INPUTS]


def test_top_level_decisions_are_spec_section_7(definitions: m.Definitions) -> None:
    assert set(admission.top_level_decisions(definitions)) == TOP_LEVEL
    assert admission.guard_decisions(definitions) == ["request_errors"]


# --- the Tests sheet ---------------------------------------------------------------------------


def test_at_least_sixty_cases(cases: list[TestCase]) -> None:
    assert len(cases) >= 60
    assert len({case.id for case in cases}) == len(cases)


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_case_passes_as_the_service_answers(version: str) -> None:
    report = regression.run_version(REPO / "decisions", MODEL_ID, version)
    assert report.ok, regression.format_reports([report], verbose=False)
    assert report.count(regression.PASSED) == len(report.cases) >= 60


@pytest.mark.parametrize("code", WARNING_CODES)
def test_every_warning_code_is_expected_by_a_case(cases: list[TestCase], code: str) -> None:
    assert any(code in codes for codes in expected(cases, "warning_codes"))


@pytest.mark.parametrize("code", EXCLUSION_CODES)
def test_every_exclusion_reason_is_expected_by_a_case(cases: list[TestCase], code: str) -> None:
    texts = [text for summary in expected(cases, "excluded_summary") for text in summary]
    assert any(code in text.split(": ", 1)[1].split("; ") for text in texts)


@pytest.mark.parametrize("error", GUARD_ERRORS, ids=[f"{c}-{f}" for c, f in GUARD_ERRORS])
def test_every_guard_error_is_expected_by_a_case(
    cases: list[TestCase], error: tuple[str, str]
) -> None:
    found = {
        (e["code"], e["field"]) for errors in expected(cases, "request_errors") for e in errors
    }
    assert error in found


# Spec 5.0: every error code, and the guard rules 0.2, 0.7, 0.8, 0.9, as the service refuses them.
REQUEST_ERROR_CODES = [
    "MISSING_REQUIRED_FIELD",
    "INVALID_TYPE",
    "OUT_OF_RANGE",
    "INVALID_ENUM",
    "UNKNOWN_FIELD",
    "CONTRADICTION",
]
REFUSALS_OF_GUARD_RULES = [  # (code, field) of rules 0.2, 0.7, 0.8, 0.9
    ("MISSING_REQUIRED_FIELD", "prior_second_line_regimen"),
    ("CONTRADICTION", "progressed_on_first_line"),
    ("CONTRADICTION", "prior_second_line_regimen"),
    ("CONTRADICTION", "prior_irinotecan"),
]


def refusals(cases: list[TestCase]) -> list[list[tuple[str, str]]]:
    """The (code, field) pairs each refusal case (``Expected: errors``) expects."""
    found = []
    for errors in expected(cases, ERRORS_RESULT):
        items = errors if isinstance(errors, list) else [errors]
        found.append([tuple(item.split(" ", 1)) for item in items])  # type: ignore[misc]
    return found


@pytest.mark.parametrize("code", REQUEST_ERROR_CODES)
def test_every_request_error_code_is_expected_by_a_refusal_case(
    cases: list[TestCase], code: str
) -> None:
    assert any(c == code for errors in refusals(cases) for c, _ in errors)


@pytest.mark.parametrize(
    "error", REFUSALS_OF_GUARD_RULES, ids=[f"{c}-{f}" for c, f in REFUSALS_OF_GUARD_RULES]
)
def test_every_guard_rule_is_expected_by_a_refusal_case(
    cases: list[TestCase], error: tuple[str, str]
) -> None:
    assert [error] in refusals(cases)


def test_a_refusal_case_expects_every_code_at_once(cases: list[TestCase]) -> None:
    assert any({c for c, _ in errors} == set(REQUEST_ERROR_CODES) for errors in refusals(cases))


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("ecog", [1, 2, 3, 4, 0]),
        ("lvef_percent", [5, 49, 50, 90]),
        ("residual_neuropathy_grade", [2, 3]),
        ("line_of_therapy", [2, 3]),
    ],
)
def test_boundaries_are_tested(cases: list[TestCase], name: str, values: list[int]) -> None:
    seen = {int(v) for v in given(cases, name) if v is not None}
    assert set(values) <= seen


def test_lvef_monitoring_citations_are_expected_by_cases(cases: list[TestCase]) -> None:
    """Cases check each regimen's LVEF monitoring citations (spec 7.4), together and alone."""
    seen = expected(cases, "lvef_monitoring_citations")
    wanted = [
        f"{regimen}: {'; '.join(codes)}" for regimen, codes in LVEF_MONITORING_CITATIONS.items()
    ]
    assert wanted in seen
    assert all([text] in seen for text in wanted)


def test_a_line_2_case_sends_an_explicit_null_line_2_regimen(cases: list[TestCase]) -> None:
    """Section 3: for line 2 the regimen must be absent or null; a null is accepted."""
    accepted = [c for c in cases if any(n.name == "care_pathway" for n in c.results)]
    assert any(
        {(n.name, n.value) for n in c.inputs}
        >= {("line_of_therapy", 2), ("prior_second_line_regimen", None)}
        and [] in expected([c], "request_errors")
        for c in accepted
    )


def test_a_case_leaves_out_every_optional_input(cases: list[TestCase]) -> None:
    required = {
        "line_of_therapy",
        "progressed_on_first_line",
        "her2_status_after_progression",
        "ecog",
    }
    accepted = [c for c in cases if any(n.name == "care_pathway" for n in c.results)]
    assert any({n.name for n in c.inputs} == required for c in accepted)


@pytest.mark.parametrize(
    "situation",
    [
        "line 2, HER2 positive",
        "line 2, HER2 not re-tested",
        "line 2, HER2 loss",
        "line 3 after T-DXd",
        "line 3 after ramucirumab + paclitaxel, HER2 positive",
        "line 3 after ramucirumab + paclitaxel, HER2 not re-tested",
        "line 3 after ramucirumab + paclitaxel, HER2 negative",
        "line 3 after FOLFIRI",
        "ECOG 2",
        "ECOG 3",
        "ECOG 4",
    ],
)
def test_every_situation_of_spec_section_6_has_a_case(
    cases: list[TestCase], situation: str
) -> None:
    assert any(
        (c.description or "").startswith("Section 6") and situation in (c.description or "")
        for c in cases
    )


# --- citations and conventions -------------------------------------------------------------------


def _reference_texts(definitions: m.Definitions) -> dict[str, str]:
    return {k.name: k.description or "" for k in definitions.knowledge_sources}


def test_references_hold_every_source_of_spec_section_10(definitions: m.Definitions) -> None:
    assert list(_reference_texts(definitions)) == SPEC_SECTION_10


def test_citation_texts_relation_equals_the_references(
    definitions: m.Definitions, model: Model
) -> None:
    rows = model.evaluate({}, ["citation_texts"]).values["citation_texts"]
    assert {row["code"]: row["text"] for row in rows} == _reference_texts(definitions)


def _table_rows(definitions: m.Definitions) -> list[tuple[str, m.DecisionTable, m.DecisionRule]]:
    tables = [(d.name, d.expression) for d in definitions.decisions]
    tables += [(b.name, b.logic.body) for b in definitions.business_knowledge_models if b.logic]
    return [
        (name, table, rule)
        for name, table in tables
        if isinstance(table, m.DecisionTable)
        for rule in table.rules
    ]


def _cited(table: m.DecisionTable, rule: m.DecisionRule) -> list[str]:
    names = [o.name for o in table.outputs]
    if "citations" not in names:
        return []
    value = evaluate(rule.output_entries[names.index("citations")].text)
    assert isinstance(value, list)
    return [str(code) for code in value]


def test_every_cited_code_is_a_reference(definitions: m.Definitions, model: Model) -> None:
    known = set(_reference_texts(definitions))
    cited = {code for _, table, rule in _table_rows(definitions) for code in _cited(table, rule)}
    catalogue = model.evaluate({}, ["regimen_catalogue"]).values["regimen_catalogue"]
    cited |= {code for row in catalogue for code in row["citations"]}
    assert cited - known == set()


def test_every_rule_carries_rationale_and_citations(definitions: m.Definitions) -> None:
    missing = [
        f"{name} rule {rule.label}"
        for name, table, rule in _table_rows(definitions)
        if name != "request_errors" and not _cited(table, rule) and rule.label != "7.12"
    ]
    assert missing == []


def test_conv_rules_say_they_await_sign_off(definitions: m.Definitions) -> None:
    silent = []
    for name, table, rule in _table_rows(definitions):
        if "CONV" not in _cited(table, rule):
            continue
        texts = [e.text for e in rule.output_entries] + list(rule.annotation_entries)
        if not any("[CONV]" in text and "sign-off" in text for text in texts):
            silent.append(f"{name} rule {rule.label}")
    assert silent == []
