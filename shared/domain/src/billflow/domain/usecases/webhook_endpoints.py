"""Registering webhook endpoints, changing and removing them, and reading their deliveries.

Business rules:
- Only an admin manages webhooks (``Action.MANAGE_WEBHOOKS``); anyone else is Forbidden.
- A URL keeps the rules of ``webhooks.webhook_target``, and is refused at registration (and on a
  change of URL) when its name already resolves to an address ``webhooks.refused_address``
  refuses. A name that does not resolve yet is accepted: every delivery checks again.
- The signing secret is generated here and returned only by ``create``: never stored in the clear
  anywhere it could be listed, never returned again, and never in the audit trail.
- Each registration, change and removal is in the audit trail (``webhook``: ``create``,
  ``update``, ``delete``) in the same transaction as the write; the endpoint record carries no
  secret, and ``auditing`` would drop one anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import User
from billflow.domain.ports.audit import AuditLog
from billflow.domain.ports.pagination import Page
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.webhooks import (
    AddressResolver,
    EndpointAudit,
    EndpointChange,
    SecretGenerator,
    WebhookEndpointStore,
)
from billflow.domain.usecases.audit_trail import record_change
from billflow.domain.webhooks import (
    WebhookAttempt,
    WebhookEndpoint,
    checked_events,
    refused_address,
    webhook_target,
)

ENTITY = "webhook"


def audited(actor: User, action: str) -> EndpointAudit:
    """How the store records ``actor``'s write of an endpoint in its transaction."""

    async def write(audit: AuditLog, before: WebhookEndpoint | None, after: WebhookEndpoint | None) -> None:
        written = after or before
        assert written is not None  # a write has a record on one side
        await record_change(audit, actor, ENTITY, written.id, action, before, after)

    return write


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    actor: User
    url: str
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EndpointUpdate:
    actor: User
    endpoint_id: str
    url: str | None = None
    events: tuple[str, ...] | None = None
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str


class WebhookEndpoints:
    def __init__(
        self,
        store: WebhookEndpointStore,
        resolver: AddressResolver,
        secrets: SecretGenerator,
        ids: IdGenerator,
        clock: Clock,
        *,
        allow_loopback: bool,
    ) -> None:
        self._store = store
        self._resolver = resolver
        self._secrets = secrets
        self._ids = ids
        self._clock = clock
        self._allow_loopback = allow_loopback

    async def _checked_url(self, url: str) -> str:
        target = webhook_target(url, allow_loopback=self._allow_loopback)
        for address in await self._resolver.resolve(target.host, target.port):
            reason = refused_address(address, allow_loopback=target.loopback_allowed)
            if reason is not None:
                raise InvalidInput(f"{target.host} resolves to {reason}", field="url")
        return url

    async def create(self, cmd: NewEndpoint) -> CreatedEndpoint:
        access.require(cmd.actor, Action.MANAGE_WEBHOOKS)
        endpoint = WebhookEndpoint(
            id=self._ids.new_id(),
            url=await self._checked_url(cmd.url),
            events=checked_events(cmd.events),
            enabled=True,
            created_at=self._clock.now(),
        )
        secret = self._secrets.new_secret()
        await self._store.add(endpoint, secret, audit=audited(cmd.actor, "create"))
        return CreatedEndpoint(endpoint, secret)

    async def get(self, endpoint_id: str, *, actor: User) -> WebhookEndpoint:
        access.require(actor, Action.MANAGE_WEBHOOKS)
        found = await self._store.get(endpoint_id)
        if found is None:
            raise NotFound("no such webhook")
        return found

    async def list(self, *, actor: User, limit: int, after: str | None) -> Page[WebhookEndpoint]:
        access.require(actor, Action.MANAGE_WEBHOOKS)
        return await self._store.list(limit=limit, after=after)

    async def update(self, cmd: EndpointUpdate) -> WebhookEndpoint:
        access.require(cmd.actor, Action.MANAGE_WEBHOOKS)
        change = EndpointChange(
            url=None if cmd.url is None else await self._checked_url(cmd.url),
            events=None if cmd.events is None else checked_events(cmd.events),
            enabled=cmd.enabled,
        )
        changed = await self._store.change(cmd.endpoint_id, change, audit=audited(cmd.actor, "update"))
        if changed is None:
            raise NotFound("no such webhook")
        return changed

    async def remove(self, endpoint_id: str, *, actor: User) -> None:
        access.require(actor, Action.MANAGE_WEBHOOKS)
        if not await self._store.remove(endpoint_id, audit=audited(actor, "delete")):
            raise NotFound("no such webhook")

    async def attempts(
        self, endpoint_id: str, *, actor: User, limit: int, after: str | None
    ) -> Page[WebhookAttempt]:
        await self.get(endpoint_id, actor=actor)
        return await self._store.attempts(endpoint_id, limit=limit, after=after)
