"""Emailing a rendered invoice to its employee (the emailer's use case).

Business rules:
- Only a ``rendered`` invoice is sent; ``sent`` means done (a redelivered command, a no-op).
- The email goes to the address on the invoice (the employee as billed), with the PDF attached
  as ``<number>.pdf``.
- ``rendered -> sent`` happens only after the mail server accepted the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.errors import NotFound
from billflow.domain.model import InvoiceStatus
from billflow.domain.ports import DocumentStore, InvoiceEmailWriter, Mailer, UnitOfWorkFactory
from billflow.domain.usecases.render_invoice import Outcome


@dataclass(frozen=True, slots=True)
class DeliverInvoiceCommand:
    invoice_id: str
    pdf_key: str


class DeliverInvoicePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: InvoiceEmailWriter,
        mailer: Mailer,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._writer = writer
        self._mailer = mailer

    async def execute(self, cmd: DeliverInvoiceCommand) -> Outcome:
        async with self._uow() as uow:
            invoice = await uow.invoices.get(cmd.invoice_id)
        if invoice is None:
            raise NotFound(f"invoice {cmd.invoice_id} does not exist")
        if invoice.status is not InvoiceStatus.RENDERED:
            return Outcome.ALREADY_DONE
        pdf = await self._documents.get(invoice.pdf_key or cmd.pdf_key)
        await self._mailer.send(self._writer.write(invoice, pdf))
        async with self._uow() as uow:
            moved = await uow.invoices.transition(invoice.id, InvoiceStatus.SENT)
            await uow.commit()
        return Outcome.DONE if moved else Outcome.ALREADY_DONE
