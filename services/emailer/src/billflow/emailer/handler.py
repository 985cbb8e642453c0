"""The emailer's one handler: a delivery-queue message in, a fate out. Every driver calls it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import msgspec

from billflow.domain.contracts import DeliverInvoice, EmailerMessage, type_tag
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.platform.aws.sqs_consumer import Disposition, Received, RetryAfter
from billflow.platform.commands import Command, settle
from billflow.platform.metrics import Metrics

log = logging.getLogger(__name__)

_decoder = msgspec.json.Decoder(EmailerMessage)


def decode(body: bytes) -> EmailerMessage:
    """Every message version this worker accepts; raises msgspec errors for anything else."""
    return _decoder.decode(body)


@dataclass(frozen=True, slots=True)
class Deps:
    deliver: DeliverInvoicePdf
    fail: FailInvoice
    max_receives: int
    metrics: Metrics
    queue: str = ""


async def handle(received: Received, deps: Deps) -> Disposition:
    try:
        message = decode(received.body)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        log.error("malformed message", extra={"error": str(e), "sqs_message_id": received.sqs_message_id})
        await deps.metrics.malformed(deps.queue)
        return RetryAfter(0)
    match message:
        case DeliverInvoice(invoice_id=invoice_id, pdf_key=pdf_key, correlation_id=correlation_id):
            return await settle(
                received,
                deps.max_receives,
                Command(type_tag(DeliverInvoice), invoice_id, correlation_id, "sent"),
                lambda: deps.deliver.execute(DeliverInvoiceCommand(invoice_id, pdf_key)),
                lambda reason: deps.fail.execute(FailInvoiceCommand(invoice_id, reason)),
                deps.metrics,
            )
