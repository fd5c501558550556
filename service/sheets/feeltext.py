"""A cell's FEEL text in, its syntax tree out, or a FEEL_SYNTAX diagnostic in plain English.

The FEEL parser's messages are written for programmers ("expected ']' to close the list
opened at 0, got end of text"); :func:`plain_message` rewrites the common ones for the
people who type decision tables ("a closing ']' is missing: the list opened at character 1
is never closed"), keeping the parser's span for the caret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression, parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where

_LOOKALIKES = {
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "–": "-",
    "—": "-",
    "’": "'",
    "‘": "'",
    "×": "*",
    "÷": "/",
}
_CLOSERS = {
    "list": "]",
    "range": "]' or ')",
    "parenthesis": ")",
    "context": "}",
    "argument list": ")",
}

_CLOSE = re.compile(
    r"expected '(.+?)'(?: or '.+?')* to close the ([a-z ]+?) opened at (\d+), got (.+)"
)
_GOT = re.compile(r"expected (.+?), got (.+)")


def plain_message(message: str) -> str:
    """The parser's ``message`` in words for non-programmers."""
    match = _CLOSE.match(message)
    if match:
        what, opened = match.group(2), int(match.group(3)) + 1
        closer = _CLOSERS.get(what, match.group(1))
        where = f"the {what} opened at character {opened}"
        return f"a closing '{closer}' is missing: {where} is not closed"
    if message.startswith("unexpected character"):
        char = message.split("'")[1] if "'" in message else ""
        if char in _LOOKALIKES:
            return f"'{char}' is not understood here; write {_LOOKALIKES[char]} instead"
        return f"the character '{char}' is not understood here"
    if "never closed with" in message:
        return 'a text in quotes is missing its closing quote (")'
    match = _GOT.match(message)
    if match:
        expected, got = match.group(1), match.group(2)
        if got == "end of text":
            return f"the text ends too early: {expected} is missing at the end"
        if expected == "end of text":
            return f"{got} is not expected here (is a comma or an operator missing before it?)"
        return f"{got} is not expected here: {expected} should come first"
    return message


def parse_cell_expression(
    text: str, where: Where, what: str, names: Iterable[str], found: list[Diagnostic]
) -> n.Node | None:
    """The expression in a cell, or None after reporting FEEL_SYNTAX."""
    try:
        return parse_expression(text, names)
    except FeelSyntaxError as exc:
        found.append(syntax(where, text, what, exc))
        return None


def parse_cell_tests(
    text: str, where: Where, what: str, names: Iterable[str], found: list[Diagnostic]
) -> n.UnaryTests | None:
    """The unary tests in a cell, or None after reporting FEEL_SYNTAX (or DASH_RANGE)."""
    habit = _habit(text, Where(where.sheet, where.cell, text), what)
    if habit is not None:
        found.append(habit)
        return None
    try:
        return parse_unary_tests(text, names)
    except FeelSyntaxError as exc:
        found.append(syntax(where, text, what, exc))
        return None


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?')
_NUMBER = r"-?\d+(?:\.\d+)?"
_DASH_RANGE = re.compile(rf"([\[\](])\s*({_NUMBER})\s*-\s*(\d+(?:\.\d+)?)\s*([\[\])])")


def _masked(text: str) -> str:
    """``text`` with the inside of its string literals blanked, so that ``"a <> b"`` is text."""
    return _STRINGS.sub(lambda m: " " * len(m.group()), text)


def _habit(text: str, where: Where, what: str) -> Diagnostic | None:
    """Spreadsheet habits that FEEL reads as something else: ``<> 2`` (not equal) and
    ``[0-1]`` (a range), both of which would otherwise parse and quietly match the wrong
    values."""
    masked = _masked(text)
    at = masked.find("<>")
    if at >= 0:
        rest = text[at + 2 :].strip() or "2"
        return diag.feel_syntax(
            where,
            what,
            "'<>' is not understood: FEEL writes 'not equal' as !=",
            (at, at + 2),
            f"write != {rest}, or not({rest})",
        )
    match = _DASH_RANGE.search(masked)
    if match:
        low, high = match.group(2), match.group(3)
        meant = f"{match.group(1)}{low}..{high}{match.group(4)}"
        return diag.dash_range(where, match.group(0), low, high, meant, match.span())
    return None


def syntax(where: Where, text: str, what: str, exc: FeelSyntaxError) -> Diagnostic:
    """FEEL_SYNTAX for ``exc`` raised by the parser on ``text``."""
    hint = _tests_hint(text) if what != "output value" and what != "expression" else None
    if what == "output value" and '"' not in text and " " in text.strip():
        hint = (
            'text goes in double quotes ("like this"); for an explanation use an Annotation column'
        )
    return diag.feel_syntax(
        Where(where.sheet, where.cell, text), what, plain_message(exc.message), exc.span, hint
    )


_BETWEEN = re.compile(r"^\s*>=?\s*(\S+)\s+and\s+<=?\s*(\S+)\s*$")


def _tests_hint(text: str) -> str | None:
    """A hint for conditions written as in a spreadsheet formula (``>= 0 and <= 1``,
    ``not "x"``)."""
    masked = _masked(text)
    between = _BETWEEN.match(masked)
    if between:
        low, high = text[between.start(1) : between.end(1)], text[between.start(2) : between.end(2)]
        return (
            f"for a range write [{low}..{high}] (both ends included); use ( or ) for an "
            f"end that is excluded: ({low}..{high}]"
        )
    if re.search(r"\b(and|or)\b", masked):
        return (
            "a condition cell cannot join tests with and/or: for a range write [0..1]; "
            "for either of two values separate them with a comma"
        )
    negated = re.match(r"^\s*not\s+([^(\s].*)$", text)
    if negated:
        return f"write not({negated.group(1).strip()}) (with brackets)"
    return None
