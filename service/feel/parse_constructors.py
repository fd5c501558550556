"""FEEL constructors: tokens -> parenthesized expressions, lists, ranges and context literals.

``(`` opens a parenthesized expression or an interval open at its start, ``[`` a list or a
closed-start interval, ``]`` an open-start interval, ``{`` a context literal whose keys are
known to the entries after them (grammar rules 8-12 interval, 56 list, 59-61 context).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.feel import nodes as n
from service.feel.lexer import Token

if TYPE_CHECKING:
    from service.feel.parser import Parser


def parse_parenthesized(p: Parser) -> n.Node:
    """Rule 2 ``( expression )``, or an open-start range ``(a..b]`` (rule 8 interval)."""
    opened = p.advance()
    inner = p.parse_expression()
    if p.at_op(".."):
        return parse_range_end(p, opened, inner, start_included=False)
    p.expect(")", "parenthesis", opened)
    inner.span = (opened.start, p.tokens[p.pos - 1].end)
    return inner


def parse_list_or_range(p: Parser) -> n.Node:
    """Rule 56 list ``[a, b]`` or rule 8 interval ``[a..b]``."""
    opened = p.advance()
    if p.at_op("]"):
        p.advance()
        return n.ListLiteral([], span=p.span_from(opened))
    first = p.parse_expression()
    if p.at_op(".."):
        return parse_range_end(p, opened, first, start_included=True)
    items = [first]
    while p.at_op(","):
        p.advance()
        items.append(p.parse_expression())
    p.expect("]", "list", opened)
    return n.ListLiteral(items, span=p.span_from(opened))


def parse_range_rest(p: Parser, opened: Token, start_included: bool) -> n.RangeLiteral:
    """After ``]`` (an open start): ``a..b`` and the closing bracket."""
    start = p.parse_expression()
    if not p.at_op(".."):
        raise p.expected(f"'..' in the range opened at {opened.start}")
    return parse_range_end(p, opened, start, start_included)


def parse_range_end(
    p: Parser, opened: Token, start: n.Node, start_included: bool
) -> n.RangeLiteral:
    """Rule 8 interval: from ``..`` to the closing ``]``, ``[`` or ``)``."""
    p.expect("..", "'..'")
    end = p.parse_expression()
    closer = p.peek()
    if not p.at_op("]", "[", ")"):
        raise p.expected(f"']', '[' or ')' to close the range opened at {opened.start}")
    p.advance()
    return n.RangeLiteral(start, end, start_included, closer.text == "]", span=p.span_from(opened))


def parse_context(p: Parser) -> n.ContextLiteral:
    """Rule 59 context ``{key: value, ...}``; each key is known to the entries after it."""
    opened = p.advance()
    marker = p.names.mark()
    try:
        entries = p.parse_items(lambda: parse_context_entry(p), "}")
    finally:
        p.names.pop_to(marker)
    p.expect("}", "context", opened)
    return n.ContextLiteral(entries, span=p.span_from(opened))


def parse_context_entry(p: Parser) -> n.ContextEntry:
    """Rule 60 context entry = key ":" expression; rule 61 key = name | string literal."""
    start = p.peek()
    if start.kind == "string" and p.peek(1).is_op(":"):
        key, count = start.value, 1
    else:
        found = p.scan_key()
        if found is None:
            raise p.expected("a context key followed by ':'", start)
        key, count = found
    p.pos += count + 1
    p.names.add(key)
    value = p.parse_expression()
    return n.ContextEntry(key, value, span=(start.start, value.span[1]))
