"""Test harness for the API: an in-process client, and a real ``tablerx serve`` process.

``InProcess`` drives the ASGI app through httpx in a background event loop (what
Starlette's TestClient does), with the app's lifespan run, so the audit writer works.
``Server`` starts ``tablerx serve`` as a subprocess on a free loopback port and waits
until ``/health`` answers; it can be killed with SIGKILL and started again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from fastapi import FastAPI

MODELS = Path(__file__).parent / "models"
REPO = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "TABLERX_TEST_POSTGRES_URL"

# A valid request to the test model (tests/api/models/triage-demo).
VALID: dict[str, Any] = {
    "line_of_therapy": 2,
    "progressed_on_first_line": True,
    "her2_status": "positive",
    "ecog": 1,
}


def postgres_url() -> str:
    """The PostgreSQL test database, or skip the test with the reason."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set (scripts/ci-postgres.sh starts a server)")
    return url


class InProcess:
    """A synchronous httpx-style client over the app, in this process."""

    def __init__(self, app: FastAPI) -> None:
        self._stack = contextlib.ExitStack()
        self.portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._lifespan = app.router.lifespan_context(app)
        self.portal.call(self._lifespan.__aenter__)
        transport = httpx.ASGITransport(app=app)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://tablerx")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request and return the complete response."""

        async def send() -> httpx.Response:
            return await self._client.request(method, url, **kwargs)

        return self.portal.call(send)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        """Stop the app (its audit writer commits what is queued) and the event loop."""
        self.portal.call(self._client.aclose)
        self.portal.call(self._lifespan.__aexit__, None, None, None)
        self._stack.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_command(
    port: int, decisions: Path, database: str, workers: int = 1, extra: tuple[str, ...] = ()
) -> list[str]:
    """The ``tablerx serve`` command line, run with this test's Python."""
    return [
        sys.executable,
        "-c",
        "import sys; from service.cli import main; sys.exit(main())",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--decisions",
        str(decisions),
        "--database",
        database,
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *extra,
    ]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout} s")


class Server:
    """A ``tablerx serve`` subprocess on loopback."""

    def __init__(
        self,
        decisions: Path,
        database: str,
        log: Path,
        workers: int = 1,
        extra: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.decisions = decisions
        self.database = database
        self.log = log
        self.workers = workers
        self.extra = extra  # more ``tablerx serve`` options, e.g. ("--drafts",)
        self.env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until /health says it is ready."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                serve_command(self.port, self.decisions, self.database, self.workers, self.extra),
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches the workers
            )
        wait_until(self._ready, timeout, f"server on port {self.port} ready")

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {self.process.returncode}: "
                f"{self.log.read_text(errors='replace')[-2000:]}"
            )
        try:
            return httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL the server's whole process group (no shutdown, no flushing)."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), or kill it if it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
