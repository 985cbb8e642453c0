"""What comes against an issued invoice: its credit notes (issued here) and its payments."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Request, delete, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from billflow.api.auth import refuses_early
from billflow.api.routes.common import correlation_id, known_id
from billflow.api.schemas import CreditNoteIn, CreditNoteOut, PaymentIn, PaymentOut
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.usecases.credit_notes import IssueCreditNote, IssueCreditNoteCommand
from billflow.domain.usecases.payments import DeletePaymentCommand, Payments, RecordPaymentCommand

log = logging.getLogger(__name__)


class InvoiceMoneyController(Controller):
    """What comes against an issued invoice: its credit notes and its payments."""

    path = "/v1/invoices"
    tags = ["invoices"]

    @post(
        "/{invoice_id:str}/credit-notes",
        guards=[refuses_early(IssueCreditNote)],
        status_code=HTTP_202_ACCEPTED,
        summary="Credit an invoice, in full (no amount) or in part (a net amount)",
        description="A partial amount is split over the invoice's tax rates in proportion to their "
        "bases; more than is left to credit is a 422. A full credit note releases the invoice's "
        "time entries (and an employee invoice's period). Rendered and emailed like an invoice.",
    )
    async def credit(
        self,
        invoice_id: FromPath[str],
        data: JSONBody[CreditNoteIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CreditNoteOut:
        note = await services.issue_credit_note.execute(
            IssueCreditNoteCommand(
                known_id(invoice_id, "invoice"),
                data.reason,
                data.amount,
                correlation_id(request),
                request.user,
            )
        )
        log.info("credit note issued", extra={"credit_note_id": note.id, "number": note.number})
        return CreditNoteOut.of(note)

    @post(
        "/{invoice_id:str}/payments",
        guards=[refuses_early(Payments)],
        status_code=HTTP_201_CREATED,
        summary="Record a payment received against an invoice",
        description="Zero, negative, more than the balance due, or on an invoice credited in full: "
        "422 naming the field. Honours `Idempotency-Key`.",
    )
    async def pay(
        self,
        invoice_id: FromPath[str],
        data: JSONBody[PaymentIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> PaymentOut:
        invoice = known_id(invoice_id, "invoice")
        payment = await services.payments.record(
            RecordPaymentCommand(
                invoice, data.amount, data.paid_on, data.method, data.reference, request.user
            )
        )
        log.info("payment recorded", extra={"invoice_id": invoice, "payment_id": payment.id})
        return PaymentOut(payment.id, payment.amount, payment.paid_on, payment.method, payment.reference)

    @delete(
        "/{invoice_id:str}/payments/{payment_id:str}",
        guards=[refuses_early(Payments)],
        status_code=HTTP_204_NO_CONTENT,
        summary="Undo a mistaken payment",
    )
    async def unpay(
        self,
        invoice_id: FromPath[str],
        payment_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> None:
        await services.payments.delete(
            DeletePaymentCommand(
                known_id(invoice_id, "invoice"), known_id(payment_id, "payment"), request.user
            )
        )
