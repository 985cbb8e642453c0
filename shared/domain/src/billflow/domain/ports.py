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
    Identity,
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
    async def between_for(
        self, employee_ids: Sequence[str], start: date, end: date
    ) -> dict[str, list[Workday]]:
        """Each employee's workdays in the period, by date (one read for a billing run)."""
        ...


class InvoiceRepository(Protocol):
    async def next_number(self, year: int, count: int = 1) -> int:
        """Allocate the next ``count`` sequence numbers of ``year``; return the first.

        Gapless: the allocation is part of the caller's transaction and is undone with it.
        """
        ...

    async def add(self, invoice: Invoice) -> None: ...
    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        """Insert the invoices and their lines (a billing run's, in a few statements)."""
        ...

    async def employees_with_overlapping(self, start: date, end: date) -> set[str]:
        """The employees who have an invoice whose period overlaps ``start``..``end``."""
        ...

    async def get(self, invoice_id: str) -> Invoice | None: ...
    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None: ...
    async def list(
        self,
        *,
        employee_id: str | None,
        status: InvoiceStatus | None,
        limit: int,
        cursor: str | None,
        period: tuple[date, date] | None = None,
    ) -> Page[Invoice]:
        """Newest number first; ``period`` keeps the invoices whose period overlaps it."""
        ...

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
    async def list(self) -> Sequence[User]:
        """Every user, ordered by email."""
        ...

    async def delete(self, user_id: str) -> bool:
        """Remove the user; False when there was none."""
        ...

    async def by_external_subject(self, subject: str) -> User | None:
        """The user linked to an external identity provider's subject (Cognito ``sub``)."""
        ...

    async def link_external_subject(self, user_id: str, subject: str) -> None:
        """Link the user to the provider's subject. Raises Conflict when another user has it."""
        ...


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
    def invoices(self) -> InvoiceRepository: ...
    @property
    def billing_runs(self) -> BillingRunRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def deliveries(self) -> EmailDeliveryLog: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work. A ``read_only`` one never commits, and the adapter may skip the
        transaction: each statement then reads its own snapshot, so use it where one statement
        answers the question (or where what the statements read does not change)."""
        ...


class DocumentStore(Protocol):
    """Object storage for documents. Raises TransientFailure for outages, NotFound for a missing key."""

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store ``body`` under ``key``; idempotent (the same key and bytes may be put twice)."""
        ...

    async def get(self, key: str) -> bytes: ...

    async def download_url(
        self, key: str, filename: str, expires_in_seconds: int, content_type: str = "application/pdf"
    ) -> str:
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


class TokenIssuer(Protocol):
    def issue(self, user: User) -> tuple[str, int]:
        """A signed access token for ``user`` and its lifetime in seconds."""
        ...


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Identity:
        """Who the token was issued to. Raises Unauthenticated for any token that is not
        well-formed, correctly signed by a trusted key with the expected algorithm, issued by the
        expected issuer for the expected audience, and unexpired."""
        ...


@dataclass(frozen=True, slots=True)
class Admission:
    """A rate limiter's answer: ``retry_after`` is None when admitted, else seconds to wait."""

    ticket: str
    retry_after: int | None = None


class RateLimiter(Protocol):
    """Counts events per key over a sliding window, shared by every process of the service."""

    async def acquire(self, keys: Sequence[str], limit: int, window_seconds: int) -> Admission:
        """Record one event under each of ``keys`` if every key has fewer than ``limit`` events in
        its last ``window_seconds``; otherwise record nothing and say how long to wait. Atomic
        across processes: concurrent callers can never together exceed the limit."""
        ...

    async def settle(self, ticket: str, *, counted: bool) -> None:
        """Keep the admitted events (``counted``) or forget them (an attempt that did not count).
        Both cost the same, so a caller's timing does not tell which it was."""
        ...


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """The answer given to the first request made with an idempotency key, to be replayed."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """``owned``: the caller is first and must answer, then ``complete`` or ``abandon``.
    Otherwise ``answer`` is the recorded one to replay, ``mismatch`` says the key was used for
    another request, and neither means the first request is still being answered."""

    owned: bool = False
    answer: RecordedAnswer | None = None
    mismatch: bool = False


class IdempotencyStore(Protocol):
    """Idempotency keys per user (Stripe's semantics), kept ``ttl`` hours, shared by all processes."""

    async def claim(self, user_id: str, key: str, fingerprint: str) -> IdempotencyClaim:
        """Atomically become the owner of ``key`` (new, expired, or abandoned long ago with the
        same fingerprint), or learn what happened to it."""
        ...

    async def complete(self, user_id: str, key: str, answer: RecordedAnswer) -> None: ...

    async def abandon(self, user_id: str, key: str) -> None:
        """Forget an owned key whose request failed, so a retry may run it again."""
        ...
