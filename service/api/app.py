"""Settings -> the FastAPI application: catalogue loaded and compiled, audit log, routers.

``create_app(settings)`` loads every published model version once (a broken file stops
the start-up with all its problems), prepares each version's request validation, and
opens the audit log when the app starts (in each worker process). ``create_app_from_env``
is the factory ``tablerx serve`` hands to uvicorn, so that several workers can each build
their own app from the same ``TABLERX_*`` environment. Evaluate requests go straight to
their handler (:mod:`service.api.fastlane`); everything else through FastAPI.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from service.api import decisions, diffs, errors, evaluations, fastlane, health, metrics
from service.api.headget import HeadAsGet
from service.api.metrics import MetricsMiddleware
from service.api.openapi import install_openapi
from service.api.state import API_VERSION, Service, Settings


class TablerxApp(FastAPI):
    """The FastAPI application, with ``POST /decisions/{model}/evaluate`` taken straight to
    its handler (:mod:`service.api.fastlane`) ahead of the middleware stack, once
    :meth:`open_fast_lane` is called. Middleware added after that closes the lane again,
    so that it sees every request."""

    fast_lane = False

    def open_fast_lane(self) -> None:
        """Serve evaluate requests directly from now on (call it after the middleware)."""
        self.fast_lane = True

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        """Add a middleware; it closes the fast lane (see the class docstring)."""
        self.fast_lane = False
        super().add_middleware(middleware_class, *args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        model = fastlane.model_of(scope) if self.fast_lane and not self.root_path else None
        if model is not None:
            await fastlane.serve(self.state.service, model, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings``; raise CatalogueError if a published file is broken."""
    settings = settings or Settings()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.audit.start()
        metrics = service.metrics
        metrics.refresh()  # this worker's gauges, for the others' scrapes
        # (and every second while it runs, when there are others: a metrics directory)
        refresher = asyncio.create_task(metrics.refresh_every()) if metrics.directory else None
        # The compiled models live as long as the process: keep them out of the garbage
        # collector's full passes, which would otherwise walk them during requests.
        gc.freeze()
        try:
            yield
        finally:
            if refresher is not None:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
            await service.audit.stop()
            metrics.refresh()

    app = TablerxApp(
        title="tablerx decision service",
        version=API_VERSION,
        summary="Clinical decision tables (DMN 1.5) evaluated with their rationale, audited.",
        lifespan=lifespan,
    )
    app.state.service = service
    errors.install_handlers(app)
    # The evaluation routes come first: they are the ones matched on almost every request.
    app.router.routes[:0] = decisions.EVALUATION_ROUTES
    for router in (
        decisions.router,
        diffs.router,
        evaluations.router,
        health.router,
        metrics.router,
    ):
        app.include_router(router)
    app.add_middleware(MetricsMiddleware, metrics=service.metrics)
    app.add_middleware(HeadAsGet)
    app.open_fast_lane()  # does for evaluate requests what the metrics middleware does
    if settings.cors_origins:  # added after the lane opened, so it closes it: see TablerxApp
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["content-type", "x-request-id", settings.caller_header.lower()],
            expose_headers=["x-request-id", "etag", "x-content-sha256"],
            max_age=600,
        )
    install_openapi(app, service)
    return app


def create_app_from_env() -> FastAPI:
    """The uvicorn factory: an app built from the ``TABLERX_*`` environment variables."""
    return create_app(Settings.from_env())
