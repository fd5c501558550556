"""The service's shared state: its settings, and the objects every route uses.

``Settings`` is everything that can be configured (each field also a ``TABLERX_*``
environment variable); ``Service`` holds the catalogue of compiled model versions (with
their release status and the version that answers by default), their prepared request
validation, the audit log, the metrics and the cache of version diffs. Routes reach it
through the ``ServiceDep`` dependency.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from service.api.metrics import Metrics
from service.api.prepared import Prepared, prepare
from service.feel import zones
from service.store.audit import AuditLog, default_url
from service.store.catalogue import Catalogue, CatalogueError, load_catalogue
from service.store.diff_report import VersionDiff

REPO_ROOT = Path(__file__).resolve().parents[2]
API_VERSION = "1"


def default_root() -> Path:
    """The repository (when running from a checkout), else the working directory."""
    return REPO_ROOT if (REPO_ROOT / "decisions").is_dir() else Path.cwd()


def parse_timeout(text: str | None, default: float | None) -> float | None:
    """Seconds from ``TABLERX_EVALUATION_TIMEOUT`` or ``--evaluation-timeout``: ``default``
    when unset, None (no limit) for 0; ValueError for anything but a number of seconds."""
    if text is None or not text.strip():
        return default
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(
            f"TABLERX_EVALUATION_TIMEOUT / --evaluation-timeout={text!r} is not a number of seconds"
        ) from None
    return None if seconds == 0 else seconds


def format_timeout(seconds: float | None) -> str:
    """The ``TABLERX_EVALUATION_TIMEOUT`` text that gives ``seconds`` back."""
    return "0" if seconds is None else repr(seconds)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with (each also a ``TABLERX_*`` variable)."""

    decisions_dir: Path = field(default_factory=lambda: default_root() / "decisions")
    database_url: str = field(default_factory=lambda: default_url(default_root()))
    caller_header: str = "X-Caller-Id"
    max_batch: int = 1000
    max_body_bytes: int = 8 * 1024 * 1024
    drafts: bool = False  # development: the newest draft answers requests naming no version
    diff_max_cases: int = 1000  # most input sets one GET .../diff runs
    timezone: str | None = None  # IANA zone of now() and today() (a clinic's date); None: UTC
    # Seconds one request's evaluation may take before it is stopped (503), so that no model
    # or input can hold a worker; None: no limit.
    evaluation_timeout: float | None = 2.0
    # Where the worker processes of one server keep their metric values, so that /metrics
    # reports all of them; ``tablerx serve`` makes a fresh one per run. None: in memory.
    metrics_dir: Path | None = None
    # Web origins (https://ehr.example.org) whose browser pages may call the API (CORS);
    # empty: none, and browsers refuse cross-origin calls, as they do by default.
    cors_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        timeout = self.evaluation_timeout
        if timeout is not None and not 0 < timeout < float("inf"):
            raise ValueError(
                f"TABLERX_EVALUATION_TIMEOUT / --evaluation-timeout must be a positive number "
                f"of seconds, or 0 for no limit, not {timeout!r}"
            )
        if self.timezone is not None and not zones.is_zone(self.timezone):
            raise ValueError(
                f"unknown time zone {self.timezone!r} (TABLERX_TIMEZONE, --timezone): "
                "use an IANA name such as Europe/Paris"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Settings from ``TABLERX_DECISIONS``, ``TABLERX_DATABASE_URL``, ``TABLERX_CALLER_HEADER``,
        ``TABLERX_MAX_BATCH``, ``TABLERX_MAX_BODY_BYTES``, ``TABLERX_DRAFTS``,
        ``TABLERX_DIFF_MAX_CASES``, ``TABLERX_TIMEZONE``, ``TABLERX_EVALUATION_TIMEOUT``,
        ``TABLERX_METRICS_DIR`` and ``TABLERX_CORS_ORIGINS``; defaults for the rest. Raise
        ValueError for a value that does not parse."""
        base = cls()
        return cls(
            decisions_dir=Path(environ.get("TABLERX_DECISIONS") or base.decisions_dir),
            database_url=environ.get("TABLERX_DATABASE_URL") or base.database_url,
            caller_header=environ.get("TABLERX_CALLER_HEADER") or base.caller_header,
            max_batch=int(environ.get("TABLERX_MAX_BATCH") or base.max_batch),
            max_body_bytes=int(environ.get("TABLERX_MAX_BODY_BYTES") or base.max_body_bytes),
            drafts=parse_flag("TABLERX_DRAFTS", environ.get("TABLERX_DRAFTS")),
            diff_max_cases=int(environ.get("TABLERX_DIFF_MAX_CASES") or base.diff_max_cases),
            timezone=environ.get("TABLERX_TIMEZONE") or None,
            evaluation_timeout=parse_timeout(
                environ.get("TABLERX_EVALUATION_TIMEOUT"), base.evaluation_timeout
            ),
            metrics_dir=Path(environ["TABLERX_METRICS_DIR"])
            if environ.get("TABLERX_METRICS_DIR")
            else None,
            cors_origins=parse_origins(environ.get("TABLERX_CORS_ORIGINS")),
        )

    def to_env(self) -> dict[str, str]:
        """The ``TABLERX_*`` variables that reproduce these settings in a worker process."""
        return {
            "TABLERX_DECISIONS": str(self.decisions_dir),
            "TABLERX_DATABASE_URL": self.database_url,
            "TABLERX_CALLER_HEADER": self.caller_header,
            "TABLERX_MAX_BATCH": str(self.max_batch),
            "TABLERX_MAX_BODY_BYTES": str(self.max_body_bytes),
            "TABLERX_DRAFTS": "1" if self.drafts else "0",
            "TABLERX_DIFF_MAX_CASES": str(self.diff_max_cases),
            "TABLERX_TIMEZONE": self.timezone or "",
            "TABLERX_EVALUATION_TIMEOUT": format_timeout(self.evaluation_timeout),
            "TABLERX_METRICS_DIR": str(self.metrics_dir) if self.metrics_dir else "",
            "TABLERX_CORS_ORIGINS": ",".join(self.cors_origins),
        }


def parse_origins(text: str | None) -> tuple[str, ...]:
    """Web origins from a comma-separated list (``TABLERX_CORS_ORIGINS``); ValueError for
    one that is not ``scheme://host[:port]`` (a path or a slash at the end never matches
    what a browser sends, so it would fail silently) or ``*``."""
    origins = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not _ORIGIN.fullmatch(origin):
            raise ValueError(
                f"TABLERX_CORS_ORIGINS / --cors-origin: {origin!r} is not a web origin; "
                "write scheme://host[:port], e.g. https://ehr.example.org, with no path"
            )
    return origins


_ORIGIN = re.compile(r"https?://[^/\s:]+(:[0-9]{1,5})?")

_FLAGS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
    "": False,
}


def parse_flag(name: str, text: str | None) -> bool:
    """An on/off setting: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    value = _FLAGS.get((text or "").strip().lower())
    if value is None:
        raise ValueError(f"{name}={text!r}: expected 1, true, yes, on, 0, false, no or off")
    return value


DiffKey = tuple[str, str, int]  # (old sha256, new sha256, input-set limit)


class DiffCache:
    """Version diffs by content hashes: published versions never change, so a diff computed
    once holds for the life of the process. One diff runs at a time, in a worker thread
    (it is CPU work that must not stall the event loop); a second request for a diff
    being computed waits for the same result instead of starting another."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._done: OrderedDict[DiffKey, VersionDiff] = OrderedDict()
        self._running: dict[DiffKey, asyncio.Task[VersionDiff]] = {}
        self._slot = asyncio.Semaphore(1)

    async def get(self, key: DiffKey, compute: Callable[[], VersionDiff]) -> VersionDiff:
        """The cached diff for ``key``, else ``compute()`` run in a thread and cached."""
        found = self._done.get(key)
        if found is not None:
            self._done.move_to_end(key)
            return found
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(self._compute(key, compute))
            self._running[key] = task
        # shield: a client that goes away does not cancel the diff others wait for
        return await asyncio.shield(task)

    async def _compute(self, key: DiffKey, compute: Callable[[], VersionDiff]) -> VersionDiff:
        try:
            async with self._slot:
                diff = await run_in_threadpool(compute)
            self._done[key] = diff
            while len(self._done) > self.size:
                self._done.popitem(last=False)
            return diff
        finally:
            self._running.pop(key, None)


class Service:
    """The state every route shares: settings, catalogue, prepared versions, audit, metrics."""

    def __init__(self, settings: Settings, catalogue: Catalogue | None = None) -> None:
        self.settings = settings
        if catalogue is None:
            catalogue = load_catalogue(settings.decisions_dir, settings.drafts)
        self.catalogue = catalogue
        self.prepared: dict[tuple[str, str], Prepared] = {}
        problems: list[str] = []
        for version in catalogue.all_versions():
            try:
                key = (version.model_id, version.version)
                self.prepared[key] = prepare(
                    version, settings.timezone, settings.evaluation_timeout
                )
            except Exception as exc:
                problems.append(f"{version.path}: {exc}")
        if problems:
            raise CatalogueError(problems)
        self.audit = AuditLog(settings.database_url)
        self.diffs = DiffCache()
        self.metrics = Metrics(settings.metrics_dir)
        self.metrics.gauges.append(self._audit_gauges)

    def resolve(self, model_id: str, version: str | None) -> Prepared:
        """The prepared version (the default one when None); raise ModelNotFound,
        VersionNotFound or NoApprovedVersion."""
        found = self.catalogue.get(model_id, version)
        return self.prepared[(found.model_id, found.version)]

    def describe(self, model_id: str, version: str | None) -> Prepared:
        """Like :meth:`resolve`, but a model without a default version is described by its
        newest version (reading is not answering)."""
        entry = self.catalogue.entry(model_id)
        found = entry.get(version) if version is not None else entry.default() or entry.newest()
        return self.prepared[(found.model_id, found.version)]

    def _audit_gauges(self) -> list[tuple[str, str, str, float]]:
        stats = self.audit.writer.stats
        return [
            (
                "tablerx_audit_commits_total",
                "counter",
                "Audit transactions committed.",
                stats.rounds,
            ),
            ("tablerx_audit_records_total", "counter", "Audit records written.", stats.rows),
            (
                "tablerx_audit_failed_total",
                "counter",
                "Audit records that could not be stored.",
                stats.failed,
            ),
            (
                "tablerx_audit_largest_commit",
                "gauge",
                "Most records in one audit transaction.",
                stats.largest_round,
            ),
            (
                "tablerx_audit_commit_seconds_total",
                "counter",
                "Time spent writing and committing audit transactions.",
                stats.seconds,
            ),
            (
                "tablerx_audit_writer_restarts_total",
                "counter",
                "Times the audit writer process died and was started again.",
                self.audit.writer.restarts,
            ),
        ]


async def get_service(request: Request) -> Service:
    """The app's :class:`Service` (a FastAPI dependency; async, so no thread hop)."""
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]
