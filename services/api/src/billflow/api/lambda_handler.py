"""AWS Lambda entry point: ``billflow.api.lambda_handler.handler``.

API Gateway HTTP API (payload 2.0) events reach the same Litestar app through Mangum. The app's
lifespan (pool, clients, use cases) is entered once per container on its own event loop, which
every invocation reuses. After each request the outbox is drained, because a frozen container
runs no background relay. The API Gateway JWT authorizer has already checked a Cognito token;
the app verifies it again (JWKS, issuer, audience, token_use) rather than trusting headers.

``{"billflow": "migrate"}`` applies the SQL migrations (run it once per deployment: the function
is the one thing inside the VPC that reaches the database).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from mangum import Mangum

from billflow.api.app import create_app
from billflow.api.main import Settings, build, web_config
from billflow.api.services import Services
from billflow.platform.aws.lambda_runtime import LambdaRuntime
from billflow.platform.logging import configure_logging
from billflow.platform.postgres.migrate import apply_migrations
from billflow.platform.secrets import lambda_environment


class _Container:
    settings: Settings
    app: Litestar
    adapter: Mangum


_container = _Container()


@asynccontextmanager
async def _open() -> AsyncIterator[_Container]:
    settings = Settings.from_env(lambda_environment(os.environ))
    configure_logging("api", settings.log.level)
    _container.settings = settings
    _container.app = create_app(
        lambda: build(settings, relay_in_background=False),
        max_body_bytes=settings.api.max_body_bytes,
        web=web_config(settings.auth, settings.web),
    )
    _container.adapter = Mangum(_container.app, lifespan="off")  # type: ignore[arg-type]  # ASGI typing differs
    async with _container.app.lifespan():
        yield _container


runtime: LambdaRuntime[_Container] = LambdaRuntime(_open)


def _services() -> Services:
    services: Services = _container.app.state.services
    return services


async def _ready(container: _Container) -> _Container:
    return container


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    container = runtime.run(_ready)
    if event.get("billflow") == "migrate":
        return {"applied": apply_migrations(container.settings.postgres.database_url)}
    # Mangum runs the request on the current event loop: make it the container's.
    asyncio.set_event_loop(runtime.loop)
    response: dict[str, Any] = container.adapter(event, context)  # type: ignore[arg-type]  # Mangum's own types
    runtime.run(lambda _: _services().drain_outbox())
    return response
