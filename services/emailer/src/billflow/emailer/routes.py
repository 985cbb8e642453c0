"""The emailer's route table: invoice and credit note deliveries, expense notifications and each
recipient's statement or reminder (the delivery queue), statement and reminder requests (the
statements queue), which it fans out to one message per recipient; any of them is handled
wherever it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from billflow.domain.contracts import (
    DeliverCreditNote,
    DeliverInvoice,
    DeliverReminder,
    DeliverStatement,
    NotifyExpense,
    SendMonthlyStatements,
    SendReminders,
)
from billflow.domain.expenses.months import previous_month
from billflow.domain.usecases.credit_note_documents import (
    CreditNoteCommand,
    DeliverCreditNotePdf,
    FailCreditNote,
)
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.monthly_statements import PlanStatements, SendStatement, SendStatementsCommand
from billflow.domain.usecases.notify_expense import NotifyExpenseCommand, NotifyUploader
from billflow.domain.usecases.reminders import PlanReminders, SendReminder
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    deliver: DeliverInvoicePdf
    fail: FailInvoice
    notify: NotifyUploader
    statements: PlanStatements
    statement: SendStatement
    deliver_credit_note: DeliverCreditNotePdf
    fail_credit_note: FailCreditNote
    reminders: PlanReminders
    reminder: SendReminder


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
    correlation_id = message.correlation_id or received.sqs_message_id
    return Job(
        month, correlation_id, lambda: use.statements.execute(SendStatementsCommand(month), correlation_id)
    )


def _statement(use: UseCases, message: DeliverStatement, _: Received) -> Job:
    user_id, month = message.user_id, message.month
    return Job(f"{month}/{user_id}", message.correlation_id, lambda: use.statement.execute(user_id, month))


def reminder_day(message: SendReminders, received: Received) -> date:
    """The day asked for; without one (the schedule's constant input), the day of the message's
    time (UTC)."""
    if message.as_of:
        return message.as_of
    return (message.occurred_at or received.sent_at or datetime.now(UTC)).astimezone(UTC).date()


def _deliver_credit_note(use: UseCases, message: DeliverCreditNote, _: Received) -> Job:
    note_id = message.credit_note_id
    return Job(
        note_id,
        message.correlation_id,
        lambda: use.deliver_credit_note.execute(CreditNoteCommand(note_id, message.correlation_id)),
        lambda reason: use.fail_credit_note.execute(note_id, reason),
    )


def _reminders(use: UseCases, message: SendReminders, received: Received) -> Job:
    day = reminder_day(message, received)
    correlation_id = message.correlation_id or received.sqs_message_id
    return Job(day.isoformat(), correlation_id, lambda: use.reminders.execute(day, correlation_id))


def _reminder(use: UseCases, message: DeliverReminder, _: Received) -> Job:
    invoice_id, level, day = message.invoice_id, message.level, message.as_of
    return Job(
        f"{invoice_id}/{level}",
        message.correlation_id,
        lambda: use.reminder.execute(invoice_id, level, day),
    )


ROUTES = RouteTable[UseCases](
    Route(DeliverInvoice, _deliver, "invoice", done_event="sent"),
    Route(NotifyExpense, _notify, "expense"),
    Route(SendMonthlyStatements, _statements, "statement"),
    Route(DeliverCreditNote, _deliver_credit_note, "credit_note"),
    Route(SendReminders, _reminders, "reminders"),
    Route(DeliverStatement, _statement, "statement"),
    Route(DeliverReminder, _reminder, "reminders"),
)
decode = ROUTES.decode
