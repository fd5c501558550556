"""service.tck.runner and report on a small TCK-format tree, with a fake engine."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from tck_fake import case, fake_load_files, write_folder, write_tree

from service.tck import report, runner
from service.tck.reader import ResultNode, TestCase


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "tck")


def _by_key(results: list[runner.CaseResult]) -> dict[str, runner.CaseResult]:
    return {f"{r.folder}/{r.case_id}": r for r in results}


def test_run_tree_statuses(tree: Path) -> None:
    results = _by_key(runner.run_tree(tree, loader=fake_load_files))
    assert {key: r.status for key, r in results.items()} == {
        "0001-basic/001": "SUCCESS",
        "0001-basic/002": "SUCCESS",
        "0001-basic/003": "FAILURE",
        "0002-more/001": "ERROR",
        "0002-more/002": "SUCCESS",
        "0002-more/003": "SUCCESS",
        "0002-more/004": "SUCCESS",
        "0002-more/005": "FAILURE",
        "0003-broken/001": "ERROR",
    }


@pytest.mark.parametrize(
    ("key", "detail"),
    [
        ("0001-basic/003", "double: expected number 5, got number 4"),
        ("0002-more/001", "evaluating: RuntimeError: kaboom"),
        ("0002-more/005", "nothing: no result for it"),
        ("0003-broken/001", "loading models: ValueError: 0003-broken.dmn: not a DMN file"),
    ],
)
def test_details(tree: Path, key: str, detail: str) -> None:
    result = _by_key(runner.run_tree(tree, loader=fake_load_files))[key]
    assert result.detail.startswith(detail)


def test_levels_files_and_non_null(tree: Path) -> None:
    results = _by_key(runner.run_tree(tree, loader=fake_load_files))
    first, null_case = results["0001-basic/001"], results["0002-more/002"]
    assert (first.level, first.test_file, first.expects_non_null) == (
        2, "0001-basic-test-01.xml", True,
    )  # fmt: skip
    assert (null_case.level, null_case.expects_non_null) == (3, False)
    assert first.key == "0001-basic/0001-basic-test-01.xml/001"


def test_folders_filter_and_skips(tree: Path) -> None:
    results = runner.run_tree(
        tree, ["0002-more"], skips={"0002-more/001": "calls Java"}, loader=fake_load_files
    )
    assert {r.folder for r in results} == {"0002-more"}
    skipped = _by_key(results)["0002-more/001"]
    assert (skipped.status, skipped.detail) == ("SKIPPED", "calls Java")


def test_run_folder_without_level(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, None, "models", case("a", "echo", "1", "1"))
    [result] = runner.run_folder(folder, loader=fake_load_files)
    assert (result.level, result.status) == (None, "SUCCESS")


def test_timeout_interrupts_a_case(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, 3, "0009-slow", case("001", "slow", "1", "1"))
    [result] = runner.run_folder(folder, timeout=0.2, loader=fake_load_files)
    assert (result.status, result.detail) == ("ERROR", "timed out after 0.2s")


def test_the_evaluation_budget_stops_a_case(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, 3, "0009-slow", case("001", "budget", "1", "1"))
    [result] = runner.run_folder(folder, timeout=0.2, loader=fake_load_files)
    assert (result.status, result.detail) == ("ERROR", "timed out after 0.2s")


def test_time_limit_restores_the_alarm() -> None:
    with runner.time_limit(5):
        pass
    time.sleep(0.01)  # no alarm left behind to fire later


def test_missing_model_is_an_error_per_case(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, 2, "0005-x", case("001", "echo", "1", "1"))
    (folder / "0005-x.dmn").rename(folder / "other.dmn")
    [result] = runner.run_folder(folder, loader=fake_load_files)
    assert result.status == "ERROR"
    assert result.detail.startswith("finding model: no loaded model for '0005-x.dmn'")


def test_unreadable_test_file_is_reported(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, 2, "0006-x", case("001", "echo", "1", "1"))
    (folder / "0006-x-test-02.xml").write_text("<broken", encoding="utf-8")
    results = runner.run_folder(folder, loader=fake_load_files)
    assert [(r.test_file, r.case_id, r.status) for r in results] == [
        ("0006-x-test-02.xml", "(file)", "ERROR"),
        ("0006-x-test-01.xml", "001", "SUCCESS"),
    ]


@pytest.mark.parametrize(
    ("values", "errors", "status", "detail"),
    [
        ({"d": None}, ["E1: boom"], "SUCCESS", ""),
        ({"d": None}, [], "SUCCESS", "d: null as expected, but no error was reported"),
        (
            {"d": Decimal(1)},
            ["E1"],
            "FAILURE",
            "d: expected null, got number 1 [engine: E1]",
        ),
        ({}, [], "FAILURE", "d: no result for it (got [])"),
    ],
)
def test_check_results_error_result(
    values: dict[str, object], errors: list[str], status: str, detail: str
) -> None:
    test_case = TestCase(id="1", results=[ResultNode(name="d", expected=None, error_result=True)])
    result = SimpleNamespace(values=values, errors=errors)
    assert runner.check_results(test_case, result) == (status, detail)


@pytest.mark.parametrize(
    ("extra", "status", "detail"),
    [
        ('type="decisionService"', "ERROR", "decisionService case without invocableName"),
        ('type="bkm" invocableName="f"', "ERROR", "testCase type 'bkm' is not supported"),
    ],
)
def test_case_types(tmp_path: Path, extra: str, status: str, detail: str) -> None:
    folder = write_folder(tmp_path, 3, "0007-x", case("001", "echo", "1", "1", extra))
    [result] = runner.run_folder(folder, loader=fake_load_files)
    assert (result.status, result.detail) == (status, detail)


def test_case_inputs_qualify_imported_names() -> None:
    from service.tck.reader import InputNode

    model = SimpleNamespace(definitions=SimpleNamespace(namespace="urn:main"))
    test_case = TestCase(
        id="1",
        inputs=[InputNode("a", 1, None), InputNode("b", 2, "urn:main"), InputNode("c", 3, "urn:x")],
    )
    assert runner.case_inputs(model, test_case) == {"a": 1, "b": 2, "{urn:x}c": 3}


@pytest.mark.parametrize(
    ("path", "level"),
    [
        ("TestCases/compliance-level-2/0001-x", 2),
        ("compliance-level-3/0001-x", 3),
        ("models/0001-x", None),
    ],
)
def test_level_of(tmp_path: Path, path: str, level: int | None) -> None:
    assert runner.level_of(tmp_path / path) == level


# --- report ---------------------------------------------------------------------------------


def test_summary_lines(tree: Path) -> None:
    results = runner.run_tree(tree, skips={"0002-more/004": "why"}, loader=fake_load_files)
    assert report.summary_lines(results) == [
        "level 2: 2/3 passed (1 failed, 0 errors, 0 skipped)",
        "level 2 non-null expected: 2/3 passed",
        "level 3: 2/6 passed (1 failed, 2 errors, 1 skipped)",
        "level 3 non-null expected: 1/5 passed",
    ]


def test_failure_lines(tree: Path) -> None:
    lines = report.failure_lines(runner.run_tree(tree, ["0001-basic"], loader=fake_load_files))
    assert lines == [
        "FAILURE 0001-basic/0001-basic-test-01.xml/003: double: expected number 5, got number 4"
    ]


def test_write_csv(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    report.write_csv(runner.run_tree(tree, ["0002-more"], loader=fake_load_files), out)
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == (
        '"0002-more","0002-more-test-01.xml","001","ERROR","evaluating: RuntimeError: kaboom"'
    )


def test_read_lines_keeps_hashes_inside_lines(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("# comment\n\n  a/b.xml/case #1  \n", encoding="utf-8")
    assert report.read_lines(path) == ["a/b.xml/case #1"]


def test_write_passing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "passing.txt"
    count = report.write_passing(runner.run_tree(tree, loader=fake_load_files), out)
    assert count == 5
    assert report.read_lines(out) == [
        "0001-basic/0001-basic-test-01.xml/001",
        "0001-basic/0001-basic-test-01.xml/002",
        "0002-more/0002-more-test-01.xml/002",
        "0002-more/0002-more-test-01.xml/003",
        "0002-more/0002-more-test-01.xml/004",
    ]


@pytest.mark.parametrize(
    ("text", "skips"),
    [
        ("# header\n\na/1  # calls Java\n", {"a/1": "calls Java"}),
        ("a/1 # one # two\n", {"a/1": "one # two"}),
        (
            "1130-feel-interval/met by   #  spaces in ids\n",
            {"1130-feel-interval/met by": "spaces in ids"},
        ),
    ],
)
def test_read_skips(tmp_path: Path, text: str, skips: dict[str, str]) -> None:
    path = tmp_path / "skips.txt"
    path.write_text(text, encoding="utf-8")
    assert report.read_skips(path) == skips


@pytest.mark.parametrize("text", ["a/1\n", "a1  # reason\n", "a/1  #   \n", "a/1# reason\n"])
def test_read_skips_needs_folder_and_reason(tmp_path: Path, text: str) -> None:
    path = tmp_path / "skips.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"skips\.txt:1: expected 'folder/case-id  \# reason'"):
        report.read_skips(path)
