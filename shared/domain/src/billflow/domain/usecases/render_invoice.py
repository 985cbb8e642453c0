"""Rendering an invoice's PDF and filing it (pdf-worker's use case).

Business rules:
- Only a ``pending`` invoice is rendered; any other status means the work is done (a redelivered
  command) and the call is a no-op.
- The PDF is stored under a key derived from the invoice number, so a second render overwrites
  the same object instead of leaving a stray one.
- ``pending -> rendered`` and the DeliverInvoice command are committed together.
- The browser runs outside the database transaction: no connection is held while rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from billflow.domain import billing
from billflow.domain.contracts import DeliverInvoice
from billflow.domain.errors import NotFound
from billflow.domain.model import InvoiceStatus
from billflow.domain.ports.documents import DocumentStore, PdfRenderer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory


class Outcome(StrEnum):
    DONE = "done"
    ALREADY_DONE = "already_done"


@dataclass(frozen=True, slots=True)
class RenderInvoiceCommand:
    invoice_id: str
    correlation_id: str


class RenderInvoicePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        renderer: PdfRenderer,
        documents: DocumentStore,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._documents = documents
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: RenderInvoiceCommand) -> Outcome:
        async with self._uow(read_only=True) as uow:
            invoice = await uow.invoices.get(cmd.invoice_id)
        if invoice is None:
            raise NotFound(f"invoice {cmd.invoice_id} does not exist")
        if invoice.status is not InvoiceStatus.PENDING:
            return Outcome.ALREADY_DONE
        pdf = await self._renderer.render(invoice)
        key = billing.pdf_key(invoice.number, invoice.issue_date)
        await self._documents.put(key, pdf, "application/pdf")
        async with self._uow() as uow:
            if not await uow.invoices.transition(invoice.id, InvoiceStatus.RENDERED, pdf_key=key):
                return Outcome.ALREADY_DONE
            await uow.outbox.add(
                DeliverInvoice(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    invoice_id=invoice.id,
                    pdf_key=key,
                )
            )
            await uow.commit()
        return Outcome.DONE
