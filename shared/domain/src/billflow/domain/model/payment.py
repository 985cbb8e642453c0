"""Payments received against an invoice, and the invoice's money status they lead to.

``payment_status`` is the second of an invoice's two statuses (``status`` is delivery): it is not
set by anyone but derived from the invoice's total, what its credit notes credited and what was
paid (``derive_payment_status``). ``PAYMENT_LIFECYCLE`` states the moves that derivation may make,
and the store's guarded UPDATE of ``invoices.payment_status`` takes its sources from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from billflow.domain.model.lifecycle import Lifecycle, move


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"
    """Credited in full: nothing is owed, and nothing more can be paid or credited."""


_P = PaymentStatus
_OPEN = [_P.UNPAID, _P.PARTIALLY_PAID, _P.PAID]

PAYMENT_LIFECYCLE: Lifecycle[PaymentStatus] = Lifecycle(
    "an invoice's payment status",
    (
        move("pay_part", [_P.UNPAID, _P.PARTIALLY_PAID, _P.PAID], _P.PARTIALLY_PAID),
        move("pay_off", [_P.UNPAID, _P.PARTIALLY_PAID, _P.PAID], _P.PAID),
        move("undo_payment", [_P.PARTIALLY_PAID, _P.PAID, _P.UNPAID], _P.UNPAID),
        move("credit_in_full", _OPEN, _P.CREDITED),
    ),
)
"""Every open status may move to another open one (a payment recorded, a partial credit note, a
mistaken payment undone); ``credited`` is final: a full credit note ends the invoice's money life."""


def balance_due(total: Decimal, credited: Decimal, paid: Decimal) -> Decimal:
    """What is still owed on an invoice: ``total - credited - paid`` (all gross)."""
    return total - credited - paid


def derive_payment_status(total: Decimal, credited: Decimal, paid: Decimal) -> PaymentStatus:
    """The payment status of an invoice of gross ``total``, with ``credited`` (gross, its credit
    notes' totals) and ``paid`` so far.

    - credited reaches the total: ``credited``;
    - otherwise nothing left to pay and something paid: ``paid``;
    - something paid: ``partially_paid``; nothing: ``unpaid``.
    """
    if credited >= total:
        return _P.CREDITED
    if paid > 0 and balance_due(total, credited, paid) <= 0:
        return _P.PAID
    if paid > 0:
        return _P.PARTIALLY_PAID
    return _P.UNPAID


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    invoice_id: str
    amount: Decimal
    paid_on: date
    method: str | None
    reference: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder email the mail server accepted: ``level`` is its number of days overdue."""

    level: int
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class Receivable:
    """What an invoice still asks for: its totals with the money that came against it."""

    invoice_id: str
    number: str
    billed_name: str
    currency: str
    total: Decimal
    amount_credited: Decimal
    amount_paid: Decimal
    issue_date: date
    due_date: date
    payment_status: PaymentStatus

    @property
    def balance_due(self) -> Decimal:
        return balance_due(self.total, self.amount_credited, self.amount_paid)

    def overdue(self, today: date) -> bool:
        """A balance is due and the due date is past."""
        return self.balance_due > 0 and today > self.due_date
