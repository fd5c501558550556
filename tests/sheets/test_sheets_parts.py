"""The small pieces, a case a line: keywords, hit policies, types, cells, names, messages, ids."""

from __future__ import annotations

import datetime
import decimal

import pytest

from service.feel.parser import parse_expression
from service.sheets.build import ncname, sheet_ids
from service.sheets.cells import data_literal, expression_text, literal_of
from service.sheets.citations import citation_codes, cited
from service.sheets.diagnostics import Diagnostic, Where, format_diagnostic
from service.sheets.feeltext import plain_message
from service.sheets.grid import Cell
from service.sheets.layout import keyword_of, normalize, number_text
from service.sheets.names import free_names, is_valid_name
from service.sheets.tableblocks import header_role, parse_hit_policy
from service.sheets.types import TypeSpec, inferred_type, parse_type

D = decimal.Decimal


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Decision table", ("decision table", "")),
        ("  DECISION   TABLE: ", ("decision table", "")),
        ("Relation: catalogue", ("relation", "catalogue")),
        ("Knowledge model", ("knowledge model", "")),
        ("BKM", ("knowledge model", "")),
        ("Inputs", ("inputs", "")),
        ("Expressions", ("expressions", "")),
        ("Test cases", ("tests", "")),
        ("Tests: one per row, please.", None),
        ("Expression", None),
        ("Decision", None),
        ("notes", ("notes", "")),
    ],
)
def test_keyword_cells(text: str, found: tuple[str, str] | None) -> None:
    assert keyword_of(Cell(1, 1, text)) == found


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("Unique", ("UNIQUE", None)),
        ("u", ("UNIQUE", None)),
        ("First", ("FIRST", None)),
        ("PRIORITY", ("PRIORITY", None)),
        ("A", ("ANY", None)),
        ("Collect", ("COLLECT", None)),
        ("Collect sum", ("COLLECT", "SUM")),
        ("C+", ("COLLECT", "SUM")),
        ("C +", ("COLLECT", "SUM")),
        ("collect (min)", ("COLLECT", "MIN")),
        ("C<", ("COLLECT", "MIN")),
        ("Collect max", ("COLLECT", "MAX")),
        ("C>", ("COLLECT", "MAX")),
        ("collect count", ("COLLECT", "COUNT")),
        ("C#", ("COLLECT", "COUNT")),
        ("Rule order", ("RULE ORDER", None)),
        ("R", ("RULE ORDER", None)),
        ("Output order", ("OUTPUT ORDER", None)),
        ("o", ("OUTPUT ORDER", None)),
        ("Unqiue", None),
        ("", None),
        ("Collect average", None),
    ],
)
def test_hit_policies_in_words_and_letters(
    text: str, policy: tuple[str, str | None] | None
) -> None:
    assert parse_hit_policy(text) == policy


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Input: ecog", ("input", "ecog")),
        ("output:care_pathway", ("output", "care_pathway")),
        ("Annotation: rationale", ("annotation", "rationale")),
        ("Expected: options", ("expected", "options")),
        ("Inputs: line_of_therapy in r.lines", ("input", "line_of_therapy in r.lines")),
        ("ecog", None),
        ("Note: x", None),
    ],
)
def test_header_roles(text: str, role: tuple[str, str] | None) -> None:
    assert header_role(text) == role


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("number", TypeSpec("number")),
        ("Integer", TypeSpec("number", integer=True)),
        ("text", TypeSpec("string")),
        ("yes/no", TypeSpec("boolean")),
        ("datetime", TypeSpec("date and time")),
        ("list of string", TypeSpec("string", is_list=True)),
        ("list<number>", TypeSpec("number", is_list=True)),
        ("list of integer", TypeSpec("number", is_list=True, integer=True)),
        ("days and time duration", TypeSpec("days and time duration")),
        ("kilograms", None),
        ("list of list of string", None),
    ],
)
def test_types(text: str, spec: TypeSpec | None) -> None:
    assert parse_type(text) == spec


@pytest.mark.parametrize(
    ("value", "feel"),
    [
        (D("3"), "3"),
        (D("3.0"), "3"),
        (D("0.10"), "0.1"),
        (D("1E+2"), "100"),
        (D("-2.50"), "-2.5"),
        (True, "true"),
        (datetime.date(2025, 1, 2), 'date("2025-01-02")'),
        (datetime.datetime(2025, 1, 2, 3, 4), 'date and time("2025-01-02T03:04:00")'),
        (datetime.time(10, 30), 'time("10:30:00")'),
        ('say "hi"', '"say \\"hi\\""'),
    ],
)
def test_spreadsheet_values_as_feel(value: object, feel: str) -> None:
    assert literal_of(value) == feel


@pytest.mark.parametrize(
    ("value", "text"), [(D("12.50"), "12.5"), (D("7"), "7"), (D("0.0001"), "0.0001")]
)
def test_number_text(value: D, text: str) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("value", "spec", "feel"),
    [
        ("Docetaxel", "string", '"Docetaxel"'),
        ('"quoted"', "string", '"quoted"'),
        (D("10"), "string", '"10"'),
        ("10", "number", "10"),
        (" 2.50 ", "number", "2.5"),
        (D("2"), "number", "2"),
        ("yes", "boolean", "true"),
        (False, "boolean", "false"),
        ("2, 3", "list of number", "[2, 3]"),
        ("[2,3]", "list of number", "[2, 3]"),
        (D("3"), "list of number", "[3]"),
        ("a, b", "list of string", '["a", "b"]'),
        (datetime.date(2025, 1, 2), "date", 'date("2025-01-02")'),
        ("2025-01-02", "date", 'date("2025-01-02")'),
        ("P1Y2M", "years and months duration", 'duration("P1Y2M")'),
        ("null", "number", "null"),
        ("", "number", None),
        (None, "number", None),
    ],
)
def test_data_cells(value: object, spec: str, feel: str | None) -> None:
    cell = None if value is None else Cell(1, 1, value)  # type: ignore[arg-type]
    literal, problems = data_literal(cell, parse_type(spec), Where("S", "A1"))
    assert (literal, problems) == (feel, [])


@pytest.mark.parametrize(
    ("value", "spec"),
    [
        ("ten", "number"),
        ("maybe", "boolean"),
        ("2.5", "integer"),
        ("2025-13-40", "date"),
        (True, "number"),
    ],
)
def test_data_cells_of_the_wrong_type(value: object, spec: str) -> None:
    literal, problems = data_literal(Cell(1, 1, value), parse_type(spec), Where("S", "A1"))  # type: ignore[arg-type]
    assert literal is None and [p.code for p in problems] == ["WRONG_TYPE"]


def test_curly_quotes_are_straightened_only_where_feel_has_none() -> None:
    fixed, problems = expression_text(Cell(1, 1, "“bsc”"), Where("S", "A1"))
    assert fixed == '"bsc"' and [p.code for p in problems] == ["SMART_QUOTES"]
    kept, problems = expression_text(Cell(1, 1, '"say “hi”"'), Where("S", "A1"))
    assert kept == '"say “hi”"' and problems == []


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        (
            "expected ']', '[' or ')' to close the range opened at 0, got end of text",
            "a closing ']' or ')' is missing: the range opened at character 1 is not closed",
        ),
        (
            "expected ')' to close the parenthesis opened at 3, got end of text",
            "a closing ')' is missing: the parenthesis opened at character 4 is not closed",
        ),
        ("unexpected character '≥'", "'≥' is not understood here; write >= instead"),
        (
            "string opened here is never closed with '\"'",
            'a text in quotes is missing its closing quote (")',
        ),
        (
            "expected an expression, got end of text",
            "the text ends too early: an expression is missing at the end",
        ),
        (
            "expected end of text, got '\"b\"'",
            "'\"b\"' is not expected here (is a comma or an operator missing before it?)",
        ),
    ],
)
def test_parser_messages_in_plain_words(message: str, plain: str) -> None:
    assert plain_message(message) == plain


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("ecog", True),
        ("lvef_percent", True),
        ("Date of Birth", True),
        ("Student's name", True),
        ("feel-date-function_001", True),
        ("Income/Expenses", True),
        ("2nd_line", False),
        ("if", False),
        ("x ", False),
        ("a  b", False),
        ("", False),
        ("a,b", False),
    ],
)
def test_names(name: str, valid: bool) -> None:
    assert is_valid_name(name) is valid


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("a + b", ["a", "b"]),
        ("for x in items return x * rate", ["items", "rate"]),
        ('catalogue[kind = "trial"]', ["catalogue", "kind"]),
        ("{a: 1, b: a + c}", ["c"]),
        ("function(p) p + q", ["q"]),
        ("r.kind", ["r"]),
        ("count(options) > 0", ["count", "options"]),
    ],
)
def test_free_names(text: str, free: list[str]) -> None:
    assert [use.name for use in free_names(parse_expression(text))] == free


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("DG04, CONV", ["DG04", "CONV"]),
        ("[SRC:DG04] [ARTICLE]", ["SRC:DG04", "ARTICLE"]),
        ('["DG04", "TAGS"]', ["DG04", "TAGS"]),
        ("CONV (hard exclusion)", ["CONV"]),
    ],
)
def test_citation_codes(text: str, codes: list[str]) -> None:
    assert [code for code, _ in citation_codes(text)] == codes
    assert cited("SRC:DG04", {"DG04"}) == "DG04"


@pytest.mark.parametrize(
    ("texts", "kind"),
    [
        (['"a"', '"b"', "null"], "string"),
        (["1", "2.5"], "number"),
        (["true", "false"], "boolean"),
        (['"a"', "1"], None),
        (['"a"', "r.x"], None),
        (["null"], None),
        (['date("2025-01-01")'], None),
    ],
)
def test_inferred_output_types(texts: list[str], kind: str | None) -> None:
    assert inferred_type(texts) == kind


@pytest.mark.parametrize(
    ("text", "id_"),
    [
        ("T2 Pathway", "T2_Pathway"),
        ("2L options", "_2L_options"),
        ("Décisions", "Decisions"),
        ("!!!", "_"),
    ],
)
def test_ids_from_sheet_names(text: str, id_: str) -> None:
    assert ncname(text) == id_


def test_sheet_ids_stay_distinct() -> None:
    assert sheet_ids(["T2 Pathway", "T2-Pathway", "T2_Pathway", "2L"]) == {
        "T2 Pathway": "T2_Pathway",
        "T2-Pathway": "T2-Pathway",
        "T2_Pathway": "T2_Pathway_2",
        "2L": "s2L",
    }


def test_normalize() -> None:
    assert normalize("  Hit\u00a0 Policy: ") == "hit policy"


def test_format_with_caret_and_hint() -> None:
    item = Diagnostic(
        "FEEL_SYNTAX",
        "this condition could not be read: x",
        file="a.xlsx",
        sheet="T2 Pathway",
        cell="C7",
        text="[0..1",
        span=(5, 6),
        hint="h",
    )
    assert format_diagnostic(item) == (
        "a.xlsx: 'T2 Pathway'!C7: error FEEL_SYNTAX: this condition could not be read: x\n"
        "    [0..1\n         ^\n    hint: h"
    )
    quoted = Diagnostic("X", "m", sheet="It's", cell="A1")
    assert format_diagnostic(quoted) == "'It''s'!A1: error X: m"
