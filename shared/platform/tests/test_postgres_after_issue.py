"""After the invoice against a real PostgreSQL: credit notes in their own series, released entries,
payments and the derived status, the reminder delivery records, the receivables queries."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.errors import InvalidInput, InvoiceOverlap
from billflow.domain.model import (
    DeliveryState,
    Department,
    EInvoiceKeys,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    PaymentStatus,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.credit_notes import IssueCreditNote, IssueCreditNoteCommand
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.payments import DeletePaymentCommand, Payments, RecordPaymentCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.platform.postgres.ratelimit import PostgresRateLimiter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.system import SystemClock, UuidIdGenerator

pytestmark = pytest.mark.integration

ACCOUNTANT = User(str(uuid.uuid4()), "acc@example.com", Role.ACCOUNTANT)
D = Decimal


def new_id() -> str:
    return str(uuid.uuid4())


async def employee_with_a_month(uow: AsyncpgUnitOfWorkFactory) -> tuple[Employee, date, date]:
    """An employee with two workdays in a month of a year no other test uses."""
    start = date(3000 + uuid.uuid4().int % 5000, 5, 1)
    end = start + timedelta(days=30)
    dept, project = Department(new_id(), "D"), Project(new_id(), "P", D("10"))
    employee = Employee(new_id(), "Ada", "ada@x.example", dept.id, project.id, D("50"), "EUR")
    async with uow() as u:
        await u.departments.add(dept)
        await u.projects.add(project)
        await u.employees.add(employee)
        await u.workdays.upsert(
            employee.id, [Workday(start, D("8")), Workday(start + timedelta(days=1), D("4"))]
        )
        await u.commit()
    return employee, start, end


async def issue(pool: asyncpg.Pool, employee: Employee, start: date, end: date) -> Invoice:
    uow = AsyncpgUnitOfWorkFactory(pool)
    quota = InvoiceCreationQuota(PostgresRateLimiter(pool), 0)
    issuing = IssueInvoice(uow, UuidIdGenerator(), SystemClock(), Issuer("A", "B", "C"), quota)
    return await issuing.execute(IssueInvoiceCommand(employee.id, start, end, "t", ACCOUNTANT))


async def test_credit_notes_are_numbered_stored_and_a_full_one_releases_the_period(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, start, end = await employee_with_a_month(uow)
    invoice = await issue(pool, employee, start, end)  # 12 h x 50 = 600 + 10 % = 660
    crediting = IssueCreditNote(uow, UuidIdGenerator(), SystemClock())

    part = await crediting.execute(IssueCreditNoteCommand(invoice.id, "rate", D("100.00"), "t", ACCOUNTANT))
    with pytest.raises(InvalidInput):
        await crediting.execute(IssueCreditNoteCommand(invoice.id, "too much", D("500.01"), "t", ACCOUNTANT))
    rest = await crediting.execute(IssueCreditNoteCommand(invoice.id, "all of it", None, "t", ACCOUNTANT))

    prefix, first, second = part.number[:8], int(part.number[-6:]), int(rest.number[-6:])
    assert prefix.startswith("CN-")
    assert second == first + 1
    async with uow(read_only=True) as u:
        stored = await u.credit_notes.of_invoice(invoice.id)
        credited = await u.invoices.get(invoice.id)
        assert await u.credit_notes.transition(part.id, InvoiceStatus.RENDERED, pdf_key="k")
        assert not await u.credit_notes.transition(part.id, InvoiceStatus.RENDERED)
        assert not await u.credit_notes.reopen(part.id)
        assert await u.credit_notes.transition(part.id, InvoiceStatus.FAILED, failure_reason="no")
        assert await u.credit_notes.reopen(part.id)
        reopened = await u.credit_notes.get(part.id)
    assert reopened is not None
    assert (reopened.status, reopened.failure_reason) == (InvoiceStatus.PENDING, None)
    assert [n.id for n in stored] == [part.id, rest.id]
    assert stored[0].taxes == part.taxes
    assert stored[0].invoice_number == invoice.number
    assert stored[1].full
    assert stored[1].total == D("550.00")
    assert credited is not None
    assert (credited.payment_status, credited.amount_credited, credited.balance_due) == (
        PaymentStatus.CREDITED,
        D("660.00"),
        D(0),
    )
    billed = await pool.fetchval(
        "SELECT count(*) FROM workdays WHERE employee_id = $1 AND employee_invoice_id IS NOT NULL",
        employee.id,
    )
    assert billed == 0
    again = await issue(pool, employee, start, end)
    assert again.total == invoice.total
    with pytest.raises(InvoiceOverlap):
        await issue(pool, employee, start, end)


async def test_payments_settle_the_invoice_and_filter_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, start, end = await employee_with_a_month(uow)
    invoice = await issue(pool, employee, start, end)
    payments = Payments(uow, UuidIdGenerator(), SystemClock())

    first = await payments.record(
        RecordPaymentCommand(invoice.id, D("60.00"), date(2026, 1, 2), "transfer", "ref 1", ACCOUNTANT)
    )
    async with uow(read_only=True) as u:
        partly = await u.invoices.get(invoice.id)
        page = await u.invoices.list(
            employee_id=employee.id,
            status=None,
            limit=10,
            cursor=None,
            payment_status=PaymentStatus.PARTIALLY_PAID,
        )
        overdue = await u.invoices.list(
            employee_id=employee.id,
            status=None,
            limit=10,
            cursor=None,
            overdue_on=invoice.due_date + timedelta(1),
        )
        not_yet = await u.invoices.list(
            employee_id=employee.id, status=None, limit=10, cursor=None, overdue_on=invoice.due_date
        )
        receivables = await u.receivables.overdue_by(invoice.due_date + timedelta(days=7), 7)
    assert partly is not None
    assert partly.payment_status is PaymentStatus.PARTIALLY_PAID
    assert [(p.amount, p.method, p.reference) for p in partly.payments] == [(D("60.00"), "transfer", "ref 1")]
    assert [i.id for i in page.items] == [invoice.id]
    assert [i.id for i in overdue.items] == [invoice.id]
    assert not_yet.items == []
    assert invoice.id in {r.invoice_id for r in receivables}

    await payments.record(
        RecordPaymentCommand(invoice.id, D("600.00"), date(2026, 1, 3), None, None, ACCOUNTANT)
    )
    async with uow(read_only=True) as u:
        paid = await u.invoices.get(invoice.id)
        open_ones = await u.receivables.open_on(invoice.due_date)
    assert paid is not None
    assert (paid.payment_status, paid.balance_due) == (PaymentStatus.PAID, D(0))
    assert invoice.id not in {r.invoice_id for r in open_ones}

    await payments.delete(DeletePaymentCommand(invoice.id, first.id, ACCOUNTANT))
    async with uow(read_only=True) as u:
        undone = await u.invoices.get(invoice.id)
    assert undone is not None
    assert (undone.payment_status, undone.amount_paid) == (PaymentStatus.PARTIALLY_PAID, D("600.00"))


async def test_a_reminder_level_is_claimed_once_and_listed_on_the_invoice_once_accepted(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, start, end = await employee_with_a_month(uow)
    invoice = await issue(pool, employee, start, end)
    async with uow() as u:
        claim = await u.reminders.slot(invoice.id, 7).claim("<m@x>", 60)
        again = await u.reminders.slot(invoice.id, 7).claim("<m@x>", 60)
        other_level = await u.reminders.slot(invoice.id, 21).claim("<n@x>", 60)
        await u.commit()
    assert claim is not None
    assert again is None
    assert other_level is not None
    async with uow() as u:
        await u.reminders.slot(invoice.id, 7).accepted()
        await u.reminders.slot(invoice.id, 21).release()
        await u.commit()
    async with uow(read_only=True) as u:
        sent = await u.reminders.levels_sent([invoice.id])
        state = await u.reminders.slot(invoice.id, 21).state()
        shown = await u.invoices.get(invoice.id)
    assert sent == {invoice.id: {7}}
    assert state is DeliveryState.RELEASED
    assert shown is not None
    assert [r.level for r in shown.reminders] == [7]


async def test_the_e_invoice_keys_are_recorded_with_rendered_and_kept_by_later_moves(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, start, end = await employee_with_a_month(uow)
    invoice = await issue(pool, employee, start, end)
    note = await IssueCreditNote(uow, UuidIdGenerator(), SystemClock()).execute(
        IssueCreditNoteCommand(invoice.id, "rate", Decimal("10.00"), "t", ACCOUNTANT)
    )
    async with uow(read_only=True) as u:
        assert (await u.invoices.get(invoice.id) or invoice).einvoice is None
    keys = EInvoiceKeys("invoices/k.cii.xml", "invoices/k.ubl.xml", peppol=True)
    note_keys = EInvoiceKeys("credit-notes/k.cii.xml", "credit-notes/k.ubl.xml", peppol=False)
    async with uow() as u:
        assert await u.invoices.transition(invoice.id, InvoiceStatus.RENDERED, pdf_key="k", einvoice=keys)
        assert await u.credit_notes.transition(
            note.id, InvoiceStatus.RENDERED, pdf_key="c", einvoice=note_keys
        )
        assert await u.invoices.transition(invoice.id, InvoiceStatus.SENT)  # keys unchanged
        await u.commit()
    async with uow(read_only=True) as u:
        stored, stored_note = await u.invoices.get(invoice.id), await u.credit_notes.get(note.id)
    assert stored is not None
    assert (stored.status, stored.einvoice) == (InvoiceStatus.SENT, keys)
    assert stored_note is not None
    assert stored_note.einvoice == note_keys
