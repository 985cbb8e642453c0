"""The asyncpg adapters against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal

import asyncpg
import msgspec
import pytest

from billflow.domain import billing
from billflow.domain.billing import LineSums
from billflow.domain.contracts import RenderInvoice
from billflow.domain.errors import Conflict
from billflow.domain.model import (
    BilledTo,
    Department,
    Employee,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.money import round_money
from billflow.platform.postgres.outbox import OUTBOX_CHANNEL
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import PostgresSettings
from billflow.platform.system import SystemClock

pytestmark = pytest.mark.integration


def new_id() -> str:
    return str(uuid.uuid4())


async def make_employee(uow: AsyncpgUnitOfWorkFactory, currency: str = "EUR") -> Employee:
    d, p = Department(new_id(), "Ops"), Project(new_id(), "Atlas", Decimal("19.5"))
    e = Employee(new_id(), "Zoë Ñúñez", "zoe@example.com", d.id, p.id, Decimal("85.50"), currency)
    async with uow() as u:
        await u.departments.add(d)
        await u.projects.add(p)
        await u.employees.add(e)
        await u.commit()
    return e


def make_invoice(employee: Employee, number: str, start: date, end: date) -> Invoice:
    lines = (
        InvoiceLine(start, Decimal("7.50"), Decimal("85.50"), Decimal("641.25"), "Ünïcode <b>ok</b>"),
        InvoiceLine(end, Decimal("8.00"), Decimal("85.50"), Decimal("684.00")),
    )
    return Invoice(
        id=new_id(),
        number=number,
        status=InvoiceStatus.PENDING,
        period_start=start,
        period_end=end,
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 22),
        currency=employee.currency,
        lines=lines,
        subtotal=Decimal("1325.25"),
        tax_rate=Decimal("19.5"),
        tax=Decimal("258.42"),
        total=Decimal("1583.67"),
        issuer=Issuer("Acme", "1 Street\nTown", "BE1"),
        billed_to=BilledTo(employee.full_name, employee.email),
        employee_id=employee.id,
    )


def number() -> str:
    return f"INV-9{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1_000_000:06d}"


async def test_an_invoice_round_trips_exactly(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    invoice = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()
    async with uow() as u:
        assert await u.invoices.get(invoice.id) == invoice


async def test_a_billing_runs_reads_and_writes_in_bulk_round_trip(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    first, second = await make_employee(uow), await make_employee(uow)
    oct_ = (date(2026, 10, 1), date(2026, 10, 31))
    year = 2900 + uuid.uuid4().int % 99  # a year of this test's own
    async with uow() as u:
        await u.workdays.upsert(
            first.id, [Workday(date(2026, 10, 2), Decimal("8")), Workday(date(2026, 11, 2), Decimal("1"))]
        )
        block = await u.invoices.next_number(year, 3)
        assert await u.invoices.next_number(year) == block + 3  # the block's three numbers are taken
        invoices = [make_invoice(first, number(), *oct_), make_invoice(second, number(), *oct_)]
        await u.invoices.add_many(invoices)
        await u.commit()
    async with uow(read_only=True) as u:
        assert [await u.invoices.get(i.id) for i in invoices] == invoices
        assert {first.id, second.id} <= await u.invoices.employees_with_overlapping(
            date(2026, 10, 31), date(2026, 11, 5)
        )
        assert not {first.id, second.id} & await u.invoices.employees_with_overlapping(
            date(2026, 11, 1), date(2026, 11, 5)
        )
        priced = [billing.pricing(str(uuid.uuid4()), e) for e in (first, second)]
        # Only the period's workday, priced at the employee's rate; nobody without one.
        assert await u.workdays.priced_between(priced, *oct_) == {
            first.id: LineSums(1, round_money(Decimal("8") * first.hourly_rate, first.currency))
        }


async def test_a_read_only_unit_reads_committed_data_and_cannot_commit(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    invoice = make_invoice(await make_employee(uow), number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.invoices.get(invoice.id) == invoice
        with pytest.raises(RuntimeError, match="read-only"):
            await u.commit()


async def test_a_pooled_connection_comes_back_with_no_transaction_left_open(postgres_url: str) -> None:
    """An abandoned transaction is rolled back before the connection is handed out again."""
    from billflow.platform.postgres.pool import create_pool

    one = await create_pool(PostgresSettings(database_url=postgres_url, pool_min_size=1, pool_max_size=1))
    try:
        ghost = new_id()
        conn = await one.acquire()
        await conn.execute("BEGIN")
        await conn.execute("INSERT INTO departments (id, name) VALUES ($1, 'Ghost')", ghost)
        await one.release(conn)
        async with one.acquire() as again:
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT count(*) FROM departments WHERE id = $1", ghost) == 0
    finally:
        await one.close()


async def test_nothing_is_kept_without_commit(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    department = Department(new_id(), "Ghost")
    async with uow() as u:
        await u.departments.add(department)
    async with uow() as u:
        assert await u.departments.get(department.id) is None


async def test_invoice_numbers_have_no_gaps_even_when_transactions_roll_back(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    year = 3000 + uuid.uuid4().int % 5000  # a year of this test's own

    async def allocate(keep: bool) -> int | None:
        async with uow() as u:
            n = await u.invoices.next_number(year)
            await asyncio.sleep(0.01)
            if keep:
                await u.commit()
                return n
        return None

    results = await asyncio.gather(*(allocate(keep=i % 3 != 0) for i in range(24)))
    kept = sorted(n for n in results if n is not None)
    assert kept == list(range(1, len(kept) + 1))


async def test_a_status_change_happens_only_from_a_status_allowed_to_reach_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    invoice = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()
    async with uow() as u:
        assert await u.invoices.transition(invoice.id, InvoiceStatus.SENT) is False
        assert await u.invoices.transition(invoice.id, InvoiceStatus.RENDERED, pdf_key="k.pdf") is True
        assert await u.invoices.transition(invoice.id, InvoiceStatus.RENDERED, pdf_key="other.pdf") is False
        assert await u.invoices.transition(invoice.id, InvoiceStatus.SENT) is True
        assert await u.invoices.transition(invoice.id, InvoiceStatus.FAILED, failure_reason="late") is False
        await u.commit()
    async with uow() as u:
        stored = await u.invoices.get(invoice.id)
    assert stored is not None
    assert (stored.status, stored.pdf_key, stored.failure_reason) == (InvoiceStatus.SENT, "k.pdf", None)


async def test_overlapping_periods_are_found_and_adjacent_ones_are_not(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    invoice = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()
    async with uow() as u:
        found = await u.invoices.find_overlapping(employee.id, date(2026, 10, 31), date(2026, 11, 30))
        assert found is not None
        assert found.id == invoice.id
        assert await u.invoices.find_overlapping(employee.id, date(2026, 11, 1), date(2026, 11, 30)) is None


async def test_listing_pages_through_every_invoice_once_newest_number_first(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    prefix = f"INV-8{uuid.uuid4().int % 1000:03d}"
    invoices = [
        make_invoice(employee, f"{prefix}-{i:06d}", date(2026, 1, i + 1), date(2026, 1, i + 1))
        for i in range(7)
    ]
    async with uow() as u:
        for inv in invoices:
            await u.invoices.add(inv)
        await u.commit()
    seen: list[str] = []
    cursor = None
    async with uow() as u:
        while True:
            page = await u.invoices.list(employee_id=employee.id, status=None, limit=3, cursor=cursor)
            seen += [i.number for i in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == sorted((i.number for i in invoices), reverse=True)


async def test_listing_by_period_keeps_the_invoices_whose_period_overlaps_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    september = make_invoice(employee, number(), date(2026, 9, 1), date(2026, 9, 30))
    october = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(september)
        await u.invoices.add(october)
        await u.commit()

    async def listed(start: date, end: date) -> set[str]:
        async with uow() as u:
            page = await u.invoices.list(
                employee_id=employee.id, status=None, limit=10, cursor=None, period=(start, end)
            )
        return {i.id for i in page.items}

    assert await listed(date(2026, 10, 1), date(2026, 10, 31)) == {october.id}
    assert await listed(date(2026, 9, 30), date(2026, 10, 1)) == {october.id, september.id}
    assert await listed(date(2026, 11, 1), date(2026, 11, 30)) == set()


async def test_workdays_upsert_by_date(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    async with uow() as u:
        await u.workdays.upsert(
            employee.id, [Workday(date(2026, 3, 2), Decimal("4")), Workday(date(2026, 3, 3), Decimal("8"))]
        )
        await u.workdays.upsert(employee.id, [Workday(date(2026, 3, 2), Decimal("6.5"), "changed")])
        await u.commit()
    async with uow() as u:
        days = await u.workdays.between(employee.id, date(2026, 3, 1), date(2026, 3, 31))
    assert days == [
        Workday(date(2026, 3, 2), Decimal("6.50"), "changed", employee.project_id),
        Workday(date(2026, 3, 3), Decimal("8.00"), project_id=employee.project_id),
    ]


async def test_a_second_user_with_the_same_email_in_other_case_is_a_conflict(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    email = f"dup-{uuid.uuid4().hex[:8]}@example.com"
    async with uow() as u:
        await u.users.add(User(new_id(), email, Role.VIEWER), "hash")
        await u.commit()
    with pytest.raises(Conflict):
        async with uow() as u:
            await u.users.add(User(new_id(), email.upper(), Role.ADMIN), "hash")


async def test_outbox_messages_are_stored_and_announced_only_on_commit(
    pool: asyncpg.Pool, postgres_url: str
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    listener = await asyncpg.connect(postgres_url)
    heard: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(OUTBOX_CHANNEL, lambda *args: heard.put_nowait(args[2]))
    try:
        message = RenderInvoice(
            message_id=new_id(), occurred_at=SystemClock().now(), correlation_id="corr", invoice_id=new_id()
        )
        async with uow() as u:
            await u.outbox.add(message)
        await asyncio.sleep(0.2)
        assert heard.empty()
        committed = msgspec.structs.replace(message, message_id=new_id())
        async with uow() as u:
            await u.outbox.add(committed)
            await u.commit()
        await asyncio.wait_for(heard.get(), timeout=5)
        rows = await pool.fetch(
            "SELECT message_id::text, message_type, correlation_id, body FROM outbox"
            " WHERE message_id = ANY($1::uuid[])",
            [message.message_id, committed.message_id],
        )
        assert [(r["message_id"], r["message_type"], r["correlation_id"]) for r in rows] == [
            (committed.message_id, "invoice.render.v1", "corr")
        ]
        assert msgspec.json.decode(rows[0]["body"], type=RenderInvoice) == committed
    finally:
        await listener.close()


async def test_of_ten_concurrent_senders_exactly_one_gets_the_claim(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    invoice = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()

    async def claim() -> bool:
        async with uow() as u:
            got = await u.deliveries.claim(invoice.id, "<m@x>", 60)
            await u.commit()
        return got is not None

    assert sum(await asyncio.gather(*(claim() for _ in range(10)))) == 1
    async with uow() as u:
        await u.deliveries.release(invoice.id)
        again = await u.deliveries.claim(invoice.id, "<other@x>", 60)
        await u.commit()
    assert again is not None
    assert (again.message_id, again.attempts, again.takeover) == ("<m@x>", 2, False)


async def test_an_expired_claim_is_taken_over_and_an_accepted_one_never(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee = await make_employee(uow)
    invoice = make_invoice(employee, number(), date(2026, 10, 1), date(2026, 10, 31))
    async with uow() as u:
        await u.invoices.add(invoice)
        assert await u.deliveries.claim(invoice.id, "<m@x>", 0.05) is not None
        await u.commit()
    await asyncio.sleep(0.1)
    async with uow() as u:
        taken = await u.deliveries.claim(invoice.id, "<m@x>", 60)
        assert taken is not None
        assert taken.takeover is True
        await u.deliveries.accepted(invoice.id)
        await u.commit()
    async with uow() as u:
        assert await u.deliveries.claim(invoice.id, "<m@x>", 60) is None
        assert await u.deliveries.state(invoice.id) == "accepted"
