"""``decisions/<model-id>/<version>.dmn`` files -> an in-memory catalogue of compiled versions.

Each file is read once: its bytes are hashed (sha256: the version's content hash, which
every evaluation and audit record names), parsed by the DMN reader and compiled by the
engine from those same bytes, so the hash always describes exactly what runs. Files are
never re-read while the service runs; a published version is immutable.

Problems are collected over the whole folder and raised together (:class:`CatalogueError`)
so that a broken file stops the start-up with every reason at once, instead of a model
silently missing from the service.

Status and the default version: a version's ``status`` comes from the definitions'
``model.status`` extension (``draft``, ``in review``, ``approved``, ``retired``). For now
the default version of a model is its newest; :meth:`ModelEntry.default` is the one place
that choice is made, so the release lifecycle can restrict it to approved versions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service import engine
from service.dmn import model as dmn
from service.dmn.reader import read_dmn

MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


class CatalogueError(Exception):
    """One or more published files could not be loaded; ``problems`` says why, per file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ModelNotFound(LookupError):
    """No model with this id is published."""


class VersionNotFound(LookupError):
    """The model exists, but not in the requested version."""


@dataclass(slots=True, eq=False)
class ModelVersion:
    """One published, compiled version of a model."""

    model_id: str
    version: str
    path: Path
    sha256: str
    content: bytes
    definitions: dmn.Definitions
    compiled: Any  # service.engine's Model: .evaluate(inputs, decisions=None) -> Result

    @property
    def status(self) -> str | None:
        """``model.status`` as written in the workbook (``draft``, ``approved``, ...)."""
        return self.definitions.extensions.get("model.status")

    @property
    def title(self) -> str:
        """The human title: the definitions' name."""
        return self.definitions.name

    @property
    def metadata(self) -> dict[str, str]:
        """Every ``model.*`` extension property, prefix removed (``version``, ``authors``, ...)."""
        return {
            key.removeprefix("model."): value
            for key, value in self.definitions.extensions.items()
            if key.startswith("model.")
        }


@dataclass(slots=True)
class ModelEntry:
    """A model and its versions, oldest first."""

    model_id: str
    versions: list[ModelVersion] = field(default_factory=list)

    def default(self) -> ModelVersion:
        """The version served when a request names none: currently the newest one."""
        return self.versions[-1]

    def get(self, version: str | None = None) -> ModelVersion:
        """The named version, or the default one; raise :class:`VersionNotFound`."""
        if version is None:
            return self.default()
        for candidate in self.versions:
            if candidate.version == version:
                return candidate
        raise VersionNotFound(version)


@dataclass(slots=True)
class Catalogue:
    """Every published model, by id."""

    root: Path
    models: dict[str, ModelEntry] = field(default_factory=dict)

    def get(self, model_id: str, version: str | None = None) -> ModelVersion:
        """A model version; raise :class:`ModelNotFound` or :class:`VersionNotFound`."""
        entry = self.models.get(model_id)
        if entry is None:
            raise ModelNotFound(model_id)
        return entry.get(version)

    def entry(self, model_id: str) -> ModelEntry:
        """A model with all its versions; raise :class:`ModelNotFound`."""
        entry = self.models.get(model_id)
        if entry is None:
            raise ModelNotFound(model_id)
        return entry

    def __iter__(self) -> Iterator[ModelEntry]:
        return iter(self.models[key] for key in sorted(self.models))

    def all_versions(self) -> Iterator[ModelVersion]:
        """Every version of every model."""
        for entry in self:
            yield from entry.versions


def version_key(version: str) -> tuple[Any, ...]:
    """Sort key putting ``0.9.0`` before ``0.10.0`` and ``1.0.0-rc1`` before ``1.0.0``."""
    core, _, pre = version.partition("-")
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in core.split("."))
    return (parts, 0 if pre else 1, pre)


def load_version(model_id: str, path: Path) -> ModelVersion:
    """Read, hash, check and compile one published file (raises on any problem)."""
    content = path.read_bytes()
    definitions = read_dmn(content, source_name=str(path))
    _check_identity(model_id, path.stem, definitions)
    compiled = engine.load_definitions([definitions])[definitions.namespace]
    return ModelVersion(
        model_id=model_id,
        version=path.stem,
        path=path,
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        definitions=definitions,
        compiled=compiled,
    )


def _check_identity(model_id: str, version: str, definitions: dmn.Definitions) -> None:
    declared_id = definitions.extensions.get("model.id")
    declared_version = definitions.extensions.get("model.version")
    if declared_id is not None and declared_id != model_id:
        raise ValueError(f"model.id is {declared_id!r} but the folder is {model_id!r}")
    if declared_version is not None and declared_version != version:
        raise ValueError(f"model.version is {declared_version!r} but the file is {version!r}")


def load_catalogue(root: Path) -> Catalogue:
    """Load every ``<root>/<model-id>/<version>.dmn``; raise :class:`CatalogueError`."""
    catalogue = Catalogue(root)
    problems: list[str] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if not MODEL_ID.fullmatch(folder.name):
            continue  # not a model folder (e.g. a README's images)
        entry = ModelEntry(folder.name)
        for path in sorted(folder.glob("*.dmn"), key=lambda p: version_key(p.stem)):
            try:
                entry.versions.append(load_version(folder.name, path))
            except Exception as exc:  # every reason, from every file, reported together
                problems.append(f"{path}: {_reason(exc)}")
        if entry.versions:
            catalogue.models[entry.model_id] = entry
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, ValueError | OSError) else f"{type(exc).__name__}: {text}"
