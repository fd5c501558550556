"""An ASGI layer: a HEAD request -> the GET answer's status and headers, without its body.

HTTP requires every resource that answers GET to answer HEAD the same way, minus the
body (RFC 9110, 9.3.2): load balancers and monitors probe ``/health`` with it, and a
client may check a DMN file's ``ETag`` before downloading it. FastAPI's routes answer
GET only, so this layer runs the request as a GET and drops the body it sends, keeping
``Content-Length`` as the GET would give it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Serve HEAD as GET without the body (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
