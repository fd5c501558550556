"""``tablerx submit | approve | retire | diff | test | versions`` over a decisions folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from service.cli import COMMAND_MODULES, build_parser, main
from service.store.releases import CODES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))  # the shared test model
import release_models as rm

MODEL = rm.MODEL_ID


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "decisions"
    rm.publish(folder, rm.pathway("1.0.0"))
    rm.publish(folder, rm.pathway("1.1.0", lvef_threshold=">= 40"))
    return folder


RESTART = "a running `tablerx serve` reads releases.json only when it starts: restart it"
DOC = (Path(__file__).resolve().parents[2] / "docs" / "versions.md").read_text(encoding="utf-8")
COMMANDS = ("submit", "approve", "retire", "diff", "test", "versions")


def test_the_commands_are_registered() -> None:
    assert "versions" in COMMAND_MODULES


def _options() -> list[tuple[str, str]]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [
        (command, option)
        for command in COMMANDS
        for a in action.choices[command]._actions
        for option in a.option_strings
        if option.startswith("--") and option != "--help"
    ]


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_option_is_documented(command: str, option: str) -> None:
    assert f"tablerx {command}" in DOC and option in DOC


@pytest.mark.parametrize("code", CODES)
def test_every_refusal_code_is_documented(code: str) -> None:
    assert f"`{code}`" in DOC


def test_submit_approve_retire(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    where = ("--decisions", str(root))
    status, out, _ = run(capsys, "submit", MODEL, "1.0.0", "--by", "A. Author", *where)
    assert status == 0 and "pathway-demo 1.0.0 is now in review" in out
    assert "tests 4/4 passed" in out and "releases.json (commit it" in out
    assert RESTART in out

    status, _, err = run(capsys, "approve", MODEL, "1.0.0", "--reviewer", "A. Author", *where)
    assert status == 1 and "a second person must review it [SAME_PERSON]" in err

    status, out, _ = run(
        capsys,
        "approve",
        MODEL,
        "1.0.0",
        "--reviewer",
        "Dr B",
        "--note",
        "checked against the guideline",
        *where,
    )
    assert status == 0 and "is now approved (approve by Dr B" in out and RESTART in out
    record = json.loads((root / MODEL / "releases.json").read_text())
    (version,) = record["versions"]
    assert version["status"] == "approved"
    assert version["history"][1]["note"] == "checked against the guideline"

    status, out, _ = run(capsys, "versions", *where)
    assert status == 0
    assert "pathway-demo  1.0.0  approved" in out and "pathway-demo  1.1.0  draft" in out
    assert "pathway-demo: default version 1.0.0" in out

    status, out, err = run(
        capsys, "retire", MODEL, "1.0.0", "--by", "Dr B", "--reason", "superseded", *where
    )
    assert status == 0 and "is now retired" in out and RESTART in out
    assert "has no approved version left" in err


def test_refusals_exit_1_with_the_reason(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    status, _, err = run(
        capsys, "approve", MODEL, "1.0.0", "--reviewer", "B", "--decisions", str(root)
    )
    assert status == 1
    assert err.startswith(
        "tablerx approve: pathway-demo 1.0.0 is draft; only a version that "
        "is in review can be approved"
    )


def test_missing_names_are_usage_errors(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["approve", MODEL, "1.0.0", "--decisions", str(root)])
    assert caught.value.code == 2
    assert "--reviewer" in capsys.readouterr().err


def test_test_reports_failures_and_exits_1(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    status, out, _ = run(capsys, "test", "--decisions", str(root))
    assert status == 0 and "2/2 versions passed" in out
    broken = [("TCX", {"ecog": rm.D(3), "her2": "low"}, {"treatment": "trastuzumab deruxtecan"})]
    rm.publish(root, rm.pathway("1.2.0"), broken)
    status, out, _ = run(capsys, "test", MODEL, "--decisions", str(root))
    assert status == 1
    assert "FAIL pathway-demo 1.2.0: 0/1 passed (1 failed)" in out
    assert (
        'treatment: expected string "trastuzumab deruxtecan", got string '
        '"best supportive care"' in out
    )
    status, out, _ = run(capsys, "test", MODEL, "1.0.0", "--decisions", str(root))
    assert status == 0 and "1/1 versions passed" in out


def test_test_checks_the_records(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    assert main(["submit", MODEL, "1.0.0", "--by", "A", "--decisions", str(root)]) == 0
    path = root / MODEL / "1.0.0.dmn"
    path.write_bytes(path.read_bytes() + b"\n")
    status, out, _ = run(capsys, "test", "--decisions", str(root))
    assert status == 1 and "FAIL record:" in out and "a published file was changed" in out


@pytest.mark.parametrize("args", [["nope"], [MODEL, "9.9.9"]])
def test_test_of_nothing(capsys: pytest.CaptureFixture[str], root: Path, args: list[str]) -> None:
    status, _, err = run(capsys, "test", *args, "--decisions", str(root))
    assert status == 1 and "nothing published as" in err


def test_test_of_an_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(capsys, "test", "--decisions", str(tmp_path))
    assert status == 0 and "no published versions" in out


def test_diff_markdown_json_and_exit_code(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    where = ("--decisions", str(root))
    status, out, _ = run(capsys, "diff", MODEL, "1.0.0", "1.1.0", *where)
    assert status == 0
    assert "| changed | R2 | 'T2 Treatment'!A6 | lvef | `>= 50` | `>= 40` |" in out
    assert "## Whom it affects" in out

    status, out, _ = run(capsys, "diff", MODEL, "1.0.0", "1.1.0", "--json", *where)
    data = json.loads(out)
    assert data["summary"]["rules_changed"] == 1 and data["behaviour"]["differences"]

    target = tmp_path / "diff.md"
    status, out, _ = run(
        capsys,
        "diff",
        MODEL,
        "1.0.0",
        "1.1.0",
        "-o",
        str(target),
        "--exit-code",
        "--rows",
        "1",
        *where,
    )
    assert status == 1 and out == ""
    assert "more input sets (see the JSON report)" in target.read_text()


def test_diff_of_an_unknown_version(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    status, _, err = run(capsys, "diff", MODEL, "1.0.0", "7.0.0", "--decisions", str(root))
    assert status == 1 and "no published version 7.0.0" in err


def test_diff_of_a_broken_version(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    (root / MODEL / "2.0.0.dmn").write_text("<definitions/>")
    status, _, err = run(capsys, "diff", MODEL, "1.0.0", "2.0.0", "--decisions", str(root))
    assert status == 1 and "cannot load the versions" in err


def test_decisions_folder_from_the_environment(
    capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TABLERX_DECISIONS", str(root))
    status, out, _ = run(capsys, "versions", MODEL)
    assert status == 0 and "pathway-demo  1.1.0  draft" in out


def test_test_coverage_lists_every_rule_and_fails_on_unmatched_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "decisions"
    rm.publish(root, rm.pathway("1.0.0"))
    status, out, _ = run(capsys, "test", MODEL, "--decisions", str(root))
    assert status == 0  # without --coverage, passing cases are enough
    status, out, _ = run(capsys, "test", MODEL, "--coverage", "--decisions", str(root))
    assert status == 1
    assert "coverage pathway-demo 1.0.0: 7/9 rules matched by a test case (2 never)" in out
    assert "    treatment rule R5 ('T2 Treatment'!A9)" in out
    assert out.rstrip().endswith("1/1 versions passed, 2 rules matched by no test case")
    refusal = [
        {
            "code": "LVEF_REQUIRED",
            "message": "LVEF is needed before anti-HER2 therapy",
            "field": "lvef",
        }
    ]
    more: list[rm.Case] = [
        ("TC5", {"ecog": rm.D(0), "her2": "positive"}, {"Request validation": refusal}),
        ("TC6", {"ecog": rm.D(3), "her2": "low"}, {"treatment": "best supportive care"}),
    ]
    rm.publish(root, rm.pathway("1.1.0"), [*rm.CASES, *more])
    status, out, _ = run(capsys, "test", MODEL, "1.1.0", "--coverage", "--decisions", str(root))
    assert status == 0 and "9/9 rules matched by a test case" in out


def test_the_docs_say_when_the_service_sees_a_step() -> None:
    assert "reads `releases.json` only when it starts" in DOC
    assert "declared, not authenticated" in DOC


def _approved(root: Path) -> None:
    assert main(["submit", MODEL, "1.0.0", "--by", "A. Author", "--decisions", str(root)]) == 0
    assert main(["approve", MODEL, "1.0.0", "--reviewer", "B", "--decisions", str(root)]) == 0


def test_deleted_test_cases_of_an_approved_version_fail_the_test_run(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    _approved(root)
    (root / MODEL / "1.0.0.tests.xml").unlink()
    status, out, _ = run(capsys, "test", MODEL, "--decisions", str(root))
    assert status == 1
    assert "FAIL record: pathway-demo 1.0.0 (approved) is altered: its test cases" in out
    assert "is missing" in out and "1/2 versions passed, 1 record problems" in out
    assert "FAIL pathway-demo 1.0.0: no test cases (altered: see the record problems)" in out
    assert "ok   pathway-demo 1.0.0" not in out
    status, out, _ = run(capsys, "versions", "--decisions", str(root))
    assert "pathway-demo  1.0.0  altered (its test cases changed; recorded approved)" in out
    assert "pathway-demo: no default version: 1 altered; the service will not start" in out


def test_versions_shows_an_altered_or_missing_file(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    _approved(root)
    assert main(["retire", MODEL, "1.1.0", "--by", "B", "--decisions", str(root)]) == 0
    path = root / MODEL / "1.1.0.dmn"
    path.write_bytes(path.read_bytes() + b"\n")
    status, out, _ = run(capsys, "versions", "--decisions", str(root))
    assert status == 0
    assert "pathway-demo  1.1.0  altered (its file changed; recorded retired)" in out
    assert "pathway-demo: no default version: 1 altered" in out
    path.unlink()
    (root / MODEL / "1.0.0.dmn").unlink()
    status, out, _ = run(capsys, "versions", MODEL, "--decisions", str(root))
    assert status == 0
    assert "pathway-demo  1.0.0  altered (its file is missing; recorded approved)" in out


def test_a_bad_record_is_refused_with_every_problem(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    _approved(root)
    path = root / MODEL / "releases.json"
    path.write_text(path.read_text().replace('"B"', '"a author"').replace('"4/4', '"0/4'))
    status, _, err = run(capsys, "versions", "--decisions", str(root))
    assert status == 1 and "who submitted it as 'A. Author'" in err and "'0/4 passed'" in err
    status, out, _ = run(capsys, "test", "--decisions", str(root))
    assert status == 1 and out.count("FAIL record:") == 3


def test_approving_from_the_submitters_login_warns(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    _approved(root)  # both steps run from this test's own login
    record = json.loads((root / MODEL / "releases.json").read_text())
    logins = {event.get("login") for event in record["versions"][0]["history"]}
    if logins == {None}:
        pytest.skip("this machine gives no login name")
    assert "from the same login" in capsys.readouterr().err
