"""Requests, latencies and evaluations of every worker -> ``GET /metrics`` (Prometheus text).

A pure ASGI middleware counts every request by method, route template and status and
observes its latency; the evaluate routes count evaluations by model, version and outcome
(ok, rejected, defect, timeout, error, not_found); gauges (the audit writer's rounds and
rows) are read from callbacks. Each process keeps its values in its own memory-mapped
file (:mod:`service.api.metricfiles`) in the server's metrics directory, so that the
worker answering a scrape reads every worker's: counters and histograms are summed over
all of them, also those that exited (a restart never makes a total go backwards), and
gauges are reported per live worker (label ``pid``). Counting stays a few stores into
memory. Gauges are written at each scrape of their own process and every
``REFRESH_SECONDS``, so another worker's may be that old. Without a directory (tests,
``tablerx eval``) the process reports its own values.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.metricfiles import (
    PACK_VALUE,
    ValueFile,
    WorkerFile,
    entries,
    read_directory,
    retire,
)

log = logging.getLogger("tablerx.api")

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
REFRESH_SECONDS = 1.0  # how often a worker writes its gauges for the other workers to read

REQUESTS = "tablerx_http_requests_total"
LATENCY = "tablerx_http_request_duration_seconds"
EVALUATIONS = "tablerx_evaluations_total"
# the families summed over every worker, in the order of the exposition: (type, help)
SUMMED = {
    REQUESTS: ("counter", "HTTP requests."),
    LATENCY: ("histogram", "HTTP request latency."),
    EVALUATIONS: ("counter", "Evaluations by model, version and outcome."),
}
# a histogram's values: one per bucket (not cumulative), one above the last, then the sum
_SUM_AT = 8 * (len(BUCKETS) + 1)
_SIZES = {
    name: len(BUCKETS) + 2 if kind == "histogram" else 1 for name, (kind, _help) in SUMMED.items()
}

Labels = tuple[tuple[str, str], ...]
Gauge = Callable[[], list[tuple[str, str, str, float]]]  # -> (name, type, help, value)


class _Cell:
    """One series' values: where they start in the value file, and this process's copies
    (so that counting reads nothing back from the mapping)."""

    __slots__ = ("offset", "values")

    def __init__(self, offset: int, values: list[float]) -> None:
        self.offset = offset
        self.values = values


class Metrics:
    """This process's counters, histograms and gauges, kept in its value file (in
    ``directory``: one per worker of the server; None: in memory), and the text
    exposition of every worker's."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._file = ValueFile(directory)
        self._requests: dict[tuple[str, str, int], tuple[_Cell, _Cell]] = {}
        self._latency: dict[tuple[str, str], _Cell] = {}
        self._evaluations: dict[tuple[str, str | None, str], _Cell] = {}
        self._gauge_cells: dict[str, _Cell] = {}
        self.gauges: list[Gauge] = []  # read at each scrape and every REFRESH_SECONDS

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one HTTP request and observe its latency."""
        with self._lock:
            cells = self._requests.get((method, route, status))
            if cells is None:
                cells = self._request_cells(method, route, status)
            count, latency = cells
            mm = self._file.mm
            values = count.values
            values[0] += 1
            PACK_VALUE(mm, count.offset, values[0])
            values = latency.values
            i = bisect_left(BUCKETS, seconds)  # the first bucket whose bound is >= seconds
            values[i] += 1
            PACK_VALUE(mm, latency.offset + 8 * i, values[i])
            values[-1] += seconds
            PACK_VALUE(mm, latency.offset + _SUM_AT, values[-1])

    def evaluation(self, model: str, version: str | None, outcome: str, n: int = 1) -> None:
        """Count ``n`` evaluations of a model version with their outcome."""
        with self._lock:
            cell = self._evaluations.get((model, version, outcome))
            if cell is None:
                labels = (("model", model), ("version", version or ""), ("outcome", outcome))
                cell = self._evaluations[(model, version, outcome)] = self._add(
                    EVALUATIONS, labels, 1
                )
            cell.values[0] += n
            PACK_VALUE(self._file.mm, cell.offset, cell.values[0])

    def _request_cells(self, method: str, route: str, status: int) -> tuple[_Cell, _Cell]:
        latency = self._latency.get((method, route))
        if latency is None:
            latency = self._latency[(method, route)] = self._add(
                LATENCY, (("method", method), ("route", route)), len(BUCKETS) + 2
            )
        labels = (("method", method), ("route", route), ("status", str(status)))
        cells = self._requests[(method, route, status)] = (self._add(REQUESTS, labels, 1), latency)
        return cells

    def _add(self, name: str, labels: Labels, size: int) -> _Cell:
        key = json.dumps(["sum", name, labels])
        return _Cell(self._file.add(key, [0.0] * size), [0.0] * size)

    def refresh(self) -> None:
        """Write the gauges' current values into this process's file."""
        readings = [reading for gauge in self.gauges for reading in gauge()]
        with self._lock:
            for name, kind, help_text, value in readings:
                cell = self._gauge_cells.get(name)
                if cell is None:
                    key = json.dumps(["pid", name, kind, help_text, []])
                    cell = self._gauge_cells[name] = _Cell(self._file.add(key, [0.0]), [0.0])
                cell.values[0] = float(value)
                PACK_VALUE(self._file.mm, cell.offset, cell.values[0])

    async def refresh_every(self, seconds: float = REFRESH_SECONDS) -> None:
        """Refresh the gauges every ``seconds``, for the other workers' scrapes (a task)."""
        while True:
            await asyncio.sleep(seconds)
            try:
                self.refresh()
            except Exception:  # a broken gauge must not stop the others' refresh for good
                log.exception("cannot read the metrics' gauges")

    def render(self) -> str:
        """The Prometheus text exposition: counters and histograms summed over every worker
        of the server, live or exited; gauges of each live worker (label ``pid``)."""
        self.refresh()
        with self._lock:
            own = WorkerFile(str(os.getpid()), True, self._file.snapshot())
        files = [own]
        if self.directory is not None:
            retire(self.directory, is_summed)  # exited workers' files into one
            files += read_directory(self.directory, skip=self._file.path)
        return exposition(files)

    def close(self) -> None:
        """Let go of the value file, as an exiting process does (nothing counts after)."""
        with self._lock:
            self._file.close()


def is_summed(key: Any) -> bool:
    """Whether an entry is summed over the workers (a counter's or histogram's)."""
    return bool(key) and key[0] == "sum"


def exposition(files: list[WorkerFile]) -> str:
    """The text exposition of the workers' files merged (see :meth:`Metrics.render`)."""
    summed: dict[str, dict[Labels, list[float]]] = {name: {} for name in SUMMED}
    gauges: dict[str, tuple[str, str, list[tuple[Labels, float]]]] = {}
    for worker in files:
        for key, values in entries(worker.data):
            if key[0] == "sum" and key[1] in summed:
                if len(values) != _SIZES[key[1]]:
                    continue  # not this code's layout (a folder shared with another version)
                labels = tuple((k, v) for k, v in key[2])
                found = summed[key[1]].get(labels)
                if found is None:
                    summed[key[1]][labels] = list(values)
                else:
                    summed[key[1]][labels] = [a + b for a, b in zip(found, values, strict=True)]
            elif key[0] == "pid" and worker.alive:
                _, name, kind, help_text, labels = key
                labelled = (*((k, v) for k, v in labels), ("pid", worker.pid))
                gauges.setdefault(name, (kind, help_text, []))[2].append((labelled, values[0]))
    lines: list[str] = []
    for name, (kind, help_text) in SUMMED.items():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        series = sorted(summed[name].items())
        lines += _histogram(name, series) if kind == "histogram" else _counter(name, series)
    for name, (kind, help_text, samples) in gauges.items():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{_labels(labels)} {_number(value)}" for labels, value in sorted(samples)]
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: str = "") -> str:
    parts = [f'{k}="{_escape(v)}"' for k, v in labels]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _counter(name: str, series: list[tuple[Labels, list[float]]]) -> list[str]:
    return [f"{name}{_labels(labels)} {_number(values[0])}" for labels, values in series]


def _histogram(name: str, series: list[tuple[Labels, list[float]]]) -> list[str]:
    lines = []
    for labels, values in series:
        running = 0.0
        for bound, count in zip(BUCKETS, values, strict=False):
            running += count
            le = f'le="{bound}"'
            lines.append(f"{name}_bucket{_labels(labels, le)} {_number(running)}")
        total = running + values[len(BUCKETS)]
        inf = 'le="+Inf"'
        lines.append(f"{name}_bucket{_labels(labels, inf)} {_number(total)}")
        lines.append(f"{name}_sum{_labels(labels)} {values[-1]!r}")
        lines.append(f"{name}_count{_labels(labels)} {_number(total)}")
    return lines


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
