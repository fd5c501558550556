"""The package's import layers: feel <- dmn <- engine <- store <- api, cli (sheets uses feel, dmn).

Each layer may import only the layers listed for it; nothing imports ``api`` but the CLI.
The check reads import statements with ``ast``, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[1] / "service"

ALLOWED: dict[str, set[str]] = {
    "feel": {"feel"},
    "dmn": {"feel", "dmn"},
    "engine": {"feel", "dmn", "engine"},
    "sheets": {"feel", "dmn", "sheets"},
    "tck": {"feel", "dmn", "engine", "tck"},
    "store": {"feel", "dmn", "engine", "store", "tck"},
    "api": {"feel", "dmn", "engine", "store", "tck", "api"},
    "cli": {"feel", "dmn", "engine", "store", "tck", "sheets", "api", "cli"},
}


def _layer(path: Path) -> str:
    relative = path.relative_to(SERVICE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "service" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(
        p for p in SERVICE.rglob("*.py") if p.name != "__init__.py" or p.parent != SERVICE
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SERVICE)))
def test_module_imports_only_lower_layers(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"{path}: unknown layer {layer!r}; add it to ALLOWED"
    wrong = sorted(
        f"line {line}: imports service.{target}"
        for target, line in _imported_layers(path)
        if target not in ALLOWED[layer]
    )
    assert not wrong, f"{path.relative_to(SERVICE)} ({layer}) " + "; ".join(wrong)
