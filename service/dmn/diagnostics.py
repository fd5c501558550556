"""DMN diagnostics: problem records (code, message, location) and their named constructors.

Every problem the XML reader or the structural validator finds is a :class:`Diagnostic`
with a stable code; the constructors below are the only place those codes and messages
are spelled out. :class:`DmnReadError` carries all the diagnostics of one failed read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Where = tuple[str | None, int | None, str | None]  # file, line, element id


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a DMN model: a stable ``code``, a plain message and where it is."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    element_id: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def located(self, file: str | None, line: int | None) -> Diagnostic:
        """This diagnostic with ``file``/``line`` filled in where it has none."""
        return replace(self, file=self.file or file, line=self.line or line)

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part)
        element = f" [{self.element_id}]" if self.element_id else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where + ': ' if where else ''}{self.code}{element}: {self.message}{hint}"


class DmnReadError(Exception):
    """A DMN file that cannot be read; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


# --- reading the XML ------------------------------------------------------------------------


def io_error(file: str | None, reason: str) -> Diagnostic:
    """The file could not be opened or read."""
    return Diagnostic("DMN_IO", f"cannot read the file: {reason}", file)


def too_large(file: str | None, size: int, limit: int) -> Diagnostic:
    """The input is bigger than the reader accepts."""
    return Diagnostic(
        "DMN_TOO_LARGE",
        f"the input is {size} bytes, more than the limit of {limit} bytes",
        file,
        hint="raise max_bytes if the file is genuine",
    )


def malformed_xml(file: str | None, line: int | None, reason: str) -> Diagnostic:
    """The input is not well-formed XML."""
    return Diagnostic("DMN_XML_MALFORMED", f"not well-formed XML: {reason}", file, line)


def forbidden_xml(file: str | None, line: int | None, what: str) -> Diagnostic:
    """The input uses a DTD, an entity declaration or an external reference."""
    return Diagnostic(
        "DMN_XML_FORBIDDEN",
        f"the XML contains {what}, which is refused for safety",
        file,
        line,
        hint="DMN files need no DTD or entities; remove the <!DOCTYPE> declaration",
    )


def too_deep(file: str | None, line: int | None, limit: int) -> Diagnostic:
    """Elements nest deeper than the reader accepts (a sign of a hostile file)."""
    return Diagnostic(
        "DMN_XML_TOO_DEEP", f"elements nest more than {limit} levels deep", file, line
    )


def not_dmn(file: str | None, line: int | None, tag: str) -> Diagnostic:
    """The root element is not a DMN 1.1-1.5 ``definitions``."""
    return Diagnostic(
        "DMN_NOT_DMN",
        f"the root element {tag} is not a DMN 1.1-1.5 <definitions>",
        file,
        line,
        hint="DMN namespaces end in /MODEL/ (1.2-1.5) or are .../20151101/dmn.xsd (1.1)",
    )


def missing_attribute(where: Where, element: str, attribute: str) -> Diagnostic:
    """A required XML attribute is absent."""
    return Diagnostic(
        "DMN_MISSING_ATTRIBUTE",
        f"<{element}> has no {attribute!r} attribute",
        *where,
    )


def missing_element(where: Where, element: str, child: str) -> Diagnostic:
    """A required child element is absent."""
    return Diagnostic("DMN_MISSING_ELEMENT", f"<{element}> has no <{child}>", *where)


def unknown_element(where: Where, element: str, parent: str) -> Diagnostic:
    """An element where a boxed expression was expected is not one DMN defines."""
    return Diagnostic(
        "DMN_UNKNOWN_ELEMENT",
        f"<{element}> inside <{parent}> is not a DMN expression",
        *where,
    )


def invalid_value(where: Where, element: str, attribute: str, value: str) -> Diagnostic:
    """An attribute holds a value its type does not allow (e.g. a boolean that is not one)."""
    return Diagnostic(
        "DMN_INVALID_VALUE",
        f"<{element}> {attribute}={value!r} is not a valid value",
        *where,
    )


# --- structural validation of the model ------------------------------------------------------


def missing_name(element_id: str | None, kind: str) -> Diagnostic:
    """A named element (decision, input, variable, type ...) has an empty name."""
    return Diagnostic("DMN_MISSING_NAME", f"a {kind} has no name", element_id=element_id)


def duplicate_id(element_id: str) -> Diagnostic:
    """Two elements share an id."""
    return Diagnostic(
        "DMN_DUPLICATE_ID", f"the id {element_id!r} is used more than once", element_id=element_id
    )


def invalid_id(element_id: str) -> Diagnostic:
    """An id that is not an XML ID (NCName): the written file would not validate."""
    return Diagnostic(
        "DMN_INVALID_ID",
        f"the id {element_id!r} is not a valid XML id",
        element_id=element_id,
        hint="start with a letter or '_', then letters, digits, '_', '-' or '.'; no spaces",
        severity="warning",
    )


def duplicate_name(element_id: str | None, kind: str, name: str) -> Diagnostic:
    """Two DRG elements (or two item definitions) share a name."""
    return Diagnostic(
        "DMN_DUPLICATE_NAME",
        f"the {kind} name {name!r} is used more than once",
        element_id=element_id,
    )


def unresolved_href(element_id: str | None, owner: str, href: str) -> Diagnostic:
    """A reference names no element of this model nor an imported namespace."""
    return Diagnostic(
        "DMN_UNRESOLVED_HREF",
        f"{owner} refers to {href!r}, which is neither in this model nor imported",
        element_id=element_id,
    )


def href_kind(element_id: str | None, owner: str, href: str, found: str, wanted: str) -> Diagnostic:
    """A reference points at an element of the wrong kind."""
    return Diagnostic(
        "DMN_HREF_KIND",
        f"{owner} refers to {href!r}, a {found}, where a {wanted} is required",
        element_id=element_id,
    )


def requirement_cycle(element_id: str | None, names: list[str]) -> Diagnostic:
    """The requirement graph loops."""
    return Diagnostic(
        "DMN_REQUIREMENT_CYCLE",
        "the requirements form a cycle: " + " -> ".join(names),
        element_id=element_id,
    )


def unknown_hit_policy(element_id: str | None, hit_policy: str) -> Diagnostic:
    """A decision table's hit policy is not one of the seven DMN defines."""
    return Diagnostic(
        "DMN_HIT_POLICY",
        f"unknown hit policy {hit_policy!r}",
        element_id=element_id,
        hint="use UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER or OUTPUT ORDER",
    )


def bad_aggregation(element_id: str | None, hit_policy: str, aggregation: str) -> Diagnostic:
    """An aggregation that is unknown, or given with a hit policy other than COLLECT."""
    return Diagnostic(
        "DMN_AGGREGATION",
        f"aggregation {aggregation!r} is not allowed with hit policy {hit_policy!r}",
        element_id=element_id,
        hint="aggregation is SUM, COUNT, MIN or MAX, and only with COLLECT",
    )


def bad_orientation(element_id: str | None, orientation: str) -> Diagnostic:
    """A decision table orientation DMN does not define."""
    return Diagnostic(
        "DMN_ORIENTATION",
        f"unknown preferred orientation {orientation!r}",
        element_id=element_id,
        hint="use Rule-as-Row, Rule-as-Column or CrossTable",
    )


def rule_shape(
    element_id: str | None, index: int, what: str, found: int, wanted: int
) -> Diagnostic:
    """A rule has a number of entries that differs from the table's columns."""
    return Diagnostic(
        "DMN_RULE_SHAPE",
        f"rule {index} has {found} {what} entries but the table has {wanted} {what} columns",
        element_id=element_id,
    )


def table_without_output(element_id: str | None) -> Diagnostic:
    """A decision table with no output clause."""
    return Diagnostic(
        "DMN_TABLE_NO_OUTPUT", "a decision table needs at least one output", element_id=element_id
    )


def unnamed_output(element_id: str | None, index: int) -> Diagnostic:
    """An output clause of a multi-output decision table without a name."""
    return Diagnostic(
        "DMN_OUTPUT_NAME",
        f"output {index} of a table with several outputs has no name",
        element_id=element_id,
        hint="each output's name becomes a key of the table's result context",
    )


def type_shape(element_id: str | None, name: str, problem: str) -> Diagnostic:
    """An item definition that is not one of: a base type (with constraints), a structure of
    components, or a function type."""
    return Diagnostic(
        "DMN_TYPE_SHAPE",
        f"item definition {name!r} {problem}",
        element_id=element_id,
        hint="give either a typeRef (with allowed values), components, or a function type",
    )


def bad_function_kind(element_id: str | None, kind: str) -> Diagnostic:
    """A function definition kind other than FEEL, Java or PMML."""
    return Diagnostic(
        "DMN_FUNCTION_KIND",
        f"unknown function kind {kind!r}",
        element_id=element_id,
        hint="use FEEL, Java or PMML",
    )


# Every code above, for the documentation test and for callers that switch on codes.
CODES = (
    "DMN_IO",
    "DMN_TOO_LARGE",
    "DMN_XML_MALFORMED",
    "DMN_XML_FORBIDDEN",
    "DMN_XML_TOO_DEEP",
    "DMN_NOT_DMN",
    "DMN_MISSING_ATTRIBUTE",
    "DMN_MISSING_ELEMENT",
    "DMN_UNKNOWN_ELEMENT",
    "DMN_INVALID_VALUE",
    "DMN_MISSING_NAME",
    "DMN_DUPLICATE_ID",
    "DMN_INVALID_ID",
    "DMN_DUPLICATE_NAME",
    "DMN_UNRESOLVED_HREF",
    "DMN_HREF_KIND",
    "DMN_REQUIREMENT_CYCLE",
    "DMN_HIT_POLICY",
    "DMN_AGGREGATION",
    "DMN_ORIENTATION",
    "DMN_RULE_SHAPE",
    "DMN_TABLE_NO_OUTPUT",
    "DMN_OUTPUT_NAME",
    "DMN_FUNCTION_KIND",
    "DMN_TYPE_SHAPE",
)
