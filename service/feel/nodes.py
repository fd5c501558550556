"""FEEL abstract syntax tree: what the parser produces and the compiler consumes.

Every node carries ``span``, the (start, end) character offsets of its text in the
source, so that errors and warnings can point at the offending part.
Node names follow the FEEL grammar of DMN 1.5, chapter 10.3.1.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass(slots=True)
class Node:
    """Base of all FEEL syntax nodes."""

    span: Span = field(default=(0, 0), kw_only=True)


# --- literals -------------------------------------------------------------------


@dataclass(slots=True)
class NumberLiteral(Node):
    value: decimal.Decimal


@dataclass(slots=True)
class StringLiteral(Node):
    value: str


@dataclass(slots=True)
class BooleanLiteral(Node):
    value: bool


@dataclass(slots=True)
class NullLiteral(Node):
    pass


@dataclass(slots=True)
class TemporalLiteral(Node):
    """``@"2024-01-01"``: a date, time, date and time or duration written as a string."""

    text: str


# --- names, paths, calls -----------------------------------------------------------


@dataclass(slots=True)
class Name(Node):
    """A reference to a variable, possibly with spaces (``Monthly Salary``); ``?`` is a Name."""

    name: str


@dataclass(slots=True)
class Path(Node):
    """``base.member``: a context entry, a temporal property, or a list mapped over."""

    base: Node
    member: str


@dataclass(slots=True)
class Filter(Node):
    """``base[condition]``: list filter or 1-based index (negative from the end)."""

    base: Node
    condition: Node


@dataclass(slots=True)
class Argument(Node):
    """One argument of a call; ``name`` is set for a named argument."""

    value: Node
    name: str | None = None


@dataclass(slots=True)
class FunctionCall(Node):
    """``function(args)``; arguments are all positional or all named."""

    function: Node
    arguments: list[Argument]


# --- operators -------------------------------------------------------------------


@dataclass(slots=True)
class Negation(Node):
    """Arithmetic negation ``-x``."""

    operand: Node


@dataclass(slots=True)
class Arithmetic(Node):
    """``left op right`` with op one of ``+ - * / **``."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Comparison(Node):
    """``left op right`` with op one of ``= != < <= > >=``."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(slots=True)
class In(Node):
    """``value in tests``: ``tests`` is the positive unary tests on the right."""

    value: Node
    tests: UnaryTests


@dataclass(slots=True)
class Conjunction(Node):
    """``left and right`` (three-valued)."""

    left: Node
    right: Node


@dataclass(slots=True)
class Disjunction(Node):
    """``left or right`` (three-valued)."""

    left: Node
    right: Node


@dataclass(slots=True)
class InstanceOf(Node):
    value: Node
    type: TypeRef


# --- types (for instance of, function parameter types) ---------------------------------


@dataclass(slots=True)
class TypeRef(Node):
    """Base of type expressions."""


@dataclass(slots=True)
class NamedType(TypeRef):
    """``number``, ``date and time``, ``Any``, ``Null``, or an item definition name."""

    name: str


@dataclass(slots=True)
class ListType(TypeRef):
    element: TypeRef


@dataclass(slots=True)
class RangeType(TypeRef):
    element: TypeRef


@dataclass(slots=True)
class ContextType(TypeRef):
    entries: list[tuple[str, TypeRef]]


@dataclass(slots=True)
class FunctionType(TypeRef):
    parameters: list[TypeRef]
    result: TypeRef


# --- control and comprehension ---------------------------------------------------------


@dataclass(slots=True)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(slots=True)
class Iteration(Node):
    """``name in domain`` of ``for``/``some``/``every``; ``domain_end`` set for ``a..b``."""

    name: str
    domain: Node
    domain_end: Node | None = None


@dataclass(slots=True)
class For(Node):
    iterations: list[Iteration]
    body: Node


@dataclass(slots=True)
class Quantified(Node):
    """``some``/``every`` ``iterations`` ``satisfies`` ``condition``."""

    quantifier: str
    iterations: list[Iteration]
    condition: Node


# --- constructors -----------------------------------------------------------------


@dataclass(slots=True)
class ListLiteral(Node):
    items: list[Node]


@dataclass(slots=True)
class ContextEntry(Node):
    key: str
    value: Node


@dataclass(slots=True)
class ContextLiteral(Node):
    entries: list[ContextEntry]


@dataclass(slots=True)
class RangeLiteral(Node):
    """``[a..b]``, ``(a..b)``, ``]a..b[`` and mixes."""

    start: Node
    end: Node
    start_included: bool
    end_included: bool


@dataclass(slots=True)
class FormalParameter(Node):
    name: str
    type: TypeRef | None = None


@dataclass(slots=True)
class FunctionDefinition(Node):
    """``function(a, b: number) body``; ``external`` for ``function(...) external {...}``."""

    parameters: list[FormalParameter]
    body: Node
    external: bool = False


# --- unary tests (decision table input entries, the right side of ``in``) -------------------


@dataclass(slots=True)
class UnaryComparison(Node):
    """``< 5``, ``>= x``, ``= "a"``, ``!= 3``: compares the input value to ``operand``."""

    op: str
    operand: Node


@dataclass(slots=True)
class UnaryRange(Node):
    """``[1..10]`` as a test: the input lies in the range."""

    range: RangeLiteral


@dataclass(slots=True)
class UnaryExpression(Node):
    """An expression as a test: true if it evaluates to true, the input is in it
    (list or range), or the input equals it. May use ``?`` for the input value."""

    expression: Node


@dataclass(slots=True)
class AnyTest(Node):
    """``-``: matches every input."""


@dataclass(slots=True)
class UnaryTests(Node):
    """A comma-separated list of tests, satisfied when any is; ``negated`` for ``not(...)``."""

    tests: list[Node]
    negated: bool = False
