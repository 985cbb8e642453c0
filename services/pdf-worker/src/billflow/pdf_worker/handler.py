"""pdf-worker's one handler: a render-queue message in, a fate out. Every driver calls it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import msgspec

from billflow.domain.contracts import PdfWorkerMessage, RenderInvoice, type_tag
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.render_invoice import RenderInvoiceCommand, RenderInvoicePdf
from billflow.platform.aws.sqs_consumer import Disposition, Received, RetryAfter
from billflow.platform.commands import Command, settle
from billflow.platform.metrics import Metrics

log = logging.getLogger(__name__)

_decoder = msgspec.json.Decoder(PdfWorkerMessage)


def decode(body: bytes) -> PdfWorkerMessage:
    """Every message version this worker accepts; raises msgspec errors for anything else."""
    return _decoder.decode(body)


@dataclass(frozen=True, slots=True)
class Deps:
    render: RenderInvoicePdf
    fail: FailInvoice
    max_receives: int
    metrics: Metrics
    queue: str = ""


async def handle(received: Received, deps: Deps) -> Disposition:
    try:
        message = decode(received.body)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        # Poison: never crash, never delete silently. Released at once, it reaches the
        # dead-letter queue after max receives, where a person can look at it.
        log.error("malformed message", extra={"error": str(e), "sqs_message_id": received.sqs_message_id})
        await deps.metrics.malformed(deps.queue)
        return RetryAfter(0)
    match message:
        case RenderInvoice(invoice_id=invoice_id, correlation_id=correlation_id):
            return await settle(
                received,
                deps.max_receives,
                Command(type_tag(RenderInvoice), invoice_id, correlation_id, "rendered"),
                lambda: deps.render.execute(RenderInvoiceCommand(invoice_id, correlation_id)),
                lambda reason: deps.fail.execute(FailInvoiceCommand(invoice_id, reason)),
                deps.metrics,
            )
