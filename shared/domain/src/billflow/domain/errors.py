"""Typed domain errors. Adapters and edges translate them; nobody matches on their text."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it does."""


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a business rule; names the offending field."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class Conflict(DomainError):
    """The request contradicts the current state (a duplicate, an overlap, a wrong status)."""


class InvoiceOverlap(Conflict):
    """An invoice already covers part of the requested period for this employee."""

    def __init__(self, existing_invoice_id: str, existing_number: str) -> None:
        super().__init__(f"invoice {existing_number} already covers part of this period for the employee")
        self.existing_invoice_id = existing_invoice_id
        self.existing_number = existing_number


class EntryBilled(Conflict):
    """A time entry that is on an issued invoice (either kind) cannot change or go away."""

    def __init__(self, invoice_number: str) -> None:
        super().__init__(f"this time entry is billed on invoice {invoice_number}")
        self.invoice_number = invoice_number


class InvalidTransition(Conflict):
    """A status change that the invoice life cycle does not allow."""


class NotReady(Conflict):
    """The resource exists but is not in a state that allows the request yet."""


class Unauthenticated(DomainError):
    """Credentials or token missing, wrong or expired."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class TransientFailure(DomainError):
    """An infrastructure failure that is expected to pass (timeouts, 5xx, SMTP 4xx): retry later."""


class PermanentFailure(DomainError):
    """A failure that retrying will not fix (bad address, missing document): give up with a reason."""


class UnreadableDocument(PermanentFailure):
    """An uploaded document that cannot be read: damaged, empty, or refused by a reader's limits."""


class UnsupportedDocument(UnreadableDocument):
    """The content is not one of the accepted kinds (PNG, JPEG, PDF), whatever its name says."""


class DocumentTooLarge(UnreadableDocument):
    """Too many bytes, pixels or pages to read safely (decompression bombs end here)."""


class RateLimited(DomainError):
    """Too many attempts in a short time; ``retry_after`` says how many seconds to wait."""

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
