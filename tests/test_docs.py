"""Documentation that cannot fall behind: every CLI command and every error code is documented.

A code found in the source but missing from its page fails here, naming the code and the
page, so a new diagnostic cannot ship without an explanation a user can look up.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from service.cli import build_parser
from service.dmn.diagnostics import CODES as DMN_CODES
from service.engine import errors as engine_errors
from service.feel.errors import CODES as FEEL_CODES

ROOT = Path(__file__).resolve().parents[1]


def _literals(package: str, prefix: str) -> set[str]:
    pattern = re.compile(rf'"({prefix}[A-Z0-9_]+)"')
    found: set[str] = set()
    for path in (ROOT / "service" / package).rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def _page(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def test_every_feel_code_in_the_source_is_registered() -> None:
    unregistered = _literals("feel", "FEEL_") - set(FEEL_CODES)
    assert not unregistered, f"add to service/feel/errors.py CODES: {sorted(unregistered)}"


CODE_PAGES = [
    ("FEEL", sorted(FEEL_CODES), "error-codes.md"),
    ("DMN", sorted(DMN_CODES), "error-codes.md"),
    (
        "engine",
        sorted(_literals("engine", "ENGINE_") | set(engine_errors.DECISION_ERROR_CODES)),
        "error-codes.md",
    ),
]


@pytest.mark.parametrize(("area", "codes", "page"), CODE_PAGES, ids=[a for a, _, _ in CODE_PAGES])
def test_codes_are_documented(area: str, codes: list[str], page: str) -> None:
    text = _page(page)
    missing = [code for code in codes if f"`{code}`" not in text]
    assert not missing, f"{area} codes missing from docs/{page}: {missing}"


def _commands() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"tablerx {command}" in readme, f"README.md does not show `tablerx {command}`"
