"""The asyncpg unit of work: one pooled connection, one transaction (none when read-only), every repository.

It is both the domain's ``UnitOfWork`` and its ``ExpenseUnitOfWork``.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

import asyncpg

from billflow.domain.errors import TransientFailure
from billflow.platform.postgres.deliveries import AsyncpgEmailDeliveryLog
from billflow.platform.postgres.expenses import (
    AsyncpgExpenseRepository,
    AsyncpgStatementDeliveryLog,
    AsyncpgVendorMemory,
)
from billflow.platform.postgres.invoices import AsyncpgBillingRunRepository, AsyncpgInvoiceRepository
from billflow.platform.postgres.organisation import (
    AsyncpgDepartmentRepository,
    AsyncpgEmployeeRepository,
    AsyncpgProjectRepository,
    AsyncpgWorkdayRepository,
)
from billflow.platform.postgres.outbox import PostgresOutbox
from billflow.platform.postgres.users import AsyncpgUserRepository

# Failures that say nothing about the request and may pass: the server went away, a failover,
# a serialisation conflict. The worker retries these; the API answers 503.
_TRANSIENT = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.CannotConnectNowError,
)


class AsyncpgUnitOfWork:
    departments: AsyncpgDepartmentRepository
    projects: AsyncpgProjectRepository
    employees: AsyncpgEmployeeRepository
    workdays: AsyncpgWorkdayRepository
    invoices: AsyncpgInvoiceRepository
    billing_runs: AsyncpgBillingRunRepository
    users: AsyncpgUserRepository
    outbox: PostgresOutbox
    deliveries: AsyncpgEmailDeliveryLog
    expenses: AsyncpgExpenseRepository
    statements: AsyncpgStatementDeliveryLog
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
        except _TRANSIENT as e:
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
        self.invoices = AsyncpgInvoiceRepository(c)
        self.billing_runs = AsyncpgBillingRunRepository(c)
        self.users = AsyncpgUserRepository(c)
        self.outbox = PostgresOutbox(c)
        self.deliveries = AsyncpgEmailDeliveryLog(c)
        self.expenses = AsyncpgExpenseRepository(c)
        self.statements = AsyncpgStatementDeliveryLog(c)
        self.vendors = AsyncpgVendorMemory(c)
        return self

    async def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            await self._tx.commit()
        except _TRANSIENT as e:
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
                with contextlib.suppress(*_TRANSIENT):
                    await self._tx.rollback()
        finally:
            await self._pool.release(self._conn)
        if isinstance(exc, _TRANSIENT):
            raise TransientFailure("the database is unreachable") from exc


class AsyncpgUnitOfWorkFactory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def __call__(self, *, read_only: bool = False) -> AsyncpgUnitOfWork:
        return AsyncpgUnitOfWork(self._pool, read_only=read_only)
