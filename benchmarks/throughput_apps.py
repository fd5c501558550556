"""The servers the throughput benchmark measures besides ``tablerx serve`` itself.

Run one: ``.venv/bin/python benchmarks/throughput_apps.py FACTORY PORT WORKERS`` (uvicorn
on 127.0.0.1; ``benchmarks/service_throughput.py`` does this). The factories:

* ``bare_app``: the baseline, a FastAPI endpoint with a pydantic body returning a stored
  payload of ``BARE_PAYLOAD_SIZE`` bytes;
* ``bare_starlette_app``: a lower floor, a plain Starlette route;
* ``no_audit_app``: tablerx with the audit write replaced by nothing;
* ``engine_free_app``: tablerx, audit included, with the engine replaced by a replay of
  its first result for each exact input (:func:`replaying`).

The tablerx variants are made for the benchmark only; nothing here is shipped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class Inputs(BaseModel):
    """The bare endpoint's body: any JSON object, parsed and validated by pydantic."""

    model_config = ConfigDict(extra="allow")


def bare_app() -> Any:
    """The baseline: FastAPI, a pydantic body, a stored answer of BARE_PAYLOAD_SIZE bytes."""
    size = int(os.environ.get("BARE_PAYLOAD_SIZE", "2000"))
    payload = b'{"x":"' + b"a" * max(0, size - 8) + b'"}'
    app = FastAPI()

    @app.post("/decisions/{model}/evaluate")
    async def evaluate(model: str, inputs: Inputs) -> Response:
        return Response(payload, media_type="application/json")

    return app


def bare_starlette_app() -> Any:
    """A lower floor (variant ``bare-starlette``, not run by default): a plain Starlette
    route that reads the body and returns the same stored answer."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    size = int(os.environ.get("BARE_PAYLOAD_SIZE", "2000"))
    payload = b'{"x":"' + b"a" * max(0, size - 8) + b'"}'

    async def evaluate(request: Request) -> Response:
        await request.body()
        return Response(payload, media_type="application/json")

    return Starlette(routes=[Route("/decisions/{model}/evaluate", evaluate, methods=["POST"])])


def no_audit_app() -> Any:
    """tablerx with the audit write removed: for measuring what the durable write costs."""
    from service.api.app import create_app_from_env

    app = create_app_from_env()

    async def skip(records: Any) -> None:
        return None

    app.state.service.audit.write = skip
    return app


def exact_key(inputs: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """Input values keyed exactly, by type and value: ``1`` and ``1.0`` differ (as
    decimals), and so do ``true`` and ``1``."""
    return tuple(sorted((name, type(value).__name__, repr(value))
                        for name, value in inputs.items()))  # fmt: skip


def replaying(evaluate: Callable[..., Any], calls: Path | None = None) -> Callable[..., Any]:
    """``Model.evaluate`` that evaluates each (model, decisions asked, zone, exact input
    values) once and answers later calls with a fresh Result made from that first one
    (values, warnings, errors and the raw log the answer is explained from). Each real
    evaluation appends a line to ``calls``, for counting them across worker processes."""
    from service.engine.explain import Result

    memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def replay(
        self: Any,
        inputs: Mapping[str, Any],
        decisions: Any = None,
        zone: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Any:
        asked = None if decisions is None else tuple(decisions)
        key = (id(self), asked, zone, exact_key(inputs))
        first = memo.get(key)
        if first is None:
            result = evaluate(self, inputs, asked, zone, timeout=timeout)
            log = result.log  # read before anything reads .tables (which empties it)
            tables = None if log is not None else list(result.tables)
            first = memo[key] = (self, result.values, tables, tuple(result.warnings),
                                 tuple(result.errors), log or ())  # fmt: skip
            if calls is not None:
                with calls.open("a") as out:
                    out.write(f"{os.getpid()}\n")
        _, values, tables, warnings, errors, log = first
        return Result(dict(values), None if tables is None else list(tables), list(warnings),
                      list(errors), log)  # fmt: skip

    return replay


def engine_free_app() -> Any:
    """tablerx as shipped, audit included, with the engine replaced by a replay of its first
    answer to each exact input (:func:`replaying`): the service's cost around the engine."""
    from service.api.app import create_app_from_env
    from service.engine.models import Model

    calls = os.environ.get("BENCH_ENGINE_CALLS")
    replay = replaying(Model.evaluate, Path(calls) if calls else None)
    Model.evaluate = replay  # type: ignore[method-assign]
    return create_app_from_env()


FACTORIES = {
    "bare": "bare_app",
    "bare-starlette": "bare_starlette_app",
    "tablerx-no-audit": "no_audit_app",
    "engine-free": "engine_free_app",
}


def main(argv: list[str]) -> None:
    """Serve one factory (by its key in FACTORIES or its function name) with uvicorn."""
    import uvicorn

    factory, port, workers = argv
    name = FACTORIES.get(factory, factory)
    uvicorn.run(f"throughput_apps:{name}", factory=True, host="127.0.0.1", port=int(port),
                workers=int(workers), log_level="warning", access_log=False,
                app_dir=str(Path(__file__).parent))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
