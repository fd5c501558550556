"""Lexer: FEEL text -> tokens (kind, text, value, span)."""

from __future__ import annotations

import decimal

import pytest

from service.feel.errors import FeelSyntaxError
from service.feel.lexer import tokenize


def kinds(text: str) -> list[str]:
    return [f"{t.kind}:{t.text}" for t in tokenize(text)[:-1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2", ["number:1", "op:+", "number:2"]),
        ("a**-b", ["name:a", "op:**", "op:-", "name:b"]),
        (
            "x <= 5 != y >= 2",
            ["name:x", "op:<=", "number:5", "op:!=", "name:y", "op:>=", "number:2"],
        ),
        ("[1..10]", ["op:[", "number:1", "op:..", "number:10", "op:]"]),
        ("a.b", ["name:a", "op:.", "name:b"]),
        ("function<>->Any", ["name:function", "op:<", "op:>", "op:->", "name:Any"]),
        ("Date of Birth", ["name:Date", "name:of", "name:Birth"]),
        ("Income/Expenses", ["name:Income", "op:/", "name:Expenses"]),
        ("Student's name", ["name:Student", "op:'", "name:s", "name:name"]),
        ("? > 5", ["name:?", "op:>", "number:5"]),
        ("élan_2 ünïcode", ["name:élan_2", "name:ünïcode"]),
        ("a // comment\n+ b", ["name:a", "op:+", "name:b"]),
        ("a /* multi\nline */ + b", ["name:a", "op:+", "name:b"]),
        ('@"2024-01-01"', ['temporal:@"2024-01-01"']),
        ("", []),
    ],
)
def test_token_kinds(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        (".5", "0.5"),
        ("1.25", "1.25"),
        ("1.23e4", "12300"),
        ("1.23e+4", "12300"),
        ("1.23E-4", "0.000123"),
        ("007", "7"),
    ],
)
def test_numbers(text: str, value: str) -> None:
    (token, _eof) = tokenize(text)
    assert token.kind == "number"
    assert token.value == decimal.Decimal(value)
    assert token.span == (0, len(text))


def test_number_before_range_dots_stays_whole() -> None:
    assert kinds("1..3") == ["number:1", "op:..", "number:3"]


def test_exponent_needs_digits() -> None:
    assert kinds("1e") == ["number:1", "name:e"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (r'"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"a\nb\tc\rd"', "a\nb\tc\rd"),
        (r'"it\'s"', "it's"),
        (r'"\u0041\U01F40E"', "A\U0001f40e"),
        (r'"\ud83d\udc0e"', "\U0001f40e"),  # a UTF-16 surrogate pair is one character
        (r'"\d+\s"', r"\d+\s"),  # unknown escapes stay, for regular expressions
        ('"multi\nline"', "multi\nline"),
    ],
)
def test_string_escapes(text: str, value: str) -> None:
    token = tokenize(text)[0]
    assert token.kind == "string"
    assert token.value == value
    assert token.span == (0, len(text))


def test_spans_and_space_before() -> None:
    tokens = tokenize("ab  + c")
    assert [t.span for t in tokens] == [(0, 2), (4, 5), (6, 7), (7, 7)]
    assert [t.space_before for t in tokens] == [False, True, True, False]


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        ('"open', "string opened here is never closed", (0, 1)),
        ("a /* never", "comment opened here is never closed", (2, 4)),
        ("1 # 2", "unexpected character '#'", (2, 3)),
        ("@2024", "expected a string after '@'", (0, 1)),
        (r'"\u12"', "expected 4 hex digits after '\\u'", (1, 5)),
        (r'"\UFFFFFF"', "is not a Unicode code point", (1, 9)),
    ],
)
def test_lexer_errors(text: str, message: str, span: tuple[int, int]) -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        tokenize(text)
    assert message in caught.value.message
    assert caught.value.span == span
