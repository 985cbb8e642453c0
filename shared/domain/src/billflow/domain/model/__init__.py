"""The records Billflow keeps. Plain frozen dataclasses: no persistence, no serialisation."""

from billflow.domain.model.delivery import DeliveryState
from billflow.domain.model.invoice import (
    INVOICE_LIFECYCLE,
    BillingRun,
    Counterparty,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
)
from billflow.domain.model.lifecycle import Lifecycle, Transition
from billflow.domain.model.organisation import Department, Employee, Project, Workday
from billflow.domain.model.user import Identity, Role, User

__all__ = [
    "INVOICE_LIFECYCLE",
    "BillingRun",
    "Counterparty",
    "DeliveryState",
    "Department",
    "Employee",
    "Identity",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "Issuer",
    "Lifecycle",
    "Project",
    "Role",
    "Transition",
    "User",
    "Workday",
]
