"""Invoices: an immutable snapshot of a period's workdays, and the life cycle it moves through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billflow.domain.errors import InvalidTransition


class InvoiceStatus(StrEnum):
    PENDING = "pending"
    RENDERED = "rendered"
    SENT = "sent"
    FAILED = "failed"


# Status only moves forward; failed is terminal until an explicit retry (a later capability).
_ALLOWED: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.PENDING: frozenset({InvoiceStatus.RENDERED, InvoiceStatus.FAILED}),
    InvoiceStatus.RENDERED: frozenset({InvoiceStatus.SENT, InvoiceStatus.FAILED}),
    InvoiceStatus.SENT: frozenset(),
    InvoiceStatus.FAILED: frozenset(),
}


def check_transition(current: InvoiceStatus, target: InvoiceStatus) -> None:
    """Raise InvalidTransition unless ``current -> target`` is a forward step of the life cycle."""
    if target not in _ALLOWED[current]:
        raise InvalidTransition(f"an invoice cannot move from {current} to {target}")


def allowed_sources(target: InvoiceStatus) -> frozenset[InvoiceStatus]:
    """The statuses from which ``target`` may be reached (for guarded UPDATE ... WHERE status IN)."""
    return frozenset(s for s, nxt in _ALLOWED.items() if target in nxt)


@dataclass(frozen=True, slots=True)
class Issuer:
    """The company that issues invoices (from settings), as printed on each invoice."""

    name: str
    address: str
    tax_id: str


@dataclass(frozen=True, slots=True)
class Counterparty:
    """The employee billed, as they were when the invoice was issued."""

    employee_id: str
    full_name: str
    email: str


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    date: date
    hours: Decimal
    rate: Decimal
    amount: Decimal
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
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    issuer: Issuer
    counterparty: Counterparty
    billing_run_id: str | None = None
    failure_reason: str | None = None
    pdf_key: str | None = None

    @property
    def employee_id(self) -> str:
        return self.counterparty.employee_id


@dataclass(frozen=True, slots=True)
class BillingRun:
    id: str
    period_start: date
    period_end: date
    invoice_ids: tuple[str, ...]
