"""What a document reader hands over, and the fields read from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Word:
    """A piece of text and its box on a page, ``top`` growing downwards.

    The unit is the reader's own (pixels, PDF points); only comparisons within one page matter.
    ``text`` may hold a few words when the reader returns runs of text rather than single words.
    """

    text: str
    left: float
    top: float
    right: float
    bottom: float
    page: int = 0


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """One value read from a document and how sure the reader is of it, 0 (a guess) to 1."""

    value: T | None = None
    confidence: float = 0.0

    @property
    def found(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class ExtractedFields:
    """The fields of an expense as read from its document; ``currency`` is an ISO 4217 code."""

    vendor: Field[str] = field(default_factory=Field)
    invoice_number: Field[str] = field(default_factory=Field)
    invoice_date: Field[date] = field(default_factory=Field)
    currency: Field[str] = field(default_factory=Field)
    tax: Field[Decimal] = field(default_factory=Field)
    total: Field[Decimal] = field(default_factory=Field)
    failed_checks: tuple[str, ...] = ()
    """The cross-checks (:mod:`.checks`) these fields failed: ``sum``, ``currency``, ``date``."""

    def confidences(self) -> dict[str, float]:
        """Each field's confidence by name, rounded to two places."""
        return {name: round(getattr(self, name).confidence, 2) for name in FIELD_NAMES}

    def unsure(self, threshold: float = 0.5) -> list[str]:
        """The names of the fields that were not read, or read with less than ``threshold``."""
        return [name for name in FIELD_NAMES if getattr(self, name).confidence < threshold]


FIELD_NAMES = ("vendor", "invoice_number", "invoice_date", "currency", "tax", "total")


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The text of a document, its words with their boxes when the reader knows them.

    ``fields`` carries what a reader that understands invoices itself (Textract AnalyzeExpense)
    already read; :func:`billflow.domain.expenses.read_fields` weighs it against the rules.
    ``source`` says where the text came from (``text-layer``, ``ocr``, ``textract``) for the record.
    """

    text: str
    words: tuple[Word, ...] = ()
    pages: int = 1
    source: str = "text"
    fields: ExtractedFields | None = None
    truncated: bool = False
    """True when the document had more pages than the reader was allowed to read."""
