"""Retrying a failed invoice (an accountant's decision, once the cause is fixed): the document
pipeline's retry step. Its number, lines and totals are unchanged; rendering again overwrites the
same PDF object; an email already accepted for the invoice is never sent a second time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from billflow.domain.access import Action
from billflow.domain.model import Invoice, User
from billflow.domain.model.invoice import RETRY
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.document_kinds import INVOICES
from billflow.domain.usecases.document_pipeline import RetryDocument


@dataclass(frozen=True, slots=True)
class RetryInvoiceCommand:
    invoice_id: str
    correlation_id: str
    actor: User


class RetryInvoice:
    ACTION: ClassVar[Action] = RetryDocument.ACTION

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._step: RetryDocument[Invoice] = RetryDocument(INVOICES, uow, ids, clock)

    async def execute(self, cmd: RetryInvoiceCommand) -> Invoice:
        reopened = await self._step.execute(cmd.invoice_id, cmd.correlation_id, cmd.actor)
        assert reopened.status is RETRY.target
        return reopened
