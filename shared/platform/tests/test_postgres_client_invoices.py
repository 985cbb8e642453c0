"""Client invoices against a real PostgreSQL: the hours claimed, the lines, taxes and timesheet
stored, the entries locked, and no hour billed twice however the requests interleave."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.errors import InvalidInput
from billflow.domain.model import (
    Address,
    BillingRunKind,
    BillingRunStatus,
    Client,
    Department,
    Employee,
    InvoiceKind,
    Issuer,
    Language,
    Project,
    ProjectMember,
    Role,
    TaxRow,
    User,
    Workday,
)
from billflow.domain.usecases.client_invoices import (
    ClientInvoicing,
    IssueClientInvoice,
    IssueClientInvoiceCommand,
)
from billflow.domain.usecases.invoice_drafts import EmployeeInvoicing, InvoiceDrafts
from billflow.domain.usecases.plan_billing_run import PlanBillingRunCommand, PlanBillingRunInChunks
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand
from billflow.platform.postgres.ratelimit import PostgresRateLimiter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.system import SystemClock, UuidIdGenerator

pytestmark = pytest.mark.integration

ACCOUNTANT = User(str(uuid.uuid4()), "acc@example.com", Role.ACCOUNTANT)


def new_id() -> str:
    return str(uuid.uuid4())


def a_period() -> tuple[date, date]:
    """A month of a year no other test uses, so runs over "every client" see only this test's."""
    start = date(3000 + uuid.uuid4().int % 5000, 3, 1)
    return start, start + timedelta(days=30)


class Company:
    """A client with two projects at 21 % and 6 %, and three people, one at a rate of her own."""

    def __init__(self, uow: AsyncpgUnitOfWorkFactory) -> None:
        self.uow = uow
        self.client = Client(
            new_id(),
            f"Globex {uuid.uuid4().hex[:6]}",
            "ap@globex.example",
            Address("Rue Haute 1", "Bruxelles", "1000", "BE"),
            "EUR",
            vat_id="BE0123456749",
            language=Language.FR,
            payment_terms_days=14,
        )
        self.web = Project(new_id(), "Web shop", Decimal("21"), self.client.id, Decimal("100"))
        self.books = Project(new_id(), "Books", Decimal("6"), self.client.id, Decimal("80.50"))
        self.dept = Department(new_id(), "Consulting")
        self.ada = Employee(new_id(), "Ada", "ada@x.example", self.dept.id, self.web.id, Decimal("50"), "EUR")
        self.bob = Employee(new_id(), "Bob", "bob@x.example", self.dept.id, self.web.id, Decimal("40"), "EUR")

    async def create(self) -> Company:
        async with self.uow() as u:
            await u.clients.add(self.client)
            for p in (self.web, self.books):
                await u.projects.add(p)
            await u.departments.add(self.dept)
            await u.employees.add(self.ada)
            await u.employees.add(self.bob)
            await u.members.put(ProjectMember(self.books.id, self.ada.id, Decimal("120")))
            await u.members.put(ProjectMember(self.books.id, self.bob.id))
            await u.commit()
        return self

    async def record(self, employee: Employee, *entries: Workday) -> None:
        async with self.uow() as u:
            await u.workdays.upsert(employee.id, entries)
            await u.commit()


def use_cases(pool: asyncpg.Pool) -> tuple[IssueClientInvoice, StartBillingRun]:
    uow, ids = AsyncpgUnitOfWorkFactory(pool), UuidIdGenerator()
    invoicing = ClientInvoicing(ids, SystemClock(), Issuer("Billflow Demo", "1 Main St", "BE0999999999"))
    quota = InvoiceCreationQuota(PostgresRateLimiter(pool), 0)
    return IssueClientInvoice(uow, invoicing, quota), StartBillingRun(uow, ids, SystemClock(), quota)


def planner(pool: asyncpg.Pool, chunk_size: int) -> PlanBillingRunInChunks:
    ids, clock = UuidIdGenerator(), SystemClock()
    issuer = Issuer("Billflow Demo", "1 Main St", "BE0999999999")
    return PlanBillingRunInChunks(
        AsyncpgUnitOfWorkFactory(pool),
        ids,
        clock,
        EmployeeInvoicing(InvoiceDrafts(ids, issuer, 30), ids, clock),
        ClientInvoicing(ids, clock, issuer),
        chunk_size=chunk_size,
    )


async def test_a_client_invoice_bills_each_person_per_project_with_taxes_per_rate(pool: asyncpg.Pool) -> None:
    c = await Company(AsyncpgUnitOfWorkFactory(pool)).create()
    start, end = a_period()
    d1, d2 = start, start + timedelta(days=1)
    await c.record(
        c.ada, Workday(d1, Decimal("6"), "API", c.web.id), Workday(d1, Decimal("2.5"), "VAT", c.books.id)
    )
    await c.record(c.ada, Workday(d2, Decimal("1.25"), None, c.books.id))
    await c.record(
        c.bob, Workday(d2, Decimal("8"), "Design", c.web.id), Workday(d2, Decimal("3"), None, c.books.id)
    )
    issue, _ = use_cases(pool)

    invoice = await issue.execute(IssueClientInvoiceCommand(c.client.id, start, end, "t", ACCOUNTANT))

    assert invoice.kind is InvoiceKind.CLIENT
    assert invoice.client_id == c.client.id
    rows = [(x.project_name, x.employee_name, x.hours, x.rate, x.amount, x.tax_rate) for x in invoice.lines]
    assert rows == [
        ("Books", "Ada", Decimal("3.75"), Decimal("120"), Decimal("450.00"), Decimal("6")),
        ("Books", "Bob", Decimal("3.00"), Decimal("80.50"), Decimal("241.50"), Decimal("6")),
        ("Web shop", "Ada", Decimal("6.00"), Decimal("100"), Decimal("600.00"), Decimal("21")),
        ("Web shop", "Bob", Decimal("8.00"), Decimal("100"), Decimal("800.00"), Decimal("21")),
    ]
    assert invoice.taxes == (
        TaxRow(Decimal("6"), Decimal("691.50"), Decimal("41.49")),
        TaxRow(Decimal("21"), Decimal("1400.00"), Decimal("294.00")),
    )
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("2091.50"),
        Decimal("335.49"),
        Decimal("2426.99"),
    )
    assert invoice.tax_rate is None  # two rates
    assert invoice.due_date == invoice.issue_date + timedelta(days=14)
    assert invoice.billed_to.vat_id == "BE0123456749"
    assert invoice.billed_to.language is Language.FR

    async with AsyncpgUnitOfWorkFactory(pool)(read_only=True) as u:
        stored = await u.invoices.get(invoice.id)
        recorded = await u.workdays.recorded(c.ada.id, [(d1, c.web.id), (d1, c.books.id)])
    assert stored is not None
    assert stored.lines == invoice.lines
    assert stored.taxes == invoice.taxes
    assert stored.billed_to == invoice.billed_to
    assert [(e.date, e.employee_name, e.project_name, e.hours) for e in stored.entries] == [
        (d1, "Ada", "Books", Decimal("2.50")),
        (d1, "Ada", "Web shop", Decimal("6.00")),
        (d2, "Ada", "Books", Decimal("1.25")),
        (d2, "Bob", "Books", Decimal("3.00")),
        (d2, "Bob", "Web shop", Decimal("8.00")),
    ]
    assert {stored.lines[e.line].employee_name for e in stored.entries if e.employee_name == "Bob"} == {"Bob"}
    assert {r.billed_on for r in recorded.values()} == {invoice.number}


async def test_a_second_invoice_for_the_period_bills_only_the_hours_entered_since(pool: asyncpg.Pool) -> None:
    c = await Company(AsyncpgUnitOfWorkFactory(pool)).create()
    start, end = a_period()
    await c.record(c.ada, Workday(start, Decimal("4"), None, c.web.id))
    issue, _ = use_cases(pool)
    first = await issue.execute(IssueClientInvoiceCommand(c.client.id, start, end, "t", ACCOUNTANT))
    with pytest.raises(InvalidInput):
        await issue.execute(IssueClientInvoiceCommand(c.client.id, start, end, "t", ACCOUNTANT))

    await c.record(c.bob, Workday(start + timedelta(days=3), Decimal("2"), None, c.web.id))
    catch_up = await issue.execute(IssueClientInvoiceCommand(c.client.id, start, end, "t", ACCOUNTANT))

    assert [x.hours for x in first.lines] == [Decimal("4.00")]
    assert [(x.employee_name, x.hours) for x in catch_up.lines] == [("Bob", Decimal("2.00"))]
    assert catch_up.number > first.number


async def test_concurrent_invoices_for_one_client_never_bill_an_hour_twice(pool: asyncpg.Pool) -> None:
    c = await Company(AsyncpgUnitOfWorkFactory(pool)).create()
    start, end = a_period()
    await c.record(
        c.ada, *(Workday(start + timedelta(days=n), Decimal("8"), None, c.web.id) for n in range(10))
    )
    issue, _ = use_cases(pool)
    results = await asyncio.gather(
        *(
            issue.execute(IssueClientInvoiceCommand(c.client.id, start, end, "t", ACCOUNTANT))
            for _ in range(5)
        ),
        return_exceptions=True,
    )
    invoices = [r for r in results if not isinstance(r, BaseException)]
    assert len(invoices) == 1
    assert all(isinstance(r, InvalidInput) for r in results if r not in invoices)
    assert invoices[0].lines[0].hours == Decimal("80.00")


async def test_a_clients_run_bills_every_active_client_once_with_consecutive_numbers(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    companies = [await Company(uow).create() for _ in range(3)]
    busy, idle, archived = companies
    start, end = a_period()
    await busy.record(busy.ada, Workday(start, Decimal("5"), None, busy.web.id))
    await archived.record(archived.bob, Workday(start, Decimal("5"), None, archived.books.id))
    async with uow() as u:
        await u.clients.update(dataclasses.replace(archived.client, archived=True))
        await u.commit()
    _, run = use_cases(pool)

    accepted = await run.execute(StartBillingRunCommand(start, end, "t", ACCOUNTANT, BillingRunKind.CLIENTS))
    # Two clients a chunk: every client of the database (other tests' too) in (name, id) pages.
    await planner(pool, chunk_size=2).execute(PlanBillingRunCommand(accepted.id, "t"))

    async with uow(read_only=True) as u:
        stored_run = await u.billing_runs.get(accepted.id)
        assert stored_run is not None
        [invoice] = [await u.invoices.get(i) for i in stored_run.invoice_ids]
    assert invoice is not None
    assert invoice.client_id == busy.client.id
    assert stored_run.kind.value == "clients"
    assert stored_run.status is BillingRunStatus.ISSUED
    assert {idle.client.id, archived.client.id} <= set(stored_run.skipped_ids)
    assert busy.client.id not in stored_run.skipped_ids
    assert len(set(stored_run.skipped_ids)) == len(stored_run.skipped_ids)
