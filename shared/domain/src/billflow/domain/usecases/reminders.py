"""Overdue reminders: asked for (the daily schedule, or an admin for a given day), then mailed.

Business rules:
- On a day D, every invoice with a balance due whose due date is at least N days before D is due
  the level-N reminder, for each N of the configured levels (``receivables.levels_due``).
- Exactly one email per invoice and level: each is its own delivery record (``exactly_once``), so
  duplicated requests, redeliveries and a sender that crashed mid-send never mail a level twice.
- Never for an invoice whose balance due is zero by the time the email would be sent: the
  balance is read again, in the transaction that claims the email, and a paid or fully credited
  invoice's reminder is not claimed (a payment recorded after the reminder was asked for
  suppresses it).
- The reminder carries the balance, the days overdue and the invoice's PDF again.
- Asking for the same day twice sends nothing new. Only an admin asks by hand.
- Fanned out: the request (``reminders.send.v1``) becomes one message per (invoice, level) due,
  so one invoice's failure does not hold back the others; a transient one retries that message,
  any other (an address refused, the invoice's PDF missing from the store) is logged and that
  reminder given up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from billflow.domain import access, receivables
from billflow.domain.access import Action
from billflow.domain.contracts import DeliverReminder, SendReminders
from billflow.domain.errors import DomainError, PermanentFailure, TransientFailure
from billflow.domain.model import Invoice, User
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.mail import AfterIssueEmailWriter, Mailer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.deliver_invoice import DEFAULT_LEASE_SECONDS
from billflow.domain.usecases.exactly_once import Sent, send_exactly_once
from billflow.domain.usecases.monthly_statements import FAN_OUT_CHUNK
from billflow.domain.usecases.render_invoice import Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RequestRemindersCommand:
    as_of: date
    correlation_id: str
    actor: User


def reminder_message_id(invoice: Invoice, level: int) -> str:
    return f"<reminder.{level}.{invoice.number}.{invoice.id}@reminders.billflow>"


class RequestReminders:
    ACTION: ClassVar[Action] = Action.SEND_REMINDERS

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: RequestRemindersCommand) -> date:
        access.require(cmd.actor, self.ACTION)
        async with self._uow() as uow:
            await uow.outbox.add(
                SendReminders(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    as_of=cmd.as_of,
                )
            )
            await uow.audit.record(cmd.actor, "reminders", cmd.as_of.isoformat(), "request")
            await uow.commit()
        return cmd.as_of


class PlanReminders:
    """The planning step of a day's reminders: one ``DeliverReminder`` per (invoice, level) due,
    recorded in the outbox a chunk at a time. Handling the request twice fans it out twice,
    harmlessly: each (invoice, level) is sent once (``SendReminder``)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        levels: Sequence[int] = receivables.DEFAULT_REMINDER_DAYS,
        chunk: int = FAN_OUT_CHUNK,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._levels = tuple(levels)
        self._chunk = chunk

    async def execute(self, day: date, correlation_id: str) -> Outcome:
        async with self._uow(read_only=True) as uow:
            candidates = await uow.receivables.overdue_by(day, min(self._levels))
            sent = await uow.reminders.levels_sent([c.invoice_id for c in candidates])
        owed = [
            (c.invoice_id, level)
            for c in candidates
            for level in receivables.levels_due(c.due_date, day, self._levels, sent.get(c.invoice_id, ()))
        ]
        for first in range(0, len(owed), self._chunk):
            now = self._clock.now()
            async with self._uow() as uow:
                await uow.outbox.add_many(
                    [
                        DeliverReminder(
                            message_id=self._ids.new_id(),
                            occurred_at=now,
                            correlation_id=correlation_id,
                            invoice_id=invoice_id,
                            level=level,
                            as_of=day,
                        )
                        for invoice_id, level in owed[first : first + self._chunk]
                    ]
                )
                await uow.commit()
        log.info("reminders fanned out", extra={"as_of": day.isoformat(), "reminders": len(owed)})
        return Outcome.DONE if owed else Outcome.ALREADY_DONE


class SendReminder:
    """One invoice's reminder of one level (a ``DeliverReminder``): sent once, as the module says;
    a transient failure retries this message only, any other gives it up."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: AfterIssueEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._writer = writer
        self._mailer = mailer
        self._lease = lease_seconds

    async def execute(self, invoice_id: str, level: int, day: date) -> Outcome:
        try:
            mailed = await self._send_one(invoice_id, level, day)
        except TransientFailure:
            raise
        except DomainError as e:  # refused for good (an address, a missing PDF): the others go on
            raise PermanentFailure(f"reminder refused: {e.detail}") from e
        return Outcome.DONE if mailed else Outcome.ALREADY_DONE

    async def _send_one(self, invoice_id: str, level: int, day: date) -> int:
        async with self._uow(read_only=True) as uow:
            invoice = await uow.invoices.get(invoice_id)
        if invoice is None or invoice.balance_due <= 0 or invoice.pdf_key is None:
            return 0
        pdf = await self._documents.get(invoice.pdf_key)

        async def still_owed(u: UnitOfWork) -> bool:
            # Read again under the row lock a payment takes: a payment committed since the
            # candidates were listed suppresses the reminder.
            now = await u.invoices.get_for_update(invoice_id)
            return now is not None and now.balance_due > 0

        result = await send_exactly_once(
            self._uow,
            lambda u: u.reminders.slot(invoice_id, level),
            reminder_message_id(invoice, level),
            self._writer.reminder(invoice, level, day, pdf),
            self._mailer,
            self._lease,
            wanted=still_owed,
        )
        return 1 if result is Sent.SENT else 0
