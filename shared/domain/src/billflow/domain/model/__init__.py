"""The records Billflow keeps. Plain frozen dataclasses: no persistence, no serialisation."""

from billflow.domain.model.client import Address, Client, Language, ProjectMember
from billflow.domain.model.invoice import (
    BilledTo,
    BillingRun,
    BillingRunKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    TaxRow,
    TimesheetEntry,
)
from billflow.domain.model.organisation import Department, Employee, Project, Workday
from billflow.domain.model.user import Identity, Role, User

__all__ = [
    "Address",
    "BilledTo",
    "BillingRun",
    "BillingRunKind",
    "Client",
    "Department",
    "Employee",
    "Identity",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "Issuer",
    "Language",
    "Project",
    "ProjectMember",
    "Role",
    "TaxRow",
    "TimesheetEntry",
    "User",
    "Workday",
]
