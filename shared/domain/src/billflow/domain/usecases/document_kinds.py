"""The document pipeline's kinds: what differs between an invoice and a credit note on their way
from ``pending`` to ``sent`` (which records, which delivery log, which keys and messages).

Everything else (the steps, their guards, exactly-once email, e-invoices) is the pipeline's,
written once in ``document_pipeline``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from billflow.domain import billing, crediting
from billflow.domain.contracts import (
    DeliverCreditNote,
    DeliverInvoice,
    Message,
    RenderCreditNote,
    RenderInvoice,
)
from billflow.domain.model import CreditNote, DeliveryState, Invoice, InvoiceKind
from billflow.domain.ports.after_issue import DeliverySlot
from billflow.domain.ports.delivery import DeliveryClaim, EmailDeliveryLog
from billflow.domain.ports.documents import DocumentRecords
from billflow.domain.ports.unit_of_work import UnitOfWork

D = TypeVar("D", bound=Invoice | CreditNote)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A new message's envelope: its id, its time, and the correlation id it carries on."""

    message_id: str
    occurred_at: datetime
    correlation_id: str


@dataclass(frozen=True, slots=True)
class DocumentKind(Generic[D]):
    name: str
    """How errors name it: "invoice", "credit note"."""
    records: Callable[[UnitOfWork], DocumentRecords[D]]
    delivery: Callable[[UnitOfWork, str], DeliverySlot]
    pdf_key: Callable[[D], str]
    """Derived from the number Billflow allocated: a second render overwrites the same object."""
    message_id: Callable[[D], str]
    """The email's Message-ID, the same on every attempt."""
    render_command: Callable[[Envelope, str], Message]
    deliver_command: Callable[[Envelope, str, str], Message]
    is_einvoice: Callable[[D], bool]
    """True when the document goes out as an e-invoice (what a client was billed)."""


@dataclass(frozen=True, slots=True)
class _InvoiceDelivery:
    """An invoice's record in the email delivery log, as the slot every other email has."""

    log: EmailDeliveryLog
    invoice_id: str

    async def claim(self, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        return await self.log.claim(self.invoice_id, message_id, lease_seconds)

    async def state(self) -> DeliveryState | None:
        return await self.log.state(self.invoice_id)

    async def accepted(self) -> None:
        await self.log.accepted(self.invoice_id)

    async def release(self) -> None:
        await self.log.release(self.invoice_id)


INVOICES: DocumentKind[Invoice] = DocumentKind(
    name="invoice",
    records=lambda u: u.invoices,
    delivery=lambda u, invoice_id: _InvoiceDelivery(u.deliveries, invoice_id),
    pdf_key=lambda i: billing.pdf_key(i.number, i.issue_date),
    message_id=lambda i: f"<{i.number}.{i.id}@invoices.billflow>",
    render_command=lambda e, invoice_id: RenderInvoice(
        message_id=e.message_id,
        occurred_at=e.occurred_at,
        correlation_id=e.correlation_id,
        invoice_id=invoice_id,
    ),
    deliver_command=lambda e, invoice_id, key: DeliverInvoice(
        message_id=e.message_id,
        occurred_at=e.occurred_at,
        correlation_id=e.correlation_id,
        invoice_id=invoice_id,
        pdf_key=key,
    ),
    is_einvoice=lambda i: i.kind is InvoiceKind.CLIENT,
)

CREDIT_NOTES: DocumentKind[CreditNote] = DocumentKind(
    name="credit note",
    records=lambda u: u.credit_notes,
    delivery=lambda u, note_id: u.credit_note_deliveries.slot(note_id),
    pdf_key=lambda n: crediting.pdf_key(n.number, n.issue_date),
    message_id=lambda n: f"<{n.number}.{n.id}@credit-notes.billflow>",
    render_command=lambda e, note_id: RenderCreditNote(
        message_id=e.message_id,
        occurred_at=e.occurred_at,
        correlation_id=e.correlation_id,
        credit_note_id=note_id,
    ),
    deliver_command=lambda e, note_id, key: DeliverCreditNote(
        message_id=e.message_id,
        occurred_at=e.occurred_at,
        correlation_id=e.correlation_id,
        credit_note_id=note_id,
        pdf_key=key,
    ),
    is_einvoice=lambda n: n.invoice_kind is InvoiceKind.CLIENT,
)
