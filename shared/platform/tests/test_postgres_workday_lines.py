"""An employee invoice is the same whichever way it is issued, against a real PostgreSQL: one by
itself (the lines built in Python by ``compute_totals``) and in a billing run (the lines written
by PostgreSQL from the workdays, ``WorkdayPricing``), over the half cases of rounding and
currencies of 2, 0 and 3 decimals."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain import billing
from billflow.domain.model import (
    BillingRunKind,
    Department,
    Employee,
    Invoice,
    Issuer,
    Project,
    ProjectMember,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.client_invoices import ClientInvoicing
from billflow.domain.usecases.invoice_drafts import EmployeeInvoicing, InvoiceDrafts
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.plan_billing_run import PlanBillingRunCommand, PlanBillingRunInChunks
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand
from billflow.platform.postgres.ratelimit import PostgresRateLimiter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.system import SystemClock, UuidIdGenerator

pytestmark = pytest.mark.integration

ACCOUNTANT = User(str(uuid.uuid4()), "acc@example.com", Role.ACCOUNTANT)
ISSUER = Issuer("Billflow Demo", "1 Main St", "BE0999999999")

# (currency, hourly rate, hours of each day): every product below lands on, or next to, half of
# the currency's minor unit, so a rounding that is not half-up would show.
CASES = [
    ("EUR", Decimal("33.33"), ["7.50", "0.15", "1.50", "2.25"]),  # 249.975, 4.9995, 49.995, 74.9925
    ("EUR", Decimal("0.01"), ["0.50", "1.50", "0.49"]),  # 0.005, 0.015, 0.0049
    ("EUR", Decimal("10.005"), ["1", "3", "0.01"]),  # 10.005, 30.015, 0.10005
    ("JPY", Decimal("1001"), ["0.50", "1.50", "0.25", "8"]),  # 500.5, 1501.5, 250.25, 8008
    ("KWD", Decimal("1.0005"), ["1", "2.50", "0.01"]),  # 1.0005, 2.50125, 0.010005
    ("KWD", Decimal("0.0101"), ["2.50", "0.50"]),  # 0.02525, 0.00505
]


def new_id() -> str:
    return str(uuid.uuid4())


def a_period() -> tuple[date, date]:
    """A month of a year no other test uses, so the run over "every employee" sees only this test's."""
    start = date(3000 + uuid.uuid4().int % 5000, 3, 1)
    return start, start + timedelta(days=30)


def fields(invoice: Invoice | None) -> tuple[object, ...]:
    """All an invoice shows but what differs between any two (id, number, employee, run)."""
    assert invoice is not None
    return (
        invoice.currency,
        invoice.subtotal,
        invoice.tax_rate,
        invoice.tax,
        invoice.total,
        invoice.taxes,
        invoice.status,
        invoice.period_start,
        invoice.period_end,
        invoice.issue_date,
        invoice.due_date,
        invoice.issuer,
        invoice.lines,
    )


async def test_a_billing_runs_invoice_equals_the_same_workdays_issued_one_at_a_time(
    pool: asyncpg.Pool,
) -> None:
    uow, ids, clock = AsyncpgUnitOfWorkFactory(pool), UuidIdGenerator(), SystemClock()
    start, end = a_period()
    dept = Department(new_id(), "Consulting")
    own = Project(new_id(), "Own", Decimal("21"))
    other = Project(new_id(), "Other", Decimal("6"))
    pairs: list[tuple[Employee, Employee, Project, list[Workday]]] = []
    async with uow() as u:
        await u.departments.add(dept)
        await u.projects.add(own)
        await u.projects.add(other)
        for currency, rate, hours in CASES:
            alone, in_run = (
                Employee(new_id(), name, f"{name}@x.example", dept.id, own.id, rate, currency)
                for name in ("alone", "run")
            )
            days = [
                Workday(start + timedelta(days=n), Decimal(h), f"day {n}", own.id)
                for n, h in enumerate(hours)
            ]
            # Two entries on one day: their order is the projects' ids', in both ways.
            days.append(Workday(start, Decimal(hours[0]), None, other.id))
            for e in (alone, in_run):
                await u.employees.add(e)
                await u.members.put(ProjectMember(other.id, e.id))
                await u.workdays.upsert(e.id, days)
            pairs.append((alone, in_run, own, days))
        await u.commit()
    quota = InvoiceCreationQuota(PostgresRateLimiter(pool), 0)
    issue = IssueInvoice(uow, ids, clock, ISSUER, quota)
    alone_invoices = [
        await issue.execute(IssueInvoiceCommand(alone.id, start, end, "t", ACCOUNTANT)) for alone, *_ in pairs
    ]

    run = await StartBillingRun(uow, ids, clock, quota).execute(
        StartBillingRunCommand(start, end, "t", ACCOUNTANT, BillingRunKind.EMPLOYEES)
    )
    planner = PlanBillingRunInChunks(
        uow,
        ids,
        clock,
        EmployeeInvoicing(InvoiceDrafts(ids, ISSUER, 30), ids, clock),
        ClientInvoicing(ids, clock, ISSUER),
        chunk_size=4,  # the run's employees (and those billed alone, skipped) over chunks
    )
    await planner.execute(PlanBillingRunCommand(run.id, "t"))

    async with uow(read_only=True) as u:
        stored_run = await u.billing_runs.get(run.id)
        assert stored_run is not None
        run_invoices = {
            i.employee_id: i for i in [await u.invoices.get(i) for i in stored_run.invoice_ids] if i
        }
        alone_stored = [await u.invoices.get(i.id) for i in alone_invoices]
    assert set(stored_run.skipped_ids) == {alone.id for alone, *_ in pairs}
    assert len(run_invoices) == len(CASES)
    for (_, employee, project, days), alone_invoice in zip(pairs, alone_stored, strict=True):
        assert fields(run_invoices[employee.id]) == fields(alone_invoice)
        expected = billing.compute_totals(employee, project, days, start, end)
        run_invoice = run_invoices[employee.id]
        assert (run_invoice.lines, run_invoice.subtotal, run_invoice.tax, run_invoice.total) == (
            expected.lines,
            expected.subtotal,
            expected.tax,
            expected.total,
        )
        # Equal as numbers and written alike: the amounts carry the currency's decimals.
        assert [str(x.amount) for x in run_invoice.lines] == [str(x.amount) for x in expected.lines]
