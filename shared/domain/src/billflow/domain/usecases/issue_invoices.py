"""Issuing invoices: one employee's, or everybody's in a billing run.

Business rules:
- An invoice covers the employee's workdays in the period (see ``billing`` for the arithmetic).
- One invoice per employee per period: a period overlapping an existing invoice of the employee is
  refused with InvoiceOverlap naming that invoice. A billing run skips such employees.
- The number is allocated in the same transaction that creates the invoice, so numbers have no
  gaps; the employee row is locked meanwhile, so two requests cannot both pass the overlap check.
- The invoice is a snapshot: rates, names and workdays are copied into it.
- The RenderInvoice command is recorded in the same transaction (transactional outbox): if the
  invoice exists, its rendering has been asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from billflow.domain import billing
from billflow.domain.contracts import RenderInvoice
from billflow.domain.errors import InvalidInput, InvoiceOverlap, NotFound
from billflow.domain.model import (
    BilledTo,
    BillingRun,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    Project,
    TaxRow,
    Workday,
)
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class IssueInvoiceCommand:
    employee_id: str
    period_start: date
    period_end: date
    correlation_id: str


@dataclass(frozen=True, slots=True)
class StartBillingRunCommand:
    period_start: date
    period_end: date
    correlation_id: str


@dataclass(frozen=True, slots=True)
class BillingRunStarted:
    run: BillingRun
    skipped_employee_ids: tuple[str, ...]
    """Employees with workdays in the period who already had an overlapping invoice."""


class IssueInvoices:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        issuer: Issuer,
        payment_terms_days: int = billing.DEFAULT_PAYMENT_TERMS_DAYS,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._issuer = issuer
        self._terms = payment_terms_days

    async def issue(self, cmd: IssueInvoiceCommand) -> Invoice:
        billing.validate_period(cmd.period_start, cmd.period_end)
        async with self._uow() as uow:
            employee = await uow.employees.get_for_update(cmd.employee_id)
            if employee is None:
                raise NotFound("no such employee")
            existing = await uow.invoices.find_overlapping(employee.id, cmd.period_start, cmd.period_end)
            if existing is not None:
                raise InvoiceOverlap(existing.id, existing.number)
            invoice = await self._draft(
                uow, employee, cmd.period_start, cmd.period_end, None, cmd.correlation_id
            )
            await uow.commit()
        return invoice

    async def start_run(self, cmd: StartBillingRunCommand) -> BillingRunStarted:
        """Every employee with workdays in the period, in one transaction and a fixed number of
        statements however many employees there are (no per-employee queries)."""
        billing.validate_period(cmd.period_start, cmd.period_end)
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
                projects = {p.id: p for p in await uow.projects.list()}
                workdays = await uow.workdays.between_for([e.id for e in to_bill], start, end)
                now = self._clock.now()
                first = await uow.invoices.next_number(now.year, len(to_bill))
                for n, employee in enumerate(to_bill):
                    project = projects.get(employee.project_id)
                    if project is None:  # a foreign key makes this impossible; say so loudly
                        raise NotFound("an employee's project no longer exists")
                    invoices.append(
                        self._invoice(
                            employee, project, workdays[employee.id], start, end, run_id, first + n, now
                        )
                    )
                await uow.invoices.add_many(invoices)
                await uow.outbox.add_many([self._render(i, cmd.correlation_id, now) for i in invoices])
            await uow.commit()
        return BillingRunStarted(
            run=BillingRun(run_id, start, end, tuple(i.id for i in invoices)),
            skipped_employee_ids=tuple(skipped),
        )

    async def _draft(
        self,
        uow: UnitOfWork,
        employee: Employee,
        start: date,
        end: date,
        run_id: str | None,
        correlation_id: str,
    ) -> Invoice:
        project = await uow.projects.get(employee.project_id)
        if project is None:  # a foreign key makes this impossible; say so loudly if it happens
            raise NotFound("the employee's project no longer exists")
        workdays = await uow.workdays.between(employee.id, start, end)
        now = self._clock.now()
        number = await uow.invoices.next_number(now.year)
        invoice = self._invoice(employee, project, workdays, start, end, run_id, number, now)
        await uow.invoices.add(invoice)
        await uow.outbox.add(self._render(invoice, correlation_id, now))
        return invoice

    def _invoice(
        self,
        employee: Employee,
        project: Project,
        workdays: list[Workday],
        start: date,
        end: date,
        run_id: str | None,
        number: int,
        now: datetime,
    ) -> Invoice:
        totals = billing.compute_totals(employee, project, workdays, start, end)
        issue_date = now.date()
        return Invoice(
            id=self._ids.new_id(),
            number=billing.format_invoice_number(issue_date.year, number),
            status=InvoiceStatus.PENDING,
            period_start=start,
            period_end=end,
            issue_date=issue_date,
            due_date=billing.due_date(issue_date, self._terms),
            currency=employee.currency,
            lines=totals.lines,
            subtotal=totals.subtotal,
            tax_rate=project.tax_rate,
            tax=totals.tax,
            total=totals.total,
            issuer=self._issuer,
            billed_to=BilledTo(employee.full_name, employee.email),
            employee_id=employee.id,
            taxes=(TaxRow(project.tax_rate, totals.subtotal, totals.tax),),
            billing_run_id=run_id,
        )

    def _render(self, invoice: Invoice, correlation_id: str, now: datetime) -> RenderInvoice:
        return RenderInvoice(
            message_id=self._ids.new_id(),
            occurred_at=now,
            correlation_id=correlation_id,
            invoice_id=invoice.id,
        )
