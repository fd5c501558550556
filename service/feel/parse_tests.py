"""FEEL unary tests: tokens -> UnaryTests (decision table input entries, the right side of ``in``).

Grammar rules 7-17: ``-``; ``not(tests)``; comma-separated positive unary tests, each a
comparison with an implicit left side (``< 5``, ``= x``), an interval (``[1..5]``), or any
expression (``"a"``, ``? > 5``, ``date("2024-01-01")``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.lexer import Token
from service.feel.parse_constructors import parse_range_end

if TYPE_CHECKING:
    from service.feel.parser import Parser

UNARY_TEST_OPS = ("<", "<=", ">", ">=", "=", "!=")


def parse_unary_tests(p: Parser) -> n.UnaryTests:
    """Rule 17 unary tests = "-" | "not" "(" positive unary tests ")" | positive unary tests."""
    start = p.peek()
    if start.is_op("-") and p.peek(1).kind == "eof":
        p.advance()
        return n.UnaryTests([n.AnyTest(span=start.span)], span=start.span)
    if start.is_word("not") and p.peek(1).is_op("("):
        negated = _negated_tests(p)
        if negated is not None:
            return negated
    tests = parse_positive_unary_tests(p, p.parse_expression)
    return n.UnaryTests(tests, span=p.span_from(start))


def _negated_tests(p: Parser) -> n.UnaryTests | None:
    """``not(tests)`` spanning the whole text, or None (position restored) when the text is
    something else that starts with ``not(``, such as the expression ``not(a) and b``.

    Parsing and backtracking, rather than matching brackets ahead, because intervals such
    as ``]1..5]`` and ``[1..5[`` do not pair their brackets.
    """
    saved = p.pos
    start = p.advance()
    p.advance()  # the "("
    try:
        tests = parse_positive_unary_tests(p, p.parse_expression)
        if p.at_op(")") and p.peek(1).kind == "eof":
            p.advance()
            return n.UnaryTests(tests, negated=True, span=p.span_from(start))
    except FeelSyntaxError:
        pass
    p.pos = saved
    return None


def parse_positive_unary_tests(p: Parser, expression: Callable[[], n.Node]) -> list[n.Node]:
    """Rule 16 positive unary tests = positive unary test {"," positive unary test}."""
    tests = [parse_positive_unary_test(p, expression)]
    while p.at_op(","):
        p.advance()
        tests.append(parse_positive_unary_test(p, expression))
    return tests


def parse_positive_unary_test(p: Parser, expression: Callable[[], n.Node]) -> n.Node:
    """Rules 7-15 positive unary test: ``< e``, ``= e``, an interval, or an expression."""
    token = p.peek()
    if token.kind == "op" and token.text in UNARY_TEST_OPS:
        p.advance()
        operand = p.parse_endpoint()
        return n.UnaryComparison(token.text, operand, span=(token.start, operand.span[1]))
    node = expression()
    if isinstance(node, n.RangeLiteral):
        return n.UnaryRange(node, span=node.span)
    if isinstance(node, n.UnaryComparison):
        return node
    return n.UnaryExpression(node, span=node.span)


def parse_in_tests(p: Parser) -> n.UnaryTests:
    """The right side of ``in``: one positive unary test, or a parenthesized list of them."""
    start = p.peek()
    if not start.is_op("("):
        test = parse_positive_unary_test(p, p.parse_additive)
        return n.UnaryTests([test], span=test.span)
    opened = p.advance()
    with p.nested(opened):
        first = parse_positive_unary_test(p, p.parse_expression)
        if p.at_op(".."):  # an interval such as (1..5], not a list of tests
            test = _interval_test(p, opened, first)
            return n.UnaryTests([test], span=test.span)
        tests = [first]
        while p.at_op(","):
            p.advance()
            tests.append(parse_positive_unary_test(p, p.parse_expression))
    p.expect(")", "list of tests", opened)
    return n.UnaryTests(tests, span=p.span_from(start))


def _interval_test(p: Parser, opened: Token, first: n.Node) -> n.Node:
    """``(a..b]`` after ``in``, once ``(a`` is read: the interval, and any operators after it.

    The start ``a`` is reused rather than read again: backtracking to ``(`` would read it
    twice at every level of nesting, which takes exponential time on texts such as
    ``x in (x in (1..2]..3]`` nested a few dozen times.
    """
    start = first.range if isinstance(first, n.UnaryRange) else first
    if isinstance(start, n.UnaryExpression):
        start = start.expression
    interval = parse_range_end(p, opened, start, start_included=False)
    node = p.parse_additive(interval)
    if isinstance(node, n.RangeLiteral):
        return n.UnaryRange(node, span=node.span)
    return n.UnaryExpression(node, span=node.span)
