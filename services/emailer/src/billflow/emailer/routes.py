"""The emailer's route table: invoice deliveries and expense notifications (the delivery queue)
and statement requests (the statements queue); any of them is handled wherever it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from billflow.domain.contracts import DeliverInvoice, NotifyExpense, SendMonthlyStatements
from billflow.domain.expenses.months import previous_month
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.monthly_statements import SendStatements, SendStatementsCommand
from billflow.domain.usecases.notify_expense import NotifyExpenseCommand, NotifyUploader
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    deliver: DeliverInvoicePdf
    fail: FailInvoice
    notify: NotifyUploader
    statements: SendStatements


def statement_month(message: SendMonthlyStatements, received: Received) -> str:
    """The month asked for; without one (the schedule's constant input), the month before the
    message's time: the 1st of December asks for November."""
    if message.month:
        return message.month
    return previous_month(message.occurred_at or received.sent_at or datetime.now(UTC))


def _deliver(use: UseCases, message: DeliverInvoice, _: Received) -> Job:
    invoice_id, pdf_key = message.invoice_id, message.pdf_key
    return Job(
        invoice_id,
        message.correlation_id,
        lambda: use.deliver.execute(DeliverInvoiceCommand(invoice_id, pdf_key)),
        lambda reason: use.fail.execute(FailInvoiceCommand(invoice_id, reason)),
    )


def _notify(use: UseCases, message: NotifyExpense, _: Received) -> Job:
    expense_id = message.expense_id
    return Job(
        expense_id, message.correlation_id, lambda: use.notify.execute(NotifyExpenseCommand(expense_id))
    )


def _statements(use: UseCases, message: SendMonthlyStatements, received: Received) -> Job:
    month = statement_month(message, received)
    return Job(
        month,
        message.correlation_id or received.sqs_message_id,
        lambda: use.statements.execute(SendStatementsCommand(month)),
    )


ROUTES = RouteTable[UseCases](
    Route(DeliverInvoice, _deliver, "invoice", done_event="sent"),
    Route(NotifyExpense, _notify, "expense"),
    Route(SendMonthlyStatements, _statements, "statement"),
)
decode = ROUTES.decode
