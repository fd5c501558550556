"""A compiled model and one input column in, the column's representative values out.

Overlap and gap analysis (:mod:`service.sheets.analysis`) evaluates every rule on a finite
set of input values per column. The set must stand for every value the column can take:
unary tests that compare with constants (``< 2``, ``[0..2]``, ``"a", "b"``, ``not("x")``)
only change their answer at those constants, so the constants themselves, a point just
below, between and above them (integers for an integer input), each text named plus one
named by none, true and false, and null when the input may be missing cover every case.
Declared allowed values (an enumeration or a range) bound the set; a derived decision's
possible results (its table's output values) stand for that decision. When a column has a
test of another kind (``odd(?)``, a comparison with another input), the values may miss
some cases: what is found on them is still real, but a table found clean may not be.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from service.dmn import model as m
from service.feel import Env, compile_unary_tests, evaluate
from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.values import Range
from service.sheets.names import BUILTIN_FUNCTIONS, free_names

SINGLE_RESULT = ("UNIQUE", "ANY", "FIRST", "PRIORITY")


# A text that none of a column's tests names (shown as "any other text").
OTHER_TEXT = "\u2060any other text\u2060"


@dataclass(slots=True)
class Domain:
    """The representative values of one input column."""

    values: list[Any]
    independent: bool  # a request field: its value does not depend on the other columns


@dataclass(slots=True)
class Entry:
    """One input entry cell, compiled; ``names`` are the names it uses besides the input."""

    text: str
    test: Any  # CompiledUnaryTests, or None when it does not compile
    names: frozenset[str]


@dataclass(slots=True)
class Facts:
    """What the model declares about names: inputs, decisions, types."""

    items: dict[str, m.ItemDefinition] = field(default_factory=dict)
    inputs: dict[str, m.InputData] = field(default_factory=dict)
    decisions: dict[str, m.Decision] = field(default_factory=dict)

    @classmethod
    def of(cls, definitions: m.Definitions) -> Facts:
        """The facts of one model."""
        return cls(
            {i.name: i for i in definitions.item_definitions},
            {i.name: i for i in definitions.input_data},
            {d.name: d for d in definitions.decisions},
        )

    def resolve(self, type_ref: str | None) -> tuple[str | None, str | None]:
        """The base type of ``type_ref`` and the first allowed values met on the way."""
        allowed: str | None = None
        seen: set[str] = set()
        while type_ref in self.items and type_ref not in seen:
            seen.add(type_ref)
            item = self.items[type_ref]
            if item.is_collection or item.components:
                return None, None
            allowed = allowed or item.allowed_values or item.type_constraint
            type_ref = item.type_ref
        return type_ref, allowed


def compile_entry(text: str, names: tuple[str, ...], own: str | None) -> Entry:
    """An input entry compiled with the model's names; ``own`` is the column's bare name."""
    try:
        test = compile_unary_tests(text, names)
    except (FeelSyntaxError, RecursionError):
        return Entry(text, None, frozenset())
    used = names_used(test.node)
    return Entry(text, test, used - {own} if own else used)


def names_used(node: n.Node) -> frozenset[str]:
    """The names ``node`` reads, besides ``?`` and the built-in functions it calls."""
    return frozenset(
        u.name for u in free_names(node) if not (u.called and u.name in BUILTIN_FUNCTIONS)
    )


def column_domain(
    facts: Facts,
    expression: str,
    input_values: str | None,
    entries: list[Entry],
    parameters: dict[str, str | None] | None,
) -> Domain:
    """The representative values of a column with input ``expression`` and ``entries``.

    ``parameters`` are a knowledge model's parameters (name -> type), None in a decision.
    """
    constants = _constants(entries)
    base, allowed, integer, nullable, independent, values = _declared(
        facts, expression.strip(), parameters
    )
    allowed = input_values or allowed
    enumeration = _enumeration(allowed) if allowed else None
    if enumeration is not None:
        values = enumeration
    elif values is None:
        values = _by_type(base, constants, allowed, integer, independent)
    if nullable:
        values = [*values, None]
    return Domain(_distinct(values), independent)


def _declared(
    facts: Facts, expression: str, parameters: dict[str, str | None] | None
) -> tuple[str | None, str | None, bool, bool, bool, list[Any] | None]:
    """(base type, allowed values, integer, nullable, independent, known values) of a name."""
    if parameters is not None:
        if expression in parameters:
            base, allowed = facts.resolve(parameters[expression])
            return base, allowed, False, False, False, None
        return None, None, False, False, False, None
    data = facts.inputs.get(expression)
    if data is not None:
        ext = data.extensions
        base, allowed = facts.resolve(data.variable.type_ref)
        integer = ext.get("input.integer") == "true"
        required = ext.get("input.required") == "true" and not ext.get("input.required_when")
        nullable = not required and not ext.get("input.default")
        return base, allowed, integer, nullable, True, None
    decision = facts.decisions.get(expression)
    if decision is not None:
        known = _results(facts, decision)
        base, allowed = facts.resolve(decision.variable.type_ref)
        return base, allowed, False, False, False, known
    return None, None, False, False, False, None


def _results(facts: Facts, decision: m.Decision) -> list[Any] | None:
    """The values a derived decision can take, when its table's outputs say so."""
    logic, column = decision.expression, None
    if isinstance(logic, m.LiteralExpression):
        # ``table.column``: one output column of a table with several outputs
        base, dot, column = logic.text.strip().partition(".")
        target = facts.decisions.get(base.strip())
        if not dot or target is None:
            return None
        logic = target.expression
    if not isinstance(logic, m.DecisionTable) or logic.hit_policy not in SINGLE_RESULT:
        return None
    names = [o.name for o in logic.outputs]
    if column is None and len(names) != 1:
        return None
    index = names.index(column.strip()) if column is not None and column.strip() in names else 0
    if column is not None and column.strip() not in names:
        return None
    declared = logic.outputs[index].output_values
    if declared is not None and declared.text:
        return _enumeration(declared.text)
    values: list[Any] = []
    for rule in logic.rules:
        value = constant(rule.output_entries[index].text)
        if value is NOT_CONSTANT:
            return None
        values.append(value)
    return values


NOT_CONSTANT = object()


def constant(text: str) -> Any:
    """The value of a FEEL expression that uses no name, or NOT_CONSTANT."""
    try:
        test = compile_unary_tests(text)  # parses names with spaces the same way
        if names_used(test.node):
            return NOT_CONSTANT
        return evaluate(text)
    except (FeelSyntaxError, RecursionError):
        return NOT_CONSTANT


def _enumeration(text: str) -> list[Any] | None:
    """The values an allowed-values text lists, or None when it is not a plain list."""
    try:
        tests = compile_unary_tests(text).node
    except (FeelSyntaxError, RecursionError):
        return None
    if tests.negated:
        return None
    values: list[Any] = []
    for test in tests.tests:
        if not isinstance(test, n.UnaryExpression) or names_used(test):
            return None
        value = constant(text[test.span[0] : test.span[1]])
        if value is NOT_CONSTANT or isinstance(value, Range):
            return None
        values.extend(value if isinstance(value, list) else [value])
    return values


def _constants(entries: list[Entry]) -> list[Any]:
    """Every constant the entries compare with."""
    found: list[Any] = []
    for entry in entries:
        if entry.test is not None and not entry.names:
            for test in entry.test.node.tests:
                _test_constants(entry.text, test, found)
    return found


def _test_constants(text: str, test: n.Node, found: list[Any]) -> bool:
    if isinstance(test, n.AnyTest):
        return True
    if isinstance(test, n.UnaryComparison):
        parts = [test.operand]
    elif isinstance(test, n.UnaryRange):
        parts = [test.range.start, test.range.end]
    elif isinstance(test, n.UnaryExpression) and not n.uses_name(test, "?"):
        parts = [test.expression]
    else:
        return False
    ok = True
    for part in parts:
        value = constant(text[part.span[0] : part.span[1]])
        if value is NOT_CONSTANT:
            ok = False
        else:
            found.extend(_flatten(value))
    return ok


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, Range):
        yield from (v for v in (value.start, value.end) if v is not None)
    else:
        yield value


def _by_type(
    base: str | None,
    constants: list[Any],
    allowed: str | None,
    integer: bool,
    independent: bool,
) -> list[Any]:
    """Representatives from the type (or the constants' kind) and the constants."""
    numbers = [c for c in constants if isinstance(c, Decimal) and not isinstance(c, bool)]
    texts = [c for c in constants if isinstance(c, str)]
    kinds = {_kind(c) for c in constants if c is not None}
    if base is None and len(kinds) == 1:
        base = kinds.pop()
    if base == "boolean":
        return [True, False]
    if base == "number":
        bounds = [*numbers, *_range_ends(allowed)]
        return _within(_points(bounds or [Decimal(0)], integer), allowed)
    if base == "string":
        # a text named by no test exists for a request field; for a value computed by
        # the model, only the texts the column names are known to occur
        extra = [OTHER_TEXT] if independent or allowed else []
        return _within([*texts, *extra], allowed)
    return [c for c in constants if c is not None]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _range_ends(allowed: str | None) -> list[Decimal]:
    if not allowed:
        return []
    try:
        node = compile_unary_tests(allowed).node
    except (FeelSyntaxError, RecursionError):
        return []
    found: list[Any] = []
    for test in node.tests:
        _test_constants(allowed, test, found)
    return [v for v in found if isinstance(v, Decimal) and not isinstance(v, bool)]


def _points(bounds: list[Decimal], integer: bool) -> list[Decimal]:
    """Each bound, and points just below, between and just above them."""
    ends = sorted(set(bounds))
    points = [*ends, ends[0] - 1, ends[-1] + 1]
    points.extend((a + b) / 2 for a, b in itertools.pairwise(ends))
    if integer:
        points = [
            Decimal(k)
            for e in ends
            for k in (math.floor(e) - 1, math.floor(e), math.ceil(e), math.ceil(e) + 1)
        ]
    return sorted(set(points))


def _within(values: list[Any], allowed: str | None) -> list[Any]:
    """The values the allowed-values tests accept (all when there are none)."""
    if not allowed:
        return values
    try:
        test = compile_unary_tests(allowed)
    except (FeelSyntaxError, RecursionError):
        return values
    return [v for v in values if v == OTHER_TEXT or test.test(v, Env()) is True]


def _distinct(values: list[Any]) -> list[Any]:
    """``values`` without repeats (true and 1 are different FEEL values)."""
    seen: set[tuple[str, Any]] = set()
    out: list[Any] = []
    for value in values:
        key = (type(value).__name__, value if _hashable(value) else repr(value))
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
