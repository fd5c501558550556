"""Matched rules with their output values in, the table's hits and result value out.

The seven hit policies of DMN 1.5 (8.2.11) and COLLECT's aggregations, on plain FEEL
values: the decision table evaluates the matching rules' outputs and hands them here as
:class:`Hit` records; this module orders or checks them and combines them into one value.
Nothing here evaluates FEEL, so it is tested on plain Python values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from service.engine import errors
from service.feel import ops
from service.feel.errors import FeelEvalError
from service.feel.values import FEEL_CONTEXT

SINGLE_HIT = frozenset({"UNIQUE", "ANY", "PRIORITY", "FIRST"})


@dataclass(slots=True)
class Hit:
    """A matched rule: its 0-based position, id, and output values (one per output)."""

    position: int
    rule_id: str | None
    values: list[Any]
    priority: tuple[int, ...] = ()  # the outputs' positions in their output values lists


@dataclass(slots=True)
class Outcome:
    """What the hit policy made of the hits: the hits that count, the value, or a defect."""

    hits: list[Hit]
    value: Any = None
    defect: str | None = None
    message: str = ""


def label(hit: Hit) -> str:
    """How a rule is named in messages: its id, else its number."""
    return hit.rule_id or f"#{hit.position + 1}"


def apply(
    policy: str,
    aggregation: str | None,
    hits: list[Hit],
    combine: Callable[[list[Any]], Any],
) -> Outcome:
    """Apply ``policy`` to ``hits`` (in rule order, at least one).

    ``combine`` turns one hit's output values into the table's value for that hit (the
    single output's value, or a context keyed by output names).
    """
    if policy == "UNIQUE":
        if len(hits) > 1:
            names = [label(h) for h in hits]
            return Outcome(hits, None, errors.UNIQUE_VIOLATION, errors.unique_violation(names))
        return Outcome(hits, combine(hits[0].values))
    if policy == "ANY":
        first = hits[0].values
        if any(not values_equal(first, h.values) for h in hits[1:]):
            names = [label(h) for h in hits]
            return Outcome(hits, None, errors.ANY_CONFLICT, errors.any_conflict(names))
        return Outcome(hits, combine(first))
    if policy == "FIRST":
        return Outcome(hits[:1], combine(hits[0].values))
    if policy in ("PRIORITY", "OUTPUT ORDER"):
        ordered = sorted(hits, key=lambda h: h.priority)  # stable: ties keep rule order
        if policy == "PRIORITY":
            return Outcome(ordered, combine(ordered[0].values))
        return Outcome(ordered, [combine(h.values) for h in ordered])
    results = [combine(h.values) for h in hits]  # RULE ORDER and COLLECT
    if policy == "COLLECT" and aggregation:
        return _aggregated(hits, aggregation, results)
    return Outcome(hits, results)


def no_match(policy: str, aggregation: str | None) -> Any:
    """The value of a table no rule matched and that has no default outputs."""
    if policy in SINGLE_HIT:
        return None
    if policy == "COLLECT" and aggregation:
        return aggregate(aggregation, [])
    return []


def _aggregated(hits: list[Hit], aggregation: str, results: list[Any]) -> Outcome:
    try:
        return Outcome(hits, aggregate(aggregation, results))
    except FeelEvalError as exc:
        message = errors.aggregation_failed(aggregation, exc.message)
        return Outcome(hits, None, errors.AGGREGATION_FAILED, message)


def aggregate(aggregation: str, results: Sequence[Any]) -> Any:
    """COLLECT's SUM, COUNT, MIN or MAX of the outputs; null results are left out.

    Like FEEL's sum(), min() and max(), the aggregate of no values is null; COUNT of no
    values is 0. Raises FeelEvalError when the values cannot be combined.
    """
    if aggregation == "COUNT":
        return Decimal(len(results))
    present = [r for r in results if r is not None]
    if not present:
        return None
    if aggregation == "SUM":
        return _sum(present)
    if aggregation in ("MIN", "MAX"):
        return _extreme(present, -1 if aggregation == "MIN" else 1)
    raise FeelEvalError("FEEL_INVALID_ARGUMENT", f"unknown aggregation {aggregation}")


def _sum(values: list[Any]) -> Decimal:
    total = Decimal(0)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, Decimal):
            raise FeelEvalError("FEEL_TYPE_MISMATCH", f"cannot add {ops.type_name(v)} values")
        total = FEEL_CONTEXT.add(total, v)
    return total


def _extreme(values: list[Any], sign: int) -> Any:
    best = values[0]
    for v in values[1:]:
        order = ops.compare(v, best)
        if order is None:
            raise FeelEvalError(
                "FEEL_TYPE_MISMATCH",
                f"cannot compare {ops.type_name(v)} with {ops.type_name(best)}",
            )
        if order == sign:
            best = v
    return best


def values_equal(a: Any, b: Any) -> bool:
    """FEEL equality of two output values (lists and contexts compared element-wise)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    try:
        return ops.equal(a, b) is True
    except FeelEvalError:
        return False
