"""Compiled input entries of one decision table column in, a rule matcher by bitmask out.

A column's cells are indexed once at load time from each compiled unary test's
``analysis``: ``-`` cells go in a mask every value matches; constants (``"a", "b"``,
``5``, ``null``) in a dict from value to the mask of rules that accept it; ranges and
comparisons (``[1..10[``, ``>= 18``) in a sorted list of bounds whose elementary segments
each hold the mask of rules covering them, so a value costs one bisection; ``not(...)`` of
constants in a dict of the rules each value excludes. Anything else (cells using ``?``,
variables, functions) is evaluated cell by cell, only for rules still in the running.

A rule set is a Python int: bit ``i`` stands for rule ``i`` (0-based). The keys are guarded
by the value's exact Python type so that ``true`` never meets the number 1 and a string
never meets a number: FEEL compares values of different types as null, which matches no
rule, and an index keyed by type says the same.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from service.feel import nodes
from service.feel.env import Env
from service.feel.values import Range

CellTest = Callable[[Any, Env], Any]
_NO_SCOPE = Env()  # handed to index matching that evaluates no cell

# Types whose Python equality and hash are FEEL's equality (numbers compare by value:
# Decimal("1.0") == Decimal("1") with equal hashes).
_HASHABLE = (Decimal, str, bool, type(None))
# Types whose Python ordering is FEEL's ordering.
_ORDERED = (Decimal, str)


class _Segments:
    """Ranges over one ordered type: sorted bounds and the rule mask of every segment.

    With bounds p0 < p1 < ... the segments are (-inf, p0), [p0], (p0, p1), [p1], ...;
    segment 2i+1 is the point p_i and segment 2i the open interval before it.
    """

    __slots__ = ("masks", "points", "ranges")

    def __init__(self) -> None:
        self.ranges: list[tuple[Range, int]] = []
        self.points: list[Any] = []
        self.masks: list[int] = []

    def add(self, rng: Range, bit: int) -> None:
        """Note that the rules in ``bit`` accept the values of ``rng``."""
        self.ranges.append((rng, bit))

    def finish(self) -> None:
        """Sort the bounds and sweep them once, giving every segment its rule mask."""
        points = sorted({b for r, _ in self.ranges for b in (r.start, r.end) if b is not None})
        self.points = points
        starts: list[list[int]] = [[] for _ in range(2 * len(points) + 1)]
        ends: list[list[int]] = [[] for _ in range(2 * len(points) + 1)]
        for rng, bit in self.ranges:
            first, last = self._first(rng), self._last(rng)
            if first <= last:
                starts[first].append(bit)
                ends[last].append(bit)
        # A rule may hold several ranges of one column ("< 0, > 20", "[1..10], [2..3]"):
        # its bit stays on while any of them is open, so open ranges are counted.
        open_ranges: dict[int, int] = {}
        active = 0
        masks = []
        for seg in range(2 * len(points) + 1):
            for bit in starts[seg]:
                open_ranges[bit] = open_ranges.get(bit, 0) + 1
                active |= bit
            masks.append(active)
            for bit in ends[seg]:
                open_ranges[bit] -= 1
                if not open_ranges[bit]:
                    active &= ~bit
        self.masks = masks

    def _first(self, rng: Range) -> int:
        if rng.start is None:
            return 0
        i = bisect_left(self.points, rng.start)
        return 2 * i + 1 if rng.start_included else 2 * i + 2

    def _last(self, rng: Range) -> int:
        if rng.end is None:
            return 2 * len(self.points)
        i = bisect_left(self.points, rng.end)
        return 2 * i + 1 if rng.end_included else 2 * i

    def lookup(self, value: Any) -> int:
        """The rules whose ranges hold ``value`` (of this object's ordered type)."""
        points = self.points
        i = bisect_left(points, value)
        if i < len(points) and points[i] == value:
            return self.masks[2 * i + 1]
        return self.masks[2 * i]


class ColumnIndex:
    """The cells of one input column, indexed for matching a value against all rules."""

    __slots__ = (
        "any_mask", "complex", "complex_mask", "equals", "excludes", "not_mask", "not_types",
        "segments",
    )  # fmt: skip

    def __init__(self) -> None:
        self.any_mask = 0
        self.equals: dict[type, dict[Any, int]] = {}
        self.segments: dict[type, _Segments] = {}
        self.not_mask = 0  # rules whose cell is not(constants of one type)
        self.not_types: dict[type, int] = {}  # constant type -> those rules' mask
        self.excludes: dict[type, dict[Any, int]] = {}  # value -> not-rules it fails
        self.complex: dict[int, CellTest] = {}  # rule position -> cell evaluated per value
        self.complex_mask = 0

    def add(self, position: int, test: CellTest, analysis: Any) -> None:
        """Index the cell of rule ``position`` (0-based); ``test`` is its compiled unary test."""
        bit = 1 << position
        if not self._add_analysed(bit, analysis):
            self.complex[position] = test
            self.complex_mask |= bit

    def _add_analysed(self, bit: int, analysis: Any) -> bool:
        kind = analysis[0] if isinstance(analysis, tuple) and analysis else None
        if kind == "any":
            self.any_mask |= bit
            return True
        if kind == "equals":
            return self._add_equals(bit, analysis[1])
        if kind == "range":
            return self._add_ranges(bit, analysis[1])
        if kind == "not":
            return self._add_not(bit, analysis[1])
        return False

    def _add_equals(self, bit: int, constants: Sequence[Any]) -> bool:
        if not all(type(c) in _HASHABLE for c in constants):
            return False
        for c in constants:
            bucket = self.equals.setdefault(type(c), {})
            bucket[c] = bucket.get(c, 0) | bit
        return True

    def _add_ranges(self, bit: int, ranges: Sequence[Any]) -> bool:
        typed: list[tuple[type, Range]] = []
        for rng in ranges:
            if not isinstance(rng, Range):
                return False
            bounds = {type(b) for b in (rng.start, rng.end) if b is not None}
            if len(bounds) != 1 or not bounds <= set(_ORDERED):
                return False
            typed.append((bounds.pop(), rng))
        for kind, rng in typed:
            self.segments.setdefault(kind, _Segments()).add(rng, bit)
        return True

    def _add_not(self, bit: int, inner: Any) -> bool:
        # not(c1, c2) of constants of one type: matched by null and by every other value
        # of that type; a value of another type compares as null, so matches nothing.
        if not (isinstance(inner, tuple) and inner and inner[0] == "equals"):
            return False
        constants = inner[1]
        types = {type(c) for c in constants}
        if len(types) != 1 or type(None) in types or not types <= set(_HASHABLE):
            return False
        kind = types.pop()
        self.not_mask |= bit
        self.not_types[kind] = self.not_types.get(kind, 0) | bit
        bucket = self.excludes.setdefault(kind, {})
        for c in constants:
            bucket[c] = bucket.get(c, 0) | bit
        return True

    def finish(self) -> None:
        """Build the range segments once every cell is added."""
        for segments in self.segments.values():
            segments.finish()

    @property
    def indexed_only(self) -> bool:
        """True when no cell needs evaluating: matching is dict and bisect lookups only."""
        return not self.complex

    def match(self, value: Any, env: Env, candidates: int) -> int:
        """The rules among ``candidates`` whose cell in this column accepts ``value``."""
        kind = type(value)
        found = self.any_mask
        bucket = self.equals.get(kind)
        if bucket is not None:
            found |= bucket.get(value, 0)
        segments = self.segments.get(kind)
        if segments is not None:
            found |= segments.lookup(value)
        if self.not_mask:
            found |= self._match_not(value, kind)
        found &= candidates
        pending = candidates & self.complex_mask
        while pending:
            low = pending & -pending
            pending ^= low
            if self.complex[low.bit_length() - 1](value, env) is True:
                found |= low
        return found

    def matcher(self) -> Callable[[Any, Env, int], int]:
        """:meth:`match` specialised to this column's kinds of cells (called per evaluation)."""
        if self.complex or self.not_mask or len(self.segments) > 1:
            return self.match
        any_mask = self.any_mask
        equals_get = self.equals.get
        segments = next(iter(self.segments.items()), None)
        if segments is None:

            def equals_only(value: Any, env: Env, candidates: int) -> int:
                kind = type(value)
                found = any_mask
                bucket = equals_get(kind)
                if bucket is not None:
                    found |= bucket.get(value, 0)
                return found & candidates

            return equals_only
        ordered, lookup = segments[0], segments[1].lookup

        def with_ranges(value: Any, env: Env, candidates: int) -> int:
            kind = type(value)
            found = any_mask
            bucket = equals_get(kind)
            if bucket is not None:
                found |= bucket.get(value, 0)
            if kind is ordered:
                found |= lookup(value)
            return found & candidates

        return with_ranges

    def _match_not(self, value: Any, kind: type) -> int:
        if value is None:
            return self.not_mask
        rules = self.not_types.get(kind, 0)
        if rules:
            rules &= ~self.excludes[kind].get(value, 0)
        return rules


class BooleanCell:
    """An input entry made of boolean constants (``true``, ``false``, ``not(true)``).

    FEEL reads a boolean-valued unary test as the answer itself when the input is not a
    boolean, so ``true`` alone would accept a null input. In a decision table that would
    let a missing value satisfy a condition; the engine reads these cells as equality
    (``= true``), as Drools and pyDMNrules do: ``true`` matches only true, ``not(true)``
    matches false and null.
    """

    __slots__ = ("analysis", "negated", "node", "source", "values")

    def __init__(self, compiled: Any, values: tuple[bool, ...], negated: bool) -> None:
        self.node = compiled.node
        self.source = compiled.source
        self.values = values
        self.negated = negated
        equals = ("equals", values)
        self.analysis = ("not", equals) if negated else equals

    def __call__(self, value: Any, env: Env) -> bool:
        if self.negated:
            return value is None or (type(value) is bool and value not in self.values)
        return type(value) is bool and value in self.values

    @staticmethod
    def of(compiled: Any) -> Any:
        """``compiled`` itself, or a BooleanCell when its tests are all boolean constants."""
        node = getattr(compiled, "node", None)
        if not isinstance(node, nodes.UnaryTests) or not node.tests:
            return compiled
        values = []
        for test in node.tests:
            if not (
                isinstance(test, nodes.UnaryExpression)
                and isinstance(test.expression, nodes.BooleanLiteral)
            ):
                return compiled
            values.append(test.expression.value)
        return BooleanCell(compiled, tuple(dict.fromkeys(values)), node.negated)


def rule_numbers(mask: int) -> list[int]:
    """The 0-based rule numbers whose bits are set in ``mask``, ascending."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def value_test(compiled: Any) -> Callable[[Any, Env], bool] | None:
    """A fast check of one value against input or output values: ``(value, env) -> bool``.

    None when the tests accept everything (``-``); a set lookup when they are constants;
    a one-rule index when they are ranges; else the compiled tests themselves.
    """
    index = _single(compiled)
    if index.any_mask:
        return None
    if index.complex:
        return lambda value, env: compiled(value, env) is True
    allowed = constant_sets(compiled)
    if allowed is not None:

        def among(value: Any, env: Env) -> bool:
            same_type = allowed.get(type(value))  # guards the lookup: lists do not hash
            return same_type is not None and value in same_type

        return among
    return lambda value, env: index.match(value, env, 1) == 1


def scopeless_test(compiled: Any) -> Callable[[Any], bool] | None:
    """:func:`value_test` as ``check(value) -> bool`` when the tests are made of constants
    (no scope needed, nothing to warn about); None when they must be evaluated."""
    index = _single(compiled)
    if index.complex:
        return None
    if index.any_mask:
        return lambda value: True
    allowed = constant_sets(compiled)
    if allowed is not None:

        def among(value: Any) -> bool:
            same_type = allowed.get(type(value))
            return same_type is not None and value in same_type

        return among
    match = index.match
    return lambda value: match(value, _NO_SCOPE, 1) == 1


def constant_sets(compiled: Any) -> dict[type, frozenset[Any]] | None:
    """The values unary tests accept, as sets by Python type, when they are only constants."""
    index = _single(compiled)
    if index.any_mask or index.complex or index.segments or index.not_mask:
        return None
    return {kind: frozenset(bucket) for kind, bucket in index.equals.items()}


def _single(compiled: Any) -> ColumnIndex:
    index = ColumnIndex()
    index.add(0, compiled, getattr(compiled, "analysis", None))
    index.finish()
    return index
