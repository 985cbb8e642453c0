"""Retrying a failed invoice (an accountant's decision, once the cause is fixed).

Business rules:
- Only a user whose role may write billing data retries (Forbidden otherwise).
- Only a ``failed`` invoice can be retried; it goes back to ``pending`` with its reason cleared,
  its number, lines and totals unchanged.
- The RenderInvoice command is recorded in the same transaction. Rendering again overwrites the
  same PDF object; an email already accepted for the invoice is never sent a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.contracts import RenderInvoice
from billflow.domain.errors import Conflict, NotFound
from billflow.domain.model import Invoice, User
from billflow.domain.model.invoice import RETRY
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change, summary


@dataclass(frozen=True, slots=True)
class RetryInvoiceCommand:
    invoice_id: str
    correlation_id: str
    actor: User


class RetryInvoice:
    ACTION: ClassVar[Action] = Action.WRITE_BILLING

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: RetryInvoiceCommand) -> Invoice:
        access.require(cmd.actor, self.ACTION)
        async with self._uow() as uow:
            invoice = await uow.invoices.get(cmd.invoice_id)
            if invoice is None:
                raise NotFound("no such invoice")
            if not await uow.invoices.reopen(invoice.id):
                raise Conflict(
                    f"invoice {invoice.number} is {invoice.status}, only a failed invoice can be retried"
                )
            await uow.outbox.add(
                RenderInvoice(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    invoice_id=invoice.id,
                )
            )
            reopened = await uow.invoices.get(invoice.id)
            await record_change(
                uow.audit,
                cmd.actor,
                "invoice",
                invoice.id,
                "retry",
                summary(invoice, ("status", "failure_reason")),
                summary(reopened, ("status", "failure_reason")),
            )
            await uow.commit()
        assert reopened is not None
        assert reopened.status is RETRY.target
        return reopened
