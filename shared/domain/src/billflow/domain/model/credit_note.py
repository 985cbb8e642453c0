"""Credit notes: a document that corrects an issued invoice, in full or in part.

A credit note is the pipeline's second document kind: the same ``pending -> rendered -> sent |
failed`` life as an invoice (the rows of ``DOCUMENT_MOVES``), its own gapless series per year, and
a snapshot of what it shows (the invoice it corrects, who that invoice went to, the amounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billflow.domain.model.invoice import (
    DOCUMENT_MOVES,
    BilledTo,
    EInvoiceKeys,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    TaxRow,
)
from billflow.domain.model.lifecycle import Lifecycle

CreditNoteStatus = InvoiceStatus
"""A credit note's delivery status: the invoice's states, by the same table's rows."""

CREDIT_NOTE_LIFECYCLE: Lifecycle[InvoiceStatus] = Lifecycle("a credit note", DOCUMENT_MOVES)
"""The one statement of a credit note's life: every guarded UPDATE of ``credit_notes.status``
takes its sources here."""


@dataclass(frozen=True, slots=True)
class CreditNote:
    id: str
    number: str
    status: InvoiceStatus
    invoice_id: str
    invoice_number: str
    invoice_issue_date: date
    invoice_kind: InvoiceKind
    reason: str
    issue_date: date
    currency: str
    subtotal: Decimal
    """Net amount credited: the sum of the taxes' bases."""
    taxes: tuple[TaxRow, ...]
    """One row per tax rate of the invoice: the base credited at that rate and its tax."""
    tax: Decimal
    total: Decimal
    full: bool
    """True when it credits what was left of the invoice: the invoice is then credited in full."""
    issuer: Issuer
    billed_to: BilledTo
    failure_reason: str | None = None
    pdf_key: str | None = None
    einvoice: EInvoiceKeys | None = None
    """Set when the rendered PDF is a Factur-X e-invoice (credit notes of client invoices)."""
