"""The ledger journal of a period, for an accounting package (``journal`` states its rules).

Business rules:
- Those who may read all billing data read it (Forbidden otherwise).
- A period is at least a day and at most a year (``billing.validate_period``).
- The three reads each read their own snapshot: a document recorded while they run may show in a
  later read and not an earlier one (a payment without its invoice); the next export has it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from billflow.domain import access, journal
from billflow.domain.access import Action
from billflow.domain.billing import validate_period
from billflow.domain.journal import JournalEntry
from billflow.domain.model import User
from billflow.domain.ports.ledger import LedgerUnitOfWorkFactory


class ExportJournal:
    ACTION: ClassVar[Action] = Action.READ_BILLING

    def __init__(self, uow: LedgerUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, start: date, end: date, *, actor: User) -> list[JournalEntry]:
        access.require(actor, self.ACTION)
        validate_period(start, end)
        async with self._uow(read_only=True) as uow:
            invoices = await uow.ledger.invoices_issued(start, end)
            notes = await uow.ledger.credit_notes_issued(start, end)
            payments = await uow.ledger.payments_made(start, end)
        return journal.journal(invoices, notes, payments)
