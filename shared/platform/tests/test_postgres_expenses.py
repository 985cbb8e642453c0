"""The expense adapters against PostgreSQL: guarded readings, corrections, months, statement claims."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.expenses import ExtractedFields, Field
from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.model import Role, User
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

pytestmark = pytest.mark.integration


async def _user(uow: AsyncpgUnitOfWorkFactory) -> User:
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", Role.VIEWER)
    async with uow() as u:
        await u.users.add(user, "hash")
        await u.commit()
    return user


async def _expense(uow: AsyncpgUnitOfWorkFactory, user: User, at: datetime) -> Expense:
    expense_id = str(uuid.uuid4())
    expense = Expense(
        expense_id, user.id, ExpenseStatus.PROCESSING, f"expenses/x/{expense_id}.pdf", "application/pdf",
        "bill.pdf", at, at, note="n",
    )  # fmt: skip
    async with uow() as u:
        await u.expenses.add(expense)
        await u.commit()
    return expense


async def test_a_reading_is_recorded_once_and_a_correction_confirms_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    expense = await _expense(uow, await _user(uow), datetime.now(UTC))
    fields = ExtractedFields(
        vendor=Field("ACME", 0.8), invoice_date=Field(date(2026, 11, 3), 0.9), currency=Field("EUR", 0.95),
        tax=Field(Decimal("21.00"), 0.7), total=Field(Decimal("121.00"), 0.9),
    )  # fmt: skip
    async with uow() as u:
        assert await u.expenses.record_reading(expense.id, ExpenseStatus.EXTRACTED, fields)
        assert not await u.expenses.record_reading(expense.id, ExpenseStatus.NEEDS_REVIEW, fields)
        assert not await u.expenses.fail(expense.id, "late")
        await u.commit()
    async with uow() as u:
        read = await u.expenses.get(expense.id)
        corrected = await u.expenses.correct(expense.id, {"total": Decimal("120.5"), "invoice_number": "A-1"})
        await u.commit()
    assert read is not None
    assert (read.status, read.total, read.currency, read.confidence["total"]) == (
        ExpenseStatus.EXTRACTED, Decimal("121.00"), "EUR", 0.9,
    )  # fmt: skip
    assert corrected is not None
    assert (corrected.status, corrected.total, corrected.invoice_number) == (
        ExpenseStatus.CONFIRMED, Decimal("120.5"), "A-1",
    )  # fmt: skip
    assert (corrected.confidence["total"], corrected.confidence["vendor"]) == (1.0, 0.8)


async def test_a_month_holds_what_was_uploaded_in_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = await _user(uow)
    inside = await _expense(uow, user, datetime(1999, 3, 31, 23, 59, 59, tzinfo=UTC))
    await _expense(uow, user, datetime(1999, 4, 1, tzinfo=UTC))
    async with uow() as u:
        listed = await u.expenses.list(
            user_id=user.id,
            uploaded_from=datetime(1999, 3, 1, tzinfo=UTC),
            uploaded_before=datetime(1999, 4, 1, tzinfo=UTC),
        )
        uploaders = await u.expenses.uploaders(
            datetime(1999, 3, 1, tzinfo=UTC), datetime(1999, 4, 1, tzinfo=UTC)
        )
    assert [e.id for e in listed] == [inside.id]
    assert user.id in uploaders


async def test_of_two_senders_racing_for_a_statement_one_wins(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = await _user(uow)

    async def claim() -> bool:
        async with uow() as u:
            got = await u.statements.claim(user.id, "1999-03", "<m@x>", 60)
            await u.commit()
        return got is not None

    assert sorted(await asyncio.gather(claim(), claim())) == [False, True]
    async with uow() as u:
        await u.statements.accepted(user.id, "1999-03")
        await u.commit()
    assert not await claim()
    async with uow() as u:
        assert await u.statements.state(user.id, "1999-03") == "accepted"
