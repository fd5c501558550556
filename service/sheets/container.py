"""A workbook file path in, its checked zip archive out (or the reason it cannot be read).

Checks run before any XML is parsed, so a hostile or wrong file costs little: the file size,
the first bytes (an encrypted or old binary Office file, an OpenDocument or text file), the
zip directory (part count, unpacked sizes and compression ratios, against zip bombs), and
the parts every workbook has. Reading a part is capped at the size the zip directory
declares, which the ratio check has already bounded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TOTAL_UNPACKED = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
# A part that unpacks to more than this is suspicious when its compression ratio is extreme.
SUSPICIOUS_MEMBER_BYTES = 16 * 1024 * 1024
MAX_RATIO = 100

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class WorkbookError(Exception):
    """The file cannot be read as a workbook; ``diagnostic`` says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def open_archive(path: Path) -> zipfile.ZipFile:
    """The workbook's zip archive, after every check; raises :class:`WorkbookError`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(diag.file_not_found(exc.strerror or str(exc))) from None
    if path.is_dir():
        raise WorkbookError(diag.file_not_found("it is a folder"))
    if size > MAX_FILE_BYTES:
        raise WorkbookError(diag.file_too_large(size, MAX_FILE_BYTES))
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(_OLE_MAGIC):
                raise WorkbookError(_ole_diagnostic(handle.read()))
    except OSError as exc:
        raise WorkbookError(diag.file_not_found(exc.strerror or str(exc))) from None
    if not head.startswith(b"PK"):
        raise WorkbookError(diag.not_xlsx(_describe(path, head)))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(diag.not_xlsx(f"a damaged zip file ({exc})")) from None
    try:
        check_members(archive)
    except WorkbookError:
        archive.close()
        raise
    return archive


def _ole_diagnostic(rest: bytes) -> Diagnostic:
    # Office stores a password-protected .xlsx inside an OLE container with an
    # "EncryptedPackage" stream; any other OLE file is an old binary .xls (or .doc).
    if _ENCRYPTED_STREAM in rest:
        return diag.encrypted()
    return diag.not_xlsx("an old binary Excel file (.xls)")


def _describe(path: Path, head: bytes) -> str:
    lowered = head.lower()
    if path.suffix.lower() == ".csv" or (
        head and all(32 <= b < 127 or b in b"\t\r\n" for b in head)
    ):
        if lowered.startswith((b"<html", b"<!doc", b"<?xml")):
            return "a web page or XML file"
        return "a text file (perhaps CSV)"
    if not head:
        return "an empty file"
    return "its content is not a spreadsheet"


def check_members(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs and archives that are not workbooks."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookError(diag.zip_bomb(f"{len(members)} parts", 0, 0))
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > SUSPICIOUS_MEMBER_BYTES and ratio > MAX_RATIO:
            raise WorkbookError(diag.zip_bomb(info.filename, info.file_size, info.compress_size))
        if total > MAX_TOTAL_UNPACKED:
            raise WorkbookError(diag.zip_bomb(info.filename, total, info.compress_size))
    names = {info.filename for info in members}
    if "mimetype" in names and any(n == "content.xml" for n in names):
        raise WorkbookError(diag.not_xlsx("an OpenDocument spreadsheet (.ods)"))
    if not any(n.lower() == "[content_types].xml" for n in names):
        raise WorkbookError(diag.not_xlsx("a zip archive that is not an Office file"))
    if not any(n.lower().endswith("workbook.xml") for n in names):
        raise WorkbookError(
            diag.not_xlsx("an Office file that is not a spreadsheet (.docx or .pptx?)")
        )
    if any(info.flag_bits & 0x1 for info in members):
        raise WorkbookError(diag.encrypted())


def member_name(archive: zipfile.ZipFile, wanted: str) -> str | None:
    """The archive's spelling of part ``wanted`` (zip names are case-sensitive, Office's not)."""
    lowered = wanted.lstrip("/").lower()
    for name in archive.namelist():
        if name.lower() == lowered:
            return name
    return None
