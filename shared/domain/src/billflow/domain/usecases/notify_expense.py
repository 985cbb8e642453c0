"""Telling an uploader what was read from their expense (the emailer's use case).

Business rules:
- Sent once the expense is read (``extracted``, ``needs_review``) or ``failed``; an expense whose
  notification is recorded is not notified again (a redelivered command is a no-op).
- The email goes to the uploader's address, with a Message-ID that is the same on every attempt,
  so a rare second copy (the process died between the server's OK and the record) is recognisable
  as a duplicate by mail clients.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from billflow.domain.errors import NotFound
from billflow.domain.expenses.expense import ExpenseStatus
from billflow.domain.ports.expenses import ExpenseEmailWriter, ExpenseUnitOfWorkFactory
from billflow.domain.ports.mail import Mailer
from billflow.domain.usecases.render_invoice import Outcome


@dataclass(frozen=True, slots=True)
class NotifyExpenseCommand:
    expense_id: str


def confirmation_message_id(expense_id: str) -> str:
    return f"<expense.{expense_id}@expenses.billflow>"


class NotifyUploader:
    def __init__(self, uow: ExpenseUnitOfWorkFactory, writer: ExpenseEmailWriter, mailer: Mailer) -> None:
        self._uow = uow
        self._writer = writer
        self._mailer = mailer

    async def execute(self, cmd: NotifyExpenseCommand) -> Outcome:
        async with self._uow() as uow:
            expense = await uow.expenses.get(cmd.expense_id)
            if expense is None:
                raise NotFound(f"expense {cmd.expense_id} does not exist")
            if expense.notified_at is not None or expense.status is ExpenseStatus.PROCESSING:
                return Outcome.ALREADY_DONE
            user = await uow.users.get(expense.user_id)
        if user is None:
            raise NotFound("the uploader no longer exists")
        email = replace(
            self._writer.confirmation(user, expense), message_id=confirmation_message_id(expense.id)
        )
        await self._mailer.send(email)
        async with self._uow() as uow:
            recorded = await uow.expenses.mark_notified(expense.id)
            await uow.commit()
        return Outcome.DONE if recorded else Outcome.ALREADY_DONE
