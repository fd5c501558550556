"""XML Schema / XPath regular expressions (pattern, flags) in -> compiled `regex` patterns out.

FEEL's ``matches``, ``replace`` and ``split`` take XPath 3.1 regular expressions
(XML Schema regexes plus ``^``/``$`` anchors, reluctant quantifiers, back-references,
non-capturing groups and the flags ``s m i x q``). Python's syntax differs in many small
ways (``$`` before a final newline, ``\\s`` and ``\\w`` are wider, no class subtraction
``[a-z-[aeiou]]``), so the pattern is parsed here and rewritten for the `regex` module
in V1 mode, whose nested sets express subtraction directly. Anything the XPath grammar
rejects is an invalid-argument error (FEEL null). Every match runs with a timeout so a
catastrophic pattern cannot stall an evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import regex

from service.feel.errors import FeelEvalError, invalid_argument

MAX_PATTERN_LENGTH = 10_000
TIMEOUT_SECONDS = 1.0

_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}
_ESCAPABLE = set("\\|.?*+(){}-[]^$")
_MULTI_ESCAPES = {
    "s": r"[\t\n\r\x20]",
    "S": r"[^\t\n\r\x20]",
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    # XSD \w: every character except punctuation, separators and "other".
    "w": r"[^\p{P}\p{Z}\p{C}]",
    "W": r"[\p{P}\p{Z}\p{C}]",
    # XML name characters, approximated by Unicode categories.
    "i": r"[\p{L}\p{Nl}_:]",
    "I": r"[^\p{L}\p{Nl}_:]",
    "c": r"[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Lm}._:\-\u00B7]",
    "C": r"[^\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Lm}._:\-\u00B7]",
}
# The general categories XML Schema allows in \p{...} (Cs, surrogates, is not one).
_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp",
    "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
}  # fmt: skip
_FLAGS = set("smixq")


def bad_pattern(message: str) -> FeelEvalError:
    """An XPath regular expression or flag string that does not conform to the grammar."""
    return invalid_argument(f"invalid regular expression: {message}")


def _char(c: str) -> str:
    """One literal character, safe both inside and outside a V1 character class."""
    if c.isalnum() and c.isascii():
        return c
    code = ord(c)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


class _Translator:
    """Recursive-descent parser of the XPath regex grammar, emitting `regex` V1 syntax."""

    def __init__(self, pattern: str, extended: bool, multiline: bool, dotall: bool) -> None:
        self.src = pattern
        self.pos = 0
        self.extended = extended
        self.multiline = multiline
        self.dotall = dotall
        self.groups = 0
        self.closed: set[int] = set()

    # -- helpers ---------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def skip_space(self) -> None:
        # Flag x removes whitespace outside character classes (XPath 3.1).
        while self.extended and self.peek() and self.peek() in "\t\n\r ":
            self.pos += 1

    def next_char(self) -> str:
        self.skip_space()
        c = self.peek()
        self.pos += 1
        return c

    # -- regExp, branch, piece ---------------------------------------------------

    def translate(self) -> str:
        out = self.reg_exp()
        if self.pos < len(self.src):
            raise bad_pattern(f"unexpected {self.src[self.pos]!r} at {self.pos}")
        return out

    def reg_exp(self) -> str:
        """regExp ::= branch ( '|' branch )*"""
        branches = [self.branch()]
        self.skip_space()
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.branch())
            self.skip_space()
        return "|".join(branches)

    def branch(self) -> str:
        """branch ::= piece*"""
        parts: list[str] = []
        while True:
            self.skip_space()
            c = self.peek()
            if c in ("", "|", ")"):
                return "".join(parts)
            parts.append(self.piece())

    def piece(self) -> str:
        """piece ::= atom quantifier?"""
        atom, quantifiable = self.atom()
        self.skip_space()
        quantifier = self.quantifier()
        if quantifier and not quantifiable:
            raise bad_pattern(f"nothing to repeat before {quantifier!r}")
        return atom + quantifier

    def quantifier(self) -> str:
        """quantifier ::= ( [?*+] | '{' quantity '}' ) '?'?"""
        c = self.peek()
        if c in ("?", "*", "+"):
            self.pos += 1
            q = c
        elif c == "{":
            q = self.quantity()
        else:
            return ""
        self.skip_space()
        if self.peek() == "?":
            self.pos += 1
            q += "?"
        return q

    def quantity(self) -> str:
        end = self.src.find("}", self.pos)
        if end == -1:
            raise bad_pattern("unterminated quantifier")
        body = self.src[self.pos + 1 : end]
        if self.extended:
            body = "".join(body.split())
        low, comma, high = body.partition(",")
        if not low.isdigit() or not (high == "" or high.isdigit()) or not low.isascii():
            raise bad_pattern(f"bad quantifier {{{body}}}")
        if high and int(high) < int(low):
            raise bad_pattern(f"quantifier {{{body}}} has max < min")
        self.pos = end + 1
        return "{" + low + comma + high + "}"

    # -- atoms ----------------------------------------------------------------

    def atom(self) -> tuple[str, bool]:
        c = self.next_char()
        if c == "(":
            return self.group(), True
        if c == "[":
            return self.char_class_expr(), True
        if c == "\\":
            return self.escape_outside(), True
        if c == ".":
            return ("." if self.dotall else r"[^\n\r]"), True
        if c == "^":
            return "^", False
        if c == "$":
            return ("$" if self.multiline else r"\Z"), False
        if c in "?*+{}])":
            raise bad_pattern(f"unexpected {c!r} at {self.pos - 1}")
        return _char(c), True

    def group(self) -> str:
        prefix = "("
        if self.src.startswith("?:", self.pos):
            self.pos += 2
            prefix = "(?:"
            number = 0
        elif self.peek() == "?":
            raise bad_pattern("only (?: ...) groups are allowed")
        else:
            self.groups += 1
            number = self.groups
        inner = self.reg_exp()
        if self.peek() != ")":
            raise bad_pattern("missing )")
        self.pos += 1
        if number:
            self.closed.add(number)
        return prefix + inner + ")"

    def escape_outside(self) -> str:
        c = self.peek()
        if c.isdigit() and c != "0" and c.isascii():
            return self.back_reference()
        return self.escape()

    def back_reference(self) -> str:
        # Longest run of digits naming an existing group (XPath 3.1, 5.6.1).
        digits = self.peek()
        self.pos += 1
        while "0" <= self.peek() <= "9" and int(digits + self.peek()) <= self.groups:
            digits += self.peek()
            self.pos += 1
        if int(digits) not in self.closed:
            raise bad_pattern(f"back-reference \\{digits} to a group not closed before it")
        return f"(?:\\g<{digits}>)"

    def escape(self) -> str:
        """The character after a backslash: single, multi-character or category escape."""
        c = self.peek()
        self.pos += 1
        if c in _SINGLE_ESCAPES:
            return _char(_SINGLE_ESCAPES[c])
        if c in _ESCAPABLE:
            return _char(c)
        if c in _MULTI_ESCAPES:
            return _MULTI_ESCAPES[c]
        if c in ("p", "P"):
            return self.category(c)
        raise bad_pattern(f"unknown escape \\{c}")

    def single_char_escape(self) -> str | None:
        """The character a single-character escape stands for, or None if it is not one."""
        c = self.peek()
        if c in _SINGLE_ESCAPES:
            self.pos += 1
            return _SINGLE_ESCAPES[c]
        if c in _ESCAPABLE:
            self.pos += 1
            return c
        return None

    def category(self, kind: str) -> str:
        if self.peek() != "{":
            raise bad_pattern(f"\\{kind} needs {{name}}")
        end = self.src.find("}", self.pos)
        if end == -1:
            raise bad_pattern(f"unterminated \\{kind}{{")
        name = self.src[self.pos + 1 : end]
        self.pos = end + 1
        if name in _CATEGORIES:
            return f"\\{kind}{{{name}}}"
        if (
            name.startswith("Is")
            and len(name) > 2
            and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in name[2:])
        ):
            block = "In" + name[2:]
            try:
                regex.compile(f"\\p{{{block}}}")
            except regex.error as exc:
                raise bad_pattern(f"unknown block {name}") from exc
            return f"\\{kind}{{{block}}}"
        raise bad_pattern(f"unknown category {name}")

    # -- character classes ------------------------------------------------------

    def char_class_expr(self) -> str:
        """charClassExpr ::= '[' charGroup ']'.

        charGroup ::= (posCharGroup | negCharGroup) ('-' charClassExpr)?
        """
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        items: list[str] = []
        subtraction = ""
        first = True
        while True:
            c = self.peek()
            if c == "":
                raise bad_pattern("missing ]")
            if c == "]":
                if first:
                    raise bad_pattern("empty character class")
                self.pos += 1
                break
            if c == "-" and self.peek(1) == "[" and not first:
                self.pos += 2
                subtraction = self.char_class_expr()
                if self.peek() != "]":
                    raise bad_pattern("a class subtraction must end its class")
                self.pos += 1
                break
            items.append(self.class_item(first))
            first = False
        base = ("[^" if negated else "[") + "".join(items) + "]"
        return f"[{base}--{subtraction}]" if subtraction else base

    def class_item(self, first: bool) -> str:
        """One charRange or charClassEsc inside a group."""
        c = self.peek()
        if c == "[":
            raise bad_pattern("unescaped [ in a character class")
        if c == "\\":
            self.pos += 1
            literal = self.single_char_escape()
            if literal is None:
                return self.escape()
        elif c == "-" and not first and self.peek(1) != "]":
            raise bad_pattern("- must be escaped inside a character class")
        else:
            self.pos += 1
            literal = c
        if self.peek() == "-" and self.peek(1) not in ("]", "["):
            self.pos += 1
            high = self.range_end()
            if ord(high) < ord(literal):
                raise bad_pattern(f"range {literal}-{high} is out of order")
            return f"{_char(literal)}-{_char(high)}"
        return _char(literal)

    def range_end(self) -> str:
        c = self.peek()
        if c == "\\":
            self.pos += 1
            literal = self.single_char_escape()
            if literal is None:
                raise bad_pattern("a range must end with a single character")
            return literal
        if c in ("", "[", "-"):
            raise bad_pattern("bad character range")
        self.pos += 1
        return c


def _check_flags(flags: str) -> None:
    unknown = set(flags) - _FLAGS
    if unknown:
        raise bad_pattern(f"unknown flag(s) {''.join(sorted(unknown))!r}")


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, flags: str = "") -> Any:
    """The compiled `regex` pattern of an XPath ``pattern`` and ``flags``; FeelEvalError if bad."""
    _check_flags(flags)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise bad_pattern(f"longer than {MAX_PATTERN_LENGTH} characters")
    options = regex.V1
    if "i" in flags:
        options |= regex.IGNORECASE
    if "q" in flags:
        body = "".join(_char(c) for c in pattern)
    else:
        body = _Translator(pattern, "x" in flags, "m" in flags, "s" in flags).translate()
        if "m" in flags:
            options |= regex.MULTILINE
        if "s" in flags:
            options |= regex.DOTALL
    # (?-f): XPath folds case one character at a time, never "ß" ~ "SS".
    try:
        return regex.compile("(?-f)" + body, options)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise bad_pattern(str(exc)) from exc


def regex_timeout() -> FeelEvalError:
    """A match that ran past the time limit (a pattern that backtracks catastrophically)."""
    return FeelEvalError(
        "FEEL_REGEX_TIMEOUT", f"regular expression took longer than {TIMEOUT_SECONDS}s"
    )


def run(action: Callable[..., Any], *args: Any) -> Any:
    """Call a `regex` method with the evaluation timeout; a timeout is a FEEL error."""
    try:
        return action(*args, timeout=TIMEOUT_SECONDS)
    except TimeoutError as exc:
        raise regex_timeout() from exc


def spans(compiled: Any, text: str) -> list[tuple[int, int]]:
    """The (start, end) of every non-overlapping match, found under the timeout."""
    try:
        return [m.span() for m in compiled.finditer(text, timeout=TIMEOUT_SECONDS)]
    except TimeoutError as exc:
        raise regex_timeout() from exc


def matches_empty(compiled: Any) -> bool:
    """True when the pattern matches the empty string (replace and split reject those)."""
    return run(compiled.fullmatch, "") is not None
