"""Delivering one recorded event to every endpoint subscribed to it.

Business rules:
- The body is ``{type, timestamp, data}``, ``data`` the object as the API shows it (the
  ``representations``), written once at the first dispatch and sent unchanged on every attempt
  to every endpoint; ``timestamp`` is when the change committed.
- Each delivery keeps its id (the ``webhook-id``) across attempts, so a receiver deduplicates by
  it. Each attempt is recorded (status code, duration, error, next attempt).
- Only due deliveries are attempted, at most ``concurrency`` at a time; a 2xx answer delivers, any
  other answer or a timeout schedules the next attempt by the ``RetryPolicy``, and past its 24 h
  the delivery is failed.
- The result says when the event's next pending delivery is due, so the driver comes back then;
  an event with nothing pending is done. A redelivered message with nothing due does nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import msgspec

from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.ports.expenses import ExpenseUnitOfWorkFactory
from billflow.domain.ports.system import Clock
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.ports.webhooks import (
    AttemptResult,
    DueDelivery,
    RecordedEvent,
    WebhookDeliveryStore,
    WebhookSender,
)
from billflow.domain.representations import CreditNoteOut, ExpenseOut, InvoiceOut, PaymentOut
from billflow.domain.usecases.render_invoice import Outcome
from billflow.domain.webhooks import DeliveryStatus, RetryPolicy, WebhookEventType, webhook_target

LEASE_SECONDS = 60.0
"""Longer than one attempt can take (its 10 s timeout), so a concurrent dispatch skips it."""


class WebhookPayload(msgspec.Struct, frozen=True):
    type: str
    timestamp: datetime
    data: InvoiceOut | CreditNoteOut | PaymentOut | ExpenseOut


_encoder = msgspec.json.Encoder(decimal_format="string")


@dataclass(frozen=True, slots=True)
class DeliverWebhookCommand:
    event_id: str
    correlation_id: str


@dataclass(frozen=True, slots=True)
class Dispatched:
    outcome: Outcome
    retry_in: float | None
    """Seconds until the event's next pending delivery is due; None when nothing is pending."""


class DeliverWebhookEvent:
    def __init__(
        self,
        store: WebhookDeliveryStore,
        uow: UnitOfWorkFactory,
        expenses: ExpenseUnitOfWorkFactory,
        sender: WebhookSender,
        clock: Clock,
        *,
        policy: RetryPolicy,
        allow_loopback: bool,
        concurrency: int = 8,
    ) -> None:
        self._store = store
        self._uow = uow
        self._expenses = expenses
        self._sender = sender
        self._clock = clock
        self._policy = policy
        self._allow_loopback = allow_loopback
        self._slots = asyncio.Semaphore(concurrency)

    async def execute(self, cmd: DeliverWebhookCommand) -> Dispatched:
        event = await self._store.event(cmd.event_id)
        if event is None:
            raise NotFound("no such webhook event")
        body = event.body or await self._store.write_body(event.id, await self._payload(event))
        due = await self._store.claim_due(event.id, self._clock.now(), LEASE_SECONDS)
        await asyncio.gather(*(self._attempt(d, body) for d in due))
        next_due = await self._store.next_due(event.id)
        retry_in = None if next_due is None else max(0.0, (next_due - self._clock.now()).total_seconds())
        return Dispatched(Outcome.DONE if due else Outcome.ALREADY_DONE, retry_in)

    async def _attempt(self, delivery: DueDelivery, body: bytes) -> None:
        async with self._slots:
            try:
                target = webhook_target(delivery.url, allow_loopback=self._allow_loopback)
            except InvalidInput as e:  # e.g. a loopback endpoint once loopback is no longer allowed
                result = AttemptResult(self._clock.now(), None, 0, f"refused: {e.detail}")
            else:
                now = self._clock.now()
                result = await self._sender.send(target, delivery.id, now, body, delivery.secret)
        await self._settle(delivery, result)

    async def _settle(self, delivery: DueDelivery, result: AttemptResult) -> None:
        if result.succeeded:
            await self._store.record(delivery.id, result, DeliveryStatus.DELIVERED, None)
            return
        first = delivery.first_attempt_at or result.attempted_at
        later = self._policy.next_attempt(delivery.attempts + 1, first, result.attempted_at)
        status = DeliveryStatus.PENDING if later is not None else DeliveryStatus.FAILED
        await self._store.record(delivery.id, result, status, later)

    async def _payload(self, event: RecordedEvent) -> bytes:
        data = await self._data(event)
        return _encoder.encode(WebhookPayload(event.type.value, event.occurred_at, data))

    async def _data(self, event: RecordedEvent) -> InvoiceOut | CreditNoteOut | PaymentOut | ExpenseOut:
        today = self._clock.now().date()
        match event.type:
            case WebhookEventType.EXPENSE_EXTRACTED:
                async with self._expenses(read_only=True) as expenses:
                    expense = await expenses.expenses.get(event.subject_id)
                if expense is not None:
                    return ExpenseOut.of(expense)
            case WebhookEventType.PAYMENT_RECORDED:
                async with self._uow(read_only=True) as uow:
                    invoice = await uow.invoices.get(event.parent_id or "")
                    payment = await uow.payments.get(event.parent_id or "", event.subject_id)
                if invoice is not None and payment is not None:
                    return PaymentOut.of(payment, invoice.currency)
            case WebhookEventType.CREDIT_NOTE_ISSUED | WebhookEventType.CREDIT_NOTE_SENT:
                async with self._uow(read_only=True) as uow:
                    note = await uow.credit_notes.get(event.subject_id)
                if note is not None:
                    return CreditNoteOut.of(note)
            case _:
                async with self._uow(read_only=True) as uow:
                    invoice = await uow.invoices.get(event.subject_id)
                if invoice is not None:
                    return InvoiceOut.of(invoice, today)
        raise NotFound(f"the {event.type.value} event's subject is gone")
