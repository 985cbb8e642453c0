"""Request and response bodies: msgspec Structs, snake_case, amounts as decimal strings.

Requests forbid unknown fields, so no client can set ``status``, ``number`` or ``total``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import Meta

from billflow.domain.model import (
    BilledTo,
    BillingRunKind,
    BillingRunStatus,
    CreditNote,
    Department,
    Employee,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.money import round_money

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(min_length=3, max_length=254)]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]
Id = Annotated[str, Meta(max_length=64, description="Opaque identifier")]


class Request(msgspec.Struct, forbid_unknown_fields=True):
    pass


class TokenRequest(Request):
    email: Annotated[str, Meta(max_length=254)]
    password: Annotated[str, Meta(max_length=1024)]


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret


class DepartmentIn(Request):
    name: Name


class DepartmentOut(msgspec.Struct):
    id: str
    name: str
    archived: bool = False

    @classmethod
    def of(cls, d: Department) -> DepartmentOut:
        return cls(d.id, d.name, d.archived)


HourlyRate = Annotated[
    Decimal, Meta(description="Billed to the client per hour, in the client's currency; not negative")
]


class ProjectIn(Request):
    name: Name
    tax_rate: Annotated[Decimal, Meta(description="Percent, 0 to 100")] = Decimal(0)
    client_id: Id | None = None
    hourly_rate: HourlyRate | None = None
    """Required with ``client_id``."""


class ProjectOut(msgspec.Struct):
    id: str
    name: str
    tax_rate: Decimal
    client_id: str | None = None
    hourly_rate: Decimal | None = None
    archived: bool = False

    @classmethod
    def of(cls, p: Project) -> ProjectOut:
        return cls(p.id, p.name, p.tax_rate, p.client_id, p.hourly_rate, p.archived)


class EmployeeIn(Request):
    full_name: Name
    email: Email
    department_id: Id
    project_id: Id
    hourly_rate: Decimal
    currency: Currency


class EmployeeOut(msgspec.Struct):
    id: str
    full_name: str
    email: str
    department_id: str
    project_id: str
    hourly_rate: Decimal
    currency: str
    archived: bool = False

    @classmethod
    def of(cls, e: Employee) -> EmployeeOut:
        return cls(
            e.id, e.full_name, e.email, e.department_id, e.project_id, e.hourly_rate, e.currency, e.archived
        )


class WorkdayIn(Request):
    date: date
    hours: Decimal
    description: Annotated[str, Meta(max_length=500)] | None = None
    project_id: Annotated[Id, Meta(description="Default: the employee's own project")] | None = None


class WorkdaysIn(Request):
    workdays: Annotated[list[WorkdayIn], Meta(max_length=366)]


class WorkdayOut(msgspec.Struct):
    date: date
    hours: Decimal
    description: str | None
    project_id: str | None = None

    @classmethod
    def of(cls, w: Workday) -> WorkdayOut:
        return cls(w.date, w.hours, w.description, w.project_id)


class WorkdaysOut(msgspec.Struct):
    workdays: list[WorkdayOut]


class InvoiceIn(Request):
    """``employee_id`` bills an employee's own workdays to the employee; ``client_id`` bills the
    hours on a client's projects to the client. Exactly one of the two."""

    period_start: date
    period_end: date
    employee_id: Id | None = None
    client_id: Id | None = None


class BillingRunIn(Request):
    period_start: date
    period_end: date
    kind: BillingRunKind = BillingRunKind.EMPLOYEES
    """``employees`` (every employee with workdays) or ``clients`` (every active client)."""


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


class BilledToOut(msgspec.Struct, omit_defaults=True):
    """Who the invoice is billed to, as they were when it was issued."""

    name: str
    email: str
    address: AddressOut | None = None
    vat_id: str | None = None

    @classmethod
    def of(cls, b: BilledTo) -> BilledToOut:
        a = b.address
        address = AddressOut(a.street, a.city, a.postal_code, a.country) if a else None
        return cls(b.name, b.email, address, b.vat_id)


class TaxOut(msgspec.Struct):
    rate: Decimal
    base: Decimal
    amount: Decimal


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
            taxes=[TaxOut(t.rate, round_money(t.base, c), round_money(t.amount, c)) for t in i.taxes],
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


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    paid_on: date
    method: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class CreditNoteIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    amount: Decimal | None = None
    """Net; without it, the rest of the invoice."""


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
            taxes=[TaxOut(t.rate, round_money(t.base, c), round_money(t.amount, c)) for t in n.taxes],
            tax=round_money(n.tax, c),
            total=round_money(n.total, c),
            currency=c,
            status=n.status,
            issue_date=n.issue_date,
            full=n.full,
            failure_reason=n.failure_reason,
        )


class CreditNotePage(msgspec.Struct):
    items: list[CreditNoteOut]


class RemindersIn(msgspec.Struct, forbid_unknown_fields=True):
    as_of: date


class RemindersOut(msgspec.Struct):
    as_of: date
    status: str = "requested"


class AgingRowOut(
    msgspec.Struct, rename={"d1_30": "1-30", "d31_60": "31-60", "d61_90": "61-90", "d90": "90+"}
):
    currency: str
    billed_to: str
    current: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90: Decimal
    total: Decimal


class ReceivablesOut(msgspec.Struct):
    as_of: date
    rows: list[AgingRowOut]


class InvoicePage(msgspec.Struct):
    items: list[InvoiceOut]
    next_cursor: str | None


class DownloadOut(msgspec.Struct):
    url: str
    expires_at: datetime


class BillingRunOut(msgspec.Struct):
    """A billing run as ``POST /v1/billing-runs`` accepts it: ``planning``, nothing issued yet."""

    id: str
    period_start: date
    period_end: date
    invoice_ids: list[str]
    skipped_employee_ids: list[str] = []
    """Employees' run: employees who already had an invoice overlapping the period."""
    kind: BillingRunKind = BillingRunKind.EMPLOYEES
    skipped_client_ids: list[str] = []
    """Clients' run: archived clients and clients with nothing to bill in the period."""
    status: BillingRunStatus = BillingRunStatus.ISSUED
    """``planning`` (invoices being issued in chunks), then ``issued``."""
    planned: int | None = None
    """The invoices planning expects to issue, once it has started counting (else null)."""
    issued: int = 0
    """The invoices issued so far."""


class StatusCounts(msgspec.Struct):
    pending: int
    rendered: int
    sent: int
    failed: int


class BillingRunProgressOut(msgspec.Struct):
    id: str
    period_start: date
    period_end: date
    invoice_ids: list[str]
    """Once ``issued``: every invoice of the run (empty while ``planning``)."""
    counts: StatusCounts
    kind: BillingRunKind = BillingRunKind.EMPLOYEES
    status: BillingRunStatus = BillingRunStatus.ISSUED
    """``planning`` (invoices being issued in chunks), then ``issued``."""
    planned: int | None = None
    """The invoices planning expects to issue, counted when it starts (null before)."""
    issued: int = 0
    """The invoices issued so far (the sum of ``counts``)."""
    skipped_employee_ids: list[str] = []
    """Once issued, an employees' run: employees who already had an overlapping invoice."""
    skipped_client_ids: list[str] = []
    """Once issued, a clients' run: archived clients and clients with nothing to bill."""


class DepartmentList(msgspec.Struct):
    items: list[DepartmentOut]


class ProjectList(msgspec.Struct):
    items: list[ProjectOut]


class EmployeeList(msgspec.Struct):
    items: list[EmployeeOut]


class UserIn(Request):
    email: Email
    password: Annotated[str, Meta(min_length=8, max_length=1024)]
    role: Role
    employee_id: Id | None = None


class UserOut(msgspec.Struct):
    id: str
    email: str
    role: Role
    employee_id: str | None

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(u.id, u.email, u.role, u.employee_id)


class UserList(msgspec.Struct):
    items: list[UserOut]
