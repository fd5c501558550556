"""FEEL parser: tokens -> AST (:mod:`service.feel.nodes`), for expressions and unary tests.

A recursive-descent parser with one method per level of the DMN 1.5 FEEL grammar
(chapter 10.3.1.2; rule numbers as in its grammar table), lowest precedence first::

    expression    disjunction ("or")
    disjunction   conjunction ("and")
    conjunction   comparison (= != < <= > >=, between, in) - never chained
    comparison    additive (+ -)
    additive      multiplicative (* /)
    multiplicative exponentiation (**), left associative like every FEEL infix operator
    exponentiation negation (-)
    negation      instance of
    instance of   postfix: path (.name), filter ([...]), invocation ((...))
    postfix       primary: literals, names, ( ), lists, ranges, contexts, if, for, some,
                  every, function definitions, unary comparisons (< 5 as a range)

``if``, ``for``, ``some``/``every`` and ``function`` are parsed where a primary is expected
and take the longest expression as their body, so ``1 + if c then 2 else 3`` works too.
Every "expected X, got Y" error comes from :meth:`Parser.expected` (through
:meth:`Parser.expect` when one given token must come next). The keyword expressions,
constructors, unary tests and types are parsed in their own modules (``parse_*.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.lexer import Token, tokenize
from service.feel.names import (
    BREAK_WORDS,
    NAME_SYMBOLS,
    RESERVED_WORDS,
    NameTable,
    builtin_names,
    declared_names,
    default_name,
    key_text,
)
from service.feel.parse_constructors import (
    parse_context,
    parse_list_or_range,
    parse_parenthesized,
    parse_range_rest,
)
from service.feel.parse_keywords import KEYWORDS
from service.feel.parse_tests import UNARY_TEST_OPS, parse_in_tests
from service.feel.parse_tests import parse_unary_tests as parse_unary_tests_
from service.feel.parse_types import parse_type

# How deep brackets, prefixes and nested constructs may go before we refuse the text;
# well inside Python's recursion limit for the parser, the compiler and evaluation.
MAX_NESTING = 48
MAX_TREE_DEPTH = 240

COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")

T = TypeVar("T")


class Parser:
    """Parses one source text; use :func:`parse_expression` or :func:`parse_unary_tests`."""

    def __init__(
        self, source: str, names: Iterable[str] = (), type_names: Iterable[str] = ()
    ) -> None:
        self.source = source
        self.tokens: list[Token] = tokenize(source)
        self.pos = 0
        self.names = NameTable(base=declared_names(tuple(names), builtin_names()))
        self.type_names = NameTable(type_names)
        self.nesting = 0

    # --- token helpers -----------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        """The token ``ahead`` tokens after the current one (``eof`` past the end)."""
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.pos]
        if token.kind != "eof":
            self.pos += 1
        return token

    def at_op(self, *texts: str) -> bool:
        """True when the current token is one of the operators ``texts``."""
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text in texts

    def at_word(self, *texts: str) -> bool:
        """True when the current token is one of the keywords ``texts``."""
        token = self.tokens[self.pos]
        return token.kind == "name" and token.text in texts

    def at_keyword(self, *texts: str) -> bool:
        """True when the current word is one of the keywords ``texts`` and does not start
        a declared name such as ``null count`` or ``every day dose``, which wins."""
        if not self.at_word(*texts):
            return False
        known = self.names.longest_known(self.tokens, self.pos)
        return known is None or known[1] < 2

    def error(self, message: str, token: Token | None = None) -> FeelSyntaxError:
        """A syntax error pointing at ``token`` (default: the current token)."""
        token = token or self.peek()
        span = token.span if token.kind != "eof" else (token.start, token.start + 1)
        return FeelSyntaxError(message, self.source, span)

    def expected(self, what: str, token: Token | None = None) -> FeelSyntaxError:
        """The error "expected <what>, got <token>": every such message is made here."""
        token = token or self.peek()
        return self.error(f"expected {what}, got {token.describe()}", token)

    def expect(self, text: str, what: str, opened: Token | None = None) -> Token:
        """Consume the operator or keyword ``text``, or fail with "expected <what>, got ..."."""
        token = self.peek()
        if token.text == text and token.kind in ("op", "name"):
            return self.advance()
        where = f" to close the {what} opened at {opened.start}" if opened is not None else ""
        label = f"'{text}'{where}" if opened is not None else what
        raise self.expected(label, token)

    def span_from(self, start: Token) -> tuple[int, int]:
        """The span from ``start`` to the end of the last consumed token."""
        end = self.tokens[self.pos - 1].end if self.pos > 0 else start.end
        return (start.start, max(end, start.end))

    @contextmanager
    def nested(self, token: Token) -> Iterator[None]:
        """Guard one level of nesting (brackets, prefixes) against runaway recursion."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error("expression nested too deeply", token)
        try:
            yield
        finally:
            self.nesting -= 1

    def parse_items(self, parse_item: Callable[[], T], closer: str) -> list[T]:
        """Comma-separated items up to (not including) ``closer``; none when it comes first."""
        items: list[T] = []
        if self.at_op(closer):
            return items
        items.append(parse_item())
        while self.at_op(","):
            self.advance()
            items.append(parse_item())
        return items

    def scoped(self, names: Iterable[str], parse: Callable[[], T]) -> T:
        """Run ``parse`` with ``names`` known (parameters, loop variables)."""
        marker = self.names.mark()
        for name in names:
            self.names.add(name)
        try:
            return parse()
        finally:
            self.names.pop_to(marker)

    def finish(self, node: T) -> T:
        """Check that all the text was used and the tree is not too deep."""
        if self.peek().kind != "eof":
            raise self.expected("end of text")
        if isinstance(node, n.Node) and n.depth(node) > MAX_TREE_DEPTH:
            raise FeelSyntaxError("expression nested too deeply", self.source, node.span)
        return node

    # --- expressions, lowest precedence first ----------------------------------------------

    def parse_expression(self) -> n.Node:
        """Rule 1 expression = textual expression; rule 2 lists its forms, lowest first."""
        return self.parse_disjunction()

    def parse_disjunction(self) -> n.Node:
        """Rule 49 disjunction = expression "or" expression (three-valued)."""
        left = self.parse_conjunction()
        while self.at_word("or"):
            self.advance()
            right = self.parse_conjunction()
            left = n.Disjunction(left, right, span=(left.span[0], right.span[1]))
        return left

    def parse_conjunction(self) -> n.Node:
        """Rule 50 conjunction = expression "and" expression (three-valued)."""
        left = self.parse_comparison()
        while self.at_word("and"):
            self.advance()
            right = self.parse_comparison()
            left = n.Conjunction(left, right, span=(left.span[0], right.span[1]))
        return left

    def parse_comparison(self) -> n.Node:
        """Rule 51 comparison: = != < <= > >=, between, in; a comparison is never chained."""
        left = self.parse_additive()
        node = self._comparison_tail(left)
        if node is not left and (self.at_op(*COMPARISON_OPS) or self.at_word("between", "in")):
            raise self.error(
                f"comparisons cannot be chained; add parentheses before {self.peek().describe()}"
            )
        return node

    def _comparison_tail(self, left: n.Node) -> n.Node:
        if self.at_op(*COMPARISON_OPS):
            op = self.advance().text
            right = self.parse_additive()
            return n.Comparison(op, left, right, span=(left.span[0], right.span[1]))
        if self.at_word("between"):
            self.advance()
            low = self.parse_additive()
            self.expect("and", "'and' between the bounds of 'between'")
            high = self.parse_additive()
            return n.Between(left, low, high, span=(left.span[0], high.span[1]))
        if self.at_word("in"):
            self.advance()
            tests = parse_in_tests(self)
            return n.In(left, tests, span=(left.span[0], tests.span[1]))
        return left

    # From additive down to postfix, ``first`` is a primary that was already parsed, so
    # that parsing can resume after it (see ``parse_tests.parse_in_tests``) without
    # reading its tokens again.

    def parse_additive(self, first: n.Node | None = None) -> n.Node:
        """Rules 21-22 addition, subtraction = expression ("+" | "-") expression."""
        left = self.parse_multiplicative(first)
        while self.at_op("+", "-"):
            op = self.advance().text
            right = self.parse_multiplicative()
            left = n.Arithmetic(op, left, right, span=(left.span[0], right.span[1]))
        return left

    def parse_multiplicative(self, first: n.Node | None = None) -> n.Node:
        """Rules 23-24 multiplication, division = expression ("*" | "/") expression."""
        left = self.parse_exponentiation(first)
        while self.at_op("*", "/"):
            op = self.advance().text
            right = self.parse_exponentiation()
            left = n.Arithmetic(op, left, right, span=(left.span[0], right.span[1]))
        return left

    def parse_exponentiation(self, first: n.Node | None = None) -> n.Node:
        """Rule 25 exponentiation = expression "**" expression (left associative)."""
        left = self.parse_negation(first)
        while self.at_op("**"):
            self.advance()
            right = self.parse_negation()
            left = n.Arithmetic("**", left, right, span=(left.span[0], right.span[1]))
        return left

    def parse_negation(self, first: n.Node | None = None) -> n.Node:
        """Rule 26 arithmetic negation = "-" expression."""
        if first is not None or not self.at_op("-"):
            return self.parse_instance_of(first)
        minus = self.advance()
        with self.nested(minus):
            operand = self.parse_negation()
        return n.Negation(operand, span=(minus.start, operand.span[1]))

    def parse_instance_of(self, first: n.Node | None = None) -> n.Node:
        """Rule 53 instance of = expression "instance" "of" type."""
        node = self.parse_postfix(first)
        while self.at_word("instance") and self.peek(1).is_word("of"):
            self.advance()
            self.advance()
            type_ref = self.parse_type()
            node = n.InstanceOf(node, type_ref, span=(node.span[0], type_ref.span[1]))
        return node

    def parse_type(self) -> n.TypeRef:
        """Rule 54 type (see :mod:`service.feel.parse_types`)."""
        return parse_type(self)

    def parse_postfix(self, first: n.Node | None = None) -> n.Node:
        """Rules 45 path, 52 filter, 40 invocation: primary followed by . [ ( in any number."""
        node = first if first is not None else self.parse_primary()
        while True:
            if self.at_op("."):
                self.advance()
                member, _ = self.parse_name("a name after '.'")
                node = n.Path(node, member, span=(node.span[0], self.tokens[self.pos - 1].end))
            elif self.at_op("[") and _starts_expression(self.peek(1)):
                opened = self.advance()
                with self.nested(opened):
                    condition = self.parse_expression()
                self.expect("]", "filter", opened)
                node = n.Filter(node, condition, span=(node.span[0], self.tokens[self.pos - 1].end))
            elif self.at_op("("):
                node = self.parse_invocation(node)
            else:
                return node

    def parse_invocation(self, function: n.Node) -> n.FunctionCall:
        """Rules 40-44 function invocation with positional or named parameters."""
        opened = self.advance()
        with self.nested(opened):
            arguments = self.parse_items(self.parse_argument, ")")
        self.expect(")", "argument list", opened)
        named = [a.name is not None for a in arguments]
        if any(named) and not all(named):
            raise FeelSyntaxError(
                "arguments must be all named or all positional", self.source, self.span_from(opened)
            )
        return n.FunctionCall(
            function, arguments, span=(function.span[0], self.tokens[self.pos - 1].end)
        )

    def parse_argument(self) -> n.Argument:
        """One positional argument, or ``name: value`` (rule 39 named parameters)."""
        start = self.peek()
        key = self.scan_key()
        if key is not None:
            name, count = key
            self.pos += count + 1  # the name's tokens and the ':'
            value = self.parse_expression()
            return n.Argument(value, name, span=(start.start, value.span[1]))
        value = self.parse_expression()
        return n.Argument(value, span=value.span)

    # --- primaries --------------------------------------------------------------------------

    def parse_primary(self) -> n.Node:
        """Literals, names, parentheses, lists, ranges, contexts and the keyword expressions."""
        token = self.peek()
        if token.kind == "number":
            self.advance()
            return n.NumberLiteral(token.value, span=token.span)
        if token.kind == "string":
            self.advance()
            return n.StringLiteral(token.value, span=token.span)
        if token.kind == "temporal":
            self.advance()
            return n.TemporalLiteral(token.value, span=token.span)
        if token.kind == "name":
            return self.parse_word(token)
        if token.kind == "op":
            with self.nested(token):
                return self.parse_bracketed(token)
        raise self.expected("an expression", token)

    def parse_word(self, token: Token) -> n.Node:
        """A keyword expression or a name; a declared name such as ``null count`` or
        ``every day dose`` wins over the keyword it starts with."""
        keyword = KEYWORDS.get(token.text)
        if keyword is not None and self.at_keyword(token.text):
            with self.nested(token):
                return keyword(self)
        name, _ = self.parse_name("an expression")
        return n.Name(name, span=self.span_from(token))

    def parse_bracketed(self, token: Token) -> n.Node:
        """``( )``, ``[ ]``, ``] [``: lists and ranges; ``{ }``: contexts; ``< 5``: a range."""
        if token.text == "(":
            return parse_parenthesized(self)
        if token.text == "[":
            return parse_list_or_range(self)
        if token.text == "]":
            self.advance()
            return parse_range_rest(self, token, start_included=False)
        if token.text == "{":
            return parse_context(self)
        if token.text in UNARY_TEST_OPS:
            self.advance()
            operand = self.parse_endpoint()
            return n.UnaryComparison(token.text, operand, span=(token.start, operand.span[1]))
        raise self.expected("an expression", token)

    def parse_endpoint(self) -> n.Node:
        """The endpoint after a comparison (``< 5``): a value, never another comparison, so
        that ``<> 2`` or ``<< 2`` is an error rather than a test that matches nothing."""
        token = self.peek()
        if token.kind == "op" and token.text in UNARY_TEST_OPS:
            raise self.expected("a value after the comparison", token)
        return self.parse_additive()

    def parse_name(self, what: str) -> tuple[str, int]:
        """Rule 27 name: the longest known name here, else the run of words; (name, tokens)."""
        token = self.peek()
        if token.kind != "name" or (token.text in RESERVED_WORDS and not self._known_here()):
            raise self.expected(what, token)
        known = self.names.longest_known(self.tokens, self.pos)
        plain = default_name(self.tokens, self.pos)
        name, count = known if known is not None and known[1] >= plain[1] else plain
        self.pos += count
        return name, count

    def _known_here(self) -> bool:
        return self.names.longest_known(self.tokens, self.pos) is not None

    def scan_key(self) -> tuple[str, int] | None:
        """A name followed by ``:`` at the current token: (name, token count), else None."""
        end = self.pos
        while True:
            token = self.tokens[end]
            inner = end > self.pos and (
                token.kind == "number" or (token.kind == "op" and token.text in NAME_SYMBOLS)
            )
            if token.kind != "name" and not inner:
                break
            end += 1
        if end == self.pos or not self.tokens[end].is_op(":"):
            return None
        return key_text(self.tokens[self.pos : end]), end - self.pos


def _starts_expression(token: Token) -> bool:
    """Whether ``token`` can begin an expression; after ``[`` it tells a filter from the
    ``[`` that closes an open-ended range such as ``[1..10[``."""
    if token.kind in ("number", "string", "temporal"):
        return True
    if token.kind == "name":
        return token.text not in BREAK_WORDS
    return token.kind == "op" and token.text in ("(", "[", "{", "-", "<", "<=", ">", ">=")


def _guarded(source: str, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except RecursionError as exc:  # a last resort: the nesting guards should come first
        raise FeelSyntaxError("expression nested too deeply", source, (0, len(source))) from exc


def parse_expression(
    text: str, names: Iterable[str] = (), type_names: Iterable[str] = ()
) -> n.Node:
    """The AST of the FEEL expression ``text``; ``names`` are the variables known in scope."""
    parser = Parser(text, names, type_names)
    return _guarded(text, lambda: parser.finish(parser.parse_expression()))


def parse_unary_tests(
    text: str, names: Iterable[str] = (), type_names: Iterable[str] = ()
) -> n.UnaryTests:
    """The AST of the FEEL unary tests ``text`` (a decision table input entry)."""
    parser = Parser(text, names, type_names)
    return _guarded(text, lambda: parser.finish(parse_unary_tests_(parser)))
