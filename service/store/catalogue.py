"""The ``decisions/`` folder and its release records -> the catalogue of versions to serve.

Every ``<model-id>/<version>.dmn`` is loaded and compiled once (:mod:`service.store.versions`);
each version's status comes from the model's ``releases.json`` (:mod:`service.store.releases`;
no record: a draft). Problems are collected over the whole folder and raised together
(:class:`CatalogueError`), so that a broken file or record stops the start-up with every
reason at once instead of a model silently missing. A recorded version whose file (or
frozen test cases) no longer has the recorded hash, or whose file is gone, is such a
problem: it is never served as something else (a draft, or by letting an older approved
version answer in its place).

Which version answers a request that names none (docs/versions.md) is decided here, once,
by :meth:`ModelEntry.default`: the newest approved version; with ``drafts`` (``tablerx
serve --drafts``, for development) the newest version that is not retired. A model with
no such version answers only requests that name a version (:class:`NoApprovedVersion`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from service.store import releases
from service.store.versions import MODEL_ID, ModelVersion, load_version, reason, version_key


class CatalogueError(Exception):
    """One or more published files could not be loaded; ``problems`` says why, per file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ModelNotFound(LookupError):
    """No model with this id is published."""


class VersionNotFound(LookupError):
    """The model exists, but not in the requested version."""


class NoApprovedVersion(LookupError):
    """A request names no version, and the model has no version that may answer it."""

    def __init__(self, entry: ModelEntry) -> None:
        super().__init__(entry.model_id)
        self.entry = entry


@dataclass(slots=True)
class ModelEntry:
    """A model and its versions, oldest first, with the version that answers by default."""

    model_id: str
    versions: list[ModelVersion] = field(default_factory=list)
    default_version: str | None = None  # None: every request must name its version

    def default(self) -> ModelVersion | None:
        """The version that answers requests naming none; None when there is no such version."""
        if self.default_version is None:
            return None
        return self.get(self.default_version)

    def newest(self) -> ModelVersion:
        """The newest published version, whatever its status (what a reader sees first)."""
        return self.versions[-1]

    def get(self, version: str | None = None) -> ModelVersion:
        """The named version, or the default one; raise :class:`VersionNotFound` or
        :class:`NoApprovedVersion`."""
        if version is None:
            found = self.default()
            if found is None:
                raise NoApprovedVersion(self)
            return found
        for candidate in self.versions:
            if candidate.version == version:
                return candidate
        raise VersionNotFound(version)

    @property
    def statuses(self) -> list[tuple[str, str]]:
        """(version, status) of every version, oldest first."""
        return [(v.version, v.status) for v in self.versions]


@dataclass(slots=True)
class Catalogue:
    """Every published model, by id."""

    root: Path
    drafts: bool = False
    models: dict[str, ModelEntry] = field(default_factory=dict)

    def get(self, model_id: str, version: str | None = None) -> ModelVersion:
        """A model version; raise ModelNotFound, VersionNotFound or NoApprovedVersion."""
        return self.entry(model_id).get(version)

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


def load_catalogue(root: Path, drafts: bool = False) -> Catalogue:
    """Load every ``<root>/<model-id>/<version>.dmn`` and its model's release record;
    raise :class:`CatalogueError` with every problem found."""
    catalogue = Catalogue(root, drafts)
    problems: list[str] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if not MODEL_ID.fullmatch(folder.name):
            continue  # not a model folder (e.g. a README's images)
        entry = _load_entry(folder, drafts, problems)
        if entry.versions:
            catalogue.models[entry.model_id] = entry
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _load_entry(folder: Path, drafts: bool, problems: list[str]) -> ModelEntry:
    entry = ModelEntry(folder.name)
    for path in sorted(folder.glob("*.dmn"), key=lambda p: version_key(p.stem)):
        try:
            entry.versions.append(load_version(folder.name, path))
        except Exception as exc:  # every reason, from every file, reported together
            problems.append(f"{path}: {reason(exc)}")
    try:
        book = releases.read_book(folder.parent, folder.name)
    except releases.ReleaseError as exc:
        problems.extend(exc.problems)
        return entry
    problems.extend(releases.record_problems(folder.parent, book))
    tests = {
        v.version: releases.tests_hash(folder.parent, folder.name, v.version)
        for v in entry.versions
    }
    for version in entry.versions:
        version.status = book.status(version.version, version.sha256, tests[version.version])
    hashes = {v.version: v.sha256 for v in entry.versions}
    entry.default_version = releases.default_version(list(hashes), book, hashes, drafts, tests)
    return entry
