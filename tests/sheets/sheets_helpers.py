"""Builders for the workbook tests: workbooks from rows, raw .xlsx parts, the TCK location."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from service.sheets.compiler import Compilation, compile_workbook

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

Rows = Sequence[Sequence[Any]]

MODEL: list[list[Any]] = [["Model"], ["Id", "demo"], ["Version", "1.0.0"], ["Status", "draft"]]
INPUTS: list[list[Any]] = [
    ["Inputs"],
    ["Name", "Type", "Allowed values", "Required"],
    ["ecog", "integer", "[0..4]", "yes"],
    ["her2", "string", "positive, negative", "yes"],
    ["progressed", "boolean", "", "yes"],
    ["lvef", "number", "[5..90]", "no"],
]
TABLE: list[list[Any]] = [
    ["Decision table", "pathway"],
    ["Hit policy", "Unique"],
    ["Rule", "Input: progressed", "Input: ecog", "Output: pathway", "Annotation: why"],
    ["1", "false", "-", '"confirm"', "confirm progression first"],
    ["2", "true", ">= 3", '"bsc"', "poor performance status"],
    ["3", "true", "[0..2]", '"systemic"', "fit"],
]


def write_workbook(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """An .xlsx at ``path`` with one sheet per entry, filled row by row from A1."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def base_sheets(**replace: Rows) -> dict[str, Rows]:
    """A small clean model (Model, Inputs, one table) with some sheets replaced or added."""
    sheets: dict[str, Rows] = {"Model": MODEL, "Inputs": INPUTS, "Pathway": TABLE}
    sheets.update(replace)
    return sheets


def compile_rows(
    tmp_path: Path, sheets: Mapping[str, Rows], name: str = "book.xlsx"
) -> Compilation:
    """Write ``sheets`` as a workbook in ``tmp_path`` and compile it."""
    return compile_workbook(write_workbook(tmp_path / name, sheets))


def codes(result: Compilation) -> set[str]:
    """The diagnostic codes of a compilation."""
    return {d.code for d in result.diagnostics}


def at(result: Compilation, code: str) -> list[str]:
    """The cells (``Sheet!A1``) of the diagnostics with ``code``."""
    return [
        f"{d.sheet}!{d.cell}" if d.cell else str(d.sheet)
        for d in result.diagnostics
        if d.code == code
    ]


def raw_xlsx(path: Path, parts: Mapping[str, str | bytes]) -> Path:
    """A zip with exactly ``parts`` (for files no spreadsheet program would write)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types '
    'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def minimal_parts(
    sheet_xml: str,
    main_ns: str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The parts of a one-sheet workbook without styles or shared texts (as small writers do)."""
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": f'<workbook xmlns="{main_ns}" xmlns:r="{rel_ns}"><sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": "<Relationships "
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main_ns}"><sheetData>{sheet_xml}'
        "</sheetData></worksheet>",
    }
    parts.update(extra or {})
    return parts


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_copy(source: Path, folder: Path) -> Path:
    """``source`` opened and saved again as .xlsx by LibreOffice (headless)."""
    command = soffice()
    assert command is not None
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    subprocess.run(
        [
            command,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (source.stem + ".xlsx")


def tck_location() -> Path:
    """The DMN TCK: env TABLERX_TCK_DIR, else ../shared/tck relative to the repository."""
    configured = os.environ.get("TABLERX_TCK_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "tck"
