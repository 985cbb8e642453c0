"""The sweep of direct uploads whose file never arrived, against PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from billflow.domain.expenses.expense import Expense, ExpenseStatus, file_key, upload_key
from billflow.domain.model import Role, User
from billflow.domain.usecases.abandoned_uploads import (
    ABANDONED_AFTER_SECONDS,
    NEVER_UPLOADED,
    FailAbandonedUploads,
)
from billflow.domain.usecases.extract_expense import FailExpense
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.system import UuidIdGenerator
from domain_fakes import FixedClock, MemoryDocuments

pytestmark = pytest.mark.integration

# Long before any other test's rows, so only this test's expenses are old enough to be swept.
NOW = datetime(1998, 6, 1, 12, tzinfo=UTC)
OLD = NOW - timedelta(seconds=ABANDONED_AFTER_SECONDS + 1)
RECENT = NOW - timedelta(seconds=ABANDONED_AFTER_SECONDS - 60)


async def _expense(
    uow: AsyncpgUnitOfWorkFactory, user: User, at: datetime, *, direct: bool = True
) -> Expense:
    expense_id = str(uuid.uuid4())
    key = (upload_key if direct else file_key)(expense_id, "application/pdf", at)
    expense = Expense(
        expense_id, user.id, ExpenseStatus.PROCESSING, key, "application/pdf", "bill.pdf", at, at
    )  # fmt: skip
    async with uow() as u:
        await u.expenses.add(expense)
        await u.commit()
    return expense


async def _status(uow: AsyncpgUnitOfWorkFactory, expense: Expense) -> tuple[ExpenseStatus, str | None]:
    async with uow(read_only=True) as u:
        found = await u.expenses.get(expense.id)
    assert found is not None
    return found.status, found.failure_reason


async def test_an_upload_whose_file_never_arrived_fails_once_and_the_rest_wait(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", Role.VIEWER)
    async with uow() as u:
        await u.users.add(user, "hash")
        await u.commit()
    abandoned = await _expense(uow, user, OLD)
    arrived = await _expense(uow, user, OLD - timedelta(seconds=1))
    recent = await _expense(uow, user, RECENT)
    multipart = await _expense(uow, user, OLD, direct=False)
    documents = MemoryDocuments()
    documents.objects[arrived.file_key] = b"%PDF-1.7"
    clock = FixedClock(NOW)
    sweep = FailAbandonedUploads(uow, documents, FailExpense(uow, UuidIdGenerator(), clock), clock)

    await sweep.execute("sweep-1")
    await sweep.execute("sweep-2")  # a redelivered request, or the next hour's

    assert await _status(uow, abandoned) == (ExpenseStatus.FAILED, NEVER_UPLOADED)
    for waiting in (arrived, recent, multipart):
        assert await _status(uow, waiting) == (ExpenseStatus.PROCESSING, None)
    told = await pool.fetchval(
        "SELECT count(*) FROM outbox WHERE message_type = 'expense.notify.v1'"
        " AND correlation_id = ANY($1::text[]) AND convert_from(body, 'UTF8') LIKE '%' || $2 || '%'",
        ["sweep-1", "sweep-2"],
        abandoned.id,
    )
    assert told == 1
