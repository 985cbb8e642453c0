"""Starting a billing run: everybody's invoice for a period, at once.

Business rules:
- Only a user whose role may write billing data starts a run (Forbidden otherwise); a run counts
  as one call against the user's invoice-creation quota (RateLimited past it).
- Every employee with workdays in the period is invoiced as ``IssueInvoice`` would, except those
  who already have an invoice overlapping the period: they are skipped and named in the result.
- A period in which nobody has workdays is refused (InvalidInput).
- One transaction, and a fixed number of statements however many employees there are (no
  per-employee queries); the numbers are allocated as one block, so they have no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from billflow.domain import billing
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import BillingRun, Invoice, Issuer, User
from billflow.domain.numbering import DEFAULT_INVOICE_NUMBERS, NumberFormat
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.invoice_drafts import InvoiceDrafts
from billflow.domain.usecases.quotas import InvoiceCreationQuota


@dataclass(frozen=True, slots=True)
class StartBillingRunCommand:
    period_start: date
    period_end: date
    correlation_id: str
    actor: User


@dataclass(frozen=True, slots=True)
class BillingRunStarted:
    run: BillingRun
    skipped_employee_ids: tuple[str, ...]
    """Employees with workdays in the period who already had an overlapping invoice."""


class StartBillingRun:
    ACTION: ClassVar[Action] = Action.WRITE_BILLING
    """What the caller's role must allow (an HTTP edge may refuse on it before reading a body)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        issuer: Issuer,
        quota: InvoiceCreationQuota,
        payment_terms_days: int = billing.DEFAULT_PAYMENT_TERMS_DAYS,
        numbers: NumberFormat = DEFAULT_INVOICE_NUMBERS,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._quota = quota
        self._drafts = InvoiceDrafts(ids, issuer, payment_terms_days, numbers)

    async def execute(self, cmd: StartBillingRunCommand) -> BillingRunStarted:
        await self._quota.admit(cmd.actor, self.ACTION, cmd.period_start, cmd.period_end)
        start, end = cmd.period_start, cmd.period_end
        run_id = self._ids.new_id()
        async with self._uow() as uow:
            employees = await uow.employees.with_workdays_between(start, end)
            if not employees:
                raise InvalidInput("no employee has workdays in this period", field="period_start")
            await uow.billing_runs.add(
                BillingRun(id=run_id, period_start=start, period_end=end, invoice_ids=())
            )
            billed = await uow.invoices.employees_with_overlapping(start, end)
            skipped = [e.id for e in employees if e.id in billed]
            to_bill = [e for e in employees if e.id not in billed]
            invoices: list[Invoice] = []
            if to_bill:
                projects = {p.id: p for p in await uow.projects.list(include_archived=True)}
                workdays = await uow.workdays.between_for([e.id for e in to_bill], start, end)
                now = self._clock.now()
                first = await uow.invoices.next_number(now.year, len(to_bill))
                seller = await self._drafts.seller(uow)
                for n, employee in enumerate(to_bill):
                    project = projects.get(employee.project_id)
                    if project is None:  # a foreign key makes this impossible; say so loudly
                        raise NotFound("an employee's project no longer exists")
                    invoices.append(
                        self._drafts.invoice(
                            employee,
                            project,
                            workdays[employee.id],
                            start,
                            end,
                            run_id,
                            first + n,
                            now,
                            seller,
                        )
                    )
                await uow.invoices.add_many(invoices)
                await uow.outbox.add_many([self._drafts.render(i, cmd.correlation_id, now) for i in invoices])
            await uow.commit()
        return BillingRunStarted(
            run=BillingRun(run_id, start, end, tuple(i.id for i in invoices)),
            skipped_employee_ids=tuple(skipped),
        )
