"""Suite-wide test settings.

Tests that need an outside program (LibreOffice, a PostgreSQL server, the DMN TCK) skip
with a reason when it is absent, so that a developer's machine still runs the rest. CI
must test everything: with TABLERX_REQUIRE_ALL=1 (set by scripts/run-tests.sh when CI=true)
any skipped test fails the run, and each skip is listed with its reason.
"""

from __future__ import annotations

import os

import pytest

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("TABLERX_REQUIRE_ALL") == "1" and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get("TABLERX_REQUIRE_ALL") == "1" and _skipped:
        terminalreporter.section("skipped tests are failures in CI (TABLERX_REQUIRE_ALL=1)")
        for line in _skipped:
            terminalreporter.write_line(line)
