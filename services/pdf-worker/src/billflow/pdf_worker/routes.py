"""pdf-worker's route table: a render command renders, files and marks its document (an invoice
or a credit note)."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import RenderCreditNote, RenderInvoice
from billflow.domain.usecases.credit_note_documents import (
    CreditNoteCommand,
    FailCreditNote,
    RenderCreditNotePdf,
)
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.render_invoice import RenderInvoiceCommand, RenderInvoicePdf
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    render: RenderInvoicePdf
    fail: FailInvoice
    render_credit_note: RenderCreditNotePdf
    fail_credit_note: FailCreditNote


def _render(use: UseCases, message: RenderInvoice, _: Received) -> Job:
    invoice_id, correlation_id = message.invoice_id, message.correlation_id
    return Job(
        invoice_id,
        correlation_id,
        lambda: use.render.execute(RenderInvoiceCommand(invoice_id, correlation_id)),
        lambda reason: use.fail.execute(FailInvoiceCommand(invoice_id, reason)),
    )


def _render_credit_note(use: UseCases, message: RenderCreditNote, _: Received) -> Job:
    note_id, correlation_id = message.credit_note_id, message.correlation_id
    return Job(
        note_id,
        correlation_id,
        lambda: use.render_credit_note.execute(CreditNoteCommand(note_id, correlation_id)),
        lambda reason: use.fail_credit_note.execute(note_id, reason),
    )


ROUTES = RouteTable[UseCases](
    Route(RenderInvoice, _render, "invoice", done_event="rendered"),
    Route(RenderCreditNote, _render_credit_note, "credit_note"),
)
decode = ROUTES.decode
