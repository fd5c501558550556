"""Published versions and their ``<version>.tests.xml`` in, one report per version out.

Every published version carries its own test cases (written by the workbook's Tests
blocks, in the DMN TCK test-case format, read by :mod:`service.tck.reader`). This module
runs them the way the service answers: absent inputs take their declared default, then
the version's compiled model is evaluated and every expected result is compared with
:mod:`service.tck.compare` (value and type, numbers within 1e-8). Unlike a TCK run, every
differing result of a case is reported, each with its expected and actual value.

``tablerx test``, ``tablerx approve`` and the test suite (tests/test_published_versions.py)
all call :func:`run_all` / :func:`run_version`, so CI runs exactly what approval requires.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.store import admission, refusals
from service.store.coverage import Coverage, MatchKey, match_keys, rule_coverage
from service.store.declarations import DeclarationError, FieldSpec, field_specs
from service.store.versions import MODEL_ID, ModelVersion, load_version, version_key
from service.tck.compare import compare, describe
from service.tck.reader import ResultNode, TckFormatError, TestCase, read_test_file
from service.tck.runner import case_inputs

PASSED, FAILED, ERROR = "passed", "failed", "error"
TESTS_SUFFIX = ".tests.xml"


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One expected result that did not come out: the decision, both values, the detail."""

    decision: str
    expected: Any
    actual: Any
    detail: str


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """One test case's outcome; ``message`` explains an error or lists the engine's defects;
    ``matched`` names the rules that made some table's result (for rule coverage)."""

    case_id: str
    description: str
    status: str  # PASSED, FAILED or ERROR
    mismatches: tuple[Mismatch, ...] = ()
    message: str = ""
    matched: frozenset[MatchKey] = frozenset()


@dataclass(slots=True)
class VersionReport:
    """The test run of one published version.

    ``problem`` is set when the cases could not run at all (the model does not load, the
    test file is unreadable); a missing test file leaves ``cases`` empty and ``has_tests``
    False, which approval refuses but a plain run only reports.
    """

    model_id: str
    version: str
    tests_file: Path
    sha256: str | None = None
    has_tests: bool = True
    cases: list[CaseOutcome] = field(default_factory=list)
    problem: str | None = None
    coverage: Coverage | None = None  # set by run_version(..., with_coverage=True)

    def count(self, status: str) -> int:
        """How many cases ended with ``status``."""
        return sum(1 for case in self.cases if case.status == status)

    @property
    def ok(self) -> bool:
        """True when nothing failed: no problem and every case passed (none at all is ok)."""
        return self.problem is None and all(case.status == PASSED for case in self.cases)

    @property
    def summary(self) -> str:
        """``12/12 passed``, ``10/12 passed (1 failed, 1 error)``, ``no test cases`` ..."""
        if self.problem is not None:
            return f"not run: {self.problem}"
        if not self.cases:
            return "no test cases"
        failed, errors = self.count(FAILED), self.count(ERROR)
        extra = ", ".join(f"{n} {word}" for n, word in ((failed, "failed"), (errors, "error")) if n)
        text = f"{self.count(PASSED)}/{len(self.cases)} passed"
        return f"{text} ({extra})" if extra else text


# --- finding versions ------------------------------------------------------------------------


def dmn_path(decisions_dir: Path, model_id: str, version: str) -> Path:
    """``decisions/<model>/<version>.dmn``."""
    return decisions_dir / model_id / f"{version}.dmn"


def tests_path(decisions_dir: Path, model_id: str, version: str) -> Path:
    """``decisions/<model>/<version>.tests.xml``."""
    return decisions_dir / model_id / f"{version}{TESTS_SUFFIX}"


def published(decisions_dir: Path, model_id: str | None = None) -> list[tuple[str, str]]:
    """Every (model id, version) published under ``decisions_dir``, versions oldest first."""
    if not decisions_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in decisions_dir.iterdir() if p.is_dir()):
        if not MODEL_ID.fullmatch(folder.name) or model_id not in (None, folder.name):
            continue
        versions = sorted((p.stem for p in folder.glob("*.dmn")), key=version_key)
        found += [(folder.name, version) for version in versions]
    return found


def load_cases(path: Path) -> list[TestCase]:
    """The test cases of a ``.tests.xml`` file; raises TckFormatError or OSError."""
    return read_test_file(path).cases


# --- running ---------------------------------------------------------------------------------


def run_all(
    decisions_dir: Path,
    model_id: str | None = None,
    version: str | None = None,
    with_coverage: bool = False,
) -> list[VersionReport]:
    """Run the tests of every published version (or of one model, or one version)."""
    return [
        run_version(decisions_dir, model, found, with_coverage)
        for model, found in published(decisions_dir, model_id)
        if version in (None, found)
    ]


def run_version(
    decisions_dir: Path, model_id: str, version: str, with_coverage: bool = False
) -> VersionReport:
    """Load one published version and run its own test cases; with ``with_coverage``,
    also work out which rules the cases matched (:mod:`service.store.coverage`)."""
    report = VersionReport(model_id, version, tests_path(decisions_dir, model_id, version))
    path = dmn_path(decisions_dir, model_id, version)
    if not path.is_file():
        report.problem = f"{path} does not exist"
        return report
    try:
        loaded = load_version(model_id, path)
    except Exception as exc:  # a broken model fails its run; the reason is the report
        report.problem = f"the model does not load: {_first_line(exc)}"
        return report
    report.sha256 = loaded.sha256
    if not report.tests_file.is_file():
        report.has_tests = False
        return report
    try:
        cases = load_cases(report.tests_file)
    except (TckFormatError, OSError) as exc:
        report.problem = f"the test file cannot be read: {_first_line(exc)}"
        return report
    try:
        report.cases = run_cases(loaded, cases)
    except DeclarationError as exc:
        report.problem = f"the input declarations cannot be read: {_first_line(exc)}"
        return report
    if with_coverage:
        runs = [(case.case_id, case.matched) for case in report.cases]
        report.coverage = rule_coverage(loaded.definitions, runs)
    return report


def run_cases(version: ModelVersion, cases: Iterable[TestCase]) -> list[CaseOutcome]:
    """Run test cases on a loaded version, each on its own (one error stops nothing);
    raise DeclarationError when the version's input declarations cannot be read."""
    specs = field_specs(version.definitions)
    contract = admission.Admission.of(version.definitions)
    outcomes = []
    for case in cases:
        expected = refusals.refusal_node(case)
        if expected is not None:
            outcomes.append(run_refusal_case(version.compiled, contract, case, expected))
        else:
            outcomes.append(run_case(version.compiled, specs, case))
    return outcomes


def run_case(model: Any, specs: list[FieldSpec], case: TestCase) -> CaseOutcome:
    """One case: inputs with defaults in, every result node compared."""
    try:
        inputs = admission.with_defaults(specs, case_inputs(model, case))
        if case.type == "decisionService" and case.invocable_name:
            result = model.invoke_service(case.invocable_name, inputs)
        else:
            result = model.evaluate(inputs, [node.name for node in case.results])
    except Exception as exc:  # an exception is the case's error, never the run's end
        return CaseOutcome(case.id, case.description, ERROR, message=_first_line(exc))
    mismatches = []
    for node in case.results:
        actual = result.values.get(node.name)
        same, detail = compare(node.expected, actual, node.name)
        if not same:
            mismatches.append(Mismatch(node.name, node.expected, actual, detail))
    defects = "; ".join(f"{e.decision}: {e.code}: {e.message}" for e in result.errors)
    status = FAILED if mismatches else PASSED
    matched = frozenset(match_keys(result.tables))
    return CaseOutcome(case.id, case.description, status, tuple(mismatches), defects, matched)


def run_refusal_case(
    model: Any, contract: admission.Admission, case: TestCase, node: ResultNode
) -> CaseOutcome:
    """A case expecting a refusal (``node`` is its ``tablerx:errors`` result): the request is
    validated and guarded as the service does it, and the problems found must match."""
    expected = [str(entry) for entry in (node.expected or [])]
    try:
        problems, guarded = refusals.refusal_problems(model, contract, case)
    except Exception as exc:  # an exception is the case's error, never the run's end
        return CaseOutcome(case.id, case.description, ERROR, message=_first_line(exc))
    missing, extra = refusals.unmatched(expected, problems)
    matched = frozenset(match_keys(guarded.tables)) if guarded is not None else frozenset()
    if not missing and not extra:
        return CaseOutcome(case.id, case.description, PASSED, matched=matched)
    actual = refusals.describe_problems(problems)
    detail = f"expected refusal with {', '.join(expected)}; the service answers {actual}"
    mismatch = Mismatch(refusals.ERRORS_RESULT, expected, actual, detail)
    return CaseOutcome(case.id, case.description, FAILED, (mismatch,), matched=matched)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# --- reporting -------------------------------------------------------------------------------


def format_reports(reports: Iterable[VersionReport], verbose: bool = False) -> str:
    """A plain-text report: one line per version, then each failing case with its values."""
    lines: list[str] = []
    for report in reports:
        mark = "ok  " if report.ok else "FAIL"
        lines.append(f"{mark} {report.model_id} {report.version}: {report.summary}")
        for case in report.cases:
            if case.status == PASSED and not verbose:
                continue
            title = f"case {case.case_id}" + (f" ({case.description})" if case.description else "")
            lines.append(f"     {case.status.upper()} {title}")
            for miss in case.mismatches:
                lines.append(
                    f"       {miss.decision}: expected {describe(miss.expected)}, "
                    f"got {describe(miss.actual)}"
                )
                if not miss.detail.startswith(f"{miss.decision}: expected"):
                    lines.append(f"         ({miss.detail})")
            if case.message:
                lines.append(f"       {case.message}")
    return "\n".join(lines)
