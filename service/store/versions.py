"""One ``decisions/<model-id>/<version>.dmn`` file -> a compiled :class:`ModelVersion`.

The file is read once: its bytes are hashed (sha256: the version's content hash, which
every evaluation and audit record names), parsed by the DMN reader and compiled by the
engine from those same bytes, so the hash always describes exactly what runs. A published
version is immutable; files are never re-read while the service runs.

A version's ``status`` (``draft``, ``in review``, ``approved``, ``retired``) is not in the
file: it comes from the model's release record (``releases.json``), and
:mod:`service.store.catalogue` sets it when it loads the folder. What the workbook's
authors wrote (``model.status``) is :attr:`ModelVersion.workbook_status`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service import engine
from service.dmn import model as dmn
from service.dmn.reader import read_dmn

MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


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
    status: str = "draft"  # from the release record (service.store.catalogue sets it)

    @property
    def workbook_status(self) -> str | None:
        """``model.status`` as written in the workbook; the release record decides."""
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


def reason(exc: Exception) -> str:
    """Why a file did not load, in one line (the exception's class when it is not plain)."""
    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, ValueError | OSError) else f"{type(exc).__name__}: {text}"
