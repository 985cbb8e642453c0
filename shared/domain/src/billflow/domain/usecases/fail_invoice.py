"""Giving up on an invoice: it becomes ``failed`` with a reason a person can act on.

Business rules:
- Only an invoice still on its way (``pending`` or ``rendered``) can fail; a ``sent`` invoice
  stays sent.
- The reason is kept short (500 characters) and is shown to accountants.
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.model import InvoiceStatus
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class FailInvoiceCommand:
    invoice_id: str
    reason: str


class FailInvoice:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, cmd: FailInvoiceCommand) -> bool:
        """True when the invoice moved to ``failed``; False when it was already past failing."""
        async with self._uow() as uow:
            moved = await uow.invoices.transition(
                cmd.invoice_id, InvoiceStatus.FAILED, failure_reason=cmd.reason[:MAX_REASON]
            )
            await uow.commit()
        return moved
