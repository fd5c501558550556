"""``tablerx compile|check|new|export``: exit statuses, messages, files written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from service.cli import main
from service.cli import versions as cli_versions

REPO = Path(__file__).resolve().parents[2]
STARTER = REPO / "docs" / "examples" / "starter.xlsx"
MISTAKES = REPO / "tests" / "sheets" / "golden" / "mistakes.xlsx"
LINE = re.compile(
    r"^(?P<file>[^:]+): '(?P<sheet>[^']+)'!(?P<cell>[A-Z]+\d+): (?P<severity>error|warning) "
    r"(?P<code>[A-Z_]+): (?P<message>.+)$"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; (status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_new_then_check_then_compile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TABLERX_DECISIONS", "decisions")  # compile's default folder
    assert run(capsys, "new", "model.xlsx")[0] == 0
    status, _, err = run(capsys, "check", "model.xlsx")
    assert status == 0 and err.strip().endswith("0 errors, 0 warnings in 1 workbook")
    status, out, _ = run(capsys, "compile", "model.xlsx")
    assert status == 0
    written = sorted(
        p.relative_to(tmp_path).as_posix()
        for p in (tmp_path / "decisions").rglob("*")
        if p.is_file()
    )
    assert written == [
        "decisions/her2-second-line-starter/0.1.0.dmn",
        "decisions/her2-second-line-starter/0.1.0.tests.xml",
    ]
    assert "wrote decisions/her2-second-line-starter/0.1.0.dmn" in out


def test_new_does_not_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "model.xlsx"
    target.write_text("mine")
    assert run(capsys, "new", str(target))[0] == 2
    assert target.read_text() == "mine"
    assert run(capsys, "new", str(target), "--force")[0] == 0


def test_check_reports_every_problem_with_cell_and_caret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "check", str(MISTAKES))
    assert status == 1 and out == ""
    heads = [LINE.match(line) for line in err.splitlines() if line.startswith(str(MISTAKES))]
    found = [(m.group("sheet"), m.group("cell"), m.group("code")) for m in heads if m]
    assert ("T2 Pathway", "B5", "FEEL_SYNTAX") in found
    assert ("T2 Pathway", "C6", "UNDECLARED_NAME") in found
    assert ("Copy", "B1", "DECISION_DUPLICATE") in found
    assert ("Derived", "A3", "CYCLE") in found
    assert len(found) >= 15
    lines = err.splitlines()
    syntax = next(i for i, line in enumerate(lines) if "'T2 Pathway'!B5" in line)
    assert lines[syntax + 1 : syntax + 3] == ["    [0..1", "         ^"]
    assert "Traceback" not in err


def test_one_broken_output_cell_is_the_one_problem_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The usability test's case: the Tests sheet, never touched, must stay quiet.
    workbook = openpyxl.load_workbook(STARTER)
    workbook["Pathway"]["D11"] = '"systemic_limited'
    broken = tmp_path / "broken.xlsx"
    workbook.save(broken)
    status, _, err = run(capsys, "check", str(broken))
    heads = [m for line in err.splitlines() if (m := LINE.match(line))]
    assert status == 1
    assert [(m.group("sheet"), m.group("cell"), m.group("code")) for m in heads] == [
        ("Pathway", "D11", "FEEL_SYNTAX")
    ]
    assert err.strip().endswith("1 error, 0 warnings in 1 workbook")


def test_check_annotate_marks_the_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "marked.xlsx"
    status, out, _ = run(capsys, "check", str(MISTAKES), "--annotate", str(out_path))
    assert status == 1 and "cells marked" in out
    sheet = openpyxl.load_workbook(out_path)["T2 Pathway"]
    assert "FEEL_SYNTAX" in sheet["B5"].comment.text
    assert sheet["B5"].fill.start_color.rgb == "FFF4B6B6"
    assert sheet["A1"].comment is None


def test_annotate_needs_one_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "check", str(STARTER), str(MISTAKES), "--annotate", str(tmp_path / "x.xlsx")
    )
    assert status == 2 and "exactly one workbook" in err


def test_compile_with_errors_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "compile", str(MISTAKES), "--out", str(tmp_path / "out"))
    assert status == 1 and out == "" and not (tmp_path / "out").exists()


def test_compile_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books = tmp_path / "spreadsheets"
    books.mkdir()
    shutil.copy(STARTER, books / "a.xlsx")
    (books / "~$a.xlsx").write_text("office lock file")
    status, out, err = run(capsys, "compile", str(books), "--out", str(tmp_path / "decisions"))
    assert status == 0, err
    assert out.count("wrote") == 2


def test_two_workbooks_with_one_model_version_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(STARTER, tmp_path / "a.xlsx")
    shutil.copy(STARTER, tmp_path / "b.xlsx")
    status, out, err = run(
        capsys,
        "compile",
        str(tmp_path / "a.xlsx"),
        str(tmp_path / "b.xlsx"),
        "--out",
        str(tmp_path / "decisions"),
    )
    assert status == 1 and out == ""
    assert err.count("error DUPLICATE_MODEL") == 2


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"name,ecog\nx,1\n", "NOT_XLSX"), (b"", "NOT_XLSX"), (b"PK\x03\x04broken", "NOT_XLSX")],
)
def test_bad_files_give_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    status, _, err = run(capsys, "check", str(path))
    assert status == 1 and f"{path}: error {code}: " in err and "Traceback" not in err


def test_export_then_compile_gives_the_same_dmn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "compile", str(STARTER), "--out", str(tmp_path / "one"))[0] == 0
    dmn = tmp_path / "one" / "her2-second-line-starter" / "0.1.0.dmn"
    status, out, _ = run(capsys, "export", str(dmn), str(tmp_path / "starter.xlsx"))
    assert status == 0 and "wrote" in out
    assert (
        run(capsys, "compile", str(tmp_path / "starter.xlsx"), "--out", str(tmp_path / "two"))[0]
        == 0
    )
    assert (
        tmp_path / "two" / "her2-second-line-starter" / "0.1.0.dmn"
    ).read_bytes() == dmn.read_bytes()


def test_export_of_an_unreadable_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.dmn").write_text("not xml")
    status, _, err = run(capsys, "export", str(tmp_path / "x.dmn"), str(tmp_path / "x.xlsx"))
    assert status == 1 and "error DMN_UNREADABLE" in err


def _edited_starter(tmp_path: Path, version: str | None = None, drop_tests: bool = False) -> Path:
    """A copy of the starter with one rule's output changed (and its version, tests)."""
    workbook = openpyxl.load_workbook(STARTER)
    workbook["Pathway"]["D10"] = '"systemic_full"'
    if version is not None:
        workbook["Model"]["B8"] = version
    if drop_tests:
        del workbook["Tests"]
    path = tmp_path / "edited" / "starter.xlsx"
    path.parent.mkdir(exist_ok=True)
    workbook.save(path)
    return path


def test_a_published_version_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions"
    assert run(capsys, "compile", str(STARTER), "--out", str(out))[0] == 0
    folder = out / "her2-second-line-starter"
    published = {p.name: p.read_bytes() for p in folder.iterdir()}
    edited = _edited_starter(tmp_path)
    status, stdout, err = run(capsys, "compile", str(edited), "--out", str(out))
    assert status == 1 and stdout == "" and "Traceback" not in err
    heads = [LINE.match(line) for line in err.splitlines()]
    found = [
        (m.group("file"), m.group("sheet"), m.group("cell"), m.group("code")) for m in heads if m
    ]
    assert found == [(str(edited), "Model", "B8", "VERSION_ALREADY_PUBLISHED")]
    assert "new version number (e.g. 0.1.1)" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published


def test_the_same_content_compiles_again_and_a_new_version_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions"
    assert run(capsys, "compile", str(STARTER), "--out", str(out))[0] == 0
    first = (out / "her2-second-line-starter" / "0.1.0.dmn").read_bytes()
    status, stdout, err = run(capsys, "compile", str(STARTER), "--out", str(out))
    assert status == 0 and "VERSION_ALREADY_PUBLISHED" not in err
    assert stdout.startswith("unchanged ") and "wrote" not in stdout
    assert (out / "her2-second-line-starter" / "0.1.0.dmn").read_bytes() == first
    edited = _edited_starter(tmp_path, version="0.1.1")
    assert run(capsys, "compile", str(edited), "--out", str(out))[0] == 0
    assert (out / "her2-second-line-starter" / "0.1.1.dmn").read_bytes() != first


def test_compile_writes_where_the_other_commands_read_from_any_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "decisions").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.delenv("TABLERX_DECISIONS", raising=False)
    monkeypatch.setattr(cli_versions, "REPO_ROOT", checkout)
    monkeypatch.chdir(elsewhere)
    status, out, _ = run(capsys, "compile", str(STARTER))
    assert status == 0
    assert (checkout / "decisions" / "her2-second-line-starter" / "0.1.0.dmn").is_file()
    assert not (elsewhere / "decisions").exists()
    assert str(checkout / "decisions") in out
    status, listing, _ = run(capsys, "versions")
    assert status == 0 and "her2-second-line-starter" in listing and "0.1.0" in listing


def test_compile_help_names_its_default_folder(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compile", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "TABLERX_DECISIONS" in text and "decisions/ of the checkout" in text


def test_the_same_workbook_under_another_name_is_the_same_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions"
    assert run(capsys, "compile", str(STARTER), "--out", str(out))[0] == 0
    folder = out / "her2-second-line-starter"
    published = {p.name: p.read_bytes() for p in folder.iterdir()}
    renamed = tmp_path / "Downloads" / "starter (1).xlsx"
    renamed.parent.mkdir()
    shutil.copy(STARTER, renamed)
    status, stdout, err = run(capsys, "compile", str(renamed), "--out", str(out))
    assert status == 0 and "VERSION_ALREADY_PUBLISHED" not in err
    assert stdout.startswith("unchanged ") and "wrote" not in stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published
    edited = _edited_starter(tmp_path)  # another name AND another rule: still refused
    edited = edited.rename(edited.with_name("starter (2).xlsx"))
    status, _, err = run(capsys, "compile", str(edited), "--out", str(out))
    assert status == 1 and "VERSION_ALREADY_PUBLISHED" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published


def test_dropping_the_tests_of_a_published_version_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions"
    assert run(capsys, "compile", str(STARTER), "--out", str(out))[0] == 0
    tests = out / "her2-second-line-starter" / "0.1.0.tests.xml"
    workbook = openpyxl.load_workbook(STARTER)
    del workbook["Tests"]
    workbook.save(tmp_path / "starter.xlsx")
    status, _, err = run(capsys, "compile", str(tmp_path / "starter.xlsx"), "--out", str(out))
    assert status == 1 and "error VERSION_ALREADY_PUBLISHED" in err and tests.exists()
    edited = _edited_starter(tmp_path, version="0.2.0", drop_tests=True)
    assert run(capsys, "compile", str(edited), "--out", str(out))[0] == 0
    assert not (out / "her2-second-line-starter" / "0.2.0.tests.xml").exists()


def test_a_password_protected_workbook_gets_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "plain.xlsx"
    shutil.copy(STARTER, plain)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    status, stdout, err = run(capsys, "check", str(locked))
    assert status == 1 and stdout == "" and "Traceback" not in err
    assert err.splitlines()[0] == (
        f"{locked}: error ENCRYPTED: this workbook is protected with a password, so tablerx "
        "cannot read it"
    )


def _options() -> list[tuple[str, str]]:
    import argparse

    from service.cli import build_parser

    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [
        (command, option)
        for command in ("compile", "check", "new", "export")
        for a in action.choices[command]._actions
        for option in a.option_strings
        if option not in ("-h", "--help")
    ]


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_option_is_documented(command: str, option: str) -> None:
    doc = (REPO / "docs" / "spreadsheet-format.md").read_text(encoding="utf-8")
    assert f"tablerx {command}" in doc and option in doc
