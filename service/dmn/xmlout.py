"""A small element tree (:class:`Out`) in, deterministic pretty-printed UTF-8 XML bytes out.

The DMN writer builds :class:`Out` nodes with attributes in the order they should appear
and :func:`serialize` prints them with 2-space indentation: an element holds either text
or child elements, never both, so indentation never changes a text's value. Characters
that XML 1.0 cannot carry raise :class:`ValueError` instead of being silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_RE = re.compile('[&<>"\r\n\t]')


@dataclass(slots=True)
class Out:
    """An element to write: ``attrs`` in writing order (None values are left out)."""

    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Out] = field(default_factory=list)
    text: str | None = None

    def add(self, child: Out) -> Out:
        """Append ``child`` and return it."""
        self.children.append(child)
        return child

    def leaf(self, tag: str, text: str | None) -> None:
        """Append ``<tag>text</tag>`` when ``text`` is not None."""
        if text is not None:
            self.children.append(Out(tag, text=text))


def serialize(root: Out) -> bytes:
    """``root`` as an XML document: declaration, 2-space indentation, UTF-8, final newline."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    _write(root, 0, lines)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write(node: Out, depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    attrs = "".join(f' {name}="{_escape(value, _ATTR_RE, _ATTR_ESCAPES, node.tag)}"'
                    for name, value in node.attrs if value is not None)  # fmt: skip
    if node.children:
        lines.append(f"{indent}<{node.tag}{attrs}>")
        for child in node.children:
            _write(child, depth + 1, lines)
        lines.append(f"{indent}</{node.tag}>")
    elif node.text:
        text = _escape(node.text, _TEXT_RE, _TEXT_ESCAPES, node.tag)
        lines.append(f"{indent}<{node.tag}{attrs}>{text}</{node.tag}>")
    else:
        lines.append(f"{indent}<{node.tag}{attrs}/>")


def _escape(value: str, pattern: re.Pattern[str], table: dict[str, str], tag: str) -> str:
    bad = _INVALID.search(value)
    if bad:
        raise ValueError(
            f"<{tag}> holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot carry: "
            f"{value[:60]!r}"
        )
    return pattern.sub(lambda match: table[match.group()], value)
