"""Webhook endpoints (admin): register one (its secret is shown once), list, read, change, remove,
and the attempts at delivering to it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UNSET

from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.api.webhook_schemas import (
    WebhookAttemptOut,
    WebhookAttemptPage,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)
from billflow.domain.model import User
from billflow.domain.usecases.invoice_queries import MAX_PAGE
from billflow.domain.usecases.webhook_endpoints import EndpointUpdate, NewEndpoint

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
Cursor = Annotated[str | None, QueryParameter(max_length=200)]


class WebhookController(Controller):
    path = "/v1/webhooks"
    tags = ["webhooks"]

    @post(status_code=HTTP_201_CREATED, summary="Register a webhook endpoint (its secret is shown once)")
    async def create(
        self, data: JSONBody[WebhookIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> WebhookCreated:
        created = await services.webhooks.create(NewEndpoint(request.user, data.url, tuple(data.events)))
        e = created.endpoint
        return WebhookCreated(e.id, e.url, list(e.events), created.secret, e.enabled, e.created_at)

    @get(summary="List webhook endpoints, oldest first")
    async def list_page(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> WebhookPage:
        page = await services.webhooks.list(actor=request.user, limit=limit, after=cursor)
        return WebhookPage([WebhookOut.of(e) for e in page.items], page.next_cursor)

    @get("/{webhook_id:str}", summary="Get a webhook endpoint")
    async def get_one(
        self, webhook_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> WebhookOut:
        return WebhookOut.of(await services.webhooks.get(known_id(webhook_id, "webhook"), actor=request.user))

    @patch("/{webhook_id:str}", summary="Change a webhook endpoint's URL or events, or disable it")
    async def update(
        self,
        webhook_id: FromPath[str],
        data: JSONBody[WebhookPatch],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> WebhookOut:
        changed = await services.webhooks.update(
            EndpointUpdate(
                request.user,
                known_id(webhook_id, "webhook"),
                url=None if data.url is UNSET else data.url,
                events=None if data.events is UNSET else tuple(data.events),
                enabled=None if data.enabled is UNSET else data.enabled,
            )
        )
        return WebhookOut.of(changed)

    @delete("/{webhook_id:str}", status_code=HTTP_204_NO_CONTENT, summary="Remove a webhook endpoint")
    async def remove(
        self, webhook_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> None:
        await services.webhooks.remove(known_id(webhook_id, "webhook"), actor=request.user)

    @get("/{webhook_id:str}/deliveries", summary="The attempts at delivering to an endpoint, newest first")
    async def deliveries(
        self,
        webhook_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> WebhookAttemptPage:
        page = await services.webhooks.attempts(
            known_id(webhook_id, "webhook"), actor=request.user, limit=limit, after=cursor
        )
        return WebhookAttemptPage([WebhookAttemptOut.of(a) for a in page.items], page.next_cursor)
