"""Every diagnostic code: hostile and malformed XML, broken structure, each with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.dmn import DmnReadError, read_dmn
from service.dmn import diagnostics as diag
from service.dmn.reader import read_dmn_with_warnings

NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"
HERE = "<!--here-->"  # marks the line a diagnostic must point at


def document(body: str) -> bytes:
    """A DMN 1.5 document around ``body`` (which starts on line 3)."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    head += f'<definitions xmlns="{NS}" name="t" namespace="https://t">\n'
    return (head + body + "\n</definitions>\n").encode("utf-8")


def marked_line(data: bytes) -> int:
    return next(n for n, line in enumerate(data.decode().splitlines(), 1) if HERE in line)


def read_errors(data: bytes) -> list[diag.Diagnostic]:
    with pytest.raises(DmnReadError) as caught:
        read_dmn(data, source_name="case.dmn")
    return caught.value.diagnostics


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!--here--><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="&lol3;" namespace="x"/>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!--here--><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="&xxe;" namespace="x"/>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!--here--><!DOCTYPE definitions SYSTEM "http://example.org/dmn.dtd">
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="t" namespace="x"/>
"""
MALFORMED = b"""<?xml version="1.0"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="t" namespace="x">
  <decision name="d">
  </decisionn><!--here-->
</definitions>
"""
NOT_DMN = b"""<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" name="t"/><!--here-->
"""

DOCUMENT_CASES = [
    pytest.param(BILLION_LAUGHS, "DMN_XML_FORBIDDEN", id="billion-laughs"),
    pytest.param(EXTERNAL_ENTITY, "DMN_XML_FORBIDDEN", id="external-entity"),
    pytest.param(EXTERNAL_DTD, "DMN_XML_FORBIDDEN", id="external-dtd"),
    pytest.param(MALFORMED, "DMN_XML_MALFORMED", id="malformed"),
    pytest.param(NOT_DMN, "DMN_NOT_DMN", id="not-dmn"),
]


@pytest.mark.parametrize(("data", "code"), DOCUMENT_CASES)
def test_document_refused_with_one_located_diagnostic(data: bytes, code: str) -> None:
    [found] = read_errors(data)
    assert (found.code, found.file, found.line) == (code, "case.dmn", marked_line(data))
    assert "root:" not in found.message  # nothing of /etc/passwd leaks into the message


def test_empty_input_is_malformed() -> None:
    [found] = read_errors(b"")
    assert found.code == "DMN_XML_MALFORMED"


DT = '<decision name="d">\n<decisionTable'  # a decision table's start, to keep cases short
REQ = "<informationRequirement><!--here-->\n<required"  # a requirement's start

# (code, body): the offending element sits on the line marked <!--here-->.
BODY_CASES = [
    ("DMN_MISSING_ATTRIBUTE", '<decisionService name="s"><outputDecision/><!--here-->'
                              "</decisionService>"),
    ("DMN_MISSING_ELEMENT", '<decision name="d"><context><contextEntry><!--here-->\n'
                            '<variable name="v"/></contextEntry></context></decision>'),
    ("DMN_UNKNOWN_ELEMENT", '<decision name="d">\n<tree/><!--here-->\n</decision>'),
    ("DMN_INVALID_VALUE", '<itemDefinition name="t" isCollection="yes"><!--here-->\n'
                          "<typeRef>number</typeRef></itemDefinition>"),
    ("DMN_MISSING_NAME", '<inputData id="i"><!--here-->\n<variable name="x"/></inputData>'),
    ("DMN_DUPLICATE_ID", '<inputData id="i" name="a"/>\n<inputData id="i" name="b"/><!--here-->'),
    ("DMN_DUPLICATE_NAME", '<inputData name="a"/>\n<decision name="a"/><!--here-->'),
    ("DMN_UNRESOLVED_HREF", f'<decision name="d">\n{REQ}Input href="#nowhere"/>'
                            "</informationRequirement></decision>"),
    ("DMN_HREF_KIND", f'<inputData id="i" name="i"/><decision name="d">\n{REQ}Decision href="#i"/>'
                      "</informationRequirement></decision>"),
    ("DMN_REQUIREMENT_CYCLE", '<decision id="a" name="a"><informationRequirement>'
                              '<requiredDecision href="#b"/></informationRequirement></decision>\n'
                              '<decision id="b" name="b"><!--here--><informationRequirement>'
                              '<requiredDecision href="#a"/></informationRequirement></decision>'),
    ("DMN_HIT_POLICY", f'{DT} hitPolicy="UNIQ"><!--here-->\n<output/></decisionTable></decision>'),
    ("DMN_AGGREGATION", f'{DT} hitPolicy="FIRST" aggregation="SUM"><!--here-->\n<output/>'
                        "</decisionTable></decision>"),
    ("DMN_ORIENTATION", f'{DT} preferredOrientation="Diagonal"><!--here-->\n<output/>'
                        "</decisionTable></decision>"),
    ("DMN_RULE_SHAPE", f"{DT}><input><inputExpression><text>x</text></inputExpression></input>"
                       "<output/>\n<rule><!--here-->\n<inputEntry><text>1</text></inputEntry>"
                       "<inputEntry><text>2</text></inputEntry><outputEntry><text>1</text>"
                       "</outputEntry></rule></decisionTable></decision>"),
    ("DMN_TABLE_NO_OUTPUT", f"{DT}/><!--here-->\n</decision>"),
    ("DMN_OUTPUT_NAME", f'{DT}>\n<output name="a"/><output/><!--here-->\n</decisionTable>'
                        "</decision>"),
    ("DMN_TYPE_SHAPE", '<itemDefinition name="t"><!--here-->\n<allowedValues><text>1</text>'
                       "</allowedValues></itemDefinition>"),
    ("DMN_FUNCTION_KIND", '<decision name="d">\n<functionDefinition kind="Python"/><!--here-->\n'
                          "</decision>"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "body"), BODY_CASES, ids=[c for c, _ in BODY_CASES])
def test_structural_problem_is_reported_at_its_line(code: str, body: str) -> None:
    data = document(body)
    found = read_errors(data)
    assert code in [d.code for d in found]
    assert {(d.line, d.file) for d in found} == {(marked_line(data), "case.dmn")}


def test_all_problems_of_a_file_are_reported_in_one_pass() -> None:
    cases = [(code, body) for code, body in BODY_CASES if "id=" not in body]  # no id clashes
    codes = {d.code for d in read_errors(document("\n".join(body for _, body in cases)))}
    assert codes >= {code for code, _ in cases}


def test_an_id_that_is_no_xml_id_is_only_a_warning() -> None:
    model, warnings = read_dmn_with_warnings(document('<inputData id="has space" name="i"/>'))
    assert [(w.code, w.severity, w.line) for w in warnings] == [("DMN_INVALID_ID", "warning", 3)]
    assert model.input_data[0].id == "has space"


def test_an_href_into_an_imported_namespace_is_accepted() -> None:
    body = (
        '<import name="o" namespace="https://o" importType="https://www.omg.org/spec/DMN/20230324/MODEL/"/>'
        '<decision name="d"><informationRequirement><requiredDecision href="https://o#x"/>'
        "</informationRequirement></decision>"
    )
    assert read_dmn(document(body)).decisions[0].requirements[0].href == "https://o#x"
    [found] = read_errors(document(body.replace('namespace="https://o"', 'namespace="https://p"')))
    assert found.code == "DMN_UNRESOLVED_HREF"


def test_too_large_bytes_and_files_are_refused(tmp_path: Path) -> None:
    data = document("")
    with pytest.raises(DmnReadError) as caught:
        read_dmn(data, max_bytes=len(data) - 1)
    assert caught.value.diagnostics[0].code == "DMN_TOO_LARGE"
    path = tmp_path / "big.dmn"
    path.write_bytes(data)
    with pytest.raises(DmnReadError) as caught:
        read_dmn(path, max_bytes=10)
    assert [(d.code, d.file) for d in caught.value.diagnostics] == [("DMN_TOO_LARGE", str(path))]
    assert read_dmn(path, max_bytes=len(data)).name == "t"


def test_a_missing_file_is_an_io_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(DmnReadError) as caught:
        read_dmn(tmp_path / "absent.dmn")
    assert caught.value.diagnostics[0].code == "DMN_IO"


def test_the_error_message_lists_every_diagnostic_with_its_place() -> None:
    data = document('<inputData name="a"/>\n<inputData name="a"/>\n<decision/>')
    with pytest.raises(DmnReadError) as caught:
        read_dmn(data, source_name="x.dmn")
    text = str(caught.value)
    assert "x.dmn:4: DMN_DUPLICATE_NAME" in text
    assert "x.dmn:5: DMN_MISSING_NAME" in text


def test_every_diagnostic_code_has_a_test() -> None:
    tested = {code for code, _ in BODY_CASES} | {p.values[1] for p in DOCUMENT_CASES}
    tested |= {"DMN_TOO_LARGE", "DMN_IO", "DMN_INVALID_ID", "DMN_XML_TOO_DEEP"}  # tests above
    assert tested == set(diag.CODES)


def test_absurdly_deep_nesting_is_refused_before_building() -> None:
    depth = 10_000
    data = document("<decision name='d'>\n" + "<list>" * depth + "</list>" * depth + "</decision>")
    [found] = read_errors(data)
    assert (found.code, found.line) == ("DMN_XML_TOO_DEEP", 4)


def test_a_long_requirement_chain_is_no_cycle_and_no_recursion_error() -> None:
    links = "".join(
        f'<decision id="d{i}" name="d{i}"><informationRequirement>'
        f'<requiredDecision href="#d{i + 1}"/></informationRequirement></decision>'
        for i in range(3000)
    )
    model = read_dmn(document(links + '<decision id="d3000" name="d3000"/>'))
    assert len(model.decisions) == 3001


# --- regressions found by tests/dmn/test_fuzz_dmn_reader.py ------------------------------------


def declared(encoding: str, python_codec: str = "utf-8", name: str = "Ärzte") -> bytes:
    """A model called ``name`` declaring ``encoding``, written in ``python_codec``."""
    text = document("").decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    return text.replace('name="t"', f'name="{name}"').encode(python_codec)


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        # Encodings expat leaves to Python's codecs, which once refused them with LookupError,
        # ValueError or UnicodeError (escaping read_dmn), or decoded them byte by byte.
        ("bogus", "an encoding 'bogus' that"),  # unknown
        ("UTF-7", "an encoding 'UTF-7' that"),  # multi-byte: expat takes single-byte only
        ("cp932", "an encoding 'cp932' that"),
        ("utf-32", "an encoding 'utf-32' that"),
        ("rot13", "an encoding 'rot13' that"),  # not a text encoding
        ("idna", "an encoding 'idna' that"),  # fails to decode
        ("punycode", "an encoding 'punycode' that"),
        ("unicode_escape", "an encoding 'unicode_escape' that"),  # warned while decoding
        ("hz", "an encoding 'hz' that"),  # stateful: decoded byte by byte, it garbled text
        ("iso-2022-jp", "an encoding 'iso-2022-jp' that"),
        ("", "an encoding that"),
    ],
)
def test_an_unreadable_declared_encoding_is_malformed_xml(encoding: str, shown: str) -> None:
    [found] = read_errors(declared(encoding))
    assert (found.code, found.file, found.line) == ("DMN_XML_MALFORMED", "case.dmn", 1)
    assert shown in found.message


@pytest.mark.parametrize(
    ("encoding", "python_codec", "name"),
    [
        ("UTF-8", "utf-8", "Ärzte"),
        # Aliases Python knows but expat does not: once refused as "invalid token" as soon as
        # the text held a non-ASCII character.
        ("UTF8", "utf-8", "Ärzte"),
        ("utf8", "utf-8", "Ärzte"),
        ("utf-8-sig", "utf-8-sig", "Ärzte"),
        ("cp65001", "utf-8", "Ärzte"),
        ("latin1", "latin-1", "Ärzte"),
        ("ISO-8859-1", "latin-1", "Ärzte"),
        ("US-ASCII", "ascii", "Arzte"),
        ("UTF-16", "utf-16", "Ärzte"),
        ("cp1252", "cp1252", "Ärzte €"),  # single-byte sets go through Python's codecs
        ("iso-8859-15", "iso-8859-15", "Ärzte"),
    ],
)
def test_a_declared_character_set_reads(encoding: str, python_codec: str, name: str) -> None:
    assert read_dmn(declared(encoding, python_codec, name)).name == name
