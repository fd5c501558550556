"""Generated FEEL code against the closures on the DMN TCK: every model, every test case.

Two checks, both skipped with a plain message when the TCK is absent (env TABLERX_TCK_DIR,
else ../shared/tck relative to the repository):

- every TCK test case evaluated on its model loaded twice, once with code generation and
  once with closures: the same values, warnings and errors;
- every FEEL literal expression of every TCK model (read with the DMN reader) compiled
  both ways: the generator must succeed (no silent fallback to closures), and the two
  must agree when evaluated on the inputs of the folder's first test case.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_codegen import check_same, generates, same

from service.dmn import model as m
from service.dmn.reader import read_dmn
from service.feel import FeelSyntaxError, codegen

REPO = Path(__file__).resolve().parents[2]


def _tck() -> Path:
    configured = os.environ.get("TABLERX_TCK_DIR")
    path = Path(configured) if configured else REPO.parent / "shared" / "tck"
    if not path.is_dir():
        pytest.skip(f"DMN TCK not found at {path}: set TABLERX_TCK_DIR")
    return path


def _folders(root: Path) -> list[Path]:
    from service.tck.runner import find_folders

    return find_folders(root)


def _walk(value: Any) -> Iterator[Any]:
    """Every dataclass object inside a DMN model, depth first."""
    stack = [value]
    while stack:
        current = stack.pop()
        if dataclasses.is_dataclass(current) and not isinstance(current, type):
            yield current
            stack.extend(getattr(current, f.name) for f in dataclasses.fields(current))
        elif isinstance(current, list | tuple):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def _run(model: Any, case: Any) -> Any:
    from service.tck.runner import case_inputs

    inputs = case_inputs(model, case)
    if case.type == "decisionService":
        return model.invoke_service(case.invocable_name, inputs)
    return model.evaluate(inputs, [node.name for node in case.results])


@pytest.mark.slow
def test_every_tck_case_agrees_with_and_without_codegen(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.engine import load_files
    from service.tck.reader import read_test_file
    from service.tck.runner import TEST_FILE_PATTERN, find_model

    checked, differences = 0, []
    for folder in _folders(_tck()):
        models = {}
        for on in (False, True):
            monkeypatch.setattr(codegen, "ENABLED", on)
            try:
                models[on] = load_files(sorted(folder.glob("*.dmn")))
            except Exception:  # the TCK runner reports such folders; nothing to compare
                break
        if len(models) != 2:
            continue
        for path in sorted(folder.glob(TEST_FILE_PATTERN)):
            test_file = read_test_file(path)
            try:
                closures = find_model(models[False], folder, test_file.model_name)
                generated = find_model(models[True], folder, test_file.model_name)
            except LookupError:
                continue
            for case in test_file.cases:
                expected, actual = _run(closures, case), _run(generated, case)
                checked += 1
                if not (
                    same(actual.values, expected.values)
                    and actual.warnings == expected.warnings
                    and list(map(str, actual.errors)) == list(map(str, expected.errors))
                ):
                    differences.append(f"{folder.name}/{case.id}")
    assert checked > 2000
    assert differences == []


def _literal_texts(path: Path) -> tuple[list[str], set[str]]:
    """The literal expressions of a DMN file and every name it declares."""
    definitions = read_dmn(path)
    texts, names = [], set()
    for element in _walk(definitions):
        if isinstance(element, m.LiteralExpression) and element.text.strip():
            texts.append(element.text)
        name = getattr(element, "name", None)
        if isinstance(name, str) and name:
            names.add(name)
    return texts, names


@pytest.mark.slow
def test_every_tck_literal_expression_is_generated_and_agrees() -> None:
    from service.tck.reader import read_test_file
    from service.tck.runner import TEST_FILE_PATTERN

    generated = 0
    for folder in _folders(_tck()):
        tests = sorted(folder.glob(TEST_FILE_PATTERN))
        cases = read_test_file(tests[0]).cases if tests else []
        inputs = {i.name: i.value for i in cases[0].inputs} if cases else {}
        for path in sorted(folder.glob("*.dmn")):
            try:
                texts, names = _literal_texts(path)
            except Exception:  # files the reader rejects are the TCK runner's business
                continue
            for text in texts:
                try:
                    generated += generates(text, names | set(inputs))
                except FeelSyntaxError:
                    continue
                check_same(text, inputs, names | set(inputs))
    assert generated > 1000
