"""Decision service throughput: POST /decisions/{model}/evaluate against a bare FastAPI endpoint.

Run: ``.venv/bin/python benchmarks/service_throughput.py [--duration 10] [--workers 1 2]``.
Needs ``wrk`` (Debian package ``wrk``). Every figure is measured in this run, on this
machine, with the load generator on loopback, so the ratios compare like with like:

* ``bare``: a FastAPI endpoint with a pydantic body that parses the same request and
  returns a stored payload of the same size as tablerx's answer (the floor any FastAPI
  service pays for HTTP, parsing and sending);
* ``tablerx``: ``tablerx serve`` as shipped: validation, evaluation, explanation, and the
  durable audit write (group commit) before every answer;
* ``tablerx-no-audit``: the same app with the audit write replaced by nothing, for this
  benchmark only, to show what the durable write itself costs;
* ``tablerx-trivial``: ``tablerx serve`` as shipped (audit included) over a trivial model
  written for the run (one number input, one literal decision ``x + 1``): the service's
  own floor per request, HTTP, validation, answer, audit, with next to no engine work.

Each variant runs with 1 and 2 uvicorn workers. After each audited tablerx run the audit
database is checked to hold a record for every answer wrk received. The target is
tablerx >= 0.5 x bare on one worker; the engine's own evaluation time per request
(measured in-process) is printed too, since it bounds what any service around it can do.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The first request of the clinical specification (spec.md §3): line 2, HER2 re-confirmed.
DEFAULT_INPUT = {
    "line_of_therapy": 2,
    "progressed_on_first_line": True,
    "her2_status_after_progression": "positive",
    "ecog": 1,
}
TRIVIAL_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"
             xmlns:tablerx="https://tablerx.dev/dmn/extensions/1"
             id="trivial" name="Trivial" namespace="https://tablerx.dev/benchmarks/trivial">
  <extensionElements>
    <tablerx:property name="model.id" value="trivial"/>
    <tablerx:property name="model.version" value="1.0.0"/>
  </extensionElements>
  <inputData id="i_x" name="x">
    <extensionElements><tablerx:property name="input.required" value="true"/></extensionElements>
    <variable name="x" typeRef="number"/>
  </inputData>
  <decision id="d_y" name="y">
    <variable name="y" typeRef="number"/>
    <informationRequirement><requiredInput href="#i_x"/></informationRequirement>
    <literalExpression><text>x + 1</text></literalExpression>
  </decision>
</definitions>
"""
FALLBACK = (ROOT / "tests" / "api" / "models", "triage-demo",
            {"line_of_therapy": 2, "progressed_on_first_line": True, "her2_status": "positive",
             "ecog": 1})  # fmt: skip


# --- the servers measured -------------------------------------------------------------------


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


def _serve_factory(factory: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(f"service_throughput:{factory}", factory=True, host="127.0.0.1", port=port,
                workers=workers, log_level="warning", access_log=False,
                app_dir=str(Path(__file__).parent))  # fmt: skip


# --- running things -------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start a server in its own process group and wait until it accepts connections."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(0.5)  # let every worker come up
                return process
        time.sleep(0.1)
    raise TimeoutError("server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and its workers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Measure:
    """One wrk run."""

    variant: str
    workers: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    audited: int | None = None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match[2]]


def wrk(
    url: str, body: bytes, args: argparse.Namespace, tmp: Path, seconds: float
) -> dict[str, Any]:
    """Run wrk with a POST of ``body``; its figures."""
    script = tmp / "post.lua"
    escaped = body.decode().replace("\\", "\\\\").replace("'", "\\'")
    script.write_text(f"wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
                      f"wrk.body = '{escaped}'\n", encoding="utf-8")  # fmt: skip
    duration = f"-d{max(1, round(seconds))}s"
    command = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", duration, "--latency",
               "-s", str(script), url]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(_find(r"Requests/sec:\s+([\d.]+)", out)),
        "p50_ms": _ms(_find(r"^\s+50%\s+(\S+)", out)),
        "p99_ms": _ms(_find(r"^\s+99%\s+(\S+)", out)),
        "requests": int(_find(r"(\d+) requests in", out)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _find(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"{pattern!r} not in wrk's output:\n{text}")
    return match.group(1)


def audited(database: str) -> int:
    """How many audit records the database holds."""
    from service.store.audit import count, create_db_engine

    engine = create_db_engine(database)
    try:
        return count(engine)
    finally:
        engine.dispose()


def measure(variant: str, workers: int, args: argparse.Namespace, job: dict[str, Any],
            tmp: Path) -> Measure:  # fmt: skip
    """Start one variant, warm it up, load it with wrk, stop it."""
    if variant == "tablerx-trivial":
        job = trivial_job(tmp)
    port = free_port()
    database = f"sqlite:///{tmp / f'audit-{variant}-{workers}-{port}.sqlite'}"
    # TABLERX_DRAFTS: the committed clinical model is a draft (as with `make serve`)
    env = {"TABLERX_DECISIONS": str(job["decisions"]), "TABLERX_DATABASE_URL": database,
           "TABLERX_DRAFTS": "1", "BARE_PAYLOAD_SIZE": str(job["size"]),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    me = [sys.executable, str(Path(__file__).resolve())]
    if variant == "bare":
        command = [*me, "--serve-factory", "bare_app", str(port), str(workers)]
    elif variant == "bare-starlette":
        command = [*me, "--serve-factory", "bare_starlette_app", str(port), str(workers)]
    elif variant == "tablerx-no-audit":
        command = [*me, "--serve-factory", "no_audit_app", str(port), str(workers)]
    else:
        command = [sys.executable, "-c", "import sys; from service.cli import main; "
                   "sys.exit(main())", "serve", "--port", str(port), "--workers", str(workers),
                   "--log-level", "warning"]  # fmt: skip
    process = start(command, env, port, tmp / f"{variant}-{workers}.log")
    url = f"http://127.0.0.1:{port}/decisions/{job['model']}/evaluate"
    try:
        wrk(url, job["body"], args, tmp, seconds=2)  # warm-up
        figures = wrk(url, job["body"], args, tmp, seconds=args.duration)
    finally:
        stop(process)
    result = Measure(variant, workers, **figures)
    if variant in ("tablerx", "tablerx-trivial"):
        result.audited = audited(database)
    return result


# --- the report -------------------------------------------------------------------------------


def engine_time_us(job: dict[str, Any]) -> float:
    """Median in-process time of one model evaluation (engine only), in microseconds."""
    import statistics

    from service.api.jsonmap import from_json, parse_body
    from service.api.prepared import prepare
    from service.store.catalogue import load_catalogue

    prepared = prepare(load_catalogue(job["decisions"], drafts=True).get(job["model"]))
    values = prepared.admission.validate(parse_body(job["body"]), from_json).values
    model = prepared.version.compiled
    times = []
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(20):  # as the service does: the guards, then the rest
            model.evaluate(values, decisions=prepared.guards)
            model.evaluate(values, decisions=prepared.top_level)
        times.append((time.perf_counter() - started) / 20 * 1e6)
    return statistics.median(times)


def answer_size(job: dict[str, Any], tmp: Path) -> int:
    """The size of tablerx's answer to the benchmark request, through the real app."""
    import asyncio

    import httpx

    from service.api.app import create_app
    from service.api.state import Settings

    async def one() -> bytes:
        app = create_app(Settings(decisions_dir=job["decisions"], drafts=True,
                                  database_url=f"sqlite:///{tmp / 'size.sqlite'}"))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                response = await client.post(f"/decisions/{job['model']}/evaluate",
                                             content=job["body"])  # fmt: skip
                if response.status_code != 200:
                    raise SystemExit(f"the benchmark request is refused: {response.text}")
                return response.content

    return len(asyncio.run(one()))


def trivial_job(tmp: Path) -> dict[str, Any]:
    """The trivial model, published in a decisions folder of its own under ``tmp``."""
    folder = tmp / "trivial-decisions" / "trivial"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1.0.0.dmn").write_text(TRIVIAL_DMN, encoding="utf-8")
    return {"decisions": folder.parent, "model": "trivial", "body": b'{"x": 1}', "size": 0}


def choose_job(args: argparse.Namespace) -> dict[str, Any]:
    """Model, decisions folder and request body to measure."""
    decisions = Path(args.decisions)
    body: Any = json.loads(Path(args.input).read_text()) if args.input else DEFAULT_INPUT
    if not (decisions / args.model).is_dir():
        print(f"note: {args.model} is not published in {decisions}; measuring the test model "
              f"{FALLBACK[1]} instead", file=sys.stderr)
        decisions, model, body = FALLBACK[0], FALLBACK[1], FALLBACK[2]
    else:
        model = args.model
    return {"decisions": decisions, "model": model, "body": json.dumps(body).encode()}


def report(results: list[Measure], job: dict[str, Any], engine_us: float) -> None:
    """Print the results as a table, with the ratios the target is set in."""
    print(f"\nmodel {job['model']}, answer {job['size']} bytes, engine evaluation "
          f"{engine_us:.0f} us per request (in-process, median)\n")
    print("| variant | workers | requests/s | p50 ms | p99 ms | non-2xx | audit records |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r.variant} | {r.workers} | {r.requests_per_s:.0f} | {r.p50_ms:.2f} | "
              f"{r.p99_ms:.2f} | {r.non_2xx} | {'' if r.audited is None else r.audited} |")
    by = {(r.variant, r.workers): r for r in results}
    for workers in sorted({r.workers for r in results}):
        bare, ours = by.get(("bare", workers)), by.get(("tablerx", workers))
        quiet = by.get(("tablerx-no-audit", workers))
        if bare and ours:
            ratio = ours.requests_per_s / bare.requests_per_s
            verdict = "meets" if ratio >= 0.5 else "misses"
            print(f"\n{workers} worker(s): tablerx / bare = {ratio:.2f} ({verdict} the 0.5 target)")
        if quiet and ours:
            print(f"{workers} worker(s): with / without the durable audit write = "
                  f"{ours.requests_per_s / quiet.requests_per_s:.2f}")
        floor = by.get(("tablerx-trivial", workers))
        if floor:
            print(f"{workers} worker(s): the service's own floor (trivial model, audited): "
                  f"{1e6 / floor.requests_per_s:.0f} us per request"
                  + (f" of {1e6 / ours.requests_per_s:.0f} for the clinical model" if ours else ""))
        for audited_run in (ours, floor):
            if audited_run and audited_run.audited is not None:
                answered = audited_run.requests - audited_run.non_2xx
                state = "ok" if audited_run.audited >= answered else "MISSING RECORDS"
                print(f"{workers} worker(s), {audited_run.variant}: {audited_run.audited} audit "
                      f"records for {answered} answers wrk counted ({state})")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, internally, serve one of the measured apps)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gastric-her2-later-lines")
    parser.add_argument("--decisions", default=str(ROOT / "decisions"))
    parser.add_argument("--input", help="JSON request body (default: spec.md's first example)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--variants", nargs="+",
                        default=["bare", "tablerx", "tablerx-no-audit", "tablerx-trivial"])
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--serve-factory", nargs=3, metavar=("FACTORY", "PORT", "WORKERS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_factory:
        factory, port, workers = args.serve_factory
        _serve_factory(factory, int(port), int(workers))
        return 0
    if not shutil.which(args.wrk):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    job = choose_job(args)
    with tempfile.TemporaryDirectory(prefix="tablerx-bench-") as folder:
        tmp = Path(folder)
        job["size"] = answer_size(job, tmp)
        engine_us = engine_time_us(job)
        results = [measure(variant, workers, args, job, tmp)
                   for workers in args.workers for variant in args.variants]  # fmt: skip
    report(results, job, engine_us)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
