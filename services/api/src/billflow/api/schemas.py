"""Request and response bodies: msgspec Structs, snake_case, amounts as decimal strings.

Requests forbid unknown fields, so no client can set ``status``, ``number`` or ``total``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import Meta

from billflow.domain.model import (
    BillingRunKind,
    BillingRunStatus,
    Department,
    Employee,
    Project,
    Role,
    TaxCategory,
    User,
    Workday,
)
from billflow.domain.representations import (  # the shapes the API shares with webhook events
    AddressOut,
    BilledToOut,
    CreditNoteOut,
    InvoiceOut,
    LineOut,
    PartyOut,
    PaymentOut,
    ReminderOut,
    TaxOut,
)

__all__ = [
    "AddressOut",
    "BilledToOut",
    "CreditNoteOut",
    "InvoiceOut",
    "LineOut",
    "PartyOut",
    "PaymentOut",
    "ReminderOut",
    "TaxOut",
]

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Email = Annotated[str, Meta(min_length=3, max_length=254)]
Currency = Annotated[str, Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]
Id = Annotated[str, Meta(max_length=64, description="Opaque identifier")]


class Request(msgspec.Struct, forbid_unknown_fields=True):
    pass


class ElectronicAddressBody(Request):
    """A Peppol participant id: EAS scheme (e.g. ``0208``) and the id in it."""

    scheme: Annotated[str, Meta(pattern=r"^[0-9]{4}$", description="EAS code, e.g. 0208")]
    id: Annotated[str, Meta(min_length=1, max_length=100)]


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


ExemptionText = Annotated[str, Meta(max_length=200)]
HourlyRate = Annotated[
    Decimal, Meta(description="Billed to the client per hour, in the client's currency; not negative")
]


class ProjectIn(Request):
    name: Name
    tax_rate: Annotated[Decimal, Meta(description="Percent, 0 to 100")] = Decimal(0)
    client_id: Id | None = None
    hourly_rate: HourlyRate | None = None
    """Required with ``client_id``."""
    tax_category: TaxCategory | None = None
    """S, Z, E, AE, K, G or O; unset: S with a rate above 0, else Z."""
    exemption_reason: ExemptionText | None = None
    """Required for E, AE, K, G and O; refused for S and Z."""
    exemption_code: ExemptionText | None = None
    """The VATEX code, e.g. VATEX-EU-AE."""


class ProjectOut(msgspec.Struct):
    id: str
    name: str
    tax_rate: Decimal
    client_id: str | None = None
    hourly_rate: Decimal | None = None
    archived: bool = False
    tax_category: TaxCategory = TaxCategory.STANDARD
    exemption_reason: str | None = None
    exemption_code: str | None = None

    @classmethod
    def of(cls, p: Project) -> ProjectOut:
        return cls(
            p.id,
            p.name,
            p.tax_rate,
            p.client_id,
            p.hourly_rate,
            p.archived,
            p.tax_category,
            p.exemption_reason,
            p.exemption_code,
        )


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


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal
    paid_on: date
    method: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class CreditNoteIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    amount: Decimal | None = None
    """Net; without it, the rest of the invoice."""


class CreditNotePage(msgspec.Struct):
    items: list[CreditNoteOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


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
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class ProjectList(msgspec.Struct):
    items: list[ProjectOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class EmployeeList(msgspec.Struct):
    items: list[EmployeeOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


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
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""
