"""docs/api.md documents every error code, setting, CLI option and metric the service has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from service.api.errors import CODES, VERSION_WARNINGS
from service.api.metrics import Metrics
from service.api.state import Settings
from service.cli import build_parser
from service.engine.errors import DECISION_ERROR_CODES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(set(CODES) | set(DECISION_ERROR_CODES)))
def test_error_code_is_documented(code: str) -> None:
    assert f"`{code}`" in DOC


@pytest.mark.parametrize("code", sorted(VERSION_WARNINGS.values()))
def test_version_warning_code_is_documented(code: str) -> None:
    assert f"`{code}`" in DOC


@pytest.mark.parametrize("variable", sorted(Settings().to_env()))
def test_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in DOC


def _options(command: str) -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = action.choices[command]
    options = [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
    return [o for o in options if o != "--help"]


@pytest.mark.parametrize("option", _options("serve") + _options("eval"))
def test_cli_option_is_documented(option: str) -> None:
    assert option in DOC


def test_metrics_are_documented() -> None:
    metrics = Metrics()
    metrics.request("GET", "/x", 200, 0.01)
    metrics.evaluation("m", "1", "ok")
    names = set(re.findall(r"^# TYPE (\S+)", metrics.render(), re.MULTILINE))
    names |= {
        "tablerx_audit_commits_total",
        "tablerx_audit_records_total",
        "tablerx_audit_failed_total",
        "tablerx_audit_largest_commit",
        "tablerx_audit_commit_seconds_total",
        "tablerx_audit_writer_restarts_total",
    }
    assert all(f"`{name}`" in DOC for name in names), names
