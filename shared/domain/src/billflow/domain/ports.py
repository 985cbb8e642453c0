"""Ports: the capabilities the use cases need from the outside world, as Protocols.

Adapters live outside the domain and are named technology + port (``AsyncpgUnitOfWork``,
``S3DocumentStore``, ``PlaywrightPdfRenderer``, ``SmtpMailer``). Every method is async and speaks
domain types only. Adapters translate driver exceptions into the domain errors named here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

from billflow.domain.contracts import Message
from billflow.domain.model import (
    BillingRun,
    Department,
    Employee,
    Invoice,
    InvoiceStatus,
    Project,
    User,
    Workday,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A new opaque identifier that nobody can guess."""
        ...


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


class DepartmentRepository(Protocol):
    async def add(self, department: Department) -> None: ...
    async def get(self, department_id: str) -> Department | None: ...
    async def list(self) -> Sequence[Department]: ...


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...
    async def get(self, project_id: str) -> Project | None: ...
    async def list(self) -> Sequence[Project]: ...


class EmployeeRepository(Protocol):
    async def add(self, employee: Employee) -> None: ...
    async def get(self, employee_id: str) -> Employee | None: ...
    async def get_for_update(self, employee_id: str) -> Employee | None:
        """Like get, and locks the employee until the transaction ends (serialises invoicing)."""
        ...

    async def list(self) -> Sequence[Employee]: ...
    async def with_workdays_between(self, start: date, end: date) -> Sequence[Employee]:
        """Employees with at least one workday in [start, end], ordered by id, locked for update."""
        ...


class WorkdayRepository(Protocol):
    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        """Insert or replace the employee's workdays by date."""
        ...

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]: ...


class InvoiceRepository(Protocol):
    async def next_number(self, year: int) -> int:
        """Allocate the next sequence number of ``year``.

        Gapless: the allocation is part of the caller's transaction and is undone with it.
        """
        ...

    async def add(self, invoice: Invoice) -> None: ...
    async def get(self, invoice_id: str) -> Invoice | None: ...
    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None: ...
    async def list(
        self,
        *,
        employee_id: str | None,
        status: InvoiceStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Invoice]: ...

    async def reopen(self, invoice_id: str) -> bool:
        """``failed -> pending`` for an explicit retry, clearing the reason. False when not failed."""
        ...

    async def transition(
        self,
        invoice_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
    ) -> bool:
        """Guarded status change: moves the invoice to ``target`` only from a status allowed to
        reach it (``UPDATE ... WHERE status IN (...)``). Returns False, changing nothing, when the
        invoice is not in such a status (a redelivered message, a concurrent worker)."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """The right to send one invoice's email now."""

    message_id: str
    attempts: int
    takeover: bool
    """True when an earlier sender claimed it and vanished before saying how it went: the server
    may already have accepted that attempt (the one window exactly-once cannot close)."""


class EmailDeliveryLog(Protocol):
    """Per-invoice record of email delivery, written in its own short transactions."""

    async def claim(self, invoice_id: str, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        """Claim the invoice's email for ``lease_seconds``: granted on the first attempt, after a
        released attempt, or over an expired claim (a takeover). None when the email was already
        accepted or another sender holds a live claim (see ``state``)."""
        ...

    async def state(self, invoice_id: str) -> str | None:
        """``claimed``, ``released``, ``accepted`` or None."""
        ...

    async def accepted(self, invoice_id: str) -> None:
        """Record that the mail server accepted the email."""
        ...

    async def release(self, invoice_id: str) -> None:
        """Give the claim up after an attempt the server refused or never received."""
        ...


class BillingRunRepository(Protocol):
    async def add(self, run: BillingRun) -> None: ...
    async def get(self, run_id: str) -> BillingRun | None: ...
    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]: ...


class UserRepository(Protocol):
    async def add(self, user: User, password_hash: str) -> None: ...
    async def get(self, user_id: str) -> User | None: ...
    async def by_email(self, email: str) -> tuple[User, str] | None:
        """The user with this email (case-insensitive) and their password hash."""
        ...

    async def count(self) -> int: ...


class Outbox(Protocol):
    async def add(self, message: Message) -> None:
        """Record ``message`` for publication; it is published only if the transaction commits."""
        ...


class UnitOfWork(Protocol):
    """One database transaction over every repository.

    ``async with uow:`` opens it; ``commit()`` makes the changes and recorded messages durable
    together; leaving the block without commit rolls everything back.
    """

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
    def invoices(self) -> InvoiceRepository: ...
    @property
    def billing_runs(self) -> BillingRunRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def deliveries(self) -> EmailDeliveryLog: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class DocumentStore(Protocol):
    """Object storage for documents. Raises TransientFailure for outages, NotFound for a missing key."""

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store ``body`` under ``key``; idempotent (the same key and bytes may be put twice)."""
        ...

    async def get(self, key: str) -> bytes: ...

    async def download_url(self, key: str, filename: str, expires_in_seconds: int) -> str:
        """A pre-signed URL that serves the object as an attachment named ``filename``."""
        ...


class InvoiceEmailWriter(Protocol):
    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        """The email that carries ``invoice`` to its employee, with the PDF attached."""
        ...


class PdfRenderer(Protocol):
    async def render(self, invoice: Invoice) -> bytes:
        """The invoice as a PDF document. Raises TransientFailure when the engine fails."""
        ...


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())
    message_id: str | None = None
    """A stable RFC 5322 Message-ID (``<...@...>``), so every attempt is the same message."""


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Hand the email to the mail server. Raises TransientFailure when the server is
        unavailable or answers 4xx, PermanentFailure when it rejects the message for good."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenService(Protocol):
    def issue(self, user: User) -> tuple[str, int]:
        """A signed access token for ``user`` and its lifetime in seconds."""
        ...

    def verify(self, token: str) -> str:
        """The user id the token was issued to. Raises Unauthenticated when invalid or expired."""
        ...
