"""TCK test-case XML (``testCases.xsd``) in, plain data out: TestFile, TestCase, ResultNode.

The format is the DMN TCK's (namespace ``http://www.omg.org/spec/DMN/20160719/testcase``);
tablerx also uses it for every published model's own regression cases. Values become FEEL
values (see :mod:`service.feel.values`): ``xsd:decimal`` and the other numeric types a
Decimal, ``xsd:date``/``time``/``dateTime``/``duration`` our temporal classes, ``xsi:nil``
null, ``<list>`` a list and ``<component>`` elements a context.

The file is parsed with defusedxml (test files come from outside); a file that breaks the
format raises :class:`TckFormatError` naming the file and the element at fault.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from service.feel import temporal, values
from service.feel.errors import FeelEvalError

NS = "http://www.omg.org/spec/DMN/20160719/testcase"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_T = f"{{{NS}}}"
_XSI_TYPE = f"{{{XSI}}}type"
_XSI_NIL = f"{{{XSI}}}nil"

_NUMERIC_TYPES = frozenset(
    {"decimal", "double", "float", "int", "integer", "long", "short", "byte",
     "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
     "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}
)  # fmt: skip
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class TckFormatError(Exception):
    """A test file that cannot be read: bad XML, or a value the format does not allow."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")
        self.path = str(path)
        self.where = where
        self.message = message


class InputNode(NamedTuple):
    """One input value of a test case; ``namespace`` names the model of an imported input."""

    name: str
    value: Any
    namespace: str | None = None


@dataclass(frozen=True, slots=True)
class ResultNode:
    """One expected result: a decision (or decision service output) name and its value.

    ``error_result`` says the engine is expected to flag an error; the expected value is
    then null.
    """

    name: str
    expected: Any
    type: str | None = None
    error_result: bool = False
    namespace: str | None = None


@dataclass(frozen=True, slots=True)
class TestCase:
    """One ``<testCase>``: inputs, the expected results, and what to invoke."""

    __test__ = False  # not a pytest test class, despite the name

    id: str
    inputs: list[InputNode] = field(default_factory=list)
    results: list[ResultNode] = field(default_factory=list)
    name: str | None = None
    description: str = ""
    type: str = "decision"  # "decision", "bkm" or "decisionService"
    invocable_name: str | None = None

    @property
    def expects_non_null(self) -> bool:
        """True when some result is expected to be a value other than null."""
        return any(result.expected is not None for result in self.results)


@dataclass(frozen=True, slots=True)
class TestFile:
    """A whole test file: the model it tests (a file name in the same folder) and its cases."""

    __test__ = False

    path: Path
    model_name: str | None
    cases: list[TestCase]
    name: str | None = None
    labels: list[str] = field(default_factory=list)


# --- files and cases -------------------------------------------------------------------------


def read_test_file(path: Path | str) -> TestFile:
    """Read one TCK test file into a :class:`TestFile`; raises TckFormatError."""
    path = Path(path)
    try:
        root = SafeET.parse(path).getroot()
    except (OSError, SafeET.ParseError) as exc:
        raise TckFormatError(path, "", f"cannot parse XML: {exc}") from exc
    except Exception as exc:  # defusedxml's refusals (entities, DTDs) share no base class
        raise TckFormatError(path, "", f"refused XML: {exc}") from exc
    if root.tag != f"{_T}testCases":
        raise TckFormatError(path, "", f"root element is {root.tag}, expected {_T}testCases")
    cases = [_read_case(path, element) for element in root.findall(f"{_T}testCase")]
    return TestFile(
        path=path,
        model_name=_text(root.find(f"{_T}modelName")),
        cases=cases,
        name=_text(root.find(f"{_T}testCasesName")),
        labels=[_text(label) or "" for label in root.iter(f"{_T}label")],
    )


def _read_case(path: Path, element: Element) -> TestCase:
    case_id = element.get("id") or ""
    where = f"testCase {case_id!r}"
    inputs = []
    for node in element.findall(f"{_T}inputNode"):
        name = node.get("name") or ""
        value = _read_value(path, f"{where}, inputNode {name!r}", node)
        inputs.append(InputNode(name, value, node.get("namespace")))
    results = [_read_result(path, where, node) for node in element.findall(f"{_T}resultNode")]
    return TestCase(
        id=case_id,
        inputs=inputs,
        results=results,
        name=element.get("name"),
        description=(_text(element.find(f"{_T}description")) or "").strip(),
        type=element.get("type") or "decision",
        invocable_name=element.get("invocableName"),
    )


def _read_result(path: Path, case_where: str, node: Element) -> ResultNode:
    name = node.get("name") or ""
    where = f"{case_where}, resultNode {name!r}"
    expected_element = node.find(f"{_T}expected")
    expected = None if expected_element is None else _read_value(path, where, expected_element)
    error_text = (node.get("errorResult") or "false").strip()
    if error_text not in _BOOLEANS:
        raise TckFormatError(path, where, f"errorResult must be true or false, not {error_text!r}")
    return ResultNode(
        name=name,
        expected=expected,
        type=node.get("type"),
        error_result=_BOOLEANS[error_text],
        namespace=node.get("namespace"),
    )


def _text(element: Element | None) -> str | None:
    return None if element is None else (element.text or "")


# --- values ----------------------------------------------------------------------------------


def _read_value(path: Path, where: str, element: Element) -> Any:
    """The FEEL value of a valueType element: one value, one list, or components."""
    if _is_nil(element):
        return None
    value = element.find(f"{_T}value")
    if value is not None:
        return _read_simple(path, where, value)
    items = element.find(f"{_T}list")
    if items is not None:
        if _is_nil(items):
            return None
        return [
            _read_value(path, f"{where}[{index}]", item)
            for index, item in enumerate(items.findall(f"{_T}item"))
        ]
    components = element.findall(f"{_T}component")
    if components:
        return {
            (component.get("name") or ""): _read_value(
                path, f"{where}.{component.get('name')}", component
            )
            for component in components
        }
    # An empty valueType (no value, list or component) says nothing: null.
    return None


def _is_nil(element: Element) -> bool:
    return (element.get(_XSI_NIL) or "").strip() in ("true", "1")


def _read_simple(path: Path, where: str, element: Element) -> Any:
    """A ``<value>``: its xsi:type picks the FEEL type; no type means a string."""
    if _is_nil(element):
        return None
    text = element.text or ""
    xsd_type = (element.get(_XSI_TYPE) or "string").rpartition(":")[2]
    try:
        return parse_simple(xsd_type, text)
    except (ValueError, ArithmeticError) as exc:
        raise TckFormatError(path, where, f"bad xsd:{xsd_type} value {text!r}: {exc}") from exc


def parse_simple(xsd_type: str, text: str) -> Any:
    """The FEEL value of a simple XML Schema value; raises ValueError when it does not parse.

    ``xsd_type`` is the local name (``decimal``, ``date``, ...). Strings keep their text
    exactly, whitespace included; other types ignore surrounding whitespace.
    """
    if xsd_type in ("string", "anySimpleType", "anyURI", "normalizedString", "token"):
        return text
    stripped = text.strip()
    if xsd_type in _NUMERIC_TYPES:
        try:
            return values.number(stripped)
        except decimal.InvalidOperation as exc:
            raise ValueError("not a number") from exc
    if xsd_type == "boolean":
        if stripped not in _BOOLEANS:
            raise ValueError("not a boolean")
        return _BOOLEANS[stripped]
    parser = _TEMPORAL_PARSERS.get(xsd_type)
    if parser is None:
        raise ValueError(f"unsupported type xsd:{xsd_type}")
    try:
        return parser(stripped)
    except FeelEvalError as exc:
        raise ValueError(exc.message) from exc


_TEMPORAL_PARSERS: dict[str, Any] = {
    "date": temporal.parse_date,
    "time": temporal.parse_time,
    "dateTime": temporal.parse_date_time,
    "duration": temporal.parse_duration,
    "dayTimeDuration": temporal.parse_duration,
    "yearMonthDuration": temporal.parse_duration,
}
