"""Two versions' test cases (``<version>.tests.xml``) in, the cases added, removed and edited out.

Cases are matched by their id (the Tests block's test id, ``row<N>`` without one). An
edited case lists what changed field by field: its description, each input (given,
no longer given, or another value) and each expected result, values written as FEEL
literals. The comparison is exact (a test case is text a clinician wrote): ``2.5`` and
``2.50`` are the same number, ``"2"`` and ``2`` are not the same value.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from service.store.diff_tables import Change, differing, keyed
from service.tck.reader import TestCase


@dataclass(slots=True)
class CaseChange:
    """A test case added, removed or changed; ``changes`` name the fields that differ
    (``description``, ``input <name>``, ``expected <name>``; every field when added or
    removed)."""

    id: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def literal(value: Any) -> str:
    """A value as a FEEL literal: ``"positive"``, ``2.5``, ``[1, 2]``, ``{a: 1}``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, decimal.Decimal):
        number = value.normalize()
        return format(number, "f") if -30 < number.adjusted() < 30 else str(number)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    return str(value)


def fields(case: TestCase) -> list[tuple[str, str | None]]:
    """A case's fields as (what, text): description, inputs, expected results."""
    found: list[tuple[str, str | None]] = [("description", case.description.strip() or None)]
    found += [(f"input {node.name}", literal(node.value)) for node in case.inputs]
    for result in case.results:
        expected = "error" if result.error_result else literal(result.expected)
        found.append((f"expected {result.name}", expected))
    return found


def compare_cases(old: Sequence[TestCase], new: Sequence[TestCase]) -> list[CaseChange]:
    """The test cases added, changed and removed from ``old`` to ``new`` (new's order)."""
    found = []
    for case_id, before, after in keyed(old, new, lambda case: case.id):
        if before is None or after is None:
            kind = "added" if before is None else "removed"
            present = after if before is None else before
            assert present is not None
            whole = [
                (what, None, text) if before is None else (what, text, None)
                for what, text in fields(present)
            ]
            found.append(CaseChange(case_id, kind, differing(whole)))
            continue
        a, b = dict(fields(before)), dict(fields(after))
        names = list(b) + [k for k in a if k not in b]
        changes = differing([(name, a.get(name), b.get(name)) for name in names])
        if changes:
            found.append(CaseChange(case_id, "changed", changes))
    order = {"changed": 0, "added": 1, "removed": 2}
    return sorted(found, key=lambda c: order[c.kind])
