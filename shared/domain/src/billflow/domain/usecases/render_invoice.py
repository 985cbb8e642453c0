"""Rendering an invoice's PDF and filing it (pdf-worker's use case): the document pipeline's
render step for invoices (``document_pipeline`` states the rules)."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.model import Invoice
from billflow.domain.ports.documents import DocumentStore, PdfRenderer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.document_kinds import INVOICES
from billflow.domain.usecases.document_pipeline import DocumentCommand, EInvoicing, Outcome, RenderDocument

__all__ = ["Outcome", "RenderInvoiceCommand", "RenderInvoicePdf"]


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
        einvoicing: EInvoicing | None = None,
    ) -> None:
        self._step: RenderDocument[Invoice] = RenderDocument(
            INVOICES, uow, renderer.render, documents, ids, clock, einvoicing
        )

    async def execute(self, cmd: RenderInvoiceCommand) -> Outcome:
        return await self._step.execute(DocumentCommand(cmd.invoice_id, cmd.correlation_id))
