"""A Tests row's ``Expected: errors`` cell in, the refusal the service must give out, checked.

A test row may expect the service to *refuse* its request (HTTP 422) instead of deciding:
its ``Expected: errors`` cell lists the error codes, each optionally with the field it
names (``OUT_OF_RANGE ecog, CONTRADICTION``). The codes are those of request validation
(:data:`REQUEST_CODES`, as ``service/store/admission.py`` gives them) and those the model's
guard tables output. Such a row sends its inputs as written (:func:`written_literal`): a
``yes`` in a boolean column is the text "yes", ``1.5`` in an integer column the number
1.5, so that the request carries the wrong value; an ``Extra: <name>`` column sends a
field the model does not declare. What the row sends is checked against what it expects
(a missing field must be left empty, a field said to be out of range must be given), so
that a slip shows at its cell rather than as a failing test.

The expectation travels in the test-case file as a result node named
:data:`ERRORS_RESULT` (a name no decision can have) holding the list of ``CODE`` or
``CODE field`` strings (docs/dmn-extensions.md, "The test-case file").
"""

from __future__ import annotations

import decimal
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression
from service.sheets import diagnostics as diag
from service.sheets.cells import data_literal, literal_of, problem, string_literal
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell
from service.sheets.layout import normalize, number_text
from service.sheets.specs import InputSpec, WorkbookSpec
from service.sheets.symbols import Checked, suggest
from service.sheets.types import TypeSpec, is_plain, text_kind

# The codes of request validation (service/store/admission.py; a test keeps the two equal).
REQUEST_CODES = (
    "MISSING_REQUIRED_FIELD", "INVALID_TYPE", "OUT_OF_RANGE", "INVALID_ENUM", "UNKNOWN_FIELD",
)  # fmt: skip
_GIVEN = ("INVALID_TYPE", "OUT_OF_RANGE", "INVALID_ENUM")  # codes about a value that is sent
ERRORS_RESULT = "tablerx:errors"  # the result node of an expected refusal (no name has a ":")
ERRORS_WORDS = frozenset({"errors", "request errors", "refusal"})  # after "Expected:"

_SEPARATOR = re.compile(r"[,;\n]")
_ENTRY = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s*:?\s*(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ExpectedError:
    """One expected error: its code, the field it names (None: any field), where it is written."""

    code: str
    field: str | None
    span: tuple[int, int]

    @property
    def text(self) -> str:
        """``CODE`` or ``CODE field``, as the test-case file holds it."""
        return f"{self.code} {self.field}" if self.field else self.code


@dataclass(slots=True)
class Sent:
    """What one test row sends: declared inputs and extra (undeclared) fields, by name."""

    inputs: dict[str, n.Node] = field(default_factory=dict)
    extras: dict[str, n.Node] = field(default_factory=dict)
    extra_where: dict[str, Where] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)  # filled, but not read (reported): unchecked


def is_errors_column(text: str) -> bool:
    """True when ``Expected: <text>`` is the column of expected request errors."""
    return normalize(text) in ERRORS_WORDS


def parse_errors(text: str, where: Where, found: list[Diagnostic]) -> list[ExpectedError]:
    """The entries of an errors cell; a part that is no ``CODE [field]`` is reported."""
    entries: list[ExpectedError] = []
    start = 0
    for part in _SEPARATOR.split(text):
        stripped = part.strip()
        offset = start + len(part) - len(part.lstrip())
        start += len(part) + 1
        if not stripped:
            continue
        span = (offset, offset + len(stripped))
        match = _ENTRY.fullmatch(stripped)
        if match is None:
            found.append(diag.refusal_mismatch(
                where, f"{stripped!r} is not an error code", span,
                "write each expected error as CODE or CODE field, e.g. OUT_OF_RANGE ecog",
            ))  # fmt: skip
            continue
        entries.append(ExpectedError(match.group(1), match.group(2).strip() or None, span))
    return entries


def guard_codes(spec: WorkbookSpec, checked: Checked) -> frozenset[str] | None:
    """The codes the model's guard tables can give; None when a code cell is no text literal
    (then any code may come, and none is refused as unknown)."""
    codes: set[str] = set()
    for table in spec.tables:
        if not table.guard:
            continue
        sheet = table.block.sheet.name
        for column in table.of_role("output"):
            if column.text != "code":
                continue
            for rule in table.rules:
                text = checked.texts.get((sheet, rule.row, column.col), "null")
                node = _parsed(text)
                if isinstance(node, n.StringLiteral):
                    codes.add(node.value)
                elif not isinstance(node, n.NullLiteral):
                    return None
    return frozenset(codes)


def _parsed(text: str) -> n.Node | None:
    try:
        return parse_expression(text)
    except FeelSyntaxError:
        return None


# --- checking an expected refusal against what the row sends ---------------------------------


class RefusalCheck:
    """Checks the expected errors of one row; every problem is reported at its cell."""

    def __init__(
        self,
        inputs: Mapping[str, InputSpec],
        known: frozenset[str] | None,
        found: list[Diagnostic],
    ) -> None:
        self.inputs = inputs
        self.known = known  # the guard codes (None: not known)
        self.found = found

    def codes(self, entries: list[ExpectedError], where: Where) -> list[ExpectedError]:
        """The entries with their codes spelt as the service spells them; unknown ones reported."""
        result: list[ExpectedError] = []
        for entry in entries:
            code = self._canonical(entry.code)
            if code is None:
                choices = [*REQUEST_CODES, *sorted(self.known or ())]
                close = difflib.get_close_matches(entry.code.upper(), choices, n=1, cutoff=0.6)
                span = (entry.span[0], entry.span[0] + len(entry.code))
                self.found.append(diag.error_code_unknown(where, entry.code, span, close))
                continue
            result.append(ExpectedError(code, entry.field, entry.span))
        return result

    def _canonical(self, code: str) -> str | None:
        if code.upper() in REQUEST_CODES:
            return code.upper()
        if self.known is None:
            return code
        folded = {k.casefold(): k for k in self.known}
        return folded.get(code.casefold())

    def against(self, entries: list[ExpectedError], sent: Sent, where: Where) -> None:
        """Each entry about a request field must fit what the row sends, and every extra
        field sent must be expected as UNKNOWN_FIELD."""
        for entry in entries:
            if entry.code in REQUEST_CODES:
                self._entry(entry, sent, where)
        self.extras(entries, sent)

    def extras(self, entries: list[ExpectedError], sent: Sent) -> None:
        """Each undeclared field a row sends must be among its expected UNKNOWN_FIELD errors."""
        unknown = [e for e in entries if e.code == "UNKNOWN_FIELD"]
        for name, extra_where in sent.extra_where.items():
            if not any(e.field in (None, name) for e in unknown):
                self.found.append(diag.refusal_mismatch(
                    extra_where,
                    f"{name!r} is not a declared input, so the service refuses a request "
                    "that sends it",
                    None,
                    f"add UNKNOWN_FIELD {name} to this row's expected errors, "
                    "or leave the cell empty",
                ))  # fmt: skip

    def _entry(self, entry: ExpectedError, sent: Sent, where: Where) -> None:
        path = entry.field
        if entry.code == "UNKNOWN_FIELD" and (sent.unread if path is None else path in sent.unread):
            return
        if entry.code == "UNKNOWN_FIELD":
            nested = path is not None and path != _top(path) and _top(path) in sent.inputs
            if path is None and not sent.extras:
                self._mismatch(where, entry, "this row sends no undeclared field")
            elif path is not None and path not in sent.extras and not nested:
                self._mismatch(where, entry, f"this row sends no undeclared field {path!r}")
            return
        if path is None or _top(path) in sent.unread:
            return
        name = _top(path)
        declared = self.inputs.get(name)
        if declared is None:
            shown = [f"'{s}'" for s in suggest(name, frozenset(self.inputs))]
            start = entry.span[1] - len(path)
            self.found.append(
                diag.undeclared_name(where, name, (start, start + len(name)), shown, False)
            )
            return
        value = sent.inputs.get(name)
        given = value is not None and not isinstance(value, n.NullLiteral)
        if entry.code == "MISSING_REQUIRED_FIELD" and path == name:
            if given:
                self._mismatch(where, entry, f"this row gives {name!r} a value")
            elif not declared.required and not declared.required_when:
                self._mismatch(where, entry, f"{name!r} is not a required input")
        elif entry.code in _GIVEN and not given:
            self._mismatch(where, entry, f"this row gives {name!r} no value")

    def _mismatch(self, where: Where, entry: ExpectedError, why: str) -> None:
        self.found.append(diag.refusal_mismatch(
            where, f"the service would not answer {entry.text}: {why}", entry.span,
        ))  # fmt: skip


def _top(field: str) -> str:
    """The request field a problem's field path starts with (``symptoms[1]`` -> ``symptoms``)."""
    return re.split(r"[.\[]", field, maxsplit=1)[0]


# --- cells sent as written --------------------------------------------------------------------


def written_literal(
    cell: Cell | None, spec: TypeSpec | None, where: Where
) -> tuple[str | None, list[Diagnostic]]:
    """The FEEL literal of an input cell in a row that expects a refusal: read by its column's
    type when that keeps what the cell says, else as what it is (text, number, true/false),
    so that a deliberately wrong value reaches the request unchanged. None when empty."""
    trouble = problem(cell, where)
    if trouble is not None:
        return None, [trouble]
    if (
        cell is None
        or cell.value is None
        or (isinstance(cell.value, str) and not cell.value.strip())
    ):
        return None, []
    actual = _actual(cell.value)
    if spec is None:  # an undeclared field, or an input of unknown type: as it is
        return actual, []
    typed, problems = data_literal(cell, spec, where)
    if typed is not None and not problems and _faithful(typed, actual, spec):
        return typed, []
    return actual, []


def _faithful(typed: str, actual: str, spec: TypeSpec | None) -> bool:
    """True when reading by the column's type kept the kind of value the cell holds
    (``yes`` read as true for a boolean did not; a date text read as a date did)."""
    node = _parsed(typed)
    if node is None or not is_plain(node):
        return False  # a FEEL name or formula, not a value: send the text itself
    effective = spec.effective if spec is not None else None
    if (
        effective is None
        or effective.is_list
        or effective.base not in ("string", "number", "boolean")
    ):
        return True
    return text_kind(typed) == text_kind(actual)


def _actual(value: object) -> str:
    """The literal of what a cell holds, whatever its column: ``true``, ``1.5``, ``"yes"``."""
    if not isinstance(value, str):
        return literal_of(value)
    text = value.replace("\xa0", " ").strip()
    if text == "null" or text.casefold() in ("true", "false"):
        return text.casefold()
    try:
        number = decimal.Decimal(text.replace(" ", ""))
        if number.is_finite():
            return number_text(number)
    except decimal.InvalidOperation:
        pass
    node = _parsed(text) if text[:1] in '"[{' else None
    if isinstance(node, n.StringLiteral | n.ListLiteral | n.ContextLiteral):
        return text
    return string_literal(text)
