"""Emailing a rendered invoice to whoever it is billed to (the emailer's use case): the document
pipeline's delivery step for invoices (``document_pipeline`` and ``exactly_once`` state the rules;
docs/delivery-guarantees.md the one window exactly-once cannot close)."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.model import Invoice
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.mail import InvoiceEmailWriter, Mailer
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.document_kinds import INVOICES
from billflow.domain.usecases.document_pipeline import (
    DEFAULT_LEASE_SECONDS,
    DeliverDocument,
    DocumentCommand,
    Outcome,
)
from billflow.domain.usecases.exactly_once import DeliveryBusy

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "DeliverInvoiceCommand",
    "DeliverInvoicePdf",
    "DeliveryInProgress",
    "message_id_for",
]

DeliveryInProgress = DeliveryBusy
"""Another sender holds a live claim on this invoice's email: try again after its lease."""


@dataclass(frozen=True, slots=True)
class DeliverInvoiceCommand:
    invoice_id: str
    pdf_key: str


def message_id_for(invoice: Invoice) -> str:
    return INVOICES.message_id(invoice)


class DeliverInvoicePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: InvoiceEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._step: DeliverDocument[Invoice] = DeliverDocument(
            INVOICES, uow, documents, writer.write, mailer, lease_seconds
        )

    async def execute(self, cmd: DeliverInvoiceCommand) -> Outcome:
        return await self._step.execute(DocumentCommand(cmd.invoice_id, pdf_key=cmd.pdf_key))
