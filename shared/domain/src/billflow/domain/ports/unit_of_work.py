"""Transactions: the unit of work over every repository, and its outbox."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from billflow.domain.contracts import Message
from billflow.domain.ports.after_issue import (
    CreditNoteDeliveryLog,
    CreditNoteRepository,
    PaymentRepository,
    ReceivableQueries,
    ReminderDeliveryLog,
)
from billflow.domain.ports.clients import ClientRepository
from billflow.domain.ports.company import CompanyRepository
from billflow.domain.ports.delivery import EmailDeliveryLog
from billflow.domain.ports.identity import UserRepository
from billflow.domain.ports.invoices import BillingRunRepository, InvoiceRepository
from billflow.domain.ports.organisation import (
    DepartmentRepository,
    EmployeeRepository,
    ProjectMemberRepository,
    ProjectRepository,
    WorkdayRepository,
)


class Outbox(Protocol):
    async def add(self, message: Message) -> None:
        """Record ``message`` for publication; it is published only if the transaction commits."""
        ...

    async def add_many(self, messages: Sequence[Message]) -> None:
        """``add`` for several messages at once."""
        ...


class Transaction(Protocol):
    """``async with uow:`` opens it; ``commit()`` makes the changes and recorded messages durable
    together; leaving the block without commit rolls everything back."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWork(Transaction, Protocol):
    """One database transaction over every repository."""

    # Read-only members, so an adapter may expose its own repository classes.
    @property
    def departments(self) -> DepartmentRepository: ...
    @property
    def projects(self) -> ProjectRepository: ...
    @property
    def employees(self) -> EmployeeRepository: ...
    @property
    def workdays(self) -> WorkdayRepository: ...
    @property
    def clients(self) -> ClientRepository: ...
    @property
    def company(self) -> CompanyRepository: ...
    @property
    def members(self) -> ProjectMemberRepository: ...
    @property
    def invoices(self) -> InvoiceRepository: ...
    @property
    def billing_runs(self) -> BillingRunRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def deliveries(self) -> EmailDeliveryLog: ...
    @property
    def credit_notes(self) -> CreditNoteRepository: ...
    @property
    def payments(self) -> PaymentRepository: ...
    @property
    def receivables(self) -> ReceivableQueries: ...
    @property
    def credit_note_deliveries(self) -> CreditNoteDeliveryLog: ...
    @property
    def reminders(self) -> ReminderDeliveryLog: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work. A ``read_only`` one never commits, and the adapter may skip the
        transaction: each statement then reads its own snapshot, so use it where one statement
        answers the question (or where what the statements read does not change)."""
        ...
