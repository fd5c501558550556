"""Two published versions in, what changed and whom it affects out, as data and JSON.

:func:`diff_published` loads two versions of a model from ``decisions/`` with their test
cases and release status, and builds a :class:`VersionDiff`: the structural diff
(:mod:`service.store.diff_structural`), the test cases edited, added and removed
(:mod:`service.store.diff_cases`) and the behavioural diff
(:mod:`service.store.diff_behaviour`). :func:`to_json` gives machines everything, every
differing input set with both values of each output that differs;
:mod:`service.store.diff_markdown` renders it for people.
``tablerx diff`` and ``GET /decisions/{model}/diff`` both use these functions.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from service.feel.values import Function, Range
from service.store import boundaries, regression, releases
from service.store.diff_behaviour import (
    Answer,
    BehaviourDiff,
    Difference,
    RuleHit,
    behaviour,
)
from service.store.diff_cases import CaseChange, compare_cases
from service.store.diff_relations import RowChange, RowRef
from service.store.diff_structural import ItemChange, LogicChange, StructuralDiff, diff_models
from service.store.diff_tables import Change, RuleChange, RuleRef
from service.store.versions import ModelVersion, load_version
from service.tck.reader import TestCase


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """The identity of one side of a diff."""

    version: str
    sha256: str
    status: str
    title: str
    effective_date: str | None


@dataclass(slots=True)
class VersionDiff:
    """Everything known about the change from one version to another."""

    model_id: str
    old: VersionInfo
    new: VersionInfo
    structural: StructuralDiff
    behaviour: BehaviourDiff
    test_cases: list[CaseChange] = field(default_factory=list)


def info(version: ModelVersion, status: str) -> VersionInfo:
    """The :class:`VersionInfo` of a loaded version with its release status."""
    return VersionInfo(
        version.version,
        version.sha256,
        status,
        version.title,
        version.metadata.get("effective_date"),
    )


def compare_versions(
    old: ModelVersion,
    new: ModelVersion,
    old_cases: Sequence[TestCase],
    new_cases: Sequence[TestCase],
    statuses: tuple[str, str] = ("draft", "draft"),
    limit: int = boundaries.DEFAULT_LIMIT,
) -> VersionDiff:
    """The full diff of two loaded versions (the service's entry point)."""
    structural = diff_models(old.definitions, new.definitions)
    behavioural = behaviour(old, new, old_cases, new_cases, structural, limit)
    return VersionDiff(
        old.model_id,
        info(old, statuses[0]),
        info(new, statuses[1]),
        structural,
        behavioural,
        compare_cases(old_cases, new_cases),
    )


def diff_published(
    decisions_dir: Path,
    model_id: str,
    old_version: str,
    new_version: str,
    limit: int = boundaries.DEFAULT_LIMIT,
) -> VersionDiff:
    """Load two published versions (and their tests and status) and diff them.

    Raises FileNotFoundError for a version that is not published, ReleaseError for an
    unreadable record, and the loader's errors for a model that does not load.
    """
    loaded = []
    for version in (old_version, new_version):
        path = regression.dmn_path(decisions_dir, model_id, version)
        if not path.is_file():
            raise FileNotFoundError(f"{model_id} has no published version {version} ({path})")
        loaded.append(load_version(model_id, path))
    return diff_loaded(decisions_dir, loaded[0], loaded[1], limit)


def diff_loaded(
    decisions_dir: Path,
    old: ModelVersion,
    new: ModelVersion,
    limit: int = boundaries.DEFAULT_LIMIT,
    statuses: tuple[str, str] | None = None,
) -> VersionDiff:
    """Diff two versions already loaded (the service's catalogue holds them), reading their
    test cases from ``decisions_dir`` and, unless ``statuses`` gives them, their release
    status. Published versions never change, so a caller may cache the result by the two
    hashes (and the limit)."""
    cases = []
    for version in (old, new):
        tests = regression.tests_path(decisions_dir, version.model_id, version.version)
        cases.append(regression.load_cases(tests) if tests.is_file() else [])
    if statuses is None:
        book = releases.read_book(decisions_dir, old.model_id)
        statuses = (book.status(old.version, old.sha256), book.status(new.version, new.sha256))
    return compare_versions(old, new, cases[0], cases[1], statuses, limit)


# --- counting --------------------------------------------------------------------------------


def summary(diff: VersionDiff) -> dict[str, int]:
    """The counts a reader wants first."""
    rules = [
        rule for item in diff.structural.logic for rule in item.rules if item.kind == "changed"
    ]
    rows = [row for item in diff.structural.logic for row in item.rows if item.kind == "changed"]
    kinds = ("changed", "added", "removed", "moved")
    return {
        "decisions_changed": len(diff.structural.logic),
        "inputs_changed": len(diff.structural.inputs),
        **{f"rules_{k}": sum(1 for r in rules if r.kind == k) for k in kinds},
        **{f"relation_rows_{k}": sum(1 for r in rows if r.kind == k) for k in kinds},
        "references_changed": len(diff.structural.references),
        **{f"test_cases_{k}": sum(1 for c in diff.test_cases if c.kind == k) for k in kinds[:3]},
        "cases_run": diff.behaviour.cases,
        "cases_from_tests": diff.behaviour.from_tests,
        "cases_differing": len(diff.behaviour.differences),
        "same_answer_other_rules": diff.behaviour.same_answer_other_rules,
    }


def full_run_command(diff: VersionDiff) -> str:
    """The CLI command that runs every combination of the boundary values."""
    return (
        f"tablerx diff {diff.model_id} {diff.old.version} {diff.new.version} "
        f"--max-cases {diff.behaviour.combinations}"
    )


def capping(diff: VersionDiff) -> dict[str, Any]:
    """Which input sets ran: how many, under which limit, whether that was every combination
    of the boundary values or a sample (and whether the limit cut the sample short), and
    the CLI command for the full run."""
    report = diff.behaviour
    return {
        "run": report.cases,
        "from_tests": report.from_tests,
        "limit": report.limit,
        "combinations": report.combinations,
        "every_combination": report.exhaustive,
        "capped": report.cut,
        "full_run": None if report.exhaustive else full_run_command(diff),
    }


# --- JSON ------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A FEEL value as JSON-ready data; numbers stay Decimal (exact in :func:`dumps`)."""
    if value is None or isinstance(value, bool | str | decimal.Decimal):
        return value
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Range):
        return {
            "start": plain(value.start),
            "end": plain(value.end),
            "start_included": value.start_included,
            "end_included": value.end_included,
        }
    if isinstance(value, Function):
        return None
    return str(value)  # temporal values: their ISO 8601 form


def _change(change: Change) -> dict[str, Any]:
    return {"what": change.what, "from": change.old, "to": change.new}


def _ref(ref: RuleRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"rule": ref.rule, "position": ref.position, "cell": ref.cell, "row": ref.row}


def _rule(rule: RuleChange) -> dict[str, Any]:
    return {
        "change": rule.kind,
        "moved": rule.moved,
        "from": _ref(rule.old),
        "to": _ref(rule.new),
        "cells": [
            {"column": c.column, "role": c.role, "from": c.old, "to": c.new} for c in rule.cells
        ],
    }


def _row_ref(ref: RowRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"key": ref.key, "position": ref.position, "cell": ref.cell}


def _row(row: RowChange) -> dict[str, Any]:
    return {
        "change": row.kind,
        "moved": row.moved,
        "from": _row_ref(row.old),
        "to": _row_ref(row.new),
        "cells": [
            {"column": c.column, "cell": c.cell, "from": c.old, "to": c.new} for c in row.cells
        ],
    }


def _case(case: CaseChange) -> dict[str, Any]:
    return {"id": case.id, "change": case.kind, "fields": [_change(c) for c in case.changes]}


def _item(item: ItemChange) -> dict[str, Any]:
    return {
        "name": item.name,
        "change": item.kind,
        "properties": [_change(c) for c in item.changes],
    }


def _logic(item: LogicChange) -> dict[str, Any]:
    return {
        "name": item.name,
        "element": item.element,
        "change": item.kind,
        "sheet": item.sheet,
        "cell": item.cell,
        "properties": [_change(c) for c in item.changes],
        "columns": [
            {
                "change": c.kind,
                "role": c.role,
                "header": c.header,
                "properties": [_change(p) for p in c.changes],
            }
            for c in item.columns
        ],
        "rules": [_rule(r) for r in item.rules],
        "rows": [_row(r) for r in item.rows],
    }


def _hits(hits: Sequence[RuleHit]) -> list[dict[str, Any]]:
    return [{"decision": h.decision, "rule": h.rule, "cell": h.cell} for h in hits]


def _answer(answer: Answer, hits: Sequence[RuleHit], names: Sequence[str]) -> dict[str, Any]:
    """One side of a difference: its refusals, the outputs that differ, defects, rules."""
    outputs = {name: answer.outputs[name] for name in names if name in answer.outputs}
    return {
        "refused": answer.refused,
        "outputs": plain(outputs),
        "defects": answer.defects,
        "rules": _hits(hits),
    }


def _difference(item: Difference) -> dict[str, Any]:
    return {
        "inputs": plain(item.inputs),
        "source": item.source,
        "outputs": item.outputs,
        "decisions": item.decisions,
        "from": _answer(item.old, item.old_rules, item.outputs),
        "to": _answer(item.new, item.new_rules, item.outputs),
    }


def _side(side: VersionInfo) -> dict[str, Any]:
    return {
        "version": side.version,
        "hash": side.sha256,
        "status": side.status,
        "title": side.title,
        "effective_date": side.effective_date,
    }


def to_json(diff: VersionDiff) -> dict[str, Any]:
    """The whole diff as JSON-ready data (numbers as Decimal; see :func:`dumps`)."""
    structural = diff.structural
    return {
        "model": diff.model_id,
        "from": _side(diff.old),
        "to": _side(diff.new),
        "summary": summary(diff),
        "structural": {
            "metadata": [_change(c) for c in structural.metadata],
            "inputs": [_item(i) for i in structural.inputs],
            "types": [_item(i) for i in structural.types],
            "decisions": [_logic(item) for item in structural.logic],
            "references": [_item(i) for i in structural.references],
        },
        "test_cases": [_case(c) for c in diff.test_cases],
        "behaviour": {
            "inputs": diff.behaviour.input_names,
            "input_sets": capping(diff),
            "differences": [_difference(d) for d in diff.behaviour.differences],
        },
    }


def _decimal(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        text = format(value, "f") if -30 < value.adjusted() < 30 else str(value)
        return orjson.Fragment(text.replace("E", "e"))
    raise TypeError(f"no JSON form for {type(value).__name__}")


def dumps(data: Any) -> str:
    """Indented JSON text with exact decimal numbers."""
    return orjson.dumps(data, default=_decimal, option=orjson.OPT_INDENT_2).decode() + "\n"
