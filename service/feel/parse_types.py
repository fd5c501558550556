"""FEEL type expressions: tokens -> type nodes (``list<number>``, ``context<a: string>``, ...).

Used after ``instance of`` and after ``:`` in function parameters (grammar rule 54):

    type = qualified name | "list" "<" type ">" | "range" "<" type ">"
         | "context" "<" name ":" type {"," name ":" type} ">"
         | "function" "<" [type {"," type}] ">" "->" type

Built-in type names contain spaces and keywords (``date and time``); they and the custom
type names the caller declares are matched first, longest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.feel import nodes as n
from service.feel.lexer import Token
from service.feel.names import NameTable, default_name

if TYPE_CHECKING:
    from service.feel.parser import Parser

BUILTIN_TYPE_NAMES = (
    "date and time",
    "years and months duration",
    "days and time duration",
)
_BUILTIN_TYPES = NameTable(BUILTIN_TYPE_NAMES)


def parse_type(p: Parser) -> n.TypeRef:
    """Rule 54 type, read by the parser ``p``."""
    start = p.peek()
    if start.kind != "name":
        raise p.expected("a type", start)
    if p.peek(1).is_op("<") and start.text in ("list", "range", "context", "function"):
        return _parse_generic_type(p, start)
    return _parse_named_type(p, start)


def _parse_generic_type(p: Parser, start: Token) -> n.TypeRef:
    p.advance()
    opened = p.advance()
    if start.text in ("list", "range"):
        element = parse_type(p)
        p.expect(">", f"{start.text} type", opened)
        cls = n.ListType if start.text == "list" else n.RangeType
        return cls(element, span=p.span_from(start))
    if start.text == "context":
        return _parse_context_type(p, start, opened)
    parameters = p.parse_items(lambda: parse_type(p), ">")
    p.expect(">", "function type", opened)
    p.expect("->", "'->' and the result type of the function type")
    result = parse_type(p)
    return n.FunctionType(parameters, result, span=p.span_from(start))


def _parse_context_type(p: Parser, start: Token, opened: Token) -> n.ContextType:
    def entry() -> tuple[str, n.TypeRef]:
        """One ``name: type`` entry."""
        key = p.scan_key()
        if key is None:
            raise p.expected("an entry name followed by ':'")
        p.pos += key[1] + 1
        return key[0], parse_type(p)

    entries = p.parse_items(entry, ">")
    p.expect(">", "context type", opened)
    return n.ContextType(entries, span=p.span_from(start))


def _parse_named_type(p: Parser, start: Token) -> n.NamedType:
    """A built-in or declared type name, possibly qualified by an import (``ns.tType``)."""
    found = p.type_names.longest_known(p.tokens, p.pos) or _BUILTIN_TYPES.longest_known(
        p.tokens, p.pos
    )
    name, count = found if found is not None else default_name(p.tokens, p.pos)
    p.pos += count
    while p.at_op(".") and p.peek(1).kind == "name":
        p.advance()
        part, count = default_name(p.tokens, p.pos)
        p.pos += count
        name = f"{name}.{part}"
    return n.NamedType(name, span=p.span_from(start))
