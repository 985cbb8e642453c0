"""A webhook receiver on 127.0.0.1 for tests: it verifies each request's Standard Webhooks
signature, keeps what it received, and answers what the test scripts (a status, a redirect, a
slow or an endless answer)."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: Any


@dataclass
class Receiver:
    port: int
    received: list[Received] = field(default_factory=list)
    answers: deque[int] = field(default_factory=deque)
    """Statuses to answer, one per request, then 200."""
    secret: str | None = None
    redirect_to: str | None = None
    delay_s: float = 0.0
    endless: bool = False
    fail_first: bool = False
    """Answer 500 to the first request of every webhook-id, 200 to the next."""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    cut_off: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the other side closed an endless answer before its end."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verify(self, body: bytes, headers: dict[str, str]) -> tuple[bool, Any]:
        if self.secret is None:
            return False, json.loads(body)
        try:
            return True, Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False, json.loads(body)

    async def wait_for(self, count: int, within_s: float = 30) -> list[Received]:
        """Wait until at least ``count`` requests arrived (bounded)."""
        async with asyncio.timeout(within_s):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received

    def of_type(self, event_type: str, subject_id: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.payload.get("type") == event_type
            and (subject_id is None or r.payload.get("data", {}).get("id") == subject_id)
        ]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        verified, payload = self.verify(body, headers)
        self.received.append(Received(headers, body, verified, payload))
        self.arrived.set()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        if self.endless:
            response = web.StreamResponse(status=200)
            await response.prepare(request)
            chunk = b"x" * 65536
            try:
                for _ in range(10_000):  # 640 MB: far more than anyone should read
                    await response.write(chunk)
            except (ConnectionResetError, OSError):
                self.cut_off.set()
            return response
        webhook_id = headers.get("webhook-id", "")
        if self.fail_first and sum(r.headers.get("webhook-id") == webhook_id for r in self.received) == 1:
            return web.Response(status=500, text="not now")
        status = self.answers.popleft() if self.answers else 200
        return web.Response(status=status, text="ok" if status < 300 else "no")


@asynccontextmanager
async def webhook_receiver() -> AsyncIterator[Receiver]:
    app = web.Application()
    receiver = Receiver(port=0)

    async def handle(request: web.Request) -> web.StreamResponse:
        return await receiver.handle(request)

    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server: Any = site._server  # aiohttp keeps the bound socket here; port 0 picked a free one
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        await runner.cleanup()
