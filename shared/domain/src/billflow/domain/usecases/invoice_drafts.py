"""What issuing one invoice and a billing run share: the invoice snapshot and its render command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from billflow.domain import billing
from billflow.domain.contracts import RenderInvoice
from billflow.domain.errors import Conflict, NotFound
from billflow.domain.model import (
    BilledTo,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    Project,
    TaxRow,
    Workday,
)
from billflow.domain.model.tax import normalised
from billflow.domain.numbering import DEFAULT_INVOICE_NUMBERS, NumberFormat
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork
from billflow.domain.usecases.company import issuer_now


class InvoiceDrafts:
    """Turns an employee's workdays into a numbered ``pending`` invoice, a snapshot: rates, names
    and workdays are copied into it, so later changes to the master data do not reach it."""

    def __init__(
        self,
        ids: IdGenerator,
        issuer: Issuer,
        payment_terms_days: int,
        numbers: NumberFormat = DEFAULT_INVOICE_NUMBERS,
    ) -> None:
        self._numbers = numbers
        self._ids = ids
        self._issuer = issuer
        self._terms = payment_terms_days

    def invoice(
        self,
        employee: Employee,
        project: Project,
        workdays: list[Workday],
        start: date,
        end: date,
        run_id: str | None,
        number: int,
        now: datetime,
        issuer: Issuer | None = None,
    ) -> Invoice:
        """``issuer`` is the seller now (``seller``); the configured one when None."""
        totals = billing.compute_totals(employee, project, workdays, start, end)
        return self._document(
            self._ids.new_id(), employee, project, totals, start, end, run_id, number, now, issuer
        )

    def priced(
        self,
        invoice_id: str,
        employee: Employee,
        project: Project,
        sums: billing.LineSums,
        start: date,
        end: date,
        run_id: str | None,
        number: int,
        now: datetime,
        issuer: Issuer,
    ) -> Invoice:
        """The invoice whose lines the store writes from the workdays (``WorkdayPricing``), totalled
        from the sum it reported: the same invoice as ``invoice`` but for its lines, left out."""
        totals = billing.totals_of((), sums.subtotal, project, employee.currency)
        return self._document(invoice_id, employee, project, totals, start, end, run_id, number, now, issuer)

    def _document(
        self,
        invoice_id: str,
        employee: Employee,
        project: Project,
        totals: billing.Totals,
        start: date,
        end: date,
        run_id: str | None,
        number: int,
        now: datetime,
        issuer: Issuer | None,
    ) -> Invoice:
        issue_date = now.date()
        return Invoice(
            id=invoice_id,
            number=self._numbers.format(issue_date.year, number),
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
            issuer=issuer or self._issuer,
            billed_to=BilledTo(employee.full_name, employee.email),
            employee_id=employee.id,
            taxes=(
                TaxRow(
                    project.tax_rate,
                    totals.subtotal,
                    totals.tax,
                    normalised(project.tax_category, project.tax_rate),
                ),
            ),
            billing_run_id=run_id,
        )

    async def seller(self, uow: UnitOfWork) -> Issuer:
        """The seller documents issued now show: the company record's snapshot."""
        return await issuer_now(uow, self._issuer)

    def render(self, invoice: Invoice, correlation_id: str, now: datetime) -> RenderInvoice:
        return render_command(self._ids, invoice, correlation_id, now)


def render_command(ids: IdGenerator, invoice: Invoice, correlation_id: str, now: datetime) -> RenderInvoice:
    """The outbox row asking for an invoice's PDF (either kind), recorded in its transaction."""
    return RenderInvoice(
        message_id=ids.new_id(), occurred_at=now, correlation_id=correlation_id, invoice_id=invoice.id
    )


class EmployeeInvoicing:
    """Issues a billing run's employee invoices, a chunk at a time (the planner's one place of
    issuing them): a fixed number of statements per chunk however many employees it holds.

    The lines never come to Python: the store writes them from the workdays by the billing rule
    (``billing.WorkdayPricing``) and reports each employee's line count and subtotal, from which
    ``billing`` computes the tax and total as for a single invoice. The store prices the
    workdays once to total them and again as it writes the lines; the two must agree, or a
    workday changed in between and the chunk is refused (Conflict) and rolls back whole."""

    def __init__(self, drafts: InvoiceDrafts, ids: IdGenerator, clock: Clock) -> None:
        self._drafts = drafts
        self._ids = ids
        self._clock = clock

    async def issue_for(
        self,
        uow: UnitOfWork,
        employees: Sequence[Employee],
        start: date,
        end: date,
        run_id: str,
        correlation_id: str,
    ) -> list[Invoice]:
        """Invoice each of ``employees`` (locked by the caller, none with an overlapping invoice)
        for their workdays in the period, numbered as one block in ``employees``' order, with the
        render command of each in the outbox. An employee with no workday in the period gets no
        invoice (the caller picked employees with some). The invoices returned carry no lines:
        those are in the store only."""
        if not employees:
            return []
        projects = {p.id: p for p in await uow.projects.list(include_archived=True)}
        pricing = {e.id: billing.pricing(self._ids.new_id(), e) for e in employees}
        priced = await uow.workdays.priced_between(list(pricing.values()), start, end)
        billed = [e for e in employees if e.id in priced]
        if not billed:
            return []
        now = self._clock.now()
        first = await uow.invoices.next_number(now.year, len(billed))
        seller = await self._drafts.seller(uow)
        invoices: list[Invoice] = []
        for n, employee in enumerate(billed):
            project = projects.get(employee.project_id)
            if project is None:  # a foreign key makes this impossible; say so loudly
                raise NotFound("an employee's project no longer exists")
            invoices.append(
                self._drafts.priced(
                    pricing[employee.id].invoice_id,
                    employee,
                    project,
                    priced[employee.id],
                    start,
                    end,
                    run_id,
                    first + n,
                    now,
                    seller,
                )
            )
        written = await uow.invoices.add_with_workday_lines(
            invoices, [pricing[e.id] for e in billed], start, end
        )
        expected = {pricing[e.id].invoice_id: priced[e.id] for e in billed}
        if written != expected:
            raise Conflict("workdays changed while a billing run's chunk was billing them")
        await uow.outbox.add_many([self._drafts.render(i, correlation_id, now) for i in invoices])
        return invoices
