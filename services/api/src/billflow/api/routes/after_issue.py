"""After the invoice: credit notes, payments, overdue reminders and the receivables report."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from billflow.api.auth import refuses_early
from billflow.api.ids import parse_id
from billflow.api.routes.common import correlation_id, known_id
from billflow.api.schemas import (
    AgingRowOut,
    CreditNoteIn,
    CreditNoteOut,
    CreditNotePage,
    DownloadOut,
    PaymentIn,
    PaymentOut,
    ReceivablesOut,
    RemindersIn,
    RemindersOut,
)
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.money import at_minor_unit
from billflow.domain.receivables import BUCKETS, AgingRow
from billflow.domain.usecases.credit_notes import (
    IssueCreditNote,
    IssueCreditNoteCommand,
    RetryCreditNoteCommand,
)
from billflow.domain.usecases.payments import DeletePaymentCommand, Payments, RecordPaymentCommand
from billflow.domain.usecases.reminders import RequestReminders, RequestRemindersCommand

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


class CreditNoteController(Controller):
    path = "/v1/credit-notes"
    tags = ["invoices"]

    @get(summary="The credit notes of an invoice, oldest first")
    async def of_invoice(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        invoice_id: FromQuery[str],
    ) -> CreditNotePage:
        invoice = parse_id(invoice_id)
        if invoice is None:
            return CreditNotePage(items=[])
        notes = await services.credit_notes.of_invoice(invoice, actor=request.user)
        return CreditNotePage(items=[CreditNoteOut.of(n) for n in notes])

    @get("/{credit_note_id:str}", summary="Get a credit note and its status")
    async def get_one(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CreditNoteOut:
        note = await services.credit_notes.get(known_id(credit_note_id, "credit note"), actor=request.user)
        return CreditNoteOut.of(note)

    @post(
        "/{credit_note_id:str}/retry",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a failed credit note through rendering and delivery again",
        description="Only a `failed` credit note can be retried (409 otherwise).",
    )
    async def retry(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CreditNoteOut:
        note = await services.retry_credit_note.execute(
            RetryCreditNoteCommand(
                known_id(credit_note_id, "credit note"), correlation_id(request), request.user
            )
        )
        return CreditNoteOut.of(note)

    @get(
        "/{credit_note_id:str}/pdf",
        summary="A short-lived download link for the credit note PDF",
        description="A pre-signed S3 URL valid for 15 minutes; 409 until the PDF is rendered.",
    )
    async def pdf(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> DownloadOut:
        link = await services.credit_notes.download_link(
            known_id(credit_note_id, "credit note"), actor=request.user
        )
        return DownloadOut(url=link.url, expires_at=link.expires_at)


class ReminderController(Controller):
    path = "/v1/reminders"
    tags = ["invoices"]

    @post(
        guards=[refuses_early(RequestReminders)],
        status_code=HTTP_202_ACCEPTED,
        summary="Send the overdue reminders of a day now (admin)",
        description="The same as the daily schedule, for any day, past or future; a reminder "
        "already sent (invoice and level) is never sent again, and none goes for a zero balance.",
    )
    async def request_reminders(
        self,
        data: JSONBody[RemindersIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> RemindersOut:
        day = await services.reminders.execute(
            RequestRemindersCommand(data.as_of, correlation_id(request), request.user)
        )
        log.info("reminders requested", extra={"as_of": day.isoformat()})
        return RemindersOut(as_of=day)


class ReportController(Controller):
    path = "/v1/reports"
    tags = ["invoices"]

    @get(
        "/receivables",
        summary="What is owed on a day, per currency and party billed, by days past due",
        description="Buckets `current` (not yet due), `1-30`, `31-60`, `61-90`, `90+`, and a total. "
        "`Accept: text/csv` gives the same rows as CSV.",
    )
    async def receivables(
        self, request: Request[User, Any, Any], services: NamedDependency[Services], as_of: FromQuery[date]
    ) -> Response[Any]:
        rows = await services.receivables.execute(as_of, actor=request.user)
        if "text/csv" in request.headers.get("accept", ""):
            return Response(
                _csv(rows),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="receivables-{as_of.isoformat()}.csv"'
                },
            )
        return Response(ReceivablesOut(as_of=as_of, rows=[_row(r) for r in rows]))


def _row(r: AgingRow) -> AgingRowOut:
    b = {k: at_minor_unit(v, r.currency) for k, v in r.buckets.items()}
    return AgingRowOut(
        r.currency,
        r.billed_to,
        b["current"],
        b["1-30"],
        b["31-60"],
        b["61-90"],
        b["90+"],
        at_minor_unit(r.total, r.currency),
    )


def _csv(rows: list[AgingRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["currency", "billed_to", *BUCKETS, "total"])
    for r in rows:
        writer.writerow(
            [
                r.currency,
                r.billed_to,
                *(at_minor_unit(r.buckets[k], r.currency) for k in BUCKETS),
                at_minor_unit(r.total, r.currency),
            ]
        )
    return out.getvalue()
