"""The records Billflow keeps. Plain frozen dataclasses: no persistence, no serialisation."""

from billflow.domain.model.invoice import (
    BillingRun,
    Counterparty,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
)
from billflow.domain.model.organisation import Department, Employee, Project, Workday
from billflow.domain.model.user import Identity, Role, User

__all__ = [
    "BillingRun",
    "Counterparty",
    "Department",
    "Employee",
    "Identity",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "Issuer",
    "Project",
    "Role",
    "User",
    "Workday",
]
