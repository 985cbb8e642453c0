"""Starting a billing run: everybody's invoice for a period (employees), or every client's.

Business rules:
- Only a user whose role may write billing data starts a run (Forbidden otherwise); a run counts
  as one call against the user's invoice-creation quota (RateLimited past it).
- The run is accepted at once, ``planning``, whatever its size: the run and the request to plan
  it (``PlanBillingRun``, for the planner) commit together, and the planner issues the invoices
  (``plan_billing_run``). Nothing here grows with the number of employees or clients.
- An employees' run for a period in which nobody has workdays is refused (InvalidInput); a
  clients' run is accepted and issues what there is to bill (possibly nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from billflow.domain.access import Action
from billflow.domain.contracts import PlanBillingRun
from billflow.domain.errors import InvalidInput
from billflow.domain.model import BillingRun, BillingRunKind, BillingRunStatus, User
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change
from billflow.domain.usecases.quotas import InvoiceCreationQuota


@dataclass(frozen=True, slots=True)
class StartBillingRunCommand:
    period_start: date
    period_end: date
    correlation_id: str
    actor: User
    kind: BillingRunKind = BillingRunKind.EMPLOYEES


class StartBillingRun:
    ACTION: ClassVar[Action] = Action.WRITE_BILLING
    """What the caller's role must allow (an HTTP edge may refuse on it before reading a body)."""

    def __init__(
        self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock, quota: InvoiceCreationQuota
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._quota = quota

    async def execute(self, cmd: StartBillingRunCommand) -> BillingRun:
        await self._quota.admit(cmd.actor, self.ACTION, cmd.period_start, cmd.period_end)
        start, end = cmd.period_start, cmd.period_end
        run = BillingRun(
            id=self._ids.new_id(),
            period_start=start,
            period_end=end,
            invoice_ids=(),
            kind=cmd.kind,
            status=BillingRunStatus.PLANNING,
        )
        async with self._uow() as uow:
            if cmd.kind is BillingRunKind.EMPLOYEES and not await uow.employees.any_with_workdays_between(
                start, end
            ):
                raise InvalidInput("no employee has workdays in this period", field="period_start")
            await uow.billing_runs.add(run)
            await uow.outbox.add(
                PlanBillingRun(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    billing_run_id=run.id,
                )
            )
            await record_change(
                uow.audit,
                cmd.actor,
                "billing_run",
                run.id,
                "start",
                None,
                {"kind": run.kind, "period_start": start, "period_end": end},
            )
            await uow.commit()
        return run
