"""API keys for machines, and the audit trail (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from billflow.api.audit_schemas import ApiKeyIn, ApiKeyOut, ApiKeyPage, AuditEntryOut, AuditPage, NewApiKeyOut
from billflow.api.auth import requires
from billflow.api.ids import parse_id
from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput
from billflow.domain.model import User
from billflow.domain.ports.audit import AuditFilter
from billflow.domain.usecases.api_keys import NewApiKey
from billflow.domain.usecases.audit_trail import MAX_PAGE

NO_MATCH = "00000000-0000-0000-0000-000000000000"
"""An actor id nobody has: what a filter by an id the store cannot hold finds."""


class ApiKeyController(Controller):
    path = "/v1/api-keys"
    tags = ["api keys"]
    guards = [requires(Action.MANAGE_API_KEYS)]

    @post(
        status_code=HTTP_201_CREATED,
        summary="Create an API key (admin)",
        description="`key` is shown in this answer only, and starts with `bf_`. Use it as "
        "`Authorization: Bearer bf_...`; it acts with its `role` (`accountant` or `viewer`).",
    )
    async def create(
        self, data: JSONBody[ApiKeyIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> NewApiKeyOut:
        made = await services.api_keys.create(NewApiKey(request.user, data.name, data.key_role()))
        k = made.api_key
        return NewApiKeyOut(k.id, k.name, k.role, made.key, k.created_at)

    @get(summary="List API keys, newest first (admin; never the keys themselves)")
    async def list_page(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> ApiKeyPage:
        page = await services.api_keys.page(actor=request.user, limit=limit, cursor=cursor)
        return ApiKeyPage([ApiKeyOut.of(k) for k in page.items], page.next_cursor)

    @delete(
        "/{key_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an API key (admin)",
        description="Every API process refuses it within `BILLFLOW_AUTH_CACHE_SECONDS`.",
    )
    async def revoke(
        self, key_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> None:
        await services.api_keys.revoke(known_id(key_id, "API key"), actor=request.user)


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["audit"]
    guards = [requires(Action.READ_AUDIT)]

    @get(
        summary="Page through the audit trail, newest first (admin)",
        description="Every write through the API or the web pages: who (`actor`: a user or an API "
        "key), when, what (`entity`, `entity_id`, `action`) and each changed field's `old` and "
        "`new` value. `from` (inclusive) and `to` (exclusive) are ISO 8601 instants.",
    )
    async def list_page(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        entity: Annotated[str | None, QueryParameter(max_length=100)] = None,
        entity_id: Annotated[str | None, QueryParameter(query="id", max_length=200)] = None,
        actor: Annotated[str | None, QueryParameter(max_length=100)] = None,
        since: Annotated[datetime | None, QueryParameter(query="from")] = None,
        until: Annotated[datetime | None, QueryParameter(query="to")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> AuditPage:
        for name, value in (("from", since), ("to", until)):
            if value is not None and value.tzinfo is None:
                raise InvalidInput("give the instant with its offset, e.g. 2026-12-01T00:00:00Z", field=name)
        actor_id = (parse_id(actor) or NO_MATCH) if actor is not None else None
        where = AuditFilter(entity=entity, entity_id=entity_id, actor_id=actor_id, since=since, until=until)
        page = await services.audit.page(where, actor=request.user, limit=limit, cursor=cursor)
        return AuditPage([AuditEntryOut.of(e) for e in page.items], page.next_cursor)


__all__ = ["ApiKeyController", "AuditController"]
