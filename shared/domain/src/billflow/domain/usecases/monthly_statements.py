"""The monthly statement of expenses: asked for (API, schedule), then mailed (the emailer).

Business rules:
- A statement covers the expenses *uploaded* in one calendar month (UTC). Every user who uploaded
  at least one that month gets exactly one email: their expenses, totals per currency (failed
  ones listed without an amount), and a CSV of the same rows attached.
- Once per user and month: before talking to the mail server the sender claims the (user, month)
  delivery; an accepted statement is never sent again, a live claim of another sender is waited
  for, and an abandoned one is taken over after its lease (the same window as invoice emails, see
  docs/delivery-guarantees.md). Every attempt carries the same Message-ID.
- One user's failure does not hold back the others: everyone else is mailed, then a transient
  failure makes the whole request retry (those already mailed are skipped); a permanent one (an
  address the server refuses) is logged and released.
- Only an admin asks for statements by hand (``RequestStatements``); the schedule asks on the 1st
  for the month before.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.contracts import SendMonthlyStatements
from billflow.domain.errors import DomainError, PermanentFailure, TransientFailure
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


class StatementsPending(TransientFailure):
    """Some statements of the month could not be sent yet: retry the request later."""


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


class SendStatements:
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

    async def execute(self, cmd: SendStatementsCommand) -> Outcome:
        start, end = month_bounds(cmd.month)
        async with self._uow(read_only=True) as uow:
            user_ids = await uow.expenses.uploaders(start, end)
        sent, pending = 0, 0
        for user_id in user_ids:
            try:
                sent += await self._send_one(user_id, cmd.month)
            except PermanentFailure as e:
                log.error(
                    "statement refused", extra={"user_id": user_id, "month": cmd.month, "reason": e.detail}
                )
            except TransientFailure as e:
                log.warning(
                    "statement deferred", extra={"user_id": user_id, "month": cmd.month, "reason": e.detail}
                )
                pending += 1
        if pending:
            raise StatementsPending(
                f"{pending} of {len(user_ids)} statements of {cmd.month} are not sent yet"
            )
        return Outcome.DONE if sent else Outcome.ALREADY_DONE

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
