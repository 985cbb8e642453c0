"""A worker's health port: /livez, /readyz and /metrics (Prometheus text), on aiohttp.

Liveness answers as long as the event loop does. Readiness runs the worker's own checks (the
database answers, the queue is reachable, the browser is up) with a time limit each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

Check = Callable[[], Awaitable[bool]]


async def _run(check: Check) -> bool:
    try:
        async with asyncio.timeout(3):
            return await check()
    except Exception:
        return False


async def serve_health(
    stack: AsyncExitStack,
    port: int,
    checks: Mapping[str, Check],
    before_metrics: Callable[[], Awaitable[None]] | None = None,
    host: str = "127.0.0.1",
) -> None:
    async def livez(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        results = dict(zip(checks, await asyncio.gather(*(_run(c) for c in checks.values())), strict=True))
        ready = all(results.values())
        return web.json_response(
            {"status": "ready" if ready else "not ready", "checks": results}, status=200 if ready else 503
        )

    async def metrics(_: web.Request) -> web.Response:
        if before_metrics is not None:
            await _run(lambda: _true_after(before_metrics))
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/livez", livez)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    await web.TCPSite(runner, host, port).start()


async def _true_after(action: Callable[[], Awaitable[None]]) -> bool:
    await action()
    return True
