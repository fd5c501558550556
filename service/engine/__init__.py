"""The DMN engine: DMN models in (files or Definitions), compiled once, evaluated many times.

    models = load_files(["a.dmn", "b.dmn"])      # imports resolved among the files
    model = models.get("a")                       # by name or namespace
    result = model.evaluate({"Age": Decimal(42)}, ["Eligibility"])
    result.values, result.tables, result.warnings, result.errors

Every FEEL text is compiled at load time; a broken model raises :class:`ModelError` listing
every problem (a FEEL syntax error names the element and shows the text with a caret).
An evaluation never raises for a problem in the model or the data: FEEL problems give null
plus a warning, table defects (two rules under UNIQUE...) give null plus a
:class:`DecisionError` naming the rules, and one failed decision does not stop the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from service.dmn import model as dmn_model
from service.dmn import read_dmn
from service.dmn.diagnostics import Diagnostic, DmnReadError, io_error
from service.engine.errors import ModelError
from service.engine.explain import DecisionError, Result, RuleMatch, TableRecord
from service.engine.loader import load
from service.engine.models import Model, ModelSet

__all__ = [
    "DecisionError",
    "Model",
    "ModelError",
    "ModelSet",
    "Result",
    "RuleMatch",
    "TableRecord",
    "load_definitions",
    "load_files",
]


def load_files(paths: Iterable[str | os.PathLike[str]]) -> ModelSet:
    """Read DMN files, resolve their imports among them and compile them all.

    Raises ModelError listing every problem of every file (reading and compiling), each
    located by file, line and element id.
    """
    definitions: list[dmn_model.Definitions] = []
    texts: list[tuple[str, str]] = []  # (file name, text), to locate compile problems
    problems: list[Diagnostic] = []
    for path in paths:
        name = os.fspath(path)
        try:
            data = Path(path).read_bytes()
            definitions.append(read_dmn(data, source_name=name))
        except OSError as exc:
            problems.append(io_error(name, exc.strerror or str(exc)))
            continue
        except DmnReadError as exc:
            problems.extend(exc.diagnostics)
            continue
        texts.append((name, data.decode("utf-8", errors="replace")))
    if problems:
        raise ModelError(problems)
    try:
        models = load_definitions(definitions)
    except ModelError as exc:
        raise ModelError([_located(d, texts) for d in exc.diagnostics]) from None
    models.diagnostics[:] = [_located(d, texts) for d in models.diagnostics]
    return models


def load_definitions(defs: Iterable[dmn_model.Definitions]) -> ModelSet:
    """Compile DMN models built in Python (or read elsewhere); raises ModelError."""
    return ModelSet(load(defs))


def _located(diagnostic: Diagnostic, texts: list[tuple[str, str]]) -> Diagnostic:
    """The diagnostic with the file and line of its element, found by its id attribute."""
    if diagnostic.file is not None or not diagnostic.element_id:
        return diagnostic
    needle = f'id="{diagnostic.element_id}"'
    for name, text in texts:
        at = text.find(needle)
        if at >= 0:
            return diagnostic.located(name, text.count("\n", 0, at) + 1)
    return diagnostic
