"""decisions/<model-id>/<version>.dmn -> the catalogue: hashes, ordering, defaults, refusals."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from service.store.versions import (
    CatalogueError,
    ModelNotFound,
    VersionNotFound,
    load_catalogue,
    version_key,
)

MODELS = Path(__file__).resolve().parents[1] / "api" / "models"
DEMO = MODELS / "triage-demo" / "1.0.0.dmn"


def test_loads_every_version_with_its_hash() -> None:
    catalogue = load_catalogue(MODELS)
    entry = catalogue.entry("triage-demo")
    assert [v.version for v in entry.versions] == ["0.9.0", "1.0.0"]
    newest = catalogue.get("triage-demo")
    assert newest.version == "1.0.0"
    assert newest.sha256 == hashlib.sha256(DEMO.read_bytes()).hexdigest()
    assert newest.content == DEMO.read_bytes()
    assert newest.status == "draft"
    assert newest.metadata["effective_date"] == "2025-01-01"
    assert newest.title == "Triage demo"
    assert catalogue.get("triage-demo", "0.9.0").status == "retired"


def test_unknown_model_and_version() -> None:
    catalogue = load_catalogue(MODELS)
    with pytest.raises(ModelNotFound):
        catalogue.get("nope")
    with pytest.raises(VersionNotFound):
        catalogue.get("triage-demo", "0.1")


@pytest.mark.parametrize(
    ("older", "newer"),
    [("0.9.0", "0.10.0"), ("1.0.0-rc1", "1.0.0"), ("1.2", "1.2.1"), ("2.0.0", "10.0.0")],
)
def test_version_order(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)


def copy_demo(root: Path, model_id: str, version: str) -> Path:
    folder = root / model_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{version}.dmn"
    shutil.copy(DEMO, target)
    return target


def test_newest_is_the_default_by_semantic_order(tmp_path: Path) -> None:
    for version in ("1.0.0", "1.0.0-rc1"):
        text = DEMO.read_text(encoding="utf-8").replace('value="1.0.0"', f'value="{version}"')
        (tmp_path / "triage-demo").mkdir(exist_ok=True)
        (tmp_path / "triage-demo" / f"{version}.dmn").write_text(text, encoding="utf-8")
    assert load_catalogue(tmp_path).get("triage-demo").version == "1.0.0"


def test_every_broken_file_is_reported_together(tmp_path: Path) -> None:
    copy_demo(tmp_path, "wrong-folder", "1.0.0")  # model.id says triage-demo
    copy_demo(tmp_path, "triage-demo", "2.0.0")  # model.version says 1.0.0
    (tmp_path / "triage-demo" / "3.0.0.dmn").write_text("<definitions", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 3
    assert "folder is 'wrong-folder'" in text
    assert "file is '2.0.0'" in text
    assert "3.0.0.dmn" in text


def test_missing_or_empty_folder_is_an_empty_catalogue(tmp_path: Path) -> None:
    assert list(load_catalogue(tmp_path / "absent")) == []
    (tmp_path / "Not A Model").mkdir()
    assert list(load_catalogue(tmp_path)) == []
