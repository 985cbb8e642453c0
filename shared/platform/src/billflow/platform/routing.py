"""Where each message type goes: the one table from message class to queue, for outbox relays."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from billflow.domain.contracts import (
    DeliverCreditNote,
    DeliverInvoice,
    DeliverReminder,
    DeliverStatement,
    DispatchWebhookEvent,
    ExtractExpense,
    Message,
    NotifyExpense,
    PlanBillingRun,
    RenderCreditNote,
    RenderInvoice,
    SendMonthlyStatements,
    SendReminders,
    SweepAbandonedUploads,
    type_tag,
)
from billflow.platform.runtime import queue_url
from billflow.platform.settings import QueueSettings

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient


def destinations(queues: QueueSettings) -> Mapping[type[Message], str]:
    """The queue name of every message type any service publishes. Expense notifications share
    the delivery queue with invoice deliveries: both are the emailer's everyday work. Credit notes
    travel with invoices (one document pipeline); a day's reminders, like a month's statements, are
    one request on the statements queue, which the emailer fans out to one message per recipient on
    the delivery queue. Webhook events have a queue of their own, so a slow receiver never delays an
    invoice; billing runs to plan have a queue of their own too. The hourly sweep of abandoned
    uploads is the extractor's, on the expense queue."""
    return {
        RenderInvoice: queues.render_queue,
        DeliverInvoice: queues.delivery_queue,
        ExtractExpense: queues.expense_queue,
        NotifyExpense: queues.delivery_queue,
        SendMonthlyStatements: queues.statements_queue,
        RenderCreditNote: queues.render_queue,
        DeliverCreditNote: queues.delivery_queue,
        SendReminders: queues.statements_queue,
        DispatchWebhookEvent: queues.webhooks_queue,
        PlanBillingRun: queues.planning_queue,
        DeliverStatement: queues.delivery_queue,
        DeliverReminder: queues.delivery_queue,
        SweepAbandonedUploads: queues.expense_queue,  # put there by the hourly schedule
    }


async def outbox_routes(
    sqs: SQSClient, queues: QueueSettings, produced: Iterable[type[Message]]
) -> dict[str, str]:
    """The queue URL of each message type a service produces, for its outbox relay."""
    destination = destinations(queues)
    return {type_tag(cls): await queue_url(sqs, destination[cls]) for cls in produced}
