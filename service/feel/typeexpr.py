"""FEEL type expressions -> type objects: from the parser's TypeRef nodes or from text.

``list<number>``, ``context<a: string, b: date>``, ``range<date>``,
``function<string, number> -> boolean`` and type names, built-in or resolved by the
caller (item definitions). An unknown name gives None, which the caller reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from service.feel import nodes
from service.feel.types import (
    ContextType,
    FeelType,
    FunctionType,
    ListType,
    RangeType,
    type_from_name,
)

Resolver = Callable[[str], FeelType | None]
_T = TypeVar("_T")


def _named(name: str, resolve: Resolver | None) -> FeelType | None:
    found = type_from_name(name)
    if found is None and resolve is not None:
        found = resolve(name)
    return found


def from_node(node: nodes.TypeRef, resolve: Resolver | None = None) -> FeelType | None:
    """The type a parsed type expression denotes; None if it names an unknown type."""
    if isinstance(node, nodes.NamedType):
        return _named(node.name, resolve)
    if isinstance(node, nodes.ListType | nodes.RangeType):
        element = from_node(node.element, resolve)
        if element is None:
            return None
        return ListType(element) if isinstance(node, nodes.ListType) else RangeType(element)
    if isinstance(node, nodes.ContextType):
        fields = [(name, from_node(t, resolve)) for name, t in node.entries]
        if any(t is None for _, t in fields):
            return None
        return ContextType([(name, t) for name, t in fields if t is not None])
    if isinstance(node, nodes.FunctionType):
        parameters = [from_node(p, resolve) for p in node.parameters]
        result = from_node(node.result, resolve)
        if result is None or any(p is None for p in parameters):
            return None
        return FunctionType([p for p in parameters if p is not None], result)
    return None


_TOKEN = re.compile(r"\s*(->|[<>,:]|[^<>,:\s-][^<>,:-]*(?:-(?!>)[^<>,:-]*)*)")


class _TypeText:
    """A tiny recursive-descent reader of type expression text."""

    def __init__(self, text: str, resolve: Resolver | None) -> None:
        self.tokens = [t.strip() for t in _TOKEN.findall(text) if t.strip()]
        self.pos = 0
        self.resolve = resolve

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}")
        self.pos += 1
        return token

    def type(self) -> FeelType:
        name = self.take()
        if self.peek() != "<" or name not in ("list", "range", "context", "function"):
            found = _named(name, self.resolve)
            if found is None:
                raise ValueError(f"unknown type {name!r}")
            return found
        self.take("<")
        if name in ("list", "range"):
            element = self.type()
            self.take(">")
            return ListType(element) if name == "list" else RangeType(element)
        if name == "context":
            return ContextType(self.items(self.field))
        parameters = self.items(self.type)
        self.take("->")
        return FunctionType(parameters, self.type())

    def field(self) -> tuple[str, FeelType]:
        name = self.take()
        self.take(":")
        return name, self.type()

    def items(self, item: Callable[[], _T]) -> list[_T]:
        found: list[_T] = []
        while self.peek() != ">":
            if found:
                self.take(",")
            found.append(item())
        self.take(">")
        return found


def parse_type(text: str, resolve: Resolver | None = None) -> FeelType | None:
    """The type written in ``text`` (``list<context<a: number>>``); None if it is not one."""
    reader = _TypeText(text, resolve)
    try:
        result = reader.type()
    except (ValueError, IndexError):
        return None
    return result if reader.pos == len(reader.tokens) else None
