"""Outgoing email: what a message is, who writes it, who sends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from billflow.domain.model import CreditNote, Invoice


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())
    message_id: str | None = None
    """A stable RFC 5322 Message-ID (``<...@...>``), so every attempt is the same message."""


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Hand the email to the mail server. Raises TransientFailure when the server is
        unavailable or answers 4xx, PermanentFailure when it rejects the message for good."""
        ...


class InvoiceEmailWriter(Protocol):
    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        """The email that carries ``invoice`` to its employee, with the PDF attached."""
        ...


class AfterIssueEmailWriter(Protocol):
    def credit_note(self, note: CreditNote, pdf: bytes) -> OutgoingEmail:
        """The email that carries ``note`` to whoever got its invoice, with the PDF attached."""
        ...

    def reminder(self, invoice: Invoice, level: int, day: date, pdf: bytes) -> OutgoingEmail:
        """The level-``level`` reminder of ``invoice`` on ``day``: the balance due, the days
        overdue, and the invoice's PDF attached again."""
        ...
