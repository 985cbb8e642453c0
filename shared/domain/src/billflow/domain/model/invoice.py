"""Invoices: an immutable snapshot of the time they bill and of who they bill it to, and the life
cycle they move through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billflow.domain.model.client import Address, ElectronicAddress, Language
from billflow.domain.model.lifecycle import Lifecycle, move
from billflow.domain.model.payment import Payment, PaymentStatus, Reminder, balance_due
from billflow.domain.model.tax import TaxCategory


class InvoiceStatus(StrEnum):
    """Delivery status of an issued document (money is ``payment_status``, a life of its own)."""

    PENDING = "pending"
    RENDERED = "rendered"
    SENT = "sent"
    FAILED = "failed"


_S = InvoiceStatus

RENDER = move("render", _S.PENDING, _S.RENDERED)
SEND = move("send", _S.RENDERED, _S.SENT)
FAIL = move("fail", [_S.PENDING, _S.RENDERED], _S.FAILED)
RETRY = move("retry", _S.FAILED, _S.PENDING)
"""An accountant's explicit retry, once the cause is fixed: the only way out of ``failed``."""

DOCUMENT_MOVES = (RENDER, SEND, FAIL, RETRY)
"""An issued document's delivery life: status only moves forward, but for retry. Invoices have it
now; credit notes (the same ``pending -> rendered -> sent | failed`` life) will reuse these rows."""

INVOICE_LIFECYCLE: Lifecycle[InvoiceStatus] = Lifecycle("an invoice", DOCUMENT_MOVES)
"""The one statement of an invoice's life cycle: the use cases check against it and every guarded
UPDATE of ``invoices.status`` takes its ``WHERE status IN (...)`` from it."""


@dataclass(frozen=True, slots=True)
class EInvoiceKeys:
    """Where a rendered document's e-invoice files are filed, beside its PDF: the CII (the XML
    embedded in the Factur-X PDF) and the UBL (a Peppol BIS 3 document when ``peppol``)."""

    cii: str
    ubl: str
    peppol: bool


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class Issuer:
    """The seller as it was when a document was issued (the company record's snapshot).

    ``address`` is the address as printed and ``tax_id`` the VAT id (with its country prefix);
    the structured fields are None on documents issued before the company record existed
    (migration 0008), whose e-invoice falls back on the printed lines."""

    name: str
    address: str
    tax_id: str
    postal_address: Address | None = None
    tax_number: str | None = None
    contact: Contact | None = None
    iban: str | None = None
    bic: str | None = None
    electronic_address: ElectronicAddress | None = None

    @property
    def vat_id(self) -> str:
        return self.tax_id


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """On an employee invoice, one workday (``date`` set); on a client invoice, one (project,
    employee) with the hours of that person's entries on that project summed (``date`` None)."""

    date: date | None
    hours: Decimal
    rate: Decimal
    amount: Decimal
    description: str | None = None
    project_id: str | None = None
    project_name: str | None = None
    employee_id: str | None = None
    employee_name: str | None = None
    tax_rate: Decimal | None = None
    first_day: dt.date | None = None
    """The first and last day of the entries a client line sums (its service period)."""
    last_day: dt.date | None = None
    tax_category: TaxCategory = TaxCategory.STANDARD


class InvoiceKind(StrEnum):
    EMPLOYEE = "employee"
    """An employee's own workdays, billed to the employee (the contractor's invoice)."""
    CLIENT = "client"
    """The hours worked on a client's projects, billed to the client."""


@dataclass(frozen=True, slots=True)
class BilledTo:
    """The party an invoice is billed to, as it was when the invoice was issued."""

    name: str
    email: str
    address: Address | None = None
    vat_id: str | None = None
    language: Language = Language.EN
    buyer_reference: str | None = None
    electronic_address: ElectronicAddress | None = None


@dataclass(frozen=True, slots=True)
class TaxRow:
    """The tax of one (category, rate): ``amount`` is ``base`` x ``rate`` percent, rounded once.
    Categories other than S carry the exemption reason (and VATEX code) the documents print."""

    rate: Decimal
    base: Decimal
    amount: Decimal
    category: TaxCategory = TaxCategory.STANDARD
    exemption_reason: str | None = None
    exemption_code: str | None = None

    @property
    def key(self) -> tuple[TaxCategory, Decimal]:
        return (self.category, self.rate)


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    """A time entry a client invoice bills, as it was (its appendix); ``line`` indexes its line."""

    line: int
    date: date
    employee_id: str
    employee_name: str
    project_id: str
    project_name: str
    hours: Decimal
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    id: str
    number: str
    status: InvoiceStatus
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    currency: str
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax_rate: Decimal | None
    """The one tax rate of the invoice; None when its lines have several (see ``taxes``)."""
    tax: Decimal
    total: Decimal
    issuer: Issuer
    billed_to: BilledTo
    kind: InvoiceKind = InvoiceKind.EMPLOYEE
    employee_id: str | None = None
    """The employee billed (employee invoices)."""
    client_id: str | None = None
    """The client billed (client invoices)."""
    taxes: tuple[TaxRow, ...] = ()
    entries: tuple[TimesheetEntry, ...] = ()
    """The time entries a client invoice bills (an employee invoice's are its lines)."""
    billing_run_id: str | None = None
    failure_reason: str | None = None
    pdf_key: str | None = None
    einvoice: EInvoiceKeys | None = None
    """Set when the rendered PDF is a Factur-X e-invoice (client invoices)."""
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    """Money, derived (``derive_payment_status``) and stored with each payment and credit note."""
    amount_paid: Decimal = Decimal(0)
    amount_credited: Decimal = Decimal(0)
    """Gross: the sum of its credit notes' totals."""
    payments: tuple[Payment, ...] = ()
    reminders: tuple[Reminder, ...] = ()

    @property
    def balance_due(self) -> Decimal:
        """``total - credited - paid``."""
        return balance_due(self.total, self.amount_credited, self.amount_paid)

    def overdue(self, today: date) -> bool:
        """A balance is due and the due date is past."""
        return self.balance_due > 0 and today > self.due_date


class BillingRunKind(StrEnum):
    EMPLOYEES = "employees"
    CLIENTS = "clients"


class BillingRunStatus(StrEnum):
    """A run is accepted ``planning``; the planner issues its invoices in chunks, then ``issued``."""

    PLANNING = "planning"
    ISSUED = "issued"


@dataclass(frozen=True, slots=True)
class BillingRun:
    id: str
    period_start: date
    period_end: date
    invoice_ids: tuple[str, ...]
    """Once issued: every invoice of the run, in number order (empty while planning)."""
    kind: BillingRunKind = BillingRunKind.EMPLOYEES
    status: BillingRunStatus = BillingRunStatus.ISSUED
    planned: int | None = None
    """The invoices planning expects to issue, counted when it starts (None before)."""
    skipped_ids: tuple[str, ...] = ()
    """Once issued: the employees (or clients) the run issued nothing to, in planning order."""
