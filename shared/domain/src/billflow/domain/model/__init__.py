"""The records Billflow keeps. Plain frozen dataclasses: no persistence, no serialisation."""

from billflow.domain.model.audit import ApiKey, AuditEntry, FieldChange
from billflow.domain.model.client import Address, Client, ElectronicAddress, Language, ProjectMember
from billflow.domain.model.company import Company, check_company
from billflow.domain.model.credit_note import CREDIT_NOTE_LIFECYCLE, CreditNote
from billflow.domain.model.delivery import DeliveryState
from billflow.domain.model.invoice import (
    INVOICE_LIFECYCLE,
    BilledTo,
    BillingRun,
    BillingRunKind,
    BillingRunStatus,
    Contact,
    EInvoiceKeys,
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
from billflow.domain.model.tax import TaxCategory
from billflow.domain.model.user import ActorKind, Identity, Role, User

__all__ = [
    "CREDIT_NOTE_LIFECYCLE",
    "INVOICE_LIFECYCLE",
    "PAYMENT_LIFECYCLE",
    "ActorKind",
    "Address",
    "ApiKey",
    "AuditEntry",
    "BilledTo",
    "BillingRun",
    "BillingRunKind",
    "BillingRunStatus",
    "Client",
    "Company",
    "Contact",
    "CreditNote",
    "DeliveryState",
    "Department",
    "EInvoiceKeys",
    "ElectronicAddress",
    "Employee",
    "FieldChange",
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
    "TaxCategory",
    "TaxRow",
    "TimesheetEntry",
    "Transition",
    "User",
    "Workday",
    "check_company",
    "derive_payment_status",
]
