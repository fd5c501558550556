"""Bad input files: each gives one clear diagnostic in bounded time and memory, no traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sheets_helpers import minimal_parts, raw_xlsx, write_workbook

from service.sheets.compiler import compile_workbook


def _code(path: Path) -> list[str]:
    result = compile_workbook(path)
    assert result.dmn is None
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"regimen,priority\nA,10\n", "a text file (perhaps CSV)"),
        (b"<html><body>table</body></html>", "a web page or XML file"),
        (b"", "an empty file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "an old binary Excel file (.xls)"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "its content is not a spreadsheet"),
    ],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    result = compile_workbook(path)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("NOT_XLSX", f"this is not an Excel workbook (.xlsx): {message}")
    ]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
            "an OpenDocument spreadsheet (.ods)",
        ),
        ({"readme.txt": "hello"}, "a zip archive that is not an Office file"),
        (
            {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"},
            "an Office file that is not a spreadsheet (.docx or .pptx?)",
        ),
    ],
)
def test_zips_that_are_not_workbooks(tmp_path: Path, parts: dict[str, str], message: str) -> None:
    result = compile_workbook(raw_xlsx(tmp_path / "book.xlsx", parts))
    assert [d.message for d in result.diagnostics] == [
        f"this is not an Excel workbook (.xlsx): {message}"
    ]


def test_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    assert _code(tmp_path) == ["FILE_UNREADABLE"]
    assert _code(tmp_path / "nope.xlsx") == ["FILE_UNREADABLE"]


def test_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le")
    )
    result = compile_workbook(path)
    assert [d.code for d in result.diagnostics] == ["ENCRYPTED"]
    assert "password" in result.diagnostics[0].message


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "bomb.xlsx", minimal_parts(""))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(48):
            member.write(b"\0" * (1 << 20))
    assert path.stat().st_size < 1_000_000
    assert _code(path) == ["ZIP_BOMB"]


def test_too_many_parts(tmp_path: Path) -> None:
    parts: dict[str, str | bytes] = dict(minimal_parts(""))
    parts.update({f"junk/{i}.xml": "" for i in range(10_001)})
    assert _code(raw_xlsx(tmp_path / "many.xlsx", parts)) == ["ZIP_BOMB"]


@pytest.mark.parametrize(
    "sheet_xml",
    [
        '<row r="1"><c r="A1"',
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    ],
)
def test_damaged_xml(tmp_path: Path, sheet_xml: str) -> None:
    assert _code(raw_xlsx(tmp_path / "broken.xlsx", minimal_parts(sheet_xml))) == ["XLSX_BROKEN"]


def test_workbook_without_sheets(tmp_path: Path) -> None:
    parts = minimal_parts("")
    parts["xl/workbook.xml"] = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    assert _code(raw_xlsx(tmp_path / "empty.xlsx", parts)) == ["XLSX_BROKEN"]


def _rows_xml(count: int) -> str:
    head = (
        '<row><c t="inlineStr"><is><t>Relation</t></is></c>'
        '<c t="inlineStr"><is><t>big</t></is></c></row>'
    )
    rows = "".join(
        f'<row><c><v>{i}</v></c><c t="inlineStr"><is><t>patient {i * 7919 % 100003}</t></is></c>'
        f"<c><v>{i * 0.37:.2f}</v></c></row>"
        for i in range(count)
    )
    return head + rows


@pytest.mark.slow
def test_a_sheet_of_200000_rows_stops_at_the_cap(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "big.xlsx", minimal_parts(_rows_xml(200_000)))
    result = compile_workbook(path)
    assert [(d.code, d.cell) for d in result.diagnostics if d.is_error] == [
        ("SHEET_TOO_LARGE", "A20001")
    ]


def test_columns_beyond_the_cap_are_reported_once(tmp_path: Path) -> None:
    wide = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Notes</t></is></c>'
        + "".join(f'<c r="{col}1"><v>1</v></c>' for col in ("TA", "TB", "TC"))
        + "</row>"
    )
    result = compile_workbook(raw_xlsx(tmp_path / "wide.xlsx", minimal_parts(wide)))
    assert [d.code for d in result.diagnostics].count("SHEET_TOO_LARGE") == 1


def test_an_ordinary_workbook_with_odd_parts_missing_still_compiles(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "ok.xlsx", {"S": [["Model"], ["Id", "ok"], ["Version", 1]]})
    result = compile_workbook(path)
    assert result.ok and result.dmn is not None
    assert [d.code for d in result.diagnostics] == [
        "VALUE_INVALID"
    ]  # the version typed as a number
