"""pdf-worker's route table: a render command renders, files and marks the invoice."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import RenderInvoice
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.render_invoice import RenderInvoiceCommand, RenderInvoicePdf
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    render: RenderInvoicePdf
    fail: FailInvoice


def _render(use: UseCases, message: RenderInvoice, _: Received) -> Job:
    invoice_id, correlation_id = message.invoice_id, message.correlation_id
    return Job(
        invoice_id,
        correlation_id,
        lambda: use.render.execute(RenderInvoiceCommand(invoice_id, correlation_id)),
        lambda reason: use.fail.execute(FailInvoiceCommand(invoice_id, reason)),
    )


ROUTES = RouteTable[UseCases](Route(RenderInvoice, _render, "invoice", done_event="rendered"))
decode = ROUTES.decode
