"""Giving up on an invoice: it becomes ``failed`` with a reason a person can act on (the document
pipeline's give-up step; only from ``pending`` or ``rendered``, the reason kept to 500 characters)."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.model import Invoice
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.document_kinds import INVOICES
from billflow.domain.usecases.document_pipeline import MAX_REASON, FailDocument

__all__ = ["MAX_REASON", "FailInvoice", "FailInvoiceCommand"]


@dataclass(frozen=True, slots=True)
class FailInvoiceCommand:
    invoice_id: str
    reason: str


class FailInvoice:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._step: FailDocument[Invoice] = FailDocument(INVOICES, uow)

    async def execute(self, cmd: FailInvoiceCommand) -> bool:
        """True when the invoice moved to ``failed``; False when it was already past failing."""
        return await self._step.execute(cmd.invoice_id, cmd.reason)
