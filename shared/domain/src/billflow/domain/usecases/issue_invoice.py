"""Issuing one employee's invoice for a period.

Business rules:
- Only a user whose role may write billing data issues invoices (Forbidden otherwise), and each
  call counts against the user's invoice-creation quota (RateLimited past it), refused or not.
- An invoice covers the employee's workdays in the period (see ``billing`` for the arithmetic).
- One invoice per employee per period: a period overlapping an existing invoice of the employee is
  refused with InvoiceOverlap naming that invoice.
- The number is allocated in the same transaction that creates the invoice, so numbers have no
  gaps; the employee row is locked meanwhile, so two requests cannot both pass the overlap check.
- The invoice is a snapshot: rates, names and workdays are copied into it.
- The RenderInvoice command is recorded in the same transaction (transactional outbox): if the
  invoice exists, its rendering has been asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from billflow.domain import billing
from billflow.domain.access import Action
from billflow.domain.errors import InvoiceOverlap, NotFound
from billflow.domain.model import Invoice, Issuer, User
from billflow.domain.numbering import DEFAULT_INVOICE_NUMBERS, NumberFormat
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.invoice_drafts import InvoiceDrafts
from billflow.domain.usecases.quotas import InvoiceCreationQuota


@dataclass(frozen=True, slots=True)
class IssueInvoiceCommand:
    employee_id: str
    period_start: date
    period_end: date
    correlation_id: str
    actor: User


class IssueInvoice:
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
        self._clock = clock
        self._quota = quota
        self._drafts = InvoiceDrafts(ids, issuer, payment_terms_days, numbers)

    async def execute(self, cmd: IssueInvoiceCommand) -> Invoice:
        await self._quota.admit(cmd.actor, self.ACTION, cmd.period_start, cmd.period_end)
        start, end = cmd.period_start, cmd.period_end
        async with self._uow() as uow:
            employee = await uow.employees.get_for_update(cmd.employee_id)
            if employee is None:
                raise NotFound("no such employee")
            existing = await uow.invoices.find_overlapping(employee.id, start, end)
            if existing is not None:
                raise InvoiceOverlap(existing.id, existing.number)
            project = await uow.projects.get(employee.project_id)
            if project is None:  # a foreign key makes this impossible; say so loudly if it happens
                raise NotFound("the employee's project no longer exists")
            workdays = await uow.workdays.between(employee.id, start, end)
            now = self._clock.now()
            number = await uow.invoices.next_number(now.year)
            seller = await self._drafts.seller(uow)
            invoice = self._drafts.invoice(employee, project, workdays, start, end, None, number, now, seller)
            await uow.invoices.add(invoice)
            await uow.outbox.add(self._drafts.render(invoice, cmd.correlation_id, now))
            await uow.commit()
        return invoice
