"""The ports of webhooks: the endpoints and deliveries store, the resolver and the sender."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from billflow.domain.ports.audit import AuditLog
from billflow.domain.ports.pagination import Page
from billflow.domain.webhooks import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEventType,
    WebhookTarget,
)


@dataclass(frozen=True, slots=True)
class EndpointChange:
    """What a PATCH changes; None leaves a field as it is."""

    url: str | None = None
    events: tuple[WebhookEventType, ...] | None = None
    enabled: bool | None = None


class EndpointAudit(Protocol):
    async def __call__(
        self, audit: AuditLog, before: WebhookEndpoint | None, after: WebhookEndpoint | None
    ) -> None:
        """Record a write of an endpoint (``before`` None: created; ``after`` None: removed) in
        ``audit``, which writes in the store's transaction: kept if and only if the write commits."""
        ...


class WebhookEndpointStore(Protocol):
    """The registered endpoints and the attempts at delivering to them; each call is one
    transaction of its own. Each write takes the ``audit`` that records it in that transaction."""

    async def add(self, endpoint: WebhookEndpoint, secret: str, *, audit: EndpointAudit) -> None: ...
    async def get(self, endpoint_id: str) -> WebhookEndpoint | None: ...
    async def list(self, *, limit: int, after: str | None) -> Page[WebhookEndpoint]:
        """Oldest first; ``after`` is a page's ``next_cursor``."""
        ...

    async def change(
        self, endpoint_id: str, change: EndpointChange, *, audit: EndpointAudit
    ) -> WebhookEndpoint | None:
        """None when there is no such endpoint (then nothing is audited)."""
        ...

    async def remove(self, endpoint_id: str, *, audit: EndpointAudit) -> bool:
        """Removes the endpoint and its pending deliveries; False when there was none (then
        nothing is audited)."""
        ...

    async def attempts(self, endpoint_id: str, *, limit: int, after: str | None) -> Page[WebhookAttempt]:
        """The endpoint's attempts, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    id: str
    type: WebhookEventType
    subject_id: str
    parent_id: str | None
    occurred_at: datetime
    body: bytes | None
    """The payload once written (at the first dispatch); None before."""


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: str
    """The ``webhook-id``: the same on every attempt."""
    url: str
    secret: str
    attempts: int
    first_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttemptResult:
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookDeliveryStore(Protocol):
    """The recorded events and their deliveries, as the deliverer works through them."""

    async def event(self, event_id: str) -> RecordedEvent | None: ...
    async def write_body(self, event_id: str, body: bytes) -> bytes:
        """Store the payload unless one is stored already; return the stored one (so two
        dispatchers racing on one event both send the same bytes)."""
        ...

    async def claim_due(self, event_id: str, now: datetime, lease_seconds: float) -> Sequence[DueDelivery]:
        """The event's pending deliveries due by ``now``, leased (their next attempt moved
        ``lease_seconds`` on) so a concurrent dispatcher does not send them too."""
        ...

    async def record(
        self,
        delivery_id: str,
        result: AttemptResult,
        status: DeliveryStatus,
        next_attempt_at: datetime | None,
    ) -> None:
        """Append the attempt and set the delivery's status and next attempt, in one transaction."""
        ...

    async def next_due(self, event_id: str) -> datetime | None:
        """When the event's earliest pending delivery is due; None when none is pending."""
        ...


class AddressResolver(Protocol):
    async def resolve(self, host: str, port: int) -> Sequence[str]:
        """The IP addresses ``host`` resolves to now; empty when it does not resolve."""
        ...


class WebhookSender(Protocol):
    async def send(
        self, target: WebhookTarget, webhook_id: str, timestamp: datetime, body: bytes, secret: str
    ) -> AttemptResult:
        """Sign and POST ``body`` once, to an address of ``target`` checked at this moment; never
        raises for the receiver's failures (refused address, timeout, error status): the result
        says what happened."""
        ...


class SecretGenerator(Protocol):
    def new_secret(self) -> str:
        """A new signing secret, ``whsec_`` and base64 of random bytes (Standard Webhooks)."""
        ...
