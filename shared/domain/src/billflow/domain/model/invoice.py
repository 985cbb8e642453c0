"""Invoices: an immutable snapshot of a period's workdays, and the life cycle it moves through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billflow.domain.model.lifecycle import Lifecycle, move


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
