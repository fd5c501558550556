"""FEEL lexer: source text -> list of :class:`Token` (kind, text, value, span), ending with ``eof``.

Token kinds:

- ``number``: ``12``, ``.5``, ``1.5e3`` (``value`` is a Decimal)
- ``string``: ``"a\\"b"`` with its escapes decoded (``value`` is the str)
- ``temporal``: ``@"2024-01-01"`` (``value`` is the decoded string inside the quotes)
- ``name``: one word of a name, keywords included (``and``, ``date``, ``?``); the parser
  joins words into multi-word names and decides which words are keywords
- ``op``: punctuation and operators (``text`` says which): ``( ) [ ] { } , : . .. + - * ** /
  = != < <= > >= ->`` and ``'`` (an additional name symbol)
- ``eof``: the end of the text

Whitespace and comments (``// ...`` and ``/* ... */``) separate tokens and are dropped;
``Token.space_before`` records whether any came before a token, which the parser needs to
rebuild names such as ``Income/Expenses`` or ``Date of Birth`` exactly.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from service.feel.errors import FeelSyntaxError
from service.feel.values import number

# Longest first, so that "**" wins over "*" and ".." over ".".
_OPERATORS = (
    "**", "..", "!=", "<=", ">=", "->",
    "(", ")", "[", "]", "{", "}", ",", ":", ".", "+", "-", "*", "/", "=", "<", ">", "'",
)  # fmt: skip

_OPERATORS_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _op in _OPERATORS:
    _OPERATORS_BY_FIRST[_op[0]] = (*_OPERATORS_BY_FIRST.get(_op[0], ()), _op)

# Fast paths for the common ASCII text; other characters take the general checks.
_ASCII_SPACE = re.compile(r"[ \t\r\n]*")
_ASCII_NAME_PART = re.compile(r"[A-Za-z0-9_?]*")

_DIGITS = "0123456789"

_SIMPLE_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}

# FEEL white space: the spec's list is Unicode's White_Space property plus a few format chars.
_EXTRA_SPACE = "\u200b\u2060\ufeff"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its source text, its decoded value (numbers, strings), its span."""

    kind: str
    text: str
    start: int
    end: int
    value: Any = None
    space_before: bool = False

    @property
    def span(self) -> tuple[int, int]:
        """(start, end) offsets of the token in the source."""
        return (self.start, self.end)

    def is_op(self, text: str) -> bool:
        """True for the operator or punctuation token ``text``."""
        return self.kind == "op" and self.text == text

    def is_word(self, text: str) -> bool:
        """True for the name token (keyword) ``text``."""
        return self.kind == "name" and self.text == text

    def describe(self) -> str:
        """How an error message names this token: ``'then'`` or ``end of text``."""
        return "end of text" if self.kind == "eof" else repr(self.text)


def is_name_start(ch: str) -> bool:
    """A character that may start a FEEL name (letters, ``_``, ``?``)."""
    return ch.isalpha() or ch in "_?"


def is_name_part(ch: str) -> bool:
    """A character that may continue a FEEL name word (letters, digits, combining marks)."""
    if ch.isalnum() or ch in "_?\u00b7\u203f\u2040":
        return True
    return unicodedata.category(ch) in ("Mn", "Mc", "Nd", "Pc")


def is_space(ch: str) -> bool:
    """FEEL white space, vertical space included."""
    return ch.isspace() or ch in _EXTRA_SPACE


class Lexer:
    """Turns one source text into tokens; :func:`tokenize` is the entry point."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.tokens: list[Token] = []

    def error(self, message: str, start: int, end: int | None = None) -> FeelSyntaxError:
        """A syntax error at ``start`` (one character wide unless ``end`` is given)."""
        return FeelSyntaxError(message, self.source, (start, end if end is not None else start + 1))

    def run(self) -> list[Token]:
        """All tokens of the source, ending with an ``eof`` token."""
        src = self.source
        while True:
            spaced = self._skip_space_and_comments()
            if self.pos >= len(src):
                self.tokens.append(Token("eof", "", self.pos, self.pos, None, spaced))
                return self.tokens
            self.tokens.append(self._token(spaced))

    def _skip_space_and_comments(self) -> bool:
        src, start = self.source, self.pos
        self.pos = _ASCII_SPACE.match(src, start).end()  # type: ignore[union-attr]
        while self.pos < len(src):
            ch = src[self.pos]
            if is_space(ch):
                self.pos += 1
            elif src.startswith("//", self.pos):
                end = src.find("\n", self.pos)
                self.pos = len(src) if end == -1 else end + 1
            elif src.startswith("/*", self.pos):
                end = src.find("*/", self.pos + 2)
                if end == -1:
                    raise self.error(
                        "comment opened here is never closed with '*/'", self.pos, self.pos + 2
                    )
                self.pos = end + 2
            else:
                break
        return self.pos > start

    def _token(self, spaced: bool) -> Token:
        src, start = self.source, self.pos
        ch = src[start]
        if ch in _DIGITS or (ch == "." and _is_digit(src[start + 1 : start + 2])):
            return self._number(spaced)
        if ch == '"':
            text, value = self._string(start)
            return Token("string", text, start, self.pos, value, spaced)
        if ch == "@":
            if not src.startswith('"', start + 1):
                raise self.error("expected a string after '@' (as in @\"2024-01-31\")", start)
            text, value = self._string(start + 1)
            return Token("temporal", "@" + text, start, self.pos, value, spaced)
        if is_name_start(ch):
            end = _ASCII_NAME_PART.match(src, start + 1).end()  # type: ignore[union-attr]
            while end < len(src) and is_name_part(src[end]):
                end += 1
            self.pos = end
            return Token("name", src[start:end], start, end, None, spaced)
        for op in _OPERATORS_BY_FIRST.get(ch, ()):
            if src.startswith(op, start):
                self.pos = start + len(op)
                return Token("op", op, start, self.pos, None, spaced)
        raise self.error(f"unexpected character {ch!r}", start)

    def _number(self, spaced: bool) -> Token:
        src, start = self.source, self.pos
        end = _digits(src, start)
        if src[end : end + 1] == "." and _is_digit(src[end + 1 : end + 2]):
            end = _digits(src, end + 1)
        if end < len(src) and src[end] in "eE":
            exp = end + 1
            if exp < len(src) and src[exp] in "+-":
                exp += 1
            if _is_digit(src[exp : exp + 1]):
                end = _digits(src, exp)
        self.pos = end
        text = src[start:end]
        try:
            value = number(text)
        except (decimal.InvalidOperation, decimal.Overflow) as exc:
            raise self.error(f"number {text} is out of range", start, end) from exc
        return Token("number", text, start, end, value, spaced)

    def _string(self, quote: int) -> tuple[str, str]:
        """Decode the string literal whose opening quote is at ``quote``; return (text, value)."""
        src = self.source
        pos = quote + 1
        out: list[str] = []
        while pos < len(src):
            ch = src[pos]
            if ch == '"':
                self.pos = pos + 1
                return src[quote : pos + 1], _join_surrogates("".join(out))
            if ch == "\\":
                decoded, pos = self._escape(pos)
                out.append(decoded)
                continue
            out.append(ch)
            pos += 1
        raise self.error("string opened here is never closed with '\"'", quote)

    def _escape(self, pos: int) -> tuple[str, int]:
        """Decode the escape sequence at ``pos`` (a backslash); return (text, next position)."""
        src = self.source
        nxt = src[pos + 1] if pos + 1 < len(src) else ""
        if nxt in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[nxt], pos + 2
        if nxt in ("u", "U"):
            width = 4 if nxt == "u" else 6
            digits = src[pos + 2 : pos + 2 + width]
            valid = len(digits) - len(digits.lstrip("0123456789abcdefABCDEF"))
            if valid != width:
                raise self.error(
                    f"expected {width} hex digits after '\\{nxt}'", pos, pos + 2 + valid
                )
            code = int(digits, 16)
            if code > 0x10FFFF:
                raise self.error(
                    f"'\\{nxt}{digits}' is not a Unicode code point", pos, pos + 2 + width
                )
            return chr(code), pos + 2 + width
        # Any other backslash is kept as written: regular expressions such as "\d" or "\s"
        # are commonly given to matches(), replace() and split() this way.
        return "\\", pos + 1


def _is_digit(ch: str) -> bool:
    return ch != "" and ch in _DIGITS


def _digits(src: str, pos: int) -> int:
    while pos < len(src) and src[pos] in _DIGITS:
        pos += 1
    return pos


def _join_surrogates(text: str) -> str:
    """Combine UTF-16 surrogate pairs written as two \\u escapes into one character."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def tokenize(source: str) -> list[Token]:
    """The tokens of ``source``, ending with an ``eof`` token; FeelSyntaxError if it cannot be."""
    return Lexer(source).run()
