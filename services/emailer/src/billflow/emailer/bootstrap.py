"""The emailer's composition: its settings, its adapters (SMTP, the email writers) and its use cases."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import DeliverReminder, DeliverStatement, DispatchWebhookEvent
from billflow.domain.usecases.credit_note_documents import DeliverCreditNotePdf, FailCreditNote
from billflow.domain.usecases.deliver_invoice import DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.monthly_statements import PlanStatements, SendStatement
from billflow.domain.usecases.notify_expense import NotifyUploader
from billflow.domain.usecases.reminders import PlanReminders, SendReminder
from billflow.emailer.after_issue_email import TemplateAfterIssueEmailWriter
from billflow.emailer.expense_email import TemplateExpenseEmailWriter
from billflow.emailer.invoice_email import TemplateInvoiceEmailWriter
from billflow.emailer.mailer import SmtpMailer
from billflow.emailer.routes import ROUTES, UseCases
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.settings import ReminderSettings, SmtpSettings
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSettings, WorkerSpec


@dataclass(frozen=True)
class Settings(WorkerSettings):
    smtp: SmtpSettings
    reminders: ReminderSettings


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    uow, lease = platform.uow, settings.smtp.delivery_lease_seconds
    mailer, expense_writer = SmtpMailer(settings.smtp, platform.clock), TemplateExpenseEmailWriter()
    platform.stack.push_async_callback(mailer.close)
    documents = S3DocumentStore(platform.s3, settings.storage.bucket)
    after_issue = TemplateAfterIssueEmailWriter()
    return Wiring(
        UseCases(
            deliver=DeliverInvoicePdf(
                uow, documents, TemplateInvoiceEmailWriter(), mailer, lease_seconds=lease
            ),
            fail=FailInvoice(uow),
            notify=NotifyUploader(uow, expense_writer, mailer),
            statements=PlanStatements(uow, platform.ids, platform.clock),
            statement=SendStatement(uow, expense_writer, mailer, lease_seconds=lease),
            deliver_credit_note=DeliverCreditNotePdf(
                uow, documents, after_issue, mailer, lease_seconds=lease
            ),
            fail_credit_note=FailCreditNote(uow),
            reminders=PlanReminders(uow, platform.ids, platform.clock, settings.reminders.days),
            reminder=SendReminder(uow, documents, after_issue, mailer, lease_seconds=lease),
        )
    )


# One month's statements (or one day's reminders) at a time on the statements queue: each request
# is fanned out to one message per recipient on the delivery queue, through the emailer's outbox.
WORKER = WorkerSpec(
    "emailer",
    Settings,
    ROUTES,
    wire,
    lambda q: [Consumed(q.delivery_queue), Consumed(q.statements_queue, 1)],
    produces=[
        DeliverStatement,
        DeliverReminder,
        DispatchWebhookEvent,
    ],  # the database records "sent" events in the emailer's transactions
)
