"""``tablerx serve`` (the service on uvicorn) and ``tablerx eval`` (one request, in-process).

``serve`` runs the FastAPI app over the repository's ``decisions/`` with a SQLite audit
database in ``var/`` unless told otherwise, so it needs no set-up. With ``--workers N``
each worker process builds its own app from the same ``TABLERX_*`` settings, and keeps
its metric values in a directory made for the run (``TABLERX_METRICS_DIR``), so that
``GET /metrics`` reports every worker whichever one answers. A request
that names no version gets the newest approved version; ``--drafts`` (development, the
README's quick start) lets the newest version that is not retired answer instead, and
every answer from a version that is not approved says so. At start-up it prints which
version answers each model by default.

``eval`` sends one request through the very same app, in-process (no network), and prints
the response body exactly as the API returns it; its audit record is written like any
other. The exit status is 0 for a 200 answer, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from service.api.metricfiles import RunDirectory
from service.api.state import Settings, parse_origins, parse_timeout
from service.store.audit import create_db_engine, create_schema
from service.store.catalogue import Catalogue, CatalogueError, load_catalogue


def _settings(args: argparse.Namespace) -> Settings:
    base = Settings.from_env()
    return dataclasses.replace(
        base,
        decisions_dir=Path(args.decisions) if args.decisions else base.decisions_dir,
        database_url=args.database or base.database_url,
        drafts=args.drafts or base.drafts,
        timezone=args.timezone or base.timezone,
        evaluation_timeout=parse_timeout(args.evaluation_timeout, base.evaluation_timeout),
        cors_origins=_origins(getattr(args, "cors_origin", None)) or base.cors_origins,
    )


def _origins(given: list[str] | None) -> tuple[str, ...]:
    return parse_origins(",".join(given)) if given else ()


def _defaults(catalogue: Catalogue, drafts: bool) -> list[str]:
    """One line per model: the version that answers requests naming none, and its status."""
    lines = []
    for entry in catalogue:
        default = entry.default()
        if default is None:
            lines.append(
                f"  {entry.model_id}: no approved version; requests must name one "
                f"(?version=...){'' if drafts else ', or run with --drafts'}"
            )
        else:
            marked = "" if default.status == "approved" else " (answers are marked as such)"
            lines.append(f"  {entry.model_id}: {default.version}, {default.status}{marked}")
    return lines


def _check(settings: Settings) -> str | None:
    """Load the catalogue and create the audit table once, before any worker starts."""
    try:
        catalogue = load_catalogue(settings.decisions_dir, settings.drafts)
    except CatalogueError as exc:
        return "cannot load the published models:\n  " + "\n  ".join(exc.problems)
    engine = create_db_engine(settings.database_url)
    try:
        create_schema(engine)
    except Exception as exc:
        return f"cannot open the audit database: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()
    count = sum(1 for _ in catalogue.all_versions())
    mode = " (--drafts: drafts answer requests that name no version)" if settings.drafts else ""
    print(
        f"tablerx: {len(catalogue.models)} models, {count} versions from "
        f"{settings.decisions_dir}{mode}; default versions:",
        file=sys.stderr,
    )
    print("\n".join(_defaults(catalogue, settings.drafts)), file=sys.stderr)
    return None


def serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted."""
    import uvicorn

    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"tablerx serve: {exc}", file=sys.stderr)
        return 2
    problem = _check(settings)
    if problem:
        print(f"tablerx serve: {problem}", file=sys.stderr)
        return 1
    # A fresh metrics directory per run: the workers keep their values there, so that
    # /metrics reports all of them (and none of an earlier run's); directories that
    # killed runs left behind are removed first.
    try:
        run = RunDirectory()
    except OSError as exc:
        print(
            f"tablerx serve: cannot create the metrics folder in the temporary directory "
            f"({exc.strerror}: {exc.filename}); set TMPDIR to a writable folder",
            file=sys.stderr,
        )
        return 1
    os.environ.update(dataclasses.replace(settings, metrics_dir=run.path).to_env())
    # uvicorn (one worker) ends a graceful stop on SIGTERM by raising SIGTERM again with
    # the default action, which would kill the process before the directory is removed.
    previous = signal.signal(signal.SIGTERM, _terminated)
    stopped_by = None
    try:
        uvicorn.run(
            "service.api.app:create_app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=args.access_log,
            log_level=args.log_level,
            timeout_graceful_shutdown=10,
        )
    except _Terminated:
        stopped_by = signal.SIGTERM
    finally:
        run.remove()
        signal.signal(signal.SIGTERM, previous)
    if stopped_by is not None:
        signal.raise_signal(stopped_by)  # the exit status uvicorn meant: ended by SIGTERM
    return 0


class _Terminated(Exception):
    """SIGTERM arrived outside uvicorn's own handling (see :func:`serve`)."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


async def _in_process(settings: Settings, path: str, body: bytes) -> tuple[int, bytes]:
    import httpx

    from service.api.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tablerx") as client:
            headers = {"content-type": "application/json", "x-caller-id": "tablerx-cli"}
            response = await client.post(path, content=body, headers=headers)
    return response.status_code, response.content


def evaluate(args: argparse.Namespace) -> int:
    """Evaluate one request through the app in-process and print the API's response body."""
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"tablerx eval: {exc}", file=sys.stderr)
        return 2
    try:
        body = Path(args.input).read_bytes() if args.input != "-" else sys.stdin.buffer.read()
    except OSError as exc:
        print(f"tablerx eval: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    path = f"/decisions/{quote(args.model, safe='')}/evaluate"
    if args.version:
        path += f"?version={quote(args.version, safe='')}"
    try:
        status, content = asyncio.run(_in_process(settings, path, body))
    except CatalogueError as exc:
        print(
            "tablerx eval: cannot load the published models:\n  " + "\n  ".join(exc.problems),
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(content.decode("utf-8") + "\n")
    return 0 if status == 200 else 1


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decisions",
        metavar="DIR",
        help="folder of published models (default: the repository's decisions/)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="audit database URL (default: sqlite:///<repo>/var/audit.sqlite; "
        "postgresql://user:pass@host/db for PostgreSQL)",
    )
    parser.add_argument(
        "--drafts",
        action="store_true",
        help="development: let the newest version that is not retired (a draft, "
        "say) answer requests that name no version; such answers are "
        "marked with its status (also TABLERX_DRAFTS=1)",
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA time zone in which models read now() and today(), e.g. "
        "Europe/Paris (default UTC; also TABLERX_TIMEZONE)",
    )
    parser.add_argument(
        "--evaluation-timeout",
        metavar="SECONDS",
        help="stop an evaluation that runs longer and answer 503 "
        "EVALUATION_TIMEOUT (default 2; 0: no limit; also "
        "TABLERX_EVALUATION_TIMEOUT)",
    )


def register(subparsers: Any) -> None:
    """Add the ``serve`` and ``eval`` commands."""
    serve_parser = subparsers.add_parser(
        "serve",
        help="run the decision service (REST API with audit log)",
        description="Run the decision service on uvicorn.",
    )
    serve_parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve_parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (the audit log records evaluations anyway)",
    )
    serve_parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve_parser.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        help="a web origin (https://ehr.example.org) whose browser pages may call the API; "
        "repeat for several (default none; also TABLERX_CORS_ORIGINS, comma-separated)",
    )
    _common(serve_parser)
    serve_parser.set_defaults(handler=serve)

    eval_parser = subparsers.add_parser(
        "eval",
        help="evaluate one request and print what the API returns",
        description="Evaluate MODEL on the inputs in FILE (JSON) through the service, "
        "in-process, and print the API's response body.",
    )
    eval_parser.add_argument("model", metavar="MODEL", help="model id")
    eval_parser.add_argument(
        "--input",
        required=True,
        metavar="FILE",
        help="JSON file of inputs ('-' for standard input)",
    )
    eval_parser.add_argument(
        "--version", metavar="V", help="model version (default: the newest approved one)"
    )
    _common(eval_parser)
    eval_parser.set_defaults(handler=evaluate)
