"""The receivables report: what is owed on a day, by currency and party billed, by age.

Business rules:
- Those who may read all billing data read it (Forbidden otherwise).
- The buckets and their sums are ``receivables.aging``'s; invoices issued after the day do not
  count.
"""

from __future__ import annotations

from datetime import date

from billflow.domain import access, receivables
from billflow.domain.access import Action
from billflow.domain.model import User
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.receivables import AgingRow


class ReceivablesReport:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, day: date, *, actor: User) -> list[AgingRow]:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            open_ones = await uow.receivables.open_on(day)
        return receivables.aging(open_ones, day)
