"""An expense: an uploaded invoice or receipt, its file, and the fields read from it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from billflow.domain.expenses.reading import ExtractedFields
from billflow.domain.model.lifecycle import Lifecycle, Transition, move

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""The largest file accepted: a direct upload's declared size (422 above it, and S3 refuses a
bigger body than declared); the reader refuses it too."""
MAX_INLINE_UPLOAD_BYTES = 4 * 1024 * 1024
"""The largest file sent through the API itself (413 above it): behind API Gateway a Lambda
receives at most 6 MB, base64 included. Bigger files go straight to storage."""
UPLOAD_PREFIX = "uploads/"
"""Where direct uploads land; S3 tells the extractor of every object created under it."""
REVIEW_FIELDS = ("total", "invoice_date", "currency")
"""An expense whose reading of any of these is unsure goes to ``needs_review``."""
REVIEW_THRESHOLD = 0.5
_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/heic": "heic",
}


class ExpenseStatus(StrEnum):
    PROCESSING = "processing"
    EXTRACTED = "extracted"
    NEEDS_REVIEW = "needs_review"
    CONFIRMED = "confirmed"
    FAILED = "failed"


_E = ExpenseStatus
READ = move("read", _E.PROCESSING, _E.EXTRACTED)
READ_UNSURE = move("read_unsure", _E.PROCESSING, _E.NEEDS_REVIEW)
FAIL = move("fail", _E.PROCESSING, _E.FAILED)
CONFIRM = move("confirm", [_E.EXTRACTED, _E.NEEDS_REVIEW, _E.CONFIRMED, _E.FAILED], _E.CONFIRMED)
"""A person's correction, once the document has been read (or could not be)."""

EXPENSE_LIFECYCLE: Lifecycle[ExpenseStatus] = Lifecycle("an expense", (READ, READ_UNSURE, FAIL, CONFIRM))
READINGS: Mapping[ExpenseStatus, Transition[ExpenseStatus]] = {t.target: t for t in (READ, READ_UNSURE)}
"""The transition that records a reading, by the status the reading leads to."""


@dataclass(frozen=True, slots=True)
class Expense:
    id: str
    user_id: str
    status: ExpenseStatus
    file_key: str
    media_type: str
    original_filename: str
    """As the uploader named it; shown to people, never used to build a key or a path."""
    uploaded_at: datetime
    updated_at: datetime
    note: str | None = None
    vendor: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    currency: str | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    confidence: Mapping[str, float] = field(default_factory=dict)
    failure_reason: str | None = None
    notified_at: datetime | None = None
    content_sha256: str | None = None
    """The SHA-256 of the file: the same bytes from the same uploader are one expense."""
    possible_duplicate_of: str | None = None
    """Another expense with the same vendor, invoice number and total, read before this one."""


def file_key(expense_id: str, media_type: str, uploaded_at: datetime) -> str:
    """Where the upload is filed: chosen by Billflow, never derived from the uploader's filename."""
    return f"expenses/{uploaded_at:%Y}/{uploaded_at:%m}/{expense_id}.{_EXTENSIONS[media_type]}"


def upload_key(expense_id: str, media_type: str, created_at: datetime) -> str:
    """Where a direct upload must land: under ``UPLOAD_PREFIX``, named by the expense."""
    return f"{UPLOAD_PREFIX}{created_at:%Y}/{created_at:%m}/{expense_id}.{_EXTENSIONS[media_type]}"


def expense_of_upload_key(key: str) -> str | None:
    """The id of the expense ``upload_key`` named ``key`` for; None for any other key."""
    parts = key.split("/")
    if len(parts) != 4 or f"{parts[0]}/" != UPLOAD_PREFIX:
        return None
    expense_id, _, extension = parts[3].partition(".")
    if extension not in _EXTENSIONS.values():
        return None
    try:
        return str(uuid.UUID(expense_id))
    except ValueError:
        return None


def status_after_reading(fields: ExtractedFields, *, possible_duplicate: bool = False) -> ExpenseStatus:
    """``needs_review`` when the total, the date or the currency was not read with confidence
    (a failed cross-check lowers it), or when the expense may be a duplicate of another."""
    unsure = set(fields.unsure(REVIEW_THRESHOLD)) & set(REVIEW_FIELDS)
    return ExpenseStatus.NEEDS_REVIEW if unsure or possible_duplicate else ExpenseStatus.EXTRACTED


def counted(expense: Expense) -> bool:
    """Whether an expense's total counts in sums: not when it failed, nor when it is a possible
    duplicate of another (that one counts: a duplicate is counted once)."""
    return expense.status is not ExpenseStatus.FAILED and expense.possible_duplicate_of is None


def totals_by_currency(expenses: Iterable[Expense]) -> dict[str, Decimal]:
    """The sum of the totals per currency, of the :func:`counted` expenses that have both."""
    totals: dict[str, Decimal] = {}
    for e in expenses:
        if counted(e) and e.total is not None and e.currency:
            totals[e.currency] = totals.get(e.currency, Decimal(0)) + e.total
    return dict(sorted(totals.items()))
