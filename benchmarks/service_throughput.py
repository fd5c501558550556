"""Decision service throughput: POST /decisions/{model}/evaluate against a bare FastAPI endpoint.

Run: ``.venv/bin/python benchmarks/service_throughput.py [--duration 10] [--workers 1 2]
[--population 2000] [--seed 1] [--variants ...] [--json FILE]``.
Needs ``wrk`` (Debian package ``wrk``). Every figure is measured in this run, on this
machine, with the load generator on loopback, so the ratios compare like with like.

What is posted: a seeded population of patients (``--population 2000 --seed 1``), drawn
from the model's own input declarations (types, allowed values, required and optional
fields; an optional field is left out about a third of the time), each run through the
real pipeline in-process and kept only if the service answers it 200 (a body refused,
say because a field that ``input.required_when`` asks for is missing, is drawn again).
wrk cycles through the bodies, each of its threads from its own starting point, and the
bare endpoint gets the very same bodies. One repeated body would be unrealistic, and it
would let any memo inside the engine measure itself. ``--input FILE`` posts one fixed
body instead.

The variants:

* ``bare``: a FastAPI endpoint with a pydantic body that parses the same requests and
  returns a stored payload of the population's mean answer size (the floor any FastAPI
  service pays for HTTP, parsing and sending);
* ``tablerx``: ``tablerx serve`` as shipped: validation, evaluation, explanation, and the
  durable audit write (group commit) before every answer;
* ``tablerx-no-audit``: the same app with the audit write replaced by nothing, for this
  benchmark only, to show what the durable write itself costs;
* ``engine-free``: the same app, audit included, with the engine's
  ``Model.evaluate`` replaced, for this benchmark only, by a replay: each (model,
  decisions asked, exact input values) is evaluated once and later calls get a copy of
  that first result. Once the warm-up has shown it every body, it measures what the
  service costs around the engine for these answers: the ceiling with a zero-cost engine;
* ``tablerx-trivial``: ``tablerx serve`` as shipped (audit included) over a trivial model
  written for the run (one number input, one literal decision ``x + 1``), one fixed body:
  the service's own floor per request with next to no engine work.

Each variant runs with 1 and 2 uvicorn workers, after a warm-up long enough for each
worker to have seen every body (most likely: WARM_UP_REQUESTS per body and worker; the
report says how often engine-free still had to run the engine). After each audited run
the audit database is checked to have gained a record for every answer wrk received.
The target is tablerx >= 0.5 x bare on one worker; the engine's own evaluation time per
request (in-process, mean over the population and the median body's) is printed too,
since it bounds what any service around it can do.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # population.py, throughput_apps.py

from population import (  # noqa: E402  (after the path it is found on)
    Population,
    PopulationError,
    draw_population,
    fixed_population,
    load_prepared,
    lua_script,
)
from throughput_apps import FACTORIES  # noqa: E402

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
FALLBACK = (ROOT / "tests" / "api" / "models", "triage-demo")
WARM_UP_REQUESTS = 3  # warm-up: requests per body and worker (then each worker most likely
# has seen every body: the engine-free replay and the engine's own memos are filled)
WARM_UP_MAX_S = 60.0


# --- the servers measured (the others are in throughput_apps.py) ---------------------------


SERVED = ("tablerx", "tablerx-trivial")  # run with `tablerx serve` itself
AUDITED = ("tablerx", "engine-free", "tablerx-trivial")
VARIANTS = ["bare", "tablerx", "tablerx-no-audit", "engine-free", "tablerx-trivial"]


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
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
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
    audited: int | None = None  # audit records written during the timed run
    engine_calls: int | None = None  # engine-free: real evaluations during the timed run
    warm_up_requests: int = 0


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match[2]]


def wrk(url: str, script: Path, args: argparse.Namespace, seconds: float) -> dict[str, Any]:
    """Run wrk with ``script`` (which posts the bodies in turn) for ``seconds``; its figures."""
    duration = f"-d{max(1, math.ceil(seconds))}s"
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


def warm_up(url: str, script: Path, args: argparse.Namespace, target: int) -> int:
    """wrk runs until the server has answered ``target`` requests (one 2 s run at least,
    WARM_UP_MAX_S in all at most); how many it answered."""
    done, spent, seconds = 0, 0.0, 2.0
    while True:
        figures = wrk(url, script, args, seconds)
        done += figures["requests"]
        spent += max(1, math.ceil(seconds))
        if done >= target or spent >= WARM_UP_MAX_S:
            return done
        rate = max(1.0, figures["requests"] / max(1, math.ceil(seconds)))
        seconds = min(WARM_UP_MAX_S - spent, max(1.0, 1.1 * (target - done) / rate))


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def audited(database: str) -> int:
    """How many audit records the database holds."""
    from service.store.audit import count, create_db_engine

    engine = create_db_engine(database)
    try:
        return count(engine)
    finally:
        engine.dispose()


def _command(variant: str, port: int, workers: int) -> list[str]:
    if variant in FACTORIES:
        apps = Path(__file__).resolve().parent / "throughput_apps.py"
        return [sys.executable, str(apps), variant, str(port), str(workers)]
    return [
        sys.executable,
        "-c",
        "import sys; from service.cli import main; sys.exit(main())",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def measure(variant: str, workers: int, args: argparse.Namespace, job: Job,
            tmp: Path) -> Measure:  # fmt: skip
    """Start one variant, warm it up on every body, load it with wrk, stop it."""
    if variant == "tablerx-trivial":
        job = trivial_job(tmp)
    port = free_port()
    name = f"{variant}-{workers}-{port}"
    database = f"sqlite:///{tmp / f'audit-{name}.sqlite'}"
    calls = tmp / f"engine-calls-{name}.txt"
    # TABLERX_DRAFTS: the committed clinical model is a draft (as with `make serve`)
    env = {"TABLERX_DECISIONS": str(job.decisions), "TABLERX_DATABASE_URL": database,
           "TABLERX_DRAFTS": "1", "BARE_PAYLOAD_SIZE": str(job.size),
           "BENCH_ENGINE_CALLS": str(calls), "PYTHONPATH": str(ROOT)}  # fmt: skip
    script = tmp / f"bodies-{name}.lua"
    script.write_text(lua_script(job.population.bodies, args.threads), encoding="utf-8")
    process = start(_command(variant, port, workers), env, port, tmp / f"{name}.log")
    url = f"http://127.0.0.1:{port}/decisions/{job.model}/evaluate"
    try:
        warmed = warm_up(url, script, args, WARM_UP_REQUESTS * len(job.population.bodies)
                         * workers)  # fmt: skip
        before = (_lines(calls), audited(database) if variant in AUDITED else 0)
        figures = wrk(url, script, args, seconds=args.duration)
    finally:
        stop(process)
    result = Measure(variant, workers, **figures, warm_up_requests=warmed)
    if variant == "engine-free":
        result.engine_calls = _lines(calls) - before[0]
    if variant in AUDITED:  # (requests still in flight when wrk stops are audited too)
        result.audited = audited(database) - before[1]
    return result


# --- the jobs, the engine's own time, the report -----------------------------------------------


@dataclass
class Job:
    """What one variant is loaded with: the model, where it is published, the bodies."""

    decisions: Path
    model: str
    population: Population
    engine_us: list[float] = field(default_factory=list)  # in-process, per body

    @property
    def size(self) -> int:
        """The bare endpoint's payload size: the mean answer size."""
        return self.population.mean_size


def engine_times_us(prepared: Any, bodies: Sequence[bytes]) -> list[float]:
    """Each body's in-process engine time per request, in microseconds: the guards, then
    the top-level decisions, as the service evaluates them (median of a few rounds; each
    round goes through the whole population, so no body follows itself)."""
    from service.api.jsonmap import from_json, parse_body

    model = prepared.version.compiled
    guards, top_level, zone = prepared.guards, prepared.top_level, prepared.zone
    inputs = [prepared.admission.validate(parse_body(body), from_json).values for body in bodies]
    rounds = max(3, 100 // len(inputs))
    times: list[list[float]] = [[] for _ in inputs]
    clock = time.perf_counter
    for _ in range(rounds):
        for values, spent in zip(inputs, times, strict=True):
            started = clock()
            if guards:
                model.evaluate(values, decisions=guards, zone=zone)
            model.evaluate(values, decisions=top_level, zone=zone)
            spent.append((clock() - started) * 1e6)
    return [statistics.median(spent) for spent in times]


def check_served(job: Job, tmp: Path, count: int = 3) -> None:
    """Post the first bodies through the real app (ASGI, in-process): it must answer them
    200, with answers of the size the pipeline gave (the bare payload is sized on those)."""
    import asyncio

    import httpx

    from service.api.app import create_app
    from service.api.state import Settings

    async def sizes() -> list[int]:
        app = create_app(
            Settings(
                decisions_dir=job.decisions,
                drafts=True,
                database_url=f"sqlite:///{tmp / 'check.sqlite'}",
            )
        )
        found = []
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                for body in job.population.bodies[:count]:
                    response = await client.post(f"/decisions/{job.model}/evaluate",
                                                 content=body)  # fmt: skip
                    if response.status_code != 200:
                        raise SystemExit(f"the app refuses {body.decode()}: {response.text}")
                    found.append(len(response.content))
        return found

    served = asyncio.run(sizes())
    expected = job.population.sizes[: len(served)]
    if served != expected:
        print(
            f"note: the app's answers are {served} bytes, the pipeline's {expected}",
            file=sys.stderr,
        )


def trivial_job(tmp: Path) -> Job:
    """The trivial model, published in a decisions folder of its own under ``tmp``."""
    folder = tmp / "trivial-decisions" / "trivial"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1.0.0.dmn").write_text(TRIVIAL_DMN, encoding="utf-8")
    return Job(folder.parent, "trivial", Population([b'{"x": 1}'], [0], 1))


def choose_job(args: argparse.Namespace) -> Job:
    """Model, decisions folder and request bodies to measure."""
    decisions, model = Path(args.decisions), args.model
    if not (decisions / model).is_dir():
        print(
            f"note: {model} is not published in {decisions}; measuring the test model "
            f"{FALLBACK[1]} instead",
            file=sys.stderr,
        )
        decisions, model = FALLBACK
    prepared = load_prepared(decisions, model)
    if args.input:
        body = json.dumps(json.loads(Path(args.input).read_text())).encode()
        population = fixed_population(prepared, model, body)
    else:
        population = draw_population(prepared, model, args.population, args.seed)
    print(describe(population), flush=True)
    job = Job(decisions, model, population)
    job.engine_us = engine_times_us(prepared, population.bodies)
    return job


def describe(population: Population) -> str:
    """One line on where the bodies come from."""
    if population.seed is None:
        return "one fixed request body (--input)"
    return (
        f"population: drew {population.drawn} candidate bodies, kept "
        f"{len(population.bodies)} answered 200 ({population.distinct} distinct; "
        f"seed {population.seed})"
    )


def report(results: list[Measure], job: Job) -> None:
    """Print the results as a table, with the ratios the target is set in."""
    engine = job.engine_us
    print(
        f"\nmodel {job.model}; {describe(job.population)}; mean answer {job.size} bytes "
        f"(the bare payload)"
    )
    print(
        f"engine evaluation (in-process): {statistics.fmean(engine):.0f} us per request, "
        f"mean over the population; {statistics.median(engine):.0f} us for the median body\n"
    )
    print("| variant | workers | requests/s | p50 ms | p99 ms | non-2xx | audit records |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.variant} | {r.workers} | {r.requests_per_s:.0f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.non_2xx} | {'' if r.audited is None else r.audited} |"
        )
    by = {(r.variant, r.workers): r for r in results}
    for workers in sorted({r.workers for r in results}):
        print()
        for line in _ratios(by, workers):
            print(f"{workers} worker(s): {line}")


def _ratios(by: dict[tuple[str, int], Measure], workers: int) -> list[str]:
    """The report's lines for one number of workers."""
    bare, ours = by.get(("bare", workers)), by.get(("tablerx", workers))
    quiet, free = by.get(("tablerx-no-audit", workers)), by.get(("engine-free", workers))
    floor = by.get(("tablerx-trivial", workers))
    lines = []
    if bare and ours:
        ratio = ours.requests_per_s / bare.requests_per_s
        verdict = "meets" if ratio >= 0.5 else "misses"
        lines.append(f"tablerx / bare = {ratio:.2f} ({verdict} the 0.5 target)")
    if quiet and ours:
        lines.append(
            f"with / without the durable audit write = "
            f"{ours.requests_per_s / quiet.requests_per_s:.2f}"
        )
    if free and bare:
        lines.append(
            f"engine-free / bare = {free.requests_per_s / bare.requests_per_s:.2f} "
            f"(the ceiling with a zero-cost engine)"
        )
    if free and ours:
        lines.append(f"tablerx / engine-free = {ours.requests_per_s / free.requests_per_s:.2f}")
    if free:
        lines.append(
            f"engine-free ran the engine {free.engine_calls} times in its timed run "
            f"(every other call was a replay)"
        )
    if floor:
        lines.append(
            f"the service's own floor (trivial model, audited): "
            f"{1e6 / floor.requests_per_s:.0f} us per request"
            + (f" of {1e6 / ours.requests_per_s:.0f} for the clinical model" if ours else "")
        )
    for run in (ours, free, floor):
        if run and run.audited is not None:
            answered = run.requests - run.non_2xx
            state = "ok" if run.audited >= answered else "MISSING RECORDS"
            lines.append(
                f"{run.variant}: {run.audited} audit records written in the timed "
                f"run for {answered} answers wrk counted ({state})"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, internally, serve one of the measured apps)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gastric-her2-later-lines")
    parser.add_argument("--decisions", default=str(ROOT / "decisions"))
    parser.add_argument("--input", help="one fixed JSON request body (no population)")
    parser.add_argument(
        "--population",
        type=int,
        default=2000,
        help="request bodies drawn from the model's declarations",
    )
    parser.add_argument("--seed", type=int, default=1, help="the population's random seed")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--variants", nargs="+", default=VARIANTS, choices=[*VARIANTS, "bare-starlette"]
    )
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if not shutil.which(args.wrk):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    if args.population < 1:
        parser.error("--population must be at least 1")
    try:
        job = choose_job(args)
    except PopulationError as exc:
        print(f"cannot draw the population: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tablerx-bench-") as folder:
        tmp = Path(folder)
        check_served(job, tmp)
        results = [measure(variant, workers, args, job, tmp)
                   for workers in args.workers for variant in args.variants]  # fmt: skip
    report(results, job)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
