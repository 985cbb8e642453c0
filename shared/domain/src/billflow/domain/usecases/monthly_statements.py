"""The monthly statement of expenses: asked for (API, schedule), then mailed (the emailer).

Business rules:
- A statement covers the expenses *uploaded* in one calendar month (UTC). Every user who uploaded
  at least one that month gets exactly one email: their expenses, totals per currency (failed
  ones listed without an amount), and a CSV of the same rows attached.
- Once per user and month: before talking to the mail server the sender claims the (user, month)
  delivery; an accepted statement is never sent again, a live claim of another sender is waited
  for, and an abandoned one is taken over after its lease (the same window as invoice emails, see
  docs/delivery-guarantees.md). Every attempt carries the same Message-ID.
- Fanned out: the request (``statements.send.v1``) becomes one message per uploader, so one
  user's failure does not hold back the others and no invocation grows with the company; a
  transient failure retries that user's message, a permanent one (an address the server refuses)
  is logged and that message given up.
- Only an admin asks for statements by hand (``RequestStatements``); the schedule asks on the 1st
  for the month before.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.contracts import DeliverStatement, SendMonthlyStatements
from billflow.domain.errors import DomainError, TransientFailure
from billflow.domain.expenses.months import month_bounds
from billflow.domain.model import DeliveryState, User
from billflow.domain.ports.expenses import ExpenseEmailWriter, ExpenseUnitOfWorkFactory
from billflow.domain.ports.mail import Mailer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.usecases.deliver_invoice import DEFAULT_LEASE_SECONDS
from billflow.domain.usecases.render_invoice import Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RequestStatementsCommand:
    actor: User
    month: str
    correlation_id: str


@dataclass(frozen=True, slots=True)
class SendStatementsCommand:
    month: str


def statement_message_id(user_id: str, month: str) -> str:
    return f"<statement.{month}.{user_id}@statements.billflow>"


class RequestStatements:
    def __init__(self, uow: ExpenseUnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: RequestStatementsCommand) -> str:
        access.require(cmd.actor, Action.SEND_STATEMENTS)
        month_bounds(cmd.month)
        async with self._uow() as uow:
            await uow.outbox.add(
                SendMonthlyStatements(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    month=cmd.month,
                )
            )
            await uow.audit.record(cmd.actor, "statements", cmd.month, "request")
            await uow.commit()
        return cmd.month


FAN_OUT_CHUNK = 1000
"""Recipients' messages recorded per transaction by a fan-out (statements, reminders)."""


class PlanStatements:
    """The planning step of a month's statements: one ``DeliverStatement`` per uploader, recorded
    in the outbox a chunk at a time, so the request's own work is a query and a few inserts
    however many users there are. Handling the request twice fans it out twice, harmlessly: each
    user's statement is sent once (``SendStatement``)."""

    def __init__(
        self, uow: ExpenseUnitOfWorkFactory, ids: IdGenerator, clock: Clock, chunk: int = FAN_OUT_CHUNK
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._chunk = chunk

    async def execute(self, cmd: SendStatementsCommand, correlation_id: str) -> Outcome:
        start, end = month_bounds(cmd.month)
        async with self._uow(read_only=True) as uow:
            user_ids = await uow.expenses.uploaders(start, end)
        for first in range(0, len(user_ids), self._chunk):
            now = self._clock.now()
            async with self._uow() as uow:
                await uow.outbox.add_many(
                    [
                        DeliverStatement(
                            message_id=self._ids.new_id(),
                            occurred_at=now,
                            correlation_id=correlation_id,
                            user_id=user_id,
                            month=cmd.month,
                        )
                        for user_id in user_ids[first : first + self._chunk]
                    ]
                )
                await uow.commit()
        log.info("statements fanned out", extra={"month": cmd.month, "recipients": len(user_ids)})
        return Outcome.DONE if user_ids else Outcome.ALREADY_DONE


class SendStatement:
    """One user's statement of one month (a ``DeliverStatement``): sent once, as the module says;
    a transient failure retries this message only, a permanent one gives it up."""

    def __init__(
        self,
        uow: ExpenseUnitOfWorkFactory,
        writer: ExpenseEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._writer = writer
        self._mailer = mailer
        self._lease = lease_seconds

    async def execute(self, user_id: str, month: str) -> Outcome:
        return Outcome.DONE if await self._send_one(user_id, month) else Outcome.ALREADY_DONE

    async def _send_one(self, user_id: str, month: str) -> int:
        start, end = month_bounds(month)
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                return 0
            expenses = await uow.expenses.list(user_id=user_id, uploaded_from=start, uploaded_before=end)
            claim = await uow.statements.claim(
                user_id, month, statement_message_id(user_id, month), self._lease
            )
            if claim is None:
                if await uow.statements.state(user_id, month) == DeliveryState.ACCEPTED:
                    return 0
                raise TransientFailure("another sender is mailing this statement")
            await uow.commit()
        if claim.takeover:
            log.warning(
                "resending a statement whose earlier attempt ended unconfirmed",
                extra={"user_id": user_id, "month": month, "attempts": claim.attempts},
            )
        email = replace(self._writer.statement(user, month, expenses), message_id=claim.message_id)
        try:
            async with asyncio.timeout(self._lease * 0.8):
                await self._mailer.send(email)
        except (DomainError, TimeoutError) as e:
            async with self._uow() as uow:
                await uow.statements.release(user_id, month)
                await uow.commit()
            if isinstance(e, TimeoutError):
                raise TransientFailure("the mail server did not answer in time") from e
            raise
        async with self._uow() as uow:
            await uow.statements.accepted(user_id, month)
            await uow.commit()
        return 1
