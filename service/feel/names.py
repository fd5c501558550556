"""FEEL names in the token stream: known names (spaces, symbols) -> the longest match at a token.

FEEL names may contain spaces, keywords and the symbols ``. / - ' + *`` (``Date of Birth``,
``Income/Expenses``, ``date and time``), so the lexer cannot tell where a name ends. The
parser asks a :class:`NameTable` instead: it holds the names known in scope (the caller's
variables, built-in function names, context keys, parameters and loop variables met while
parsing) as token patterns and finds the longest one that matches at a position. Without a
known match, a name is its run of consecutive words, stopping at the keywords that can follow
an expression (grammar rules 27-30; ``Monthly Salary`` needs no declaration).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from service.feel.errors import FeelSyntaxError
from service.feel.lexer import Token, tokenize

# Words that end a name even without a declaration: they can follow a complete expression.
BREAK_WORDS = frozenset(
    {"and", "or", "then", "else", "return", "satisfies", "in", "between", "instance"}
)

# Words that can never start a name: they start or continue an expression.
RESERVED_WORDS = BREAK_WORDS | {
    "if", "for", "some", "every", "function", "true", "false", "null", "of",
}  # fmt: skip

# Symbols allowed inside a name between words (grammar rule 30, additional name symbols).
NAME_SYMBOLS = frozenset({".", "/", "-", "'", "+", "*"})

# A pattern: the first token's text, then (kind, text, space_before) for each further token.
_Pattern = tuple[tuple[str, str, bool], ...]


@lru_cache(maxsize=4096)
def declared_names(names: tuple[str, ...], builtins: NameTable) -> NameTable:
    """A shared table of the caller's names over the built-in ones (compiled models reuse
    one set of names for many expressions). Never add to it: parse scopes go on top."""
    return NameTable(names, base=builtins)


def _pattern(name: str) -> tuple[str, _Pattern] | None:
    """The token pattern of ``name``, or None when it cannot be written as FEEL tokens."""
    try:
        tokens = tokenize(name)[:-1]
    except FeelSyntaxError:
        return None
    if not tokens or tokens[0].kind != "name":
        return None
    rest = tuple((t.kind, t.text, t.space_before) for t in tokens[1:])
    return tokens[0].text, rest


class NameTable:
    """Names known at a point of the parse, with scopes that can be pushed and popped."""

    def __init__(self, names: Iterable[str] = (), base: NameTable | None = None) -> None:
        self.base = base
        self._by_first: dict[str, list[tuple[_Pattern, str]]] = {}
        self._log: list[tuple[str, tuple[_Pattern, str]]] = []
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        """Make ``name`` known until the scope that is open now is popped."""
        found = _pattern(name) if isinstance(name, str) else None
        if found is None:
            return
        first, rest = found
        entry = (rest, name)
        self._by_first.setdefault(first, []).append(entry)
        self._log.append((first, entry))

    def mark(self) -> int:
        """A marker for :meth:`pop_to`: names added after it belong to a new scope."""
        return len(self._log)

    def pop_to(self, marker: int) -> None:
        """Forget the names added since ``marker``."""
        while len(self._log) > marker:
            first, entry = self._log.pop()
            self._by_first[first].remove(entry)

    def longest_known(self, tokens: Sequence[Token], pos: int) -> tuple[str, int] | None:
        """The longest known name starting at ``tokens[pos]``: (name, token count), or None."""
        first = tokens[pos]
        found = self.base.longest_known(tokens, pos) if self.base is not None else None
        if first.kind != "name":
            return found
        # Later (more local) names win over earlier ones and the base of the same length.
        for rest, name in reversed(self._by_first.get(first.text, ())):
            if (found is None or 1 + len(rest) > found[1]) and _matches(tokens, pos + 1, rest):
                found = (name, 1 + len(rest))
        return found


def _matches(tokens: Sequence[Token], pos: int, rest: _Pattern) -> bool:
    if pos + len(rest) > len(tokens):
        return False
    for offset, (kind, text, spaced) in enumerate(rest):
        token = tokens[pos + offset]
        if token.kind != kind or token.text != text or token.space_before != spaced:
            return False
    return True


def default_name(tokens: Sequence[Token], pos: int) -> tuple[str, int]:
    """The undeclared name at ``tokens[pos]``: its words (and whole numbers, and apostrophes,
    which FEEL uses nowhere else) up to a keyword that breaks a name."""
    end = pos + 1
    while _continues_name(tokens[end]):
        end += 1
    while tokens[end - 1].is_op("'"):  # a trailing apostrophe is not part of the name
        end -= 1
    return key_text(tokens[pos:end]), end - pos


def _continues_name(token: Token) -> bool:
    if token.kind == "name":
        return token.text not in BREAK_WORDS
    if token.kind == "number":
        return token.text.isdigit()
    return token.is_op("'") and not token.space_before


def key_text(tokens: Sequence[Token]) -> str:
    """A name written with arbitrary tokens (a context key), with single spaces where spaced."""
    parts = [tokens[0].text]
    for token in tokens[1:]:
        parts.append((" " if token.space_before else "") + token.text)
    return "".join(parts)


# Built-in function names of DMN 1.5 (and common extensions) with more than one word: they must
# be recognised even where they hold a keyword (``date and time``, ``get or else``).
BUILTIN_FUNCTION_NAMES = (
    "date and time", "years and months duration", "days and time duration", "get or else",
    "string length", "upper case", "lower case", "substring before", "substring after",
    "starts with", "ends with", "string join", "list contains", "list replace", "insert before",
    "index of", "distinct values", "get value", "get entries", "context put", "context merge",
    "day of year", "day of week", "month of year", "week of year", "round up", "round down",
    "round half up", "round half down", "met by", "overlaps before", "overlaps after",
    "finished by", "started by", "is defined", "last day of month",
)  # fmt: skip

_BUILTIN_TABLES: dict[int, NameTable] = {}


def builtin_names() -> NameTable:
    """The table of built-in function names (rebuilt when more built-ins get registered)."""
    from service.feel.builtins.registry import BUILTINS

    table = _BUILTIN_TABLES.get(len(BUILTINS))
    if table is None:
        _BUILTIN_TABLES.clear()
        table = _BUILTIN_TABLES[len(BUILTINS)] = NameTable([*BUILTIN_FUNCTION_NAMES, *BUILTINS])
    return table
