"""Recording the payments received against an invoice, and undoing a mistaken one.

Business rules:
- Only a user whose role may write billing data records or undoes payments (Forbidden otherwise).
- An amount is more than zero, in the invoice's currency's minor unit, and at most the balance
  due; an invoice credited in full takes no payment. Each is an InvalidInput on ``amount``.
- ``method`` and ``reference`` are optional free text of at most 200 characters.
- The invoice's row is locked while its money changes, and ``amount_paid`` and ``payment_status``
  (``derive_payment_status``) are stored in the same transaction as the payment.
- Undoing a payment deletes it and derives the status again; a payment the invoice does not have
  is NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import Conflict, InvalidInput, NotFound
from billflow.domain.model import Invoice, Payment, PaymentStatus, User, derive_payment_status
from billflow.domain.money import validate_amount
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import MONEY_FIELDS, record_change, summary

MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class RecordPaymentCommand:
    invoice_id: str
    amount: Decimal
    paid_on: date
    method: str | None
    reference: str | None
    actor: User


@dataclass(frozen=True, slots=True)
class DeletePaymentCommand:
    invoice_id: str
    payment_id: str
    actor: User


def _text(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{name} is longer than {MAX_TEXT} characters", field=name)
    return value.strip()


async def _settle(uow: UnitOfWork, actor: User, invoice: Invoice, paid: Decimal) -> None:
    status = derive_payment_status(invoice.total, invoice.amount_credited, paid)
    if not await uow.invoices.settle(invoice.id, status, paid, invoice.amount_credited):
        raise Conflict(f"invoice {invoice.number} is {invoice.payment_status}")
    before = summary(invoice, MONEY_FIELDS)
    after = {**before, "payment_status": status, "amount_paid": paid}
    await record_change(uow.audit, actor, "invoice", invoice.id, "settle", before, after)


class Payments:
    ACTION: ClassVar[Action] = Action.WRITE_BILLING

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def record(self, cmd: RecordPaymentCommand) -> Payment:
        access.require(cmd.actor, self.ACTION)
        method, reference = _text(cmd.method, "method"), _text(cmd.reference, "reference")
        async with self._uow() as uow:
            invoice = await uow.invoices.get_for_update(cmd.invoice_id)
            if invoice is None:
                raise NotFound("no such invoice")
            if invoice.payment_status is PaymentStatus.CREDITED:
                raise InvalidInput(f"invoice {invoice.number} is credited in full", field="amount")
            validate_amount(cmd.amount, invoice.currency)
            if cmd.amount > invoice.balance_due:
                raise InvalidInput(
                    f"amount {cmd.amount} is more than the balance due of {invoice.balance_due}",
                    field="amount",
                )
            payment = Payment(
                id=self._ids.new_id(),
                invoice_id=invoice.id,
                amount=cmd.amount,
                paid_on=cmd.paid_on,
                method=method,
                reference=reference,
                recorded_at=self._clock.now(),
            )
            await uow.payments.add(payment)
            await record_change(uow.audit, cmd.actor, "payment", payment.id, "record", None, payment)
            await _settle(uow, cmd.actor, invoice, invoice.amount_paid + cmd.amount)
            await uow.commit()
        return payment

    async def delete(self, cmd: DeletePaymentCommand) -> None:
        access.require(cmd.actor, self.ACTION)
        async with self._uow() as uow:
            invoice = await uow.invoices.get_for_update(cmd.invoice_id)
            payment = await uow.payments.get(cmd.invoice_id, cmd.payment_id) if invoice else None
            if invoice is None or payment is None:
                raise NotFound("no such payment")
            await uow.payments.delete(invoice.id, payment.id)
            await record_change(uow.audit, cmd.actor, "payment", payment.id, "delete", payment)
            await _settle(uow, cmd.actor, invoice, invoice.amount_paid - payment.amount)
            await uow.commit()
