"""The bodies of ``/v1/webhooks``: endpoints (the secret only in the answer to POST) and attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from billflow.domain.webhooks import (
    MAX_URL_LENGTH,
    DeliveryStatus,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEventType,
)

Url = Annotated[str, Meta(min_length=1, max_length=MAX_URL_LENGTH)]
Events = Annotated[list[WebhookEventType], Meta(min_length=1, max_length=len(WebhookEventType))]


class WebhookIn(msgspec.Struct, forbid_unknown_fields=True):
    url: Url
    events: Events


class WebhookPatch(msgspec.Struct, forbid_unknown_fields=True):
    url: Url | UnsetType = UNSET
    events: Events | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET


class WebhookOut(msgspec.Struct):
    id: str
    url: str
    events: list[WebhookEventType]
    enabled: bool
    created_at: datetime

    @classmethod
    def of(cls, e: WebhookEndpoint) -> WebhookOut:
        return cls(e.id, e.url, list(e.events), e.enabled, e.created_at)


class WebhookCreated(msgspec.Struct):
    id: str
    url: str
    events: list[WebhookEventType]
    secret: str
    """``whsec_...``: the signing secret, shown this once."""
    enabled: bool
    created_at: datetime


class WebhookPage(msgspec.Struct):
    items: list[WebhookOut]
    next_cursor: str | None


class WebhookAttemptOut(msgspec.Struct):
    webhook_id: str
    """The ``webhook-id`` header: one per (event, endpoint), the same on every attempt."""
    event_id: str
    event: WebhookEventType
    attempt: int
    attempted_at: datetime
    status_code: int | None
    """None when no answer came (timeout, refused address, connection error)."""
    duration_ms: int
    error: str | None
    next_attempt_at: datetime | None
    """When the next retry is due; None once delivered or failed."""
    delivery_status: DeliveryStatus

    @classmethod
    def of(cls, a: WebhookAttempt) -> WebhookAttemptOut:
        return cls(
            webhook_id=a.delivery_id,
            event_id=a.event_id,
            event=a.event_type,
            attempt=a.attempt,
            attempted_at=a.attempted_at,
            status_code=a.status_code,
            duration_ms=a.duration_ms,
            error=a.error,
            next_attempt_at=a.next_attempt_at,
            delivery_status=a.delivery_status,
        )


class WebhookAttemptPage(msgspec.Struct):
    items: list[WebhookAttemptOut]
    next_cursor: str | None
