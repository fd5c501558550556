"""Requests, latencies and evaluations -> ``GET /metrics`` in the Prometheus text format.

A pure ASGI middleware counts every request by method, route template and status and
observes its latency; the evaluate routes count evaluations by model, version and outcome
(ok, rejected, defect, timeout, error, not_found); the audit writer's rounds and rows are read at
scrape time. Counters live in the worker process: with several workers, each scrape
reports the worker that answered it (label ``pid``), and Prometheus sums them.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[tuple[str, str], ...]


class Histogram:
    """Cumulative buckets, sum and count for one label set."""

    __slots__ = ("count", "counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * len(BUCKETS)
        self.count = 0
        self.total = 0.0

    def observe(self, value: float) -> None:
        """Add one observation."""
        for i, bound in enumerate(BUCKETS):
            if value <= bound:
                self.counts[i] += 1
                break
        self.count += 1
        self.total += value


class Metrics:
    """The process's counters and histograms, and their text exposition."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[Labels, int] = defaultdict(int)
        self.latency: dict[Labels, Histogram] = defaultdict(Histogram)
        self.evaluations: dict[Labels, int] = defaultdict(int)
        self.gauges: list[Callable[[], list[tuple[str, str, str, float]]]] = []

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one HTTP request and observe its latency."""
        with self._lock:
            self.requests[(("method", method), ("route", route), ("status", str(status)))] += 1
            self.latency[(("method", method), ("route", route))].observe(seconds)

    def evaluation(self, model: str, version: str | None, outcome: str, n: int = 1) -> None:
        """Count ``n`` evaluations of a model version with their outcome."""
        labels = (("model", model), ("version", version or ""), ("outcome", outcome))
        with self._lock:
            self.evaluations[labels] += n

    def render(self) -> str:
        """The Prometheus text exposition of everything counted so far."""
        pid = str(os.getpid())
        lines: list[str] = []
        with self._lock:
            _counter(lines, "tablerx_http_requests_total", "HTTP requests.", self.requests, pid)
            _histograms(lines, self.latency, pid)
            _counter(lines, "tablerx_evaluations_total",
                     "Evaluations by model, version and outcome.", self.evaluations, pid)
        for gauge in self.gauges:
            for name, kind, help_text, value in gauge():
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}",
                          f'{name}{{pid="{pid}"}} {_number(value)}']
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, pid: str, extra: str = "") -> str:
    parts = [f'{k}="{_escape(v)}"' for k, v in labels] + [f'pid="{pid}"']
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _counter(
    lines: list[str], name: str, help_text: str, data: dict[Labels, int], pid: str
) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
    lines += [f"{name}{_labels(labels, pid)} {value}" for labels, value in sorted(data.items())]


def _histograms(lines: list[str], data: dict[Labels, Histogram], pid: str) -> None:
    name = "tablerx_http_request_duration_seconds"
    lines += [f"# HELP {name} HTTP request latency.", f"# TYPE {name} histogram"]
    for labels, hist in sorted(data.items()):
        running = 0
        for bound, count in zip(BUCKETS, hist.counts, strict=True):
            running += count
            le = f'le="{bound}"'
            lines.append(f"{name}_bucket{_labels(labels, pid, le)} {running}")
        inf = 'le="+Inf"'
        lines.append(f"{name}_bucket{_labels(labels, pid, inf)} {hist.count}")
        lines.append(f"{name}_sum{_labels(labels, pid)} {hist.total!r}")
        lines.append(f"{name}_count{_labels(labels, pid)} {hist.count}")


class MetricsMiddleware:
    """Pure ASGI middleware: counts each HTTP request by route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.request(scope["method"], template, status, time.perf_counter() - started)


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def metrics(request: Request) -> Response:
    """Request counts and latencies, evaluations by model, version and outcome (Prometheus)."""
    registry: Any = request.app.state.service.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)
