"""Test cases that expect a refusal: a case with a ``tablerx:errors`` result in, its verdict out.

A workbook's Tests row with an ``Expected: errors`` cell compiles to a test case whose one
result node, ``tablerx:errors``, lists ``CODE`` or ``CODE field`` entries
(docs/dmn-extensions.md). Such a case is run the way the service answers a request: the
inputs, exactly as written, go through the request validation and the guard tables
(:class:`service.store.admission.Admission`), and the case passes when the problems found
match the entries one to one (an entry with a field needs that field; order does not count).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.store.admission import Admission, Problem
from service.tck.reader import ResultNode, TestCase

ERRORS_RESULT = "tablerx:errors"


def refusal_node(case: TestCase) -> ResultNode | None:
    """The case's ``tablerx:errors`` result node, if it expects a refusal."""
    return next((node for node in case.results if node.name == ERRORS_RESULT), None)


def refusal_problems(model: Any, admission: Admission, case: TestCase) -> tuple[list[Problem], Any]:
    """The problems the service would refuse this case's request with, and the guard run
    (a Result, or None without guard tables) whose matched rules count for coverage."""
    body = {node.name: node.value for node in case.inputs}
    validated = admission.validate(body)
    guarded = (
        model.evaluate(validated.values, decisions=admission.guards) if admission.guards else None
    )
    tables = guarded.tables if guarded is not None else []
    return admission.refusals(validated, tables), guarded


def unmatched(
    expected: Sequence[str], problems: Sequence[Problem]
) -> tuple[list[str], list[Problem]]:
    """The expected entries no problem matched, and the problems no entry matched.

    Entries naming a field are paired first, so that a bare ``CODE`` cannot take the
    problem a ``CODE field`` entry needs.
    """
    left = list(problems)
    missing: list[str] = []
    with_field = [e for e in expected if " " in e.strip()]
    bare = [e for e in expected if " " not in e.strip()]
    for entry in [*with_field, *bare]:
        code, _, field = entry.strip().partition(" ")
        found = next(
            (p for p in left if p.code == code and (not field or p.field == field.strip())), None
        )
        if found is None:
            missing.append(entry)
        else:
            left.remove(found)
    return missing, left


def describe_problems(problems: Sequence[Problem]) -> str:
    """``OUT_OF_RANGE ecog, CONTRADICTION`` for a report; ``nothing (the request is accepted)``."""
    if not problems:
        return "nothing (the request is accepted)"
    return ", ".join(f"{p.code} {p.field}" if p.field else p.code for p in problems)
