"""Versioned message contracts between the services.

Each message is a msgspec Struct whose ``type`` tag carries its name and version
(``invoice.render.v1``). Evolution rules: add fields only with defaults, never change a field's
type, and publish a breaking change as a new ``...V2`` struct added to the consumer's union while
the old one stays accepted. Golden JSON of every version ever published lives in
tests/contracts/golden and is decoded by every consumer in a contract test.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypeAlias

import msgspec


class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """The envelope every message carries."""

    message_id: str
    """Unique per message; consumers may use it to spot a redelivery."""
    occurred_at: datetime
    correlation_id: str
    """Follows one piece of work (an HTTP request, a billing run) across every queue."""


class RenderInvoice(Message, frozen=True, kw_only=True, tag="invoice.render.v1"):
    """Command to pdf-worker: render the invoice's PDF and file it in the document store."""

    invoice_id: str


class DeliverInvoice(Message, frozen=True, kw_only=True, tag="invoice.deliver.v1"):
    """Command to the emailer: email the rendered invoice PDF to the employee."""

    invoice_id: str
    pdf_key: str


class ExtractExpense(Message, frozen=True, kw_only=True, tag="expense.extract.v1"):
    """Command to the extractor: read the uploaded expense document and record its fields."""

    expense_id: str


class NotifyExpense(Message, frozen=True, kw_only=True, tag="expense.notify.v1"):
    """Command to the emailer: tell the uploader what was read from the expense (or why not)."""

    expense_id: str


class SendMonthlyStatements(Message, frozen=True, kw_only=True, tag="statements.send.v1"):
    """Command to the emailer: email every user their statement of one month's expenses (it fans
    out one ``statement.deliver.v1`` per uploader).

    Unlike every other message, the envelope is optional here: an EventBridge scheduled rule can
    only put a constant JSON input on the queue, so the monthly schedule sends exactly
    ``{"type": "statements.send.v1"}``. Without ``month`` the consumer takes the month before the
    message's time (``occurred_at`` when present, else when SQS received it); without
    ``message_id`` or ``correlation_id`` it uses the SQS message id. ``POST /v1/statements`` fills
    in every field. ``month`` is ``YYYY-MM``.
    """

    message_id: str = ""
    occurred_at: datetime | None = None  # type: ignore[assignment]
    correlation_id: str = ""
    month: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] | None = None


class RenderCreditNote(Message, frozen=True, kw_only=True, tag="credit_note.render.v1"):
    """Command to pdf-worker: render the credit note's PDF and file it in the document store."""

    credit_note_id: str


class DeliverCreditNote(Message, frozen=True, kw_only=True, tag="credit_note.deliver.v1"):
    """Command to the emailer: email the rendered credit note to whoever got its invoice."""

    credit_note_id: str
    pdf_key: str


class SendReminders(Message, frozen=True, kw_only=True, tag="reminders.send.v1"):
    """Command to the emailer: send the overdue reminders due on one day (``as_of``, ``YYYY-MM-DD``;
    it fans out one ``reminder.deliver.v1`` per invoice and level due).

    Like ``SendMonthlyStatements``, the envelope is optional: the daily EventBridge rule puts
    exactly ``{"type": "reminders.send.v1"}`` on the queue, and the consumer then takes the day of
    the message's time. ``POST /v1/reminders`` fills in every field. Handling it twice for the same
    day sends nothing new (each invoice and level is one delivery record).
    """

    message_id: str = ""
    occurred_at: datetime | None = None  # type: ignore[assignment]
    correlation_id: str = ""
    as_of: date | None = None


class DispatchWebhookEvent(Message, frozen=True, kw_only=True, tag="webhook.dispatch.v1"):
    """Command to the webhooks deliverer: deliver one recorded event to its subscribed endpoints.

    Written by the database itself (the ``webhook_record`` function of migration 0010), in the
    transaction of the change the event reports; the deliverer keeps the message until every
    delivery of the event is delivered or failed (decision 0028).
    """

    event_id: str


class DeliverStatement(Message, frozen=True, kw_only=True, tag="statement.deliver.v1"):
    """Command to the emailer: email one user their statement of one month (``YYYY-MM``); one per
    uploader, fanned out from a ``statements.send.v1``. Sent once per user and month however often
    it arrives (the statement's delivery record)."""

    user_id: str
    month: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


class DeliverReminder(Message, frozen=True, kw_only=True, tag="reminder.deliver.v1"):
    """Command to the emailer: email one invoice's overdue reminder of one level, as of one day;
    one per (invoice, level) due, fanned out from a ``reminders.send.v1``. Sent once per invoice
    and level however often it arrives, and not at all once the balance is paid."""

    invoice_id: str
    level: int
    as_of: date


class PlanBillingRun(Message, frozen=True, kw_only=True, tag="billing_run.plan.v1"):
    """Command to the planner: issue the invoices of a run accepted ``planning``, in chunks, from
    where its planning stopped. Sent by ``POST /v1/billing-runs``, and by the planner itself to
    go on after its time budget; handling it for an issued run does nothing."""

    billing_run_id: str


class SweepAbandonedUploads(Message, frozen=True, kw_only=True, tag="expense.uploads.sweep.v1"):
    """Command to the extractor: fail the direct uploads whose file never arrived (still
    ``processing``, their form long expired, nothing in storage under their key).

    Like ``SendReminders``, the envelope is optional: the hourly EventBridge rule puts exactly
    ``{"type": "expense.uploads.sweep.v1"}`` on the queue. Handling it twice fails nothing twice.
    """

    message_id: str = ""
    occurred_at: datetime | None = None  # type: ignore[assignment]
    correlation_id: str = ""


# What each consumer accepts: every version it has ever accepted.
PdfWorkerMessage: TypeAlias = RenderInvoice | RenderCreditNote
EmailerMessage: TypeAlias = (
    DeliverInvoice
    | NotifyExpense
    | SendMonthlyStatements
    | DeliverCreditNote
    | SendReminders
    | DeliverStatement
    | DeliverReminder
)
ExtractorMessage: TypeAlias = ExtractExpense | SweepAbandonedUploads
WebhooksMessage: TypeAlias = DispatchWebhookEvent
PlannerMessage: TypeAlias = PlanBillingRun
AnyMessage: TypeAlias = (
    RenderInvoice
    | DeliverInvoice
    | ExtractExpense
    | NotifyExpense
    | SendMonthlyStatements
    | RenderCreditNote
    | DeliverCreditNote
    | SendReminders
    | DispatchWebhookEvent
    | PlanBillingRun
    | DeliverStatement
    | DeliverReminder
    | SweepAbandonedUploads
)


def type_tag(cls: type[Message]) -> str:
    """The tag of a message class (``invoice.render.v1``)."""
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def message_type(message: Message) -> str:
    """The tag of a message (``invoice.render.v1``)."""
    return type_tag(type(message))
