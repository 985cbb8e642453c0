"""The asyncpg unit of work: one pooled connection, one transaction (none when read-only), every repository.

It is both the domain's ``UnitOfWork`` and its ``ExpenseUnitOfWork``.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

import asyncpg

from billflow.domain.errors import TransientFailure
from billflow.platform.postgres.clients import AsyncpgClientRepository
from billflow.platform.postgres.company import AsyncpgCompanyRepository
from billflow.platform.postgres.credit_notes import AsyncpgCreditNoteRepository
from billflow.platform.postgres.deliveries import (
    AsyncpgCreditNoteDeliveryLog,
    AsyncpgEmailDeliveryLog,
    AsyncpgReminderDeliveryLog,
)
from billflow.platform.postgres.errors import TRANSIENT_ERRORS
from billflow.platform.postgres.expenses import (
    AsyncpgExpenseRepository,
    AsyncpgStatementDeliveryLog,
    AsyncpgVendorMemory,
)
from billflow.platform.postgres.invoices import AsyncpgBillingRunRepository, AsyncpgInvoiceRepository
from billflow.platform.postgres.organisation import (
    AsyncpgDepartmentRepository,
    AsyncpgEmployeeRepository,
    AsyncpgProjectMemberRepository,
    AsyncpgProjectRepository,
    AsyncpgWorkdayRepository,
)
from billflow.platform.postgres.outbox import PostgresOutbox
from billflow.platform.postgres.payments import AsyncpgPaymentRepository, AsyncpgReceivableQueries
from billflow.platform.postgres.users import AsyncpgUserRepository


class AsyncpgUnitOfWork:
    departments: AsyncpgDepartmentRepository
    projects: AsyncpgProjectRepository
    employees: AsyncpgEmployeeRepository
    workdays: AsyncpgWorkdayRepository
    clients: AsyncpgClientRepository
    company: AsyncpgCompanyRepository
    members: AsyncpgProjectMemberRepository
    invoices: AsyncpgInvoiceRepository
    billing_runs: AsyncpgBillingRunRepository
    users: AsyncpgUserRepository
    outbox: PostgresOutbox
    deliveries: AsyncpgEmailDeliveryLog
    expenses: AsyncpgExpenseRepository
    statements: AsyncpgStatementDeliveryLog
    credit_notes: AsyncpgCreditNoteRepository
    payments: AsyncpgPaymentRepository
    receivables: AsyncpgReceivableQueries
    credit_note_deliveries: AsyncpgCreditNoteDeliveryLog
    reminders: AsyncpgReminderDeliveryLog
    vendors: AsyncpgVendorMemory

    def __init__(self, pool: asyncpg.Pool, *, read_only: bool = False) -> None:
        self._pool = pool
        self._read_only = read_only
        self._conn: asyncpg.pool.PoolConnectionProxy | None = None
        self._tx: asyncpg.transaction.Transaction | None = None
        self._done = False

    async def __aenter__(self) -> Self:
        try:
            conn = await self._pool.acquire()
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the database is unreachable") from e
        self._conn = conn
        if not self._read_only:  # a read-only unit runs each statement on its own
            try:
                self._tx = conn.transaction()
                await self._tx.start()
            except BaseException:
                await self._pool.release(conn)
                raise
        c: asyncpg.Connection = conn  # type: ignore[assignment]
        self.departments = AsyncpgDepartmentRepository(c)
        self.projects = AsyncpgProjectRepository(c)
        self.employees = AsyncpgEmployeeRepository(c)
        self.workdays = AsyncpgWorkdayRepository(c)
        self.clients = AsyncpgClientRepository(c)
        self.company = AsyncpgCompanyRepository(c)
        self.members = AsyncpgProjectMemberRepository(c)
        self.invoices = AsyncpgInvoiceRepository(c)
        self.billing_runs = AsyncpgBillingRunRepository(c)
        self.users = AsyncpgUserRepository(c)
        self.outbox = PostgresOutbox(c)
        self.deliveries = AsyncpgEmailDeliveryLog(c)
        self.expenses = AsyncpgExpenseRepository(c)
        self.statements = AsyncpgStatementDeliveryLog(c)
        self.credit_notes = AsyncpgCreditNoteRepository(c)
        self.payments = AsyncpgPaymentRepository(c)
        self.receivables = AsyncpgReceivableQueries(c)
        self.credit_note_deliveries = AsyncpgCreditNoteDeliveryLog(c)
        self.reminders = AsyncpgReminderDeliveryLog(c)
        self.vendors = AsyncpgVendorMemory(c)
        return self

    async def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            await self._tx.commit()
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the database went away during commit") from e
        self._done = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._tx is not None and not self._done:
                # If the connection is gone, the server rolled back for us.
                with contextlib.suppress(*TRANSIENT_ERRORS):
                    await self._tx.rollback()
        finally:
            await self._pool.release(self._conn)
        if isinstance(exc, TRANSIENT_ERRORS):
            raise TransientFailure("the database is unreachable") from exc


class AsyncpgUnitOfWorkFactory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def __call__(self, *, read_only: bool = False) -> AsyncpgUnitOfWork:
        return AsyncpgUnitOfWork(self._pool, read_only=read_only)
