"""FEEL abstract syntax tree: what the parser produces and the compiler consumes.

Every node carries ``span``, the (start, end) character offsets of its text in the
source, so that errors and warnings can point at the offending part.
Node names follow the FEEL grammar of DMN 1.5, chapter 10.3.1.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field, fields

Span = tuple[int, int]


@dataclass(slots=True)
class Node:
    """Base of all FEEL syntax nodes."""

    span: Span = field(default=(0, 0), kw_only=True)


# --- literals -------------------------------------------------------------------


@dataclass(slots=True)
class NumberLiteral(Node):
    """``12``, ``.5``, ``1.2e3``: a FEEL number."""

    value: decimal.Decimal


@dataclass(slots=True)
class StringLiteral(Node):
    """``"text"`` with its escapes decoded."""

    value: str


@dataclass(slots=True)
class BooleanLiteral(Node):
    """``true`` or ``false``."""

    value: bool


@dataclass(slots=True)
class NullLiteral(Node):
    """``null``."""

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
    """``value between low and high``."""

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
    """``value instance of type``."""

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
    """``list<element>``."""

    element: TypeRef


@dataclass(slots=True)
class RangeType(TypeRef):
    """``range<element>``."""

    element: TypeRef


@dataclass(slots=True)
class ContextType(TypeRef):
    """``context<name: type, ...>``."""

    entries: list[tuple[str, TypeRef]]


@dataclass(slots=True)
class FunctionType(TypeRef):
    """``function<parameter types> -> result type``."""

    parameters: list[TypeRef]
    result: TypeRef


# --- control and comprehension ---------------------------------------------------------


@dataclass(slots=True)
class If(Node):
    """``if condition then then else otherwise``."""

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
    """``for iterations return body``; ``partial`` holds the results so far."""

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
    """``[a, b, c]``."""

    items: list[Node]


@dataclass(slots=True)
class ContextEntry(Node):
    """``key: value`` in a context literal."""

    key: str
    value: Node


@dataclass(slots=True)
class ContextLiteral(Node):
    """``{key: value, ...}``."""

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
    """A parameter of a function definition, with its declared type if any."""

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


# --- helpers ---------------------------------------------------------------------------


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls) if f.name != "span")
    return names


def children(node: Node) -> list[Node]:
    """The direct child nodes of ``node``, in source order."""
    found: list[Node] = []
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    found.append(item)
                elif isinstance(item, tuple):  # ContextType entries: (name, type)
                    found.extend(part for part in item if isinstance(part, Node))
    return found


def walk(node: Node) -> list[Node]:
    """``node`` and all its descendants, depth first, without recursion."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children(current)))
    return out


def continues_chain(parent: Node, child: Node) -> bool:
    """True when ``child`` continues ``parent``'s chain, which the compiler runs in a loop:
    the left operand in ``a or b or c``, ``a and b and c``, ``a + b - c``, or the ``else if``
    of an if-chain."""
    if isinstance(parent, Disjunction | Conjunction):
        return type(child) is type(parent) and child is parent.left
    if isinstance(parent, If):
        return isinstance(child, If) and child is parent.otherwise
    if isinstance(parent, Arithmetic) and parent.op in ("+", "-"):
        return isinstance(child, Arithmetic) and child.op in ("+", "-") and child is parent.left
    return False


def depth(node: Node) -> int:
    """How deeply compiling and evaluating ``node`` nests (1 for a leaf), without recursion.

    A left-associative chain counts as one level however long it is (see ``continues_chain``).
    """
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend(
            (child, level if continues_chain(current, child) else level + 1)
            for child in children(current)
        )
    return deepest


def uses_name(node: Node, name: str) -> bool:
    """True when ``name`` is referenced anywhere under ``node`` (``?`` in a unary test, ...)."""
    return any(isinstance(n, Name) and n.name == name for n in walk(node))


def dump(node: Node) -> str:
    """A compact one-line form of the tree, for tests and debugging: ``Arithmetic(+ 1 x)``."""
    if isinstance(node, NumberLiteral):
        return str(node.value)
    if isinstance(node, StringLiteral):
        return repr(node.value)
    if isinstance(node, BooleanLiteral):
        return "true" if node.value else "false"
    if isinstance(node, NullLiteral):
        return "null"
    if isinstance(node, Name):
        plain = node.name == "?" or node.name.replace("_", "a").isalnum()
        return node.name if plain else f"`{node.name}`"
    if isinstance(node, NamedType):
        return f"type:{node.name}"
    labels = []
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node) or value is None:
            continue
        if isinstance(value, list) and all(isinstance(v, Node | tuple) for v in value):
            continue
        if isinstance(value, bool):
            if value:
                labels.append(name)
            continue
        labels.append(str(value))
    parts = labels + [dump(child) for child in children(node)]
    return f"{type(node).__name__}({' '.join(parts)})"
