"""The records Billflow keeps. Plain frozen dataclasses: no persistence, no serialisation."""

from billflow.domain.model.client import Address, Client, Language, ProjectMember
from billflow.domain.model.credit_note import CREDIT_NOTE_LIFECYCLE, CreditNote
from billflow.domain.model.delivery import DeliveryState
from billflow.domain.model.invoice import (
    INVOICE_LIFECYCLE,
    BilledTo,
    BillingRun,
    BillingRunKind,
    BillingRunStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    TaxRow,
    TimesheetEntry,
)
from billflow.domain.model.lifecycle import Lifecycle, Transition
from billflow.domain.model.organisation import Department, Employee, Project, Workday
from billflow.domain.model.payment import (
    PAYMENT_LIFECYCLE,
    Payment,
    PaymentStatus,
    Receivable,
    Reminder,
    derive_payment_status,
)
from billflow.domain.model.user import Identity, Role, User

__all__ = [
    "CREDIT_NOTE_LIFECYCLE",
    "INVOICE_LIFECYCLE",
    "PAYMENT_LIFECYCLE",
    "Address",
    "BilledTo",
    "BillingRun",
    "BillingRunKind",
    "BillingRunStatus",
    "Client",
    "CreditNote",
    "DeliveryState",
    "Department",
    "Employee",
    "Identity",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "Issuer",
    "Language",
    "Lifecycle",
    "Payment",
    "PaymentStatus",
    "Project",
    "ProjectMember",
    "Receivable",
    "Reminder",
    "Role",
    "TaxRow",
    "TimesheetEntry",
    "Transition",
    "User",
    "Workday",
    "derive_payment_status",
]
