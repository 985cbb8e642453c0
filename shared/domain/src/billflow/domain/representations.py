"""What the API shows of an invoice, a credit note, a payment and an expense: the response
bodies of ``GET /v1/invoices/{id}`` and the rest, and the ``data`` of every webhook event, so a
receiver sees exactly what a ``GET`` would answer (decision 0028).

msgspec Structs built from the model by ``of``; amounts are rounded by the money policy.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import msgspec

from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.model import (
    BilledTo,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    TaxCategory,
    TaxRow,
)
from billflow.domain.money import at_minor_unit, round_money


class LineOut(msgspec.Struct):
    """An employee invoice's line is one workday (``date``); a client invoice's one (project,
    employee), with the hours summed and ``date`` null."""

    date: date | None
    hours: Decimal
    rate: Decimal
    amount: Decimal
    description: str | None
    project_id: str | None = None
    project_name: str | None = None
    employee_id: str | None = None
    employee_name: str | None = None
    tax_rate: Decimal | None = None

    @classmethod
    def of(cls, x: InvoiceLine, currency: str) -> LineOut:
        return cls(
            x.date,
            x.hours,
            x.rate,
            round_money(x.amount, currency),
            x.description,
            x.project_id,
            x.project_name,
            x.employee_id,
            x.employee_name,
            x.tax_rate,
        )


class AddressOut(msgspec.Struct):
    street: str
    city: str
    postal_code: str
    country: str


class ElectronicAddressOut(msgspec.Struct):
    """A Peppol participant id: EAS scheme (e.g. ``0208``) and the id in it."""

    scheme: str
    id: str


class BilledToOut(msgspec.Struct, omit_defaults=True):
    """Who the invoice is billed to, as they were when it was issued."""

    name: str
    email: str
    address: AddressOut | None = None
    vat_id: str | None = None
    electronic_address: ElectronicAddressOut | None = None

    @classmethod
    def of(cls, b: BilledTo) -> BilledToOut:
        a, e = b.address, b.electronic_address
        address = AddressOut(a.street, a.city, a.postal_code, a.country) if a else None
        return cls(b.name, b.email, address, b.vat_id, ElectronicAddressOut(e.scheme, e.id) if e else None)


class TaxOut(msgspec.Struct, omit_defaults=True):
    """One (category, rate) row; a category other than S carries its exemption reason (and code)."""

    category: TaxCategory
    rate: Decimal
    base: Decimal
    amount: Decimal
    exemption_reason: str | None = None
    exemption_code: str | None = None

    @classmethod
    def of(cls, t: TaxRow, currency: str) -> TaxOut:
        return cls(
            t.category,
            t.rate,
            round_money(t.base, currency),
            round_money(t.amount, currency),
            t.exemption_reason,
            t.exemption_code,
        )


class PartyOut(msgspec.Struct, omit_defaults=True):
    name: str
    address: str | None = None
    tax_id: str | None = None
    email: str | None = None


class InvoiceOut(msgspec.Struct, omit_defaults=True):
    id: str
    number: str
    status: InvoiceStatus
    employee_id: str | None
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    currency: str
    lines: list[LineOut]
    subtotal: Decimal
    tax_rate: Decimal | None
    tax: Decimal
    total: Decimal
    issuer: PartyOut
    counterparty: PartyOut
    kind: InvoiceKind
    billed_to: BilledToOut
    taxes: list[TaxOut]
    payment_status: PaymentStatus
    """Money (``status`` is delivery): unpaid, partially_paid, paid, credited."""
    amount_paid: Decimal
    amount_credited: Decimal
    """Gross: the credit notes' totals."""
    balance_due: Decimal
    overdue: bool
    payments: list[PaymentOut]
    reminders: list[ReminderOut]
    client_id: str | None = None
    billing_run_id: str | None = None
    failure_reason: str | None = None

    @classmethod
    def of(cls, i: Invoice, today: date | None = None) -> InvoiceOut:
        """``today`` decides ``overdue`` (the UTC day when not given)."""
        c = i.currency
        today = today or datetime.now(UTC).date()
        return cls(
            id=i.id,
            number=i.number,
            status=i.status,
            employee_id=i.employee_id,
            period_start=i.period_start,
            period_end=i.period_end,
            issue_date=i.issue_date,
            due_date=i.due_date,
            currency=c,
            lines=[LineOut.of(x, c) for x in i.lines],
            subtotal=round_money(i.subtotal, c),
            tax_rate=i.tax_rate,
            tax=round_money(i.tax, c),
            total=round_money(i.total, c),
            issuer=PartyOut(i.issuer.name, address=i.issuer.address, tax_id=i.issuer.tax_id),
            counterparty=PartyOut(i.billed_to.name, email=i.billed_to.email),
            kind=i.kind,
            billed_to=BilledToOut.of(i.billed_to),
            taxes=[TaxOut.of(t, c) for t in i.taxes],
            client_id=i.client_id,
            billing_run_id=i.billing_run_id,
            failure_reason=i.failure_reason,
            payment_status=i.payment_status,
            amount_paid=round_money(i.amount_paid, c),
            amount_credited=round_money(i.amount_credited, c),
            balance_due=round_money(i.balance_due, c),
            overdue=i.overdue(today),
            payments=[PaymentOut.of(p, c) for p in i.payments],
            reminders=[ReminderOut(r.level, r.sent_at) for r in i.reminders],
        )


class PaymentOut(msgspec.Struct):
    id: str
    amount: Decimal
    paid_on: date
    method: str | None
    reference: str | None

    @classmethod
    def of(cls, p: Payment, currency: str) -> PaymentOut:
        return cls(p.id, round_money(p.amount, currency), p.paid_on, p.method, p.reference)


class ReminderOut(msgspec.Struct):
    level: int
    """Days past the due date this reminder is for."""
    sent_at: datetime


class CreditNoteOut(msgspec.Struct, omit_defaults=True):
    id: str
    number: str
    invoice_id: str
    invoice_number: str
    reason: str
    subtotal: Decimal
    taxes: list[TaxOut]
    tax: Decimal
    total: Decimal
    currency: str
    status: InvoiceStatus
    issue_date: date
    full: bool
    failure_reason: str | None = None

    @classmethod
    def of(cls, n: CreditNote) -> CreditNoteOut:
        c = n.currency
        return cls(
            id=n.id,
            number=n.number,
            invoice_id=n.invoice_id,
            invoice_number=n.invoice_number,
            reason=n.reason,
            subtotal=round_money(n.subtotal, c),
            taxes=[TaxOut.of(t, c) for t in n.taxes],
            tax=round_money(n.tax, c),
            total=round_money(n.total, c),
            currency=c,
            status=n.status,
            issue_date=n.issue_date,
            full=n.full,
            failure_reason=n.failure_reason,
        )


def _amount(value: Decimal | None, currency: str | None) -> Decimal | None:
    return None if value is None else at_minor_unit(value, currency)


class ExpenseOut(msgspec.Struct, omit_defaults=True):
    id: str
    status: ExpenseStatus
    user_id: str
    original_filename: str
    media_type: str
    uploaded_at: datetime
    updated_at: datetime
    confidence: dict[str, float]
    vendor: str | None = None
    invoice_number: str | None = None
    invoice_date: date | None = None
    currency: str | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    note: str | None = None
    failure_reason: str | None = None
    possible_duplicate_of: str | None = None

    @classmethod
    def of(cls, e: Expense) -> ExpenseOut:
        return cls(
            id=e.id,
            status=e.status,
            user_id=e.user_id,
            original_filename=e.original_filename,
            media_type=e.media_type,
            uploaded_at=e.uploaded_at,
            updated_at=e.updated_at,
            confidence=dict(e.confidence),
            vendor=e.vendor,
            invoice_number=e.invoice_number,
            invoice_date=e.invoice_date,
            currency=e.currency,
            tax=_amount(e.tax, e.currency),
            total=_amount(e.total, e.currency),
            note=e.note,
            failure_reason=e.failure_reason,
            possible_duplicate_of=e.possible_duplicate_of,
        )
