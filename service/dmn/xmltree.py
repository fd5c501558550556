"""XML bytes in, a plain tree of :class:`XmlNode` (tag, attributes, text, line) out, safely.

Parsing goes through defusedxml's expat parser with DTDs, entity declarations and external
references forbidden, so hostile input (billion laughs, external entities) is refused
before it can expand. Each node keeps the line of its start tag and the namespace prefixes
in scope there (a DMN 1.1 ``typeRef`` is a QName whose prefix must be resolved).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from service.dmn import diagnostics as diag
from service.dmn.diagnostics import DmnReadError

# The encoding named by an XML declaration at the very start (after a UTF-8 byte order mark).
_DECLARED_ENCODING = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]*?\sencoding\s*=\s*(["'])([^"'>]*)\1"""
)
# Encodings expat reads itself, by Python's name for them, with expat's spelling: a document
# may call them by any alias Python knows ("UTF8", "latin1"), which expat would not know.
_EXPAT_ENCODINGS = {
    "utf-8": b"UTF-8",
    "utf-8-sig": b"UTF-8",
    "utf-16": b"UTF-16",
    "utf-16-le": b"UTF-16LE",
    "utf-16-be": b"UTF-16BE",
    "iso8859-1": b"ISO-8859-1",
    "ascii": b"US-ASCII",
}
# Other encodings expat reads through Python's codecs, one byte at a time, so only
# single-byte character sets work: other codecs are refused before parsing (multi-byte ones
# that slip through these families are refused by expat itself).
_SINGLE_BYTE_FAMILIES = (
    "iso8859-", "cp", "mac-", "koi8-", "kz1048", "ptcp154", "tis-620", "hp-roman8",
)  # fmt: skip

# Deeper nesting than any real model needs; the model is built recursively, so cap it.
MAX_DEPTH = 200


@dataclass(slots=True)
class XmlNode:
    """One XML element: ``tag`` is ``{namespace}local``; ``text`` joins its own character data."""

    tag: str
    attrib: dict[str, str]
    line: int
    nsmap: dict[str, str]
    children: list[XmlNode] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        """The element's namespace URI ('' when it has none)."""
        return self.tag[1:].split("}", 1)[0] if self.tag.startswith("{") else ""

    @property
    def local(self) -> str:
        """The element's local name."""
        return self.tag.rsplit("}", 1)[-1]

    @property
    def text(self) -> str:
        """The element's own character data (not its children's)."""
        return "".join(self.parts)


class _TooDeep(Exception):
    """Raised from inside expat when elements nest deeper than MAX_DEPTH."""


class _TreeBuilder:
    """An expat target that builds :class:`XmlNode` trees and notes each start tag's line."""

    def __init__(self) -> None:
        self.parser: Any = None  # the expat parser, set once the XMLParser exists
        self.stack: list[XmlNode] = []
        self.root: XmlNode | None = None
        self.pending_ns: dict[str, str] = {}

    def start_ns(self, prefix: str, uri: str) -> None:
        self.pending_ns[prefix] = uri

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep
        inherited = self.stack[-1].nsmap if self.stack else {}
        nsmap = {**inherited, **self.pending_ns} if self.pending_ns else inherited
        self.pending_ns = {}
        node = XmlNode(tag, dict(attrib), int(self.parser.CurrentLineNumber), nsmap)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, data: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(data)

    def close(self) -> XmlNode | None:
        return self.root


def parse_xml(data: bytes, file: str | None) -> XmlNode:
    """Parse ``data`` into an :class:`XmlNode` tree; refuse DTDs, entities and external refs."""
    data = _with_known_encoding(data, file)
    builder = _TreeBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise DmnReadError([diag.malformed_xml(file, line, _reason(exc))]) from None
    except _TooDeep:
        line = int(builder.parser.CurrentLineNumber)
        raise DmnReadError([diag.too_deep(file, line, MAX_DEPTH)]) from None
    except DefusedXmlException as exc:
        line = int(builder.parser.CurrentLineNumber) or None
        raise DmnReadError([diag.forbidden_xml(file, line, _forbidden_what(exc))]) from None
    except (LookupError, ValueError):
        # expat hands an encoding it does not know itself to Python's codecs, whose refusals
        # (unknown, multi-byte, undecodable) surface here, all before the first element;
        # later, these would be defects of our own, not of the input.
        if builder.root is not None:
            raise
        raise DmnReadError([diag.malformed_xml(file, 1, _encoding_reason(data))]) from None
    if root is None:
        raise DmnReadError([diag.malformed_xml(file, None, "no root element")])
    return root


def _with_known_encoding(data: bytes, file: str | None) -> bytes:
    """``data`` with its declared encoding spelled as expat knows it; DmnReadError when the
    encoding is not a character set expat can read."""
    found = _DECLARED_ENCODING.match(data)
    if found is None:
        return data
    try:
        name = codecs.lookup(found.group(2).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        name = ""
    native = _EXPAT_ENCODINGS.get(name)
    if native is not None:
        return data[: found.start(2)] + native + data[found.end(2) :]
    if name.startswith(_SINGLE_BYTE_FAMILIES):
        return data
    raise DmnReadError([diag.malformed_xml(file, 1, _encoding_reason(data))])


def _encoding_reason(data: bytes) -> str:
    """Why a document whose declared encoding cannot be read is refused."""
    found = _DECLARED_ENCODING.match(data)
    named = found.group(2)[:40].decode("ascii", "replace") if found else ""
    name = f" {named!r}" if named else ""
    return f"its XML declaration names an encoding{name} that cannot be read (use UTF-8)"


def _reason(exc: ParseError) -> str:
    """expat's message without the ``line N, column M`` suffix (the diagnostic holds the line)."""
    text = str(exc)
    return text.split(": line ", 1)[0] if ": line " in text else text


def _forbidden_what(exc: DefusedXmlException) -> str:
    if isinstance(exc, DTDForbidden):
        return "a document type declaration (DTD)"
    if isinstance(exc, EntitiesForbidden):
        return "an entity declaration"
    return "a reference to an external resource"
