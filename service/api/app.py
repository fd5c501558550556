"""Settings -> the FastAPI application: catalogue loaded and compiled, audit log, routers.

``create_app(settings)`` loads every published model version once (a broken file stops
the start-up with all its problems), prepares each version's request validation, and
opens the audit log when the app starts (in each worker process). ``create_app_from_env``
is the factory ``tablerx serve`` hands to uvicorn, so that several workers can each build
their own app from the same ``TABLERX_*`` environment.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.api import decisions, diffs, errors, evaluations, health, metrics
from service.api.metrics import MetricsMiddleware
from service.api.openapi import install_openapi
from service.api.state import API_VERSION, Service, Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings``; raise CatalogueError if a published file is broken."""
    settings = settings or Settings()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.audit.start()
        # The compiled models live as long as the process: keep them out of the garbage
        # collector's full passes, which would otherwise walk them during requests.
        gc.freeze()
        try:
            yield
        finally:
            await service.audit.stop()

    app = FastAPI(
        title="tablerx decision service",
        version=API_VERSION,
        summary="Clinical decision tables (DMN 1.5) evaluated with their rationale, audited.",
        lifespan=lifespan,
    )
    app.state.service = service
    errors.install_handlers(app)
    # The evaluation routes come first: they are the ones matched on almost every request.
    app.router.routes[:0] = decisions.EVALUATION_ROUTES
    for router in (decisions.router, diffs.router, evaluations.router, health.router,
                   metrics.router):
        app.include_router(router)
    app.add_middleware(MetricsMiddleware, metrics=service.metrics)
    install_openapi(app, service)
    return app


def create_app_from_env() -> FastAPI:
    """The uvicorn factory: an app built from the ``TABLERX_*`` environment variables."""
    return create_app(Settings.from_env())
