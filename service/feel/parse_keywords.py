"""FEEL keyword expressions: tokens -> If, For, Quantified, FunctionDefinition and literal nodes.

The parser calls these where a primary is expected and the current word is a keyword
(``if``, ``for``, ``some``, ``every``, ``function``, ``true``, ``false``, ``null``); each takes
the longest expression as its body. Loop variables and parameters are made known to the
name table while their scope is parsed, so multi-word names such as ``first name`` work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from service.feel import nodes as n
from service.feel.lexer import Token
from service.feel.names import NAME_SYMBOLS, key_text

if TYPE_CHECKING:
    from service.feel.parser import Parser


def parse_if(p: Parser) -> n.Node:
    """Rule 47 if expression = "if" expression "then" expression "else" expression.

    An ``else if ...`` chain is read in a loop (long chains must not nest the parser) and
    gives the same tree as reading each ``if`` as the else branch of the one before.
    """
    branches: list[tuple[Token, n.Node, n.Node]] = []
    while True:
        start = p.advance()
        condition = p.parse_expression()
        p.expect("then", "'then' after the condition of 'if'")
        then = p.parse_expression()
        p.expect("else", "'else' after the 'then' branch of 'if'")
        branches.append((start, condition, then))
        if not p.at_keyword("if"):
            break
    node = p.parse_expression()
    for start, condition, then in reversed(branches):
        node = n.If(condition, then, node, span=(start.start, node.span[1]))
    return node


def parse_for(p: Parser) -> n.For:
    """Rule 46 for expression = "for" iteration contexts "return" expression."""
    start = p.advance()
    marker = p.names.mark()
    try:
        iterations = parse_iterations(p)
        p.expect("return", "'return' after the iteration contexts of 'for'")
        p.names.add("partial")
        body = p.parse_expression()
    finally:
        p.names.pop_to(marker)
    return n.For(iterations, body, span=(start.start, body.span[1]))


def parse_quantified(p: Parser) -> n.Quantified:
    """Rule 48 quantified expression = ("some" | "every") iterations "satisfies" expression."""
    start = p.advance()
    marker = p.names.mark()
    try:
        iterations = parse_iterations(p)
        p.expect("satisfies", f"'satisfies' after the iteration contexts of '{start.text}'")
        condition = p.parse_expression()
    finally:
        p.names.pop_to(marker)
    return n.Quantified(start.text, iterations, condition, span=(start.start, condition.span[1]))


def parse_iterations(p: Parser) -> list[n.Iteration]:
    """Rule 46 iteration contexts: ``name in domain`` or ``name in a..b``, comma separated;
    each variable is known in the domains after it and in the body."""
    iterations = [parse_iteration(p)]
    while p.at_op(","):
        p.advance()
        iterations.append(parse_iteration(p))
    return iterations


def parse_iteration(p: Parser) -> n.Iteration:
    """One iteration context (the variable is made known to what follows)."""
    start = p.peek()
    name, _ = p.parse_name("a variable name")
    p.expect("in", f"'in' after the variable {name!r}")
    domain = p.parse_expression()
    domain_end = None
    if p.at_op(".."):
        p.advance()
        domain_end = p.parse_expression()
    p.names.add(name)
    return n.Iteration(name, domain, domain_end, span=p.span_from(start))


def parse_function_definition(p: Parser) -> n.FunctionDefinition:
    """Rule 57 function definition = "function" "(" parameters ")" ["external"] body."""
    start = p.advance()
    opened = p.expect("(", "'(' after 'function'")
    parameters = p.parse_items(lambda: parse_formal_parameter(p), ")")
    p.expect(")", "parameter list", opened)
    external = p.at_word("external")
    if external:
        p.advance()
    body = p.scoped([p.name for p in parameters], p.parse_expression)
    return n.FunctionDefinition(parameters, body, external, span=(start.start, body.span[1]))


def parse_formal_parameter(p: Parser) -> n.FormalParameter:
    """Rule 58 formal parameter = parameter name [":" type]."""
    start = p.peek()
    end = p.pos
    while p.tokens[end].kind == "name" or (
        end > p.pos and p.tokens[end].kind == "op" and p.tokens[end].text in NAME_SYMBOLS
    ):
        end += 1
    if end == p.pos:
        raise p.expected("a parameter name", start)
    name = key_text(p.tokens[p.pos : end])
    p.pos = end
    type_ref = None
    if p.at_op(":"):
        p.advance()
        type_ref = p.parse_type()
    return n.FormalParameter(name, type_ref, span=p.span_from(start))


def parse_literal_keyword(p: Parser) -> n.Node:
    """Rules 33, 36: ``true``, ``false``, ``null``."""
    token = p.advance()
    if token.text == "null":
        return n.NullLiteral(span=token.span)
    return n.BooleanLiteral(token.text == "true", span=token.span)


KEYWORDS: dict[str, Callable[[Parser], n.Node]] = {
    "if": parse_if,
    "for": parse_for,
    "some": parse_quantified,
    "every": parse_quantified,
    "function": parse_function_definition,
    "true": parse_literal_keyword,
    "false": parse_literal_keyword,
    "null": parse_literal_keyword,
}
