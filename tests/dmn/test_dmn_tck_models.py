"""Every model of the DMN TCK reads, writes back as schema-valid DMN 1.5, and round-trips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from service.dmn import read_dmn, write_dmn
from service.dmn.reader import read_dmn_with_warnings


def test_tck_model_reads_without_diagnostics(tck_model: Path) -> None:
    definitions, warnings = read_dmn_with_warnings(tck_model)
    assert definitions.dmn_version == "1.5"
    assert warnings == []


def test_tck_model_round_trips(
    tck_model: Path, schema_errors: Callable[[bytes], list[str]]
) -> None:
    original = read_dmn(tck_model)
    written = write_dmn(original)
    assert schema_errors(written) == []
    again = read_dmn(written, source_name="written")
    assert again == original
    assert write_dmn(again) == written
