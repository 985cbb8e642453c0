"""Exactly-once email delivery: who may send a document's email now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from billflow.domain.model import DeliveryState


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """The right to send one invoice's email now."""

    message_id: str
    attempts: int
    takeover: bool
    """True when an earlier sender claimed it and vanished before saying how it went: the server
    may already have accepted that attempt (the one window exactly-once cannot close)."""


class EmailDeliveryLog(Protocol):
    """Per-invoice record of email delivery, written in its own short transactions."""

    async def claim(self, invoice_id: str, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        """Claim the invoice's email for ``lease_seconds``: granted on the first attempt, after a
        released attempt, or over an expired claim (a takeover). None when the email was already
        accepted or another sender holds a live claim (see ``state``)."""
        ...

    async def state(self, invoice_id: str) -> DeliveryState | None:
        """Where the invoice's email is in ``DELIVERY_LIFECYCLE``; None before the first claim."""
        ...

    async def accepted(self, invoice_id: str) -> None:
        """Record that the mail server accepted the email (``claimed -> accepted``)."""
        ...

    async def release(self, invoice_id: str) -> None:
        """Give the claim up after an attempt the server refused or never received
        (``claimed -> released``; nothing changes in any other state)."""
        ...
