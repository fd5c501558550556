"""Where the clinical model lives, and requests as the engine takes them.

A module of its own (not conftest.py) so that the test modules can import it by a name
that no other test folder uses.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MODEL_ID = "gastric-her2-later-lines"
VERSION = "0.1.2"  # the newest version: what the workbook compiles to
FIRST_VERSION = "0.1.0"  # published before; its files never change
SECOND_VERSION = "0.1.1"  # published before; its files never change
PUBLISHED = (FIRST_VERSION, SECOND_VERSION, VERSION)  # every published version, oldest first
WORKBOOK = REPO / "spreadsheets" / f"{MODEL_ID}.xlsx"
FOLDER = REPO / "decisions" / MODEL_ID
DMN = FOLDER / f"{VERSION}.dmn"
TESTS = FOLDER / f"{VERSION}.tests.xml"


def feel_inputs(request: dict[str, Any]) -> dict[str, Any]:
    """A JSON-style request as the engine takes it: numbers as Decimal, absent fields omitted."""
    values: dict[str, Any] = {}
    for name, value in request.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        values[name] = value
    return values
