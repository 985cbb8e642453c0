"""The ports of the expense use cases: reading documents, expense records, statement deliveries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.expenses.reading import DocumentText, ExtractedFields
from billflow.domain.expenses.vendor_memory import KnownVendor, VendorSignature
from billflow.domain.model import DeliveryState, User
from billflow.domain.ports.audit import AuditLog
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.domain.ports.identity import UserRepository
from billflow.domain.ports.mail import OutgoingEmail
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.unit_of_work import Outbox, Transaction

ACCEPTED_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp", "image/heic")


class DocumentReader(Protocol):
    async def read(self, content: bytes, media_type: str) -> DocumentText:
        """The text of ``content`` (one of :data:`ACCEPTED_MEDIA_TYPES`), with word boxes when known.

        Contract: idempotent and free of side effects (the same bytes give the same text). Raises
        ``UnsupportedDocument`` when the bytes are not of an accepted kind (decided by content, not
        by ``media_type`` alone), ``DocumentTooLarge`` beyond the reader's byte, pixel or page
        limits (a reader may instead read only the first pages and say so in ``truncated``),
        ``UnreadableDocument`` for damaged content, and ``TransientFailure`` when the engine
        itself failed (a timeout, a throttled cloud API): retrying may help.
        """
        ...


class ExpenseRepository(Protocol):
    """Expense rows. Status changes are guarded updates, like invoices'."""

    async def add(self, expense: Expense) -> bool:
        """Insert; False (nothing written) when the uploader already has an expense of the same
        ``content_sha256``, even one added by a concurrent transaction."""
        ...

    async def get(self, expense_id: str) -> Expense | None: ...
    async def find_same_file(self, user_id: str, content_sha256: str) -> Expense | None:
        """The uploader's expense of exactly these bytes, if any."""
        ...

    async def find_same_invoice(
        self, expense_id: str, user_id: str, vendor: str, invoice_number: str, total: Decimal
    ) -> str | None:
        """The id of the uploader's earliest other expense (not failed) with this vendor (case
        aside), invoice number and total; None when there is none."""
        ...

    async def vendor_signature(self, expense_id: str) -> VendorSignature | None:
        """How the expense's document looked when it was read (None before, or for old rows)."""
        ...

    async def list(
        self, *, user_id: str | None, uploaded_from: datetime | None, uploaded_before: datetime | None
    ) -> Sequence[Expense]:
        """Expenses (of ``user_id`` when given) uploaded in ``[from, before)``, oldest first."""
        ...

    async def page(
        self,
        request: PageRequest,
        *,
        user_id: str | None,
        uploaded_from: datetime | None,
        uploaded_before: datetime | None,
    ) -> Page[Expense]:
        """A page of ``list`` (uncapped), ordered by upload time, then id."""
        ...

    async def record_reading(
        self,
        expense_id: str,
        status: ExpenseStatus,
        fields: ExtractedFields,
        *,
        signature: VendorSignature | None = None,
        possible_duplicate_of: str | None = None,
    ) -> bool:
        """``processing -> extracted | needs_review`` with the fields read, the document's vendor
        signature and the expense it may duplicate. False when not processing."""
        ...

    async def fail(self, expense_id: str, reason: str) -> bool:
        """``processing -> failed`` with the reason. False when not processing."""
        ...

    async def awaiting_upload(
        self, uploaded_before: datetime, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Expense]:
        """Direct uploads (a ``file_key`` under ``UPLOAD_PREFIX``) still ``processing`` that were
        recorded before ``uploaded_before``: at most ``limit``, ordered by upload time, then id,
        from after ``after`` (the last one's ``(uploaded_at, id)``) when given."""
        ...

    async def correct(self, expense_id: str, changes: Mapping[str, object]) -> Expense | None:
        """Set the corrected fields (names of :data:`FIELD_NAMES`, ``note``, and
        ``possible_duplicate_of``, which may only be cleared) and make the expense ``confirmed``;
        a corrected field's confidence becomes 1. None when missing."""
        ...

    async def mark_notified(self, expense_id: str) -> bool:
        """Record that the uploader was told; False when that was already recorded."""
        ...

    async def uploaders(self, uploaded_from: datetime, uploaded_before: datetime) -> Sequence[str]:
        """The ids of users who uploaded an expense in ``[from, before)``, ordered."""
        ...


class VendorMemory(Protocol):
    """The company's known vendors (``vendor_memory``), one per ``KnownVendor.key``."""

    async def all(self) -> Sequence[KnownVendor]:
        """Every known vendor, by name."""
        ...

    async def page(self, request: PageRequest) -> Page[KnownVendor]:
        """A page of every known vendor, by name, then key."""
        ...

    async def get(self, key: str) -> KnownVendor | None: ...
    async def put(self, vendor: KnownVendor) -> None:
        """Insert or replace the vendor of ``vendor.key``."""
        ...


class StatementDeliveryLog(Protocol):
    """Per (user, month) record of the statement email: the same claim/accept/release life as
    invoice emails (``EmailDeliveryLog``), so a redelivered request never mails a statement twice."""

    async def claim(
        self, user_id: str, month: str, message_id: str, lease_seconds: float
    ) -> DeliveryClaim | None: ...

    async def state(self, user_id: str, month: str) -> DeliveryState | None: ...
    async def accepted(self, user_id: str, month: str) -> None: ...
    async def release(self, user_id: str, month: str) -> None: ...


class ExpenseUnitOfWork(Transaction, Protocol):
    """One database transaction over the expense records, the users and the outbox."""

    @property
    def expenses(self) -> ExpenseRepository: ...
    @property
    def statements(self) -> StatementDeliveryLog: ...
    @property
    def vendors(self) -> VendorMemory: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def audit(self) -> AuditLog: ...


class ExpenseUnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> ExpenseUnitOfWork:
        """As ``UnitOfWorkFactory``: a ``read_only`` unit never commits."""
        ...


class ExpenseEmailWriter(Protocol):
    def confirmation(self, user: User, expense: Expense) -> OutgoingEmail:
        """What was read from the uploaded expense (or why it could not be read)."""
        ...

    def statement(self, user: User, month: str, expenses: Sequence[Expense]) -> OutgoingEmail:
        """The month's expenses of ``user``, with totals per currency and a CSV attachment."""
        ...
