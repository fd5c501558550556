"""FEEL syntax trees in, the names they use out; also which names a workbook may declare.

The compiler needs the *free* names of each cell's expression: those not bound inside it
by ``for``/``some``/``every``, a function's parameters or an earlier context entry. They
are checked against the declared inputs, decisions, relations and knowledge models (a
typo becomes UNDECLARED_NAME at the right characters), and they give the requirement graph.
Inside a filter (``catalogue[kind = "trial"]``) a name may be a field of the list's items,
so those are reported with ``in_filter`` set and never called undeclared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.lexer import tokenize
from service.feel.names import NAME_SYMBOLS

# The built-in functions of DMN 1.5 (chapter 10.3.4), by name: never "undeclared".
BUILTIN_FUNCTIONS = frozenset(
    {
        # conversion
        "date", "date and time", "time", "number", "string", "duration",
        "years and months duration", "range",
        # boolean
        "not", "is",
        # string
        "substring", "string length", "upper case", "lower case", "substring before",
        "substring after", "replace", "contains", "starts with", "ends with", "matches",
        "split", "string join", "extract",
        # list
        "list contains", "count", "min", "max", "sum", "mean", "all", "any", "sublist",
        "append", "concatenate", "insert before", "remove", "reverse", "index of", "union",
        "distinct values", "flatten", "product", "median", "stddev", "mode", "and", "or",
        "sort", "list replace",
        # numeric
        "decimal", "floor", "ceiling", "abs", "modulo", "sqrt", "log", "exp", "odd", "even",
        "round up", "round down", "round half up", "round half down",
        # date and time
        "day of year", "day of week", "month of year", "week of year", "now", "today",
        "last day of month",
        # range
        "before", "after", "meets", "met by", "overlaps", "overlaps before", "overlaps after",
        "finishes", "finished by", "includes", "during", "starts", "started by", "coincides",
        # context
        "get value", "get entries", "context", "context put", "context merge",
        # misc
        "get or else",
    }
)  # fmt: skip

# Words FEEL reserves: a declared name may not be one of them.
RESERVED = frozenset(
    {"true", "false", "null", "and", "or", "not", "in", "instance", "of", "between", "if",
     "then", "else", "for", "return", "some", "every", "satisfies", "function", "external"}
)  # fmt: skip


def is_valid_name(name: str) -> bool:
    """True for a name FEEL can use: words of letters, digits and ``_``, joined by spaces or by
    the additional name symbols ``. / - ' + *`` (``Student's name``, ``Income/Expenses``)."""
    if not name or name != name.strip() or "  " in name:
        return False
    try:
        tokens = tokenize(name)[:-1]
    except FeelSyntaxError:
        return False
    if not tokens or tokens[0].kind != "name" or tokens[0].text in RESERVED:
        return False
    # Keywords may appear inside a name ("Date and Time", "values in a list"), not first.
    return all(
        t.kind in ("name", "number") or (t.kind == "op" and t.text in NAME_SYMBOLS)
        for t in tokens[1:]
    )


@dataclass(frozen=True, slots=True)
class NameUse:
    """A free name used in an expression, where it is, and whether it sits inside a filter."""

    name: str
    span: tuple[int, int]
    in_filter: bool = False
    called: bool = False  # used as a function: name(...)


def free_names(node: n.Node) -> list[NameUse]:
    """The names ``node`` uses that it does not bind itself, in text order."""
    return sorted(_walk(node, frozenset(), False), key=lambda use: use.span)


def _walk(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    if isinstance(node, n.Name):
        if node.name not in bound and node.name != "?":
            yield NameUse(node.name, node.span, in_filter)
        return
    handler = _SCOPES.get(type(node))
    if handler is not None:
        yield from handler(node, bound, in_filter)
        return
    for child in _children(node):
        yield from _walk(child, bound, in_filter)


def _children(node: n.Node) -> Iterator[n.Node]:
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, n.Node) and not isinstance(child, n.TypeRef):
                yield child


def _call(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.FunctionCall)
    if isinstance(node.function, n.Name):
        if node.function.name not in bound:
            yield NameUse(node.function.name, node.function.span, in_filter, called=True)
    else:
        yield from _walk(node.function, bound, in_filter)
    for argument in node.arguments:
        yield from _walk(argument.value, bound, in_filter)


def _filter(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.Filter)
    yield from _walk(node.base, bound, in_filter)
    yield from _walk(node.condition, bound | {"item"}, True)


def _iterations(
    iterations: list[n.Iteration], bound: frozenset[str], in_filter: bool
) -> Iterator[NameUse | frozenset[str]]:
    for iteration in iterations:
        yield from _walk(iteration.domain, bound, in_filter)
        if iteration.domain_end is not None:
            yield from _walk(iteration.domain_end, bound, in_filter)
        bound = bound | {iteration.name}
    yield bound


def _loop(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.For | n.Quantified)
    inner = bound
    for found in _iterations(node.iterations, bound, in_filter):
        if isinstance(found, frozenset):
            inner = found
        else:
            yield found
    body = node.body if isinstance(node, n.For) else node.condition
    yield from _walk(body, inner | {"partial"}, in_filter)


def _function(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.FunctionDefinition)
    yield from _walk(node.body, bound | {p.name for p in node.parameters}, in_filter)


def _context(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.ContextLiteral)
    for entry in node.entries:
        yield from _walk(entry.value, bound, in_filter)
        bound = bound | {entry.key}


def _path(node: n.Node, bound: frozenset[str], in_filter: bool) -> Iterator[NameUse]:
    assert isinstance(node, n.Path)
    yield from _walk(node.base, bound, in_filter)


_SCOPES = {
    n.FunctionCall: _call,
    n.Filter: _filter,
    n.For: _loop,
    n.Quantified: _loop,
    n.FunctionDefinition: _function,
    n.ContextLiteral: _context,
    n.Path: _path,
}


def compared_literals(tests: n.UnaryTests) -> Iterator[tuple[n.Node, bool]]:
    """The literals a unary test compares its input with, each with True when compared for
    equality (``"a"``, ``= 3``, ``not("b")``) and False for an order or range end (``< 50``)."""
    for test in tests.tests:
        if isinstance(test, n.UnaryExpression):
            yield from _literal_values(test.expression, True)
        elif isinstance(test, n.UnaryComparison):
            yield from _literal_values(test.operand, test.op in ("=", "!="))
        elif isinstance(test, n.UnaryRange):
            yield from _literal_values(test.range.start, False)
            yield from _literal_values(test.range.end, False)


def _literal_values(node: n.Node, equality: bool) -> Iterator[tuple[n.Node, bool]]:
    if (
        isinstance(node, n.StringLiteral | n.NumberLiteral | n.BooleanLiteral | n.TemporalLiteral)
        or (isinstance(node, n.Negation) and isinstance(node.operand, n.NumberLiteral))
        or (
            isinstance(node, n.FunctionCall)
            and isinstance(node.function, n.Name)
            and node.function.name in ("date", "time", "date and time", "duration")
            and len(node.arguments) == 1
            and isinstance(node.arguments[0].value, n.StringLiteral)
        )
    ):
        yield node, equality
    elif isinstance(node, n.UnaryTests):
        yield from compared_literals(node)
