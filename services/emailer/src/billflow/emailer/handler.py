"""The emailer's one handler: a message from its queues in, a fate out. Every driver calls it.

It dispatches on the message type: invoice deliveries and expense notifications come from the
delivery queue, statement requests from the statements queue; any of them is handled wherever
it arrives.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from billflow.domain.contracts import (
    DeliverInvoice,
    EmailerMessage,
    NotifyExpense,
    SendMonthlyStatements,
    type_tag,
)
from billflow.domain.expenses.months import previous_month
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.monthly_statements import SendStatements, SendStatementsCommand
from billflow.domain.usecases.notify_expense import NotifyExpenseCommand, NotifyUploader
from billflow.platform.aws.sqs_consumer import Disposition, Received, RetryAfter
from billflow.platform.commands import Command, settle
from billflow.platform.metrics import Metrics

log = logging.getLogger(__name__)

_decoder = msgspec.json.Decoder(EmailerMessage)


def decode(body: bytes) -> EmailerMessage:
    """Every message version this worker accepts; raises msgspec errors for anything else."""
    message: EmailerMessage = _decoder.decode(body)
    return message


@dataclass(frozen=True, slots=True)
class Deps:
    deliver: DeliverInvoicePdf
    fail: FailInvoice
    max_receives: int
    metrics: Metrics
    queue: str = ""
    notify: NotifyUploader | None = None
    statements: SendStatements | None = None


async def _nothing_to_mark(_: str) -> bool:
    return False


def statement_month(message: SendMonthlyStatements, received: Received) -> str:
    """The month asked for; without one (the schedule's constant input), the month before the
    message's time: the 1st of December asks for November."""
    if message.month:
        return message.month
    return previous_month(message.occurred_at or received.sent_at or datetime.now(UTC))


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
        case NotifyExpense(expense_id=expense_id, correlation_id=correlation_id):
            notify = deps.notify
            assert notify is not None, "the emailer is built with its expense use cases"
            return await settle(
                received,
                deps.max_receives,
                Command(type_tag(NotifyExpense), expense_id, correlation_id, None, "expense"),
                lambda: notify.execute(NotifyExpenseCommand(expense_id)),
                _nothing_to_mark,
                deps.metrics,
            )
        case SendMonthlyStatements():
            statements = deps.statements
            assert statements is not None, "the emailer is built with its statement use case"
            month = statement_month(message, received)
            return await settle(
                received,
                deps.max_receives,
                Command(
                    type_tag(SendMonthlyStatements),
                    month,
                    message.correlation_id or received.sqs_message_id,
                    None,
                    "statement",
                ),
                lambda: statements.execute(SendStatementsCommand(month)),
                _nothing_to_mark,
                deps.metrics,
            )
