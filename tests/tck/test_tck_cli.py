"""``tablerx tck``: options, output, files written and exit status (with a fake engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tck_fake import fake_load_files, write_tree

from service.cli import main
from service.tck import report, runner


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(runner, "_engine_loader", lambda: fake_load_files)
    return write_tree(tmp_path / "tck")


def test_prints_counts_per_level(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tck", str(tree)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "level 2: 2/3 passed (1 failed, 0 errors, 0 skipped)",
        "level 2 non-null expected: 2/3 passed",
        "level 3: 3/6 passed (1 failed, 2 errors, 0 skipped)",
        "level 3 non-null expected: 2/5 passed",
    ]


def test_failures_and_slowest(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tck", str(tree), "--failures", "--slowest", "2", "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        "FAILURE 0001-basic/0001-basic-test-01.xml/003: double: expected number 5, got number 4"
        in out
    )
    assert sum(1 for line in out if line.startswith("ERROR ")) == 2
    assert sum(1 for line in out if re.fullmatch(r" *\d+\.\d{3}s \S+/\S+/\S+", line)) == 2


def test_folders_file(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folders = tmp_path / "folders.txt"
    folders.write_text("# only one\n0001-basic\n", encoding="utf-8")
    assert main(["tck", str(tree), "--folders", str(folders), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "level 2: 2/3 passed (1 failed, 0 errors, 0 skipped)"
    )


def test_csv(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    assert main(["tck", str(tree), "--csv", str(out), "-q"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9
    assert lines[0] == '"0001-basic","0001-basic-test-01.xml","001","SUCCESS",""'


def test_write_passing_uses_the_skips_beside_it(tree: Path, tmp_path: Path) -> None:
    ratchet = tmp_path / "ratchet"
    ratchet.mkdir()
    (ratchet / "skips.txt").write_text("0002-more/004  # not attempted\n", encoding="utf-8")
    passing = ratchet / "passing.txt"
    assert main(["tck", str(tree), "--write-passing", str(passing), "-q"]) == 0
    keys = report.read_lines(passing)
    assert len(keys) == 4 and "0002-more/0002-more-test-01.xml/004" not in keys


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tck", "{tmp}/nowhere"], "no such directory"),
        (["tck", "{tree}", "--folders", "{tmp}/missing.txt"], "missing.txt"),
        (["tck", "{tree}", "--skips", "{tmp}/bad-skips.txt"], "expected 'folder/case-id"),
        (["tck", "{tree}", "--csv", "{tmp}/no/such/dir/out.csv"], "out.csv"),
    ],
)
def test_bad_usage_exits_2(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "bad-skips.txt").write_text("no reason\n", encoding="utf-8")
    argv = [arg.format(tmp=tmp_path, tree=tree) for arg in args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_argument_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["tck"])
    assert caught.value.code == 2


def test_notes(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = [
        runner.CaseResult(
            3,
            "f",
            "f-test-01.xml",
            "1",
            "SUCCESS",
            "d: null as expected, but no error was reported",
        ),
        runner.CaseResult(3, "f", "f-test-01.xml", "2", "SUCCESS", ""),
    ]
    monkeypatch.setattr(runner, "run_tree", lambda *args, **kwargs: results)
    assert main(["tck", str(tree), "--notes", "-q"]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("NOTE")]
    assert notes == ["NOTE f/f-test-01.xml/1: d: null as expected, but no error was reported"]
