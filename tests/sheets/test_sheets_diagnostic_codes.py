"""Every diagnostic code, each made by one small workbook and found at the right cell.

The last tests hold the line: every code spelled in service/sheets/diagnostics.py has a case
here (or a named test elsewhere) and a row in docs/spreadsheet-format.md.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_helpers import (
    INPUTS,
    MODEL,
    REPO,
    TABLE,
    at,
    base_sheets,
    minimal_parts,
    raw_xlsx,
    write_workbook,
)

from service.sheets import compiler, container, grid
from service.sheets.compiler import compile_workbook
from service.sheets.diagnostics import format_diagnostic

Builder = Callable[[Path, pytest.MonkeyPatch], Path]


def _book(**replace: Any) -> Builder:
    return lambda tmp, _mp: write_workbook(tmp / "book.xlsx", base_sheets(**replace))


def _table(
    *rows: list[Any], head: list[Any] | None = None, labels: list[list[Any]] | None = None
) -> list[list[Any]]:
    header = head or ["Rule", "Input: progressed", "Input: ecog", "Output: pathway"]
    return [
        ["Decision table", "pathway"],
        *(labels if labels is not None else [["Hit policy", "Unique"]]),
        header,
        *rows,
    ]


def _with_openpyxl(change: Callable[[openpyxl.Workbook], None]) -> Builder:
    def build(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
        path = write_workbook(tmp / "book.xlsx", base_sheets())
        workbook = openpyxl.load_workbook(path)
        change(workbook)
        workbook.save(path)
        return path

    return build


def _hide_sheet(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.create_sheet("Old")
    for row in TABLE:
        sheet.append(row)
    sheet.sheet_state = "hidden"


def _hide_row(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"].row_dimensions[5].hidden = True


def _hide_column(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"].column_dimensions["C"].hidden = True


def _merge_across(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"].merge_cells("D5:E5")


def _long_text(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"]["E5"] = "x" * 32_767


def _formula(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"]["C5"] = "=1+2"


def _error_value(workbook: openpyxl.Workbook) -> None:
    workbook["Pathway"]["C5"] = "#N/A"


def _file(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
    return tmp / "missing.xlsx"


def _text(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
    path = tmp / "book.xlsx"
    path.write_text("ecog,pathway\n1,bsc\n")
    return path


def _encrypted(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
    # An OLE compound file whose directory names the EncryptedPackage stream, as Office writes them.
    path = tmp / "book.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    return path


def _too_large(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    mp.setattr(container, "MAX_FILE_BYTES", 1000)
    return write_workbook(tmp / "book.xlsx", base_sheets())


def _bomb(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
    parts = minimal_parts("")
    path = raw_xlsx(tmp / "book.xlsx", parts)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(40):
            member.write(b"\0" * (1 << 20))
    return path


def _broken(tmp: Path, _mp: pytest.MonkeyPatch) -> Path:
    parts = minimal_parts('<row r="1"><c r="A1" t="inlineStr"><is><t>Model</t></is></c></row')
    return raw_xlsx(tmp / "book.xlsx", parts)


def _big(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    mp.setattr(grid, "MAX_ROWS", 8)
    return write_workbook(
        tmp / "book.xlsx",
        base_sheets(Data=[["Relation", "data"], ["a"], *[[i] for i in range(10)]]),
    )


def _dmn_invalid(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    from service.dmn.diagnostics import Diagnostic as DmnDiagnostic

    mp.setattr(compiler, "validate", lambda defs: [DmnDiagnostic("DMN_X", "broken on purpose")])
    return write_workbook(tmp / "book.xlsx", base_sheets())


def _internal(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    def fail(*args: object) -> None:
        raise RuntimeError("on purpose")

    mp.setattr(compiler, "check_tables", fail)
    return write_workbook(tmp / "book.xlsx", base_sheets())


_MANY = [
    ["Decision table", "many"],
    ["Hit policy", "Collect"],
    ["Input: nothing_here", "Output: x"],
    *[["-", f"n{i}"] for i in range(105)],
]
_KNOWLEDGE = [
    ["Knowledge model", "fit"],
    ["Hit policy", "First"],
    ["Input: ecog", "Output: fit"],
    ["< 2", "true"],
    ["-", "false"],
]

_TYPES = [["Types"], ["Name", "Type", "Allowed values"], ["grade", "integer", "[0..4]"]]

# code -> (how to make the workbook, where the diagnostic must be: "Sheet!A1", "Sheet", or "")
CASES: dict[str, tuple[Builder, str]] = {
    "FILE_UNREADABLE": (_file, ""),
    "NOT_XLSX": (_text, ""),
    "ENCRYPTED": (_encrypted, ""),
    "FILE_TOO_LARGE": (_too_large, ""),
    "ZIP_BOMB": (_bomb, ""),
    "XLSX_BROKEN": (_broken, ""),
    "SHEET_TOO_LARGE": (_big, "Data!A9"),
    "HIDDEN_SHEET": (_with_openpyxl(_hide_sheet), "Old"),
    "HIDDEN_ROW": (_with_openpyxl(_hide_row), "Pathway!A5"),
    "TEXT_CUT": (_with_openpyxl(_long_text), "Pathway!E5"),
    "HIDDEN_COLUMN": (_with_openpyxl(_hide_column), "Pathway!C3"),
    "MERGED_ACROSS_COLUMNS": (_with_openpyxl(_merge_across), "Pathway!D5"),
    "COLUMN_WITHOUT_HEADER": (
        _book(
            Pathway=_table(
                ["1", "true", "-", '"a"'],
                ["2", "false", "-", '"b"'],
                head=["Rule", "Input: progressed", None, "Output: pathway"],
            )
        ),
        "Pathway!C3",
    ),
    "UNKNOWN_KEYWORD": (_book(Pathway=[["Decison table", "pathway"], *TABLE[1:]]), "Pathway!A1"),
    "RULE_EMPTY": (_book(Pathway=[*TABLE, ["4"]]), "Pathway!A7"),
    "DASH_RANGE": (_book(Pathway=_table(["1", "true", "[0-1]", '"a"'])), "Pathway!C4"),
    "OUTPUT_UNKNOWN": (
        _book(
            Pathway=_table(
                ["1", "-", "-", '"a"', "1"],
                head=["Rule", "Input: progressed", "Input: ecog", "Output: pathway", "Output: n"],
            ),
            Derived=[["Expressions"], ["Name", "Expression"], ["x", "pathway.kind"]],
        ),
        "Derived!B3",
    ),
    "FORMULA_NO_VALUE": (_with_openpyxl(_formula), "Pathway!C5"),
    "CELL_ERROR": (_with_openpyxl(_error_value), "Pathway!C5"),
    "IGNORED_CELL": (
        _book(Pathway=[*TABLE, ["4", "true", "-", '"x"', "note", "stray"]]),
        "Pathway!F7",
    ),
    "NO_BLOCKS": (
        lambda tmp, _mp: write_workbook(tmp / "book.xlsx", {"Notes": [["just", "notes"]]}),
        "",
    ),
    "MODEL_MISSING": (
        lambda tmp, _mp: write_workbook(tmp / "book.xlsx", {"Inputs": INPUTS, "P": TABLE}),
        "",
    ),
    "DUPLICATE_BLOCK": (_book(Extra=MODEL), "Extra!A1"),
    "UNKNOWN_LABEL": (
        _book(Pathway=_table(["1", "-", "-", '"a"'], labels=[["Colour", "blue"]])),
        "Pathway!A2",
    ),
    "UNKNOWN_COLUMN": (
        _book(Inputs=[["Inputs"], ["Name", "Type", "Colour"], ["ecog", "integer", "red"]]),
        "Inputs!C2",
    ),
    "VALUE_MISSING": (_book(Model=[["Model"], ["Version", "1.0.0"]]), "Model!A1"),
    "ERROR_CODE_UNKNOWN": (
        _book(Tests=[["Tests"], ["Test", "Input: ecog", "Expected: errors"], ["R1", 7, "RANGE"]]),
        "Tests!C3",
    ),
    "REFUSAL_MISMATCH": (
        _book(
            Tests=[
                ["Tests"],
                ["Test", "Input: ecog", "Expected: errors"],
                ["R1", 1, "MISSING_REQUIRED_FIELD ecog"],
            ]
        ),
        "Tests!C3",
    ),
    "VALUE_INVALID": (_book(Model=[*MODEL[:3], ["Status", "finished"]]), "Model!B4"),
    "HEADER_MISSING": (
        _book(Pathway=[["Decision table", "pathway"], ["Hit policy", "Unique"]]),
        "Pathway!A1",
    ),
    "HEADER_UNKNOWN": (
        _book(
            Pathway=_table(
                ["1", "-", "-", '"a"'],
                head=["Rule", "Input: progressed", "ecog", "Output: pathway"],
            )
        ),
        "Pathway!C3",
    ),
    "COLUMN_MISSING": (
        _book(Derived=[["Expressions"], ["Name", "Formulae"], ["x", "1"]]),
        "Derived!B2",  # "Formulae" is read as the Expression column it misspells
    ),
    "NAME_INVALID": (_book(Inputs=[*INPUTS, ["2nd line", "number", "", "no"]]), "Inputs!A7"),
    "NAME_DUPLICATE": (
        _book(Derived=[["Expressions"], ["Name", "Expression"], ["ecog", "1"]]),
        "Derived!A3",
    ),
    "DECISION_DUPLICATE": (_book(Again=TABLE), "Again!B1"),
    "TYPE_UNKNOWN": (_book(Inputs=[*INPUTS, ["age", "numeric value", "", "no"]]), "Inputs!B7"),
    "FLAG_INVALID": (_book(Inputs=[*INPUTS, ["age", "number", "", "maybe"]]), "Inputs!D7"),
    "FEEL_SYNTAX": (_book(Pathway=_table(["1", "true", "[0..2", '"a"'])), "Pathway!C4"),
    "SMART_QUOTES": (_book(Pathway=_table(["1", "-", "-", "“bsc”"])), "Pathway!D4"),
    "UNDECLARED_NAME": (
        _book(
            Pathway=_table(
                ["1", "-", "-", '"a"'],
                head=["Rule", "Input: lvef_pct", "Input: ecog", "Output: pathway"],
            )
        ),
        "Pathway!B3",
    ),
    "DECIMAL_COMMA": (_book(Pathway=_table(["1", "true", "0,5", '"a"'])), "Pathway!C4"),
    "NOT_ALLOWED_VALUE": (_book(Pathway=_table(["1", "true", "7", '"a"'])), "Pathway!C4"),
    "WRONG_TYPE": (
        _book(Pathway=_table(["Type", "", "", "string"], ["1", "true", "1", "5"])),
        "Pathway!D5",
    ),
    "HIT_POLICY_UNKNOWN": (
        _book(Pathway=_table(["1", "-", "-", '"a"'], labels=[["Hit policy", "Unqiue"]])),
        "Pathway!B2",
    ),
    "HIT_POLICY_MISSING": (_book(Pathway=_table(["1", "-", "-", '"a"'], labels=[])), "Pathway!A1"),
    "HIT_POLICY_OUTPUTS": (
        _book(Pathway=_table(["1", "-", "-", '"a"'], labels=[["Hit policy", "Priority"]])),
        "Pathway!B2",
    ),
    "GUARD_SHAPE": (
        _book(
            Pathway=_table(
                ["1", "-", "-", '"a"'], labels=[["Hit policy", "Unique"], ["Role", "guard"]]
            )
        ),
        "Pathway!B2",
    ),
    "NO_OUTPUT": (
        _book(Pathway=_table(["1", "-", "-"], head=["Rule", "Input: progressed", "Input: ecog"])),
        "Pathway!A1",
    ),
    "NO_RULES": (_book(Pathway=_table()), "Pathway!A1"),
    "OUTPUT_EMPTY": (
        _book(
            Pathway=_table(
                ["1", "-", "-", None, None],
                ["2", "-", "-", None, None],
                head=[
                    "Rule",
                    "Input: progressed",
                    "Input: ecog",
                    "Output: pathway",
                    "Annotation: n",
                ],
            )
        ),
        "Pathway!D4",
    ),
    "DUPLICATE_ID": (
        _book(Pathway=_table(["1", "true", "-", '"a"'], ["1", "false", "-", '"b"'])),
        "Pathway!A5",
    ),
    "CYCLE": (
        _book(Derived=[["Expressions"], ["Name", "Expression"], ["a", "b + 1"], ["b", "a * 2"]]),
        "Derived!A3",
    ),
    "PARAMETERS_MISSING": (_book(Fit=_KNOWLEDGE), "Fit!A1"),
    "UNUSED_PARAMETER": (
        _book(Fit=[_KNOWLEDGE[0], ["Parameters", "ecog, spare"], *_KNOWLEDGE[1:]]),
        "Fit!B2",
    ),
    "TEST_NO_EXPECTED": (
        _book(Tests=[["Tests"], ["Test", "Input: ecog", "Expected: pathway"], ["t1", 1, None]]),
        "Tests!A3",
    ),
    "CITATION_UNKNOWN": (
        _book(
            Pathway=_table(
                ["1", "-", "-", '"a"', "XYZ"],
                head=[
                    "Rule",
                    "Input: progressed",
                    "Input: ecog",
                    "Output: pathway",
                    "Annotation: citation",
                ],
            ),
            Refs=[["References"], ["Code", "Citation"], ["ABC", "a source"]],
        ),
        "Pathway!E4",
    ),
    "MORE_PROBLEMS": (_book(Many=_MANY), "Many"),
    "TYPE_COMPONENTS": (
        _book(Types=[*_TYPES, ["grade.level", "number"]]),
        "Types!A4",
    ),
    "TYPE_CYCLE": (
        _book(Types=[*_TYPES, ["a", "list of b"], ["b", "structure"], ["b.next", "a"]]),
        "Types!A4",
    ),
    "TYPE_ALLOWED_VALUES": (
        _book(Types=[*_TYPES, ["level", "number", "low, high"]]),
        "Types!C4",
    ),
    "DMN_INVALID": (_dmn_invalid, ""),
    "INTERNAL_ERROR": (_internal, ""),
}

# Codes tested elsewhere, by the test that makes them.
ELSEWHERE = {
    "DUPLICATE_MODEL": "tests/cli/test_sheets_cli.py::test_two_workbooks_with_one_model_version_a"
    "re_refused",
    "NOT_EXPORTABLE": "tests/sheets/test_sheets_export.py::test_foreign_parts_are_reported",
    "VERSION_ALREADY_PUBLISHED": "tests/cli/test_sheets_cli.py::test_a_published_version_is_never_"
    "overwritten",
    "EXPORTED_AS_TEXT": "tests/sheets/test_sheets_export.py::test_foreign_parts_are_reported",
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported_at_its_cell(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, where = CASES[code]
    result = compile_workbook(build(tmp_path, monkeypatch))
    found = at(result, code)
    assert found, f"{code} not reported; got {[format_diagnostic(d) for d in result.diagnostics]}"
    if where:
        assert where in found, f"{code} at {found}, expected {where}"
    assert all(str(d.file).endswith(".xlsx") for d in result.diagnostics)


def _codes_in_source() -> set[str]:
    text = (REPO / "service" / "sheets" / "diagnostics.py").read_text(encoding="utf-8")
    return set(re.findall(r'"([A-Z][A-Z_]{3,})"', text)) - {"FEEL"}


def test_every_code_has_a_test() -> None:
    missing = _codes_in_source() - set(CASES) - set(ELSEWHERE)
    assert not missing, f"codes without a test: {sorted(missing)}"


def test_every_code_is_documented() -> None:
    doc = (REPO / "docs" / "spreadsheet-format.md").read_text(encoding="utf-8")
    missing = sorted(code for code in _codes_in_source() if f"`{code}`" not in doc)
    assert not missing, f"codes missing from docs/spreadsheet-format.md: {missing}"


def test_errors_never_produce_dmn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = compile_workbook(CASES["FEEL_SYNTAX"][0](tmp_path, monkeypatch))
    assert not result.ok and result.dmn is None and result.tests is None


def test_a_label_and_its_value_in_one_cell(tmp_path: Path) -> None:
    table = _table(
        ["1", "true", "-", '"a"'], ["2", "true", "-", '"b"'], labels=[["Hit policy: Collect"]]
    )
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", base_sheets(Pathway=table)))
    assert result.ok and result.diagnostics == []
    assert result.definitions is not None
    assert result.definitions.decisions[0].expression.hit_policy == "COLLECT"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("entry", "hint"),
    [
        ("yes", "for yes or no write true or false (without quotes)"),
        ("Ecog", "did you mean 'ecog'?"),
    ],
)
def test_hints_for_words_that_are_not_names(tmp_path: Path, entry: str, hint: str) -> None:
    table = _table(["1", entry, "-", '"a"'])
    result = compile_workbook(write_workbook(tmp_path / "book.xlsx", base_sheets(Pathway=table)))
    assert [d.hint for d in result.diagnostics if d.code == "UNDECLARED_NAME"] == [hint]
