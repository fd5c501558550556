"""The service's shared state: its settings, and the objects every route uses.

``Settings`` is everything that can be configured (each field also a ``TABLERX_*``
environment variable); ``Service`` holds the catalogue of compiled model versions, their
prepared request validation, the audit log and the metrics. Routes reach it through the
``ServiceDep`` dependency.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from service.api.metrics import Metrics
from service.api.prepared import Prepared, prepare
from service.store.audit import AuditLog, default_url
from service.store.versions import Catalogue, CatalogueError

REPO_ROOT = Path(__file__).resolve().parents[2]
API_VERSION = "1"


def default_root() -> Path:
    """The repository (when running from a checkout), else the working directory."""
    return REPO_ROOT if (REPO_ROOT / "decisions").is_dir() else Path.cwd()


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with (each also a ``TABLERX_*`` variable)."""

    decisions_dir: Path = field(default_factory=lambda: default_root() / "decisions")
    database_url: str = field(default_factory=lambda: default_url(default_root()))
    caller_header: str = "X-Caller-Id"
    max_batch: int = 1000
    max_body_bytes: int = 8 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Settings from ``TABLERX_DECISIONS``, ``TABLERX_DATABASE_URL``, ``TABLERX_CALLER_HEADER``,
        ``TABLERX_MAX_BATCH`` and ``TABLERX_MAX_BODY_BYTES``; defaults for the rest."""
        base = cls()
        return cls(
            decisions_dir=Path(environ.get("TABLERX_DECISIONS") or base.decisions_dir),
            database_url=environ.get("TABLERX_DATABASE_URL") or base.database_url,
            caller_header=environ.get("TABLERX_CALLER_HEADER") or base.caller_header,
            max_batch=int(environ.get("TABLERX_MAX_BATCH") or base.max_batch),
            max_body_bytes=int(environ.get("TABLERX_MAX_BODY_BYTES") or base.max_body_bytes),
        )

    def to_env(self) -> dict[str, str]:
        """The ``TABLERX_*`` variables that reproduce these settings in a worker process."""
        return {
            "TABLERX_DECISIONS": str(self.decisions_dir),
            "TABLERX_DATABASE_URL": self.database_url,
            "TABLERX_CALLER_HEADER": self.caller_header,
            "TABLERX_MAX_BATCH": str(self.max_batch),
            "TABLERX_MAX_BODY_BYTES": str(self.max_body_bytes),
        }


class Service:
    """The state every route shares: settings, catalogue, prepared versions, audit, metrics."""

    def __init__(self, settings: Settings, catalogue: Catalogue) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.prepared: dict[tuple[str, str], Prepared] = {}
        problems: list[str] = []
        for version in catalogue.all_versions():
            try:
                self.prepared[(version.model_id, version.version)] = prepare(version)
            except Exception as exc:
                problems.append(f"{version.path}: {exc}")
        if problems:
            raise CatalogueError(problems)
        self.audit = AuditLog(settings.database_url)
        self.metrics = Metrics()
        self.metrics.gauges.append(self._audit_gauges)

    def resolve(self, model_id: str, version: str | None) -> Prepared:
        """The prepared version (default when None); raise ModelNotFound/VersionNotFound."""
        found = self.catalogue.get(model_id, version)
        return self.prepared[(found.model_id, found.version)]

    def _audit_gauges(self) -> list[tuple[str, str, str, float]]:
        stats = self.audit.writer.stats
        return [
            ("tablerx_audit_commits_total", "counter", "Audit transactions committed.",
             stats.rounds),
            ("tablerx_audit_records_total", "counter", "Audit records written.", stats.rows),
            ("tablerx_audit_failed_total", "counter", "Audit records that could not be stored.",
             stats.failed),
            ("tablerx_audit_largest_commit", "gauge", "Most records in one audit transaction.",
             stats.largest_round),
            ("tablerx_audit_commit_seconds_total", "counter",
             "Time spent writing and committing audit transactions.", stats.seconds),
        ]



async def get_service(request: Request) -> Service:
    """The app's :class:`Service` (a FastAPI dependency; async, so no thread hop)."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]
