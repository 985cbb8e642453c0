"""The ledger journal: every invoice, credit note and payment of a period, as an accounting package
takes them in.

Business rules:
- One entry per document: an invoice on its issue date, a credit note on its issue date, a payment
  on the day it was paid. Ordered by date, then invoices before credit notes before payments, then
  number.
- Amounts are signed as movements of what is owed to the company: an invoice adds (positive), a
  credit note and a payment take away (negative). So the gross amounts of a party's entries, from
  its first invoice on, sum to what the receivables report shows it owes.
- Net and tax are given per tax rate, as the document itself states them (``taxes``; a document of
  one rate only: its subtotal at that rate). A payment has a gross amount only.
- An invoice's entry carries the references of the payments recorded against it; a payment's
  entry carries its own reference and the invoice it paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billflow.domain.model import CreditNote, Invoice, Payment, TaxRow
from billflow.domain.money import ZERO


class EntryKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"


_ORDER = {EntryKind.INVOICE: 0, EntryKind.CREDIT_NOTE: 1, EntryKind.PAYMENT: 2}


@dataclass(frozen=True, slots=True)
class JournalEntry:
    date: date
    number: str
    """The document's number; a payment's is the number of the invoice it paid."""
    kind: EntryKind
    party: str
    currency: str
    taxes: tuple[TaxRow, ...]
    """Net (``base``) and tax (``amount``) per rate, signed."""
    tax: Decimal
    gross: Decimal
    invoice_number: str
    """The invoice the entry belongs to (its own number for an invoice)."""
    payment_references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentOfInvoice:
    """A payment with what the journal shows of the invoice it paid."""

    payment: Payment
    invoice_number: str
    party: str
    currency: str


def taxes_of(document: Invoice | CreditNote) -> tuple[TaxRow, ...]:
    """The document's net and tax per rate, as it states them."""
    if document.taxes:
        return tuple(document.taxes)
    rate = document.tax_rate if isinstance(document, Invoice) else None
    return (TaxRow(rate if rate is not None else ZERO, document.subtotal, document.tax),)


def _negated(taxes: Iterable[TaxRow]) -> tuple[TaxRow, ...]:
    return tuple(TaxRow(t.rate, -t.base, -t.amount) for t in taxes)


def invoice_entry(invoice: Invoice) -> JournalEntry:
    return JournalEntry(
        date=invoice.issue_date,
        number=invoice.number,
        kind=EntryKind.INVOICE,
        party=invoice.billed_to.name,
        currency=invoice.currency,
        taxes=taxes_of(invoice),
        tax=invoice.tax,
        gross=invoice.total,
        invoice_number=invoice.number,
        payment_references=tuple(p.reference for p in invoice.payments if p.reference),
    )


def credit_note_entry(note: CreditNote) -> JournalEntry:
    return JournalEntry(
        date=note.issue_date,
        number=note.number,
        kind=EntryKind.CREDIT_NOTE,
        party=note.billed_to.name,
        currency=note.currency,
        taxes=_negated(taxes_of(note)),
        tax=-note.tax,
        gross=-note.total,
        invoice_number=note.invoice_number,
    )


def payment_entry(paid: PaymentOfInvoice) -> JournalEntry:
    p = paid.payment
    return JournalEntry(
        date=p.paid_on,
        number=paid.invoice_number,
        kind=EntryKind.PAYMENT,
        party=paid.party,
        currency=paid.currency,
        taxes=(),
        tax=ZERO,
        gross=-p.amount,
        invoice_number=paid.invoice_number,
        payment_references=(p.reference,) if p.reference else (),
    )


def journal(
    invoices: Iterable[Invoice], notes: Iterable[CreditNote], payments: Iterable[PaymentOfInvoice]
) -> list[JournalEntry]:
    """The entries of the documents, in journal order."""
    entries = [
        *(invoice_entry(i) for i in invoices),
        *(credit_note_entry(n) for n in notes),
        *(payment_entry(p) for p in payments),
    ]
    return sorted(entries, key=lambda e: (e.date, _ORDER[e.kind], e.number))


def rates_in(entries: Sequence[JournalEntry]) -> list[Decimal]:
    """Every tax rate the entries use, highest first (the columns of a spreadsheet)."""
    return sorted({t.rate for e in entries for t in e.taxes}, reverse=True)


def gross_by_party(entries: Iterable[JournalEntry]) -> dict[tuple[str, str], Decimal]:
    """The entries' gross sum per (currency, party): the change in what each party owes."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        sums[(e.currency, e.party)] += e.gross
    return dict(sums)
