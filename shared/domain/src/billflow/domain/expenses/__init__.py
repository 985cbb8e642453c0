"""Expenses: invoices and receipts the company receives, and reading their fields.

The document-reading core is pure: readers (adapters in services/extractor) turn a file into a
:class:`DocumentText`; :func:`read_fields` turns that into :class:`ExtractedFields`.
"""

from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.expenses.extraction import extract_fields, read_fields
from billflow.domain.expenses.reading import FIELD_NAMES, DocumentText, ExtractedFields, Field, Word
from billflow.domain.expenses.sniff import sniff_media_type

__all__ = [
    "FIELD_NAMES",
    "DocumentText",
    "Expense",
    "ExpenseStatus",
    "ExtractedFields",
    "Field",
    "Word",
    "extract_fields",
    "read_fields",
    "sniff_media_type",
]
