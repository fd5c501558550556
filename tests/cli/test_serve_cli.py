"""``tablerx eval`` prints what the API returns (same app, in-process); ``tablerx serve`` checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_client import in_process_body

from service.cli import main
from service.store.audit import AuditLog

MODELS = Path(__file__).resolve().parents[1] / "api" / "models"
VALID = {
    "line_of_therapy": 2,
    "progressed_on_first_line": True,
    "her2_status": "negative",
    "ecog": 2,
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def write(tmp_path: Path, body: object) -> str:
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def test_eval_prints_the_api_answer_and_audits_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: str
) -> None:
    status, out, _ = run(
        capsys,
        "eval",
        "triage-demo",
        "--input",
        write(tmp_path, VALID),
        "--decisions",
        str(MODELS),
        "--database",
        database,
    )
    assert status == 0
    answer = json.loads(out)
    assert set(answer) == {"model", "evaluation_id", "outputs", "explanation", "warnings"}
    assert answer["outputs"]["care_pathway"] == "systemic_limited"
    log = AuditLog(database)
    record = log.get(answer["evaluation_id"])
    log.engine.dispose()
    assert record is not None and record.caller == "tablerx-cli"
    assert json.loads(record.outputs or "") == answer["outputs"]


def test_eval_output_is_the_http_body(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, database: str
) -> None:
    status, out, _ = run(
        capsys,
        "eval",
        "triage-demo",
        "--input",
        write(tmp_path, VALID),
        "--decisions",
        str(MODELS),
        "--database",
        database,
        "--version",
        "0.9.0",
    )
    assert status == 0
    cli = json.loads(out)
    api = in_process_body(MODELS, database, "/decisions/triage-demo/evaluate?version=0.9.0", VALID)
    assert cli.pop("evaluation_id") != api.pop("evaluation_id")
    assert cli == api


@pytest.mark.parametrize(
    ("body", "version", "code"),
    [
        ({**VALID, "ecog": 11}, None, "OUT_OF_RANGE"),
        (VALID, "3.0.0", "VERSION_NOT_FOUND"),
    ],
)
def test_eval_prints_the_error_body_and_fails(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    database: str,
    body: object,
    version: str | None,
    code: str,
) -> None:
    args = [
        "eval",
        "triage-demo",
        "--input",
        write(tmp_path, body),
        "--decisions",
        str(MODELS),
        "--database",
        database,
    ]
    status, out, _ = run(capsys, *args, *(["--version", version] if version else []))
    assert status == 1
    assert json.loads(out)["errors"][0]["code"] == code


def test_eval_without_the_input_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, "eval", "triage-demo", "--input", str(tmp_path / "none.json"))
    assert status == 2 and out == ""
    assert "cannot read" in err


def test_serve_refuses_broken_models(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "decisions" / "broken"
    folder.mkdir(parents=True)
    (folder / "1.0.0.dmn").write_text("not xml", encoding="utf-8")
    status, _, err = run(
        capsys,
        "serve",
        "--decisions",
        str(folder.parent),
        "--database",
        f"sqlite:///{tmp_path / 'a.sqlite'}",
    )
    assert status == 1
    assert "broken" in err and "1.0.0.dmn" in err


def test_help_lists_serve_and_eval(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "serve" in out and "eval" in out


def _unapproved(tmp_path: Path) -> str:
    """The test model without its release record: every version a draft."""
    folder = tmp_path / "decisions" / "triage-demo"
    folder.mkdir(parents=True)
    for path in (MODELS / "triage-demo").glob("*.dmn"):
        (folder / path.name).write_bytes(path.read_bytes())
    return str(folder.parent)


@pytest.mark.parametrize(
    ("options", "env", "status", "marked"),
    [
        ((), {}, 1, None),
        (("--drafts",), {}, 0, "draft"),
        ((), {"TABLERX_DRAFTS": "yes"}, 0, "draft"),
        (("--version", "0.9.0"), {}, 0, "draft"),
    ],
)
def test_eval_of_a_model_without_an_approved_version(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database: str,
    options: tuple[str, ...],
    env: dict[str, str],
    status: int,
    marked: str | None,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, _ = run(
        capsys,
        "eval",
        "triage-demo",
        "--input",
        write(tmp_path, VALID),
        "--decisions",
        _unapproved(tmp_path),
        "--database",
        database,
        *options,
    )
    answer = json.loads(out)
    assert code == status
    if marked is None:
        assert answer["errors"][0]["code"] == "NO_APPROVED_VERSION"
    else:
        assert answer["model"]["status"] == marked
        assert answer["warnings"][0]["code"] == "DRAFT_VERSION"


def test_a_bad_drafts_setting_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TABLERX_DRAFTS", "maybe")
    code, _, err = run(capsys, "eval", "triage-demo", "--input", write(tmp_path, VALID))
    assert code == 2 and "TABLERX_DRAFTS='maybe'" in err


def test_serve_says_which_version_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    import uvicorn

    from service.api.state import Settings

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # check the start-up only
    for name in Settings().to_env():  # serve() exports its settings for the workers:
        monkeypatch.setenv(name, "")  # undone after the test
        monkeypatch.delenv(name)
    decisions = _unapproved(tmp_path)
    database = f"sqlite:///{tmp_path / 'a.sqlite'}"
    code, _, err = run(capsys, "serve", "--decisions", decisions, "--database", database)
    assert code == 0
    assert "triage-demo: no approved version; requests must name one" in err
    assert "or run with --drafts" in err
    monkeypatch.delenv("TABLERX_DRAFTS")
    code, _, err = run(
        capsys, "serve", "--drafts", "--decisions", decisions, "--database", database
    )
    assert "triage-demo: 1.0.0, draft (answers are marked as such)" in err
    assert os.environ["TABLERX_DRAFTS"] == "1"  # what the workers read


CLOCK_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"
             xmlns:tablerx="https://tablerx.dev/dmn/extensions/1"
             id="clock_demo" name="Clock demo" namespace="https://tablerx.dev/models/clock-demo">
  <extensionElements>
    <tablerx:property name="model.id" value="clock-demo"/>
    <tablerx:property name="model.version" value="1.0.0"/>
  </extensionElements>
  <inputData id="note" name="note"><variable name="note" typeRef="string"/></inputData>
  <decision id="zone" name="zone">
    <extensionElements>
      <tablerx:property name="decision.top_level" value="true"/>
    </extensionElements>
    <variable name="zone" typeRef="string"/>
    <literalExpression><text>now().timezone</text></literalExpression>
  </decision>
</definitions>
"""


@pytest.mark.parametrize(
    ("options", "env", "zone"),
    [
        ((), {}, None),
        (("--timezone", "Australia/Sydney"), {}, "Australia/Sydney"),
        ((), {"TABLERX_TIMEZONE": "America/Chicago"}, "America/Chicago"),
    ],
)
def test_models_read_the_clock_in_the_configured_zone(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database: str,
    options: tuple[str, ...],
    env: dict[str, str],
    zone: str | None,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "decisions" / "clock-demo"
    folder.mkdir(parents=True)
    (folder / "1.0.0.dmn").write_text(CLOCK_MODEL, encoding="utf-8")
    code, out, _ = run(
        capsys,
        "eval",
        "clock-demo",
        "--input",
        write(tmp_path, {"note": "x"}),
        "--decisions",
        str(folder.parent),
        "--database",
        database,
        "--drafts",
        *options,
    )
    assert code == 0, out
    assert json.loads(out)["outputs"]["zone"] == zone


@pytest.mark.parametrize("how", ["option", "variable"])
def test_an_unknown_time_zone_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str
) -> None:
    options = ("--timezone", "Mars/Olympus") if how == "option" else ()
    if how == "variable":
        monkeypatch.setenv("TABLERX_TIMEZONE", "Mars/Olympus")
    code, _, err = run(capsys, "eval", "triage-demo", "--input", write(tmp_path, VALID), *options)
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err


def test_serve_says_plainly_when_it_cannot_make_its_metrics_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    import uvicorn

    from service.api.state import Settings

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    for name in Settings().to_env():  # serve() exports its settings: undone after the test
        monkeypatch.setenv(name, "")
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    code, _, err = run(capsys, "serve", "--database", f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert code == 1
    assert "cannot create the metrics folder" in err and "TMPDIR" in err
