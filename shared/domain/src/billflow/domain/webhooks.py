"""Webhooks: which events there are, which addresses a delivery may go to, and when to try again.

Business rules:
- An endpoint subscribes to one or more of ``WebhookEventType``; its URL is ``https`` (or, only
  where the operator allows loopback for local development, ``http://127.0.0.1:<port>``), at most
  2000 characters, with no user info.
- A delivery never goes to a loopback, private, link-local, multicast, reserved or unspecified
  address, nor to a cloud metadata address (``169.254.169.254``, ``fd00:ec2::254``); the one
  exception is an endpoint whose host is literally ``127.0.0.1`` when loopback is allowed. A
  name is refused if any address it resolves to is refused.
- A delivery is retried after any non-2xx answer or timeout, with exponential back-off from
  ``base_seconds`` (the first retry comes within 30 s by default), for up to 24 hours after the
  first attempt; then it is failed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

from billflow.domain.errors import InvalidInput


class WebhookEventType(StrEnum):
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_SENT = "invoice.sent"
    INVOICE_FAILED = "invoice.failed"
    INVOICE_PAID = "invoice.paid"
    CREDIT_NOTE_ISSUED = "credit_note.issued"
    CREDIT_NOTE_SENT = "credit_note.sent"
    EXPENSE_EXTRACTED = "expense.extracted"
    PAYMENT_RECORDED = "payment.recorded"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    url: str
    events: tuple[WebhookEventType, ...]
    enabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One try at delivering one event to one endpoint."""

    delivery_id: str
    event_id: str
    event_type: WebhookEventType
    attempt: int
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    next_attempt_at: datetime | None
    delivery_status: DeliveryStatus


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where a checked URL points: what the sender connects to, once the name is resolved."""

    url: str
    scheme: str
    host: str
    port: int
    loopback_allowed: bool = False
    """Only for the literal ``127.0.0.1`` where the operator allows loopback: a name that
    resolves to a loopback address is refused like anywhere else."""


METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
LOOPBACK_FOR_DEVELOPMENT = ipaddress.ip_address("127.0.0.1")
MAX_URL_LENGTH = 2000


def checked_events(events: list[str] | tuple[str, ...]) -> tuple[WebhookEventType, ...]:
    if not events:
        raise InvalidInput("subscribe to at least one event", field="events")
    known = {e.value for e in WebhookEventType}
    unknown = [e for e in events if e not in known]
    if unknown:
        raise InvalidInput(f"unknown events: {', '.join(unknown)}", field="events")
    return tuple(dict.fromkeys(WebhookEventType(e) for e in events))


def webhook_target(url: str, *, allow_loopback: bool) -> WebhookTarget:
    """The target of ``url``, or InvalidInput saying why it may not be an endpoint."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("the URL is too long", field="url")
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("not a URL", field="url") from None
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None:
        raise InvalidInput("a webhook URL names a host and no user info", field="url")
    loopback = allow_loopback and host == str(LOOPBACK_FOR_DEVELOPMENT)
    if parts.scheme == "https":
        return WebhookTarget(url, "https", host, port or 443, loopback)
    if parts.scheme == "http" and loopback and port:
        return WebhookTarget(url, "http", host, port, loopback)
    raise InvalidInput("a webhook URL must be https", field="url")


def refused_address(address: str, *, allow_loopback: bool) -> str | None:
    """Why a delivery may not go to ``address`` (an IP literal), or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_loopback and ip == LOOPBACK_FOR_DEVELOPMENT:
        return None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for refused, reason in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if refused:
            return reason
    return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float = 10.0
    cap_seconds: float = 6 * 3600.0
    give_up_after: timedelta = timedelta(hours=24)

    def next_attempt(self, attempts: int, first_attempt_at: datetime, now: datetime) -> datetime | None:
        """When to try again after ``attempts`` failed tries, or None: give up, the delivery failed."""
        delay = min(self.base_seconds * 2 ** (attempts - 1), self.cap_seconds)
        at = now + timedelta(seconds=delay)
        return at if at - first_attempt_at <= self.give_up_after else None
