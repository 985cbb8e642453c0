"""What happens to an invoice after it is issued: its credit notes, its payments, its reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from billflow.domain.model import CreditNote, DeliveryState, EInvoiceKeys, InvoiceStatus, Payment, Receivable
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.domain.ports.pagination import Page, PageRequest


class CreditNoteRepository(Protocol):
    async def next_number(self, year: int) -> int:
        """Allocate the next credit note number of ``year`` (its own series); gapless as the
        invoices': part of the caller's transaction and undone with it."""
        ...

    async def add(self, note: CreditNote) -> None:
        """Insert the credit note with its taxes."""
        ...

    async def get(self, credit_note_id: str) -> CreditNote | None: ...
    async def of_invoice(self, invoice_id: str) -> Sequence[CreditNote]:
        """The invoice's credit notes, oldest first."""
        ...

    async def page_of_invoice(self, invoice_id: str, request: PageRequest) -> Page[CreditNote]:
        """A page of ``of_invoice``, ordered by number."""
        ...

    async def reopen(self, credit_note_id: str) -> bool:
        """The life cycle's ``RETRY`` (``failed -> pending``), clearing the reason and counting the
        retry; False, changing nothing, from any other status."""
        ...

    async def transition(
        self,
        credit_note_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        """Guarded as ``InvoiceRepository.transition``, by ``CREDIT_NOTE_LIFECYCLE``."""
        ...


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...
    async def get(self, invoice_id: str, payment_id: str) -> Payment | None: ...
    async def delete(self, invoice_id: str, payment_id: str) -> bool:
        """Remove the invoice's payment; False when it has none of that id."""
        ...


class ReceivableQueries(Protocol):
    async def open_on(self, day: date) -> Sequence[Receivable]:
        """The invoices issued on or before ``day`` with a balance due (unpaid or partly paid)."""
        ...

    async def overdue_by(self, day: date, days: int) -> Sequence[Receivable]:
        """The open invoices whose due date is at least ``days`` before ``day``."""
        ...


class DeliverySlot(Protocol):
    """The delivery record of one email (one document, or one invoice's reminder of one level),
    with the claim/accept/release life of ``DELIVERY_LIFECYCLE``, as ``EmailDeliveryLog``."""

    async def claim(self, message_id: str, lease_seconds: float) -> DeliveryClaim | None: ...
    async def state(self) -> DeliveryState | None: ...
    async def accepted(self) -> None: ...
    async def release(self) -> None: ...


class CreditNoteDeliveryLog(Protocol):
    def slot(self, credit_note_id: str) -> DeliverySlot: ...


class ReminderDeliveryLog(Protocol):
    def slot(self, invoice_id: str, level: int) -> DeliverySlot: ...
    async def levels_sent(self, invoice_ids: Sequence[str]) -> dict[str, set[int]]:
        """The levels whose reminder the mail server accepted, by invoice (absent: none)."""
        ...
