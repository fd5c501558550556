"""One request through the API in-process, for comparing ``tablerx eval`` with the API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from service.api.app import create_app
from service.api.state import Settings


def in_process_body(models: Path, database: str, path: str, body: Any) -> Any:
    """The JSON body the API answers to POST ``path`` with ``body``."""

    async def send() -> Any:
        app = create_app(Settings(decisions_dir=models, database_url=database))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return (await client.post(path, json=body)).json()

    return asyncio.run(send())
