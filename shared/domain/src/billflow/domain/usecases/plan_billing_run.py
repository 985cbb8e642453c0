"""Planning a billing run: issuing its invoices a chunk at a time (the planner's use case).

Business rules:
- A chunk is one transaction: up to ``chunk_size`` employees (in id order) or clients (in
  (name, id) order) after where planning stopped, locked; their invoices with gapless numbers
  (one block per chunk, allocated in the chunk's transaction) and each invoice's RenderInvoice
  in the outbox; whom the chunk skipped; and the new cursor. A crash loses at most the chunk in
  flight, which rolls back whole: the next planner resumes at the cursor, so no invoice is issued
  twice and none is missing.
- The run's row is locked for the chunk, so two planners of one run (a redelivery, a
  continuation) take turns and never plan the same subjects.
- As in a single invoice: an employee with an invoice overlapping the period is skipped (checked
  after the employee is locked, so a concurrent run or invoice that billed them first wins);
  a client's hours are claimed entry by entry (``ClientInvoicing``), archived clients and
  clients with nothing to bill are skipped.
- A planner works within a time budget per message (Lambda-safe): when it runs out with work
  left, the chunk that used it up also records a ``PlanBillingRun`` to go on, in its transaction.
- The chunk that finds nothing more marks the run ``issued``.
- A run's first chunk is small (``first_chunk_size``, at most ``chunk_size``): its render
  commands reach the pdf-worker, and the first emails leave, while the rest is planned.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from billflow.domain.contracts import PlanBillingRun
from billflow.domain.model import BillingRun, BillingRunKind, Invoice
from billflow.domain.ports.invoices import PlanningCursor
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import INVOICE_FIELDS, record_changes, summary
from billflow.domain.usecases.client_invoices import ClientInvoicing
from billflow.domain.usecases.invoice_drafts import EmployeeInvoicing
from billflow.domain.usecases.render_invoice import Outcome

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 500
DEFAULT_FIRST_CHUNK_SIZE = 50
DEFAULT_BUDGET_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class PlanBillingRunCommand:
    billing_run_id: str
    correlation_id: str


@dataclass(frozen=True, slots=True)
class _Chunk:
    issued: int
    skipped: Sequence[str]
    cursor: PlanningCursor | None
    last: bool


class PlanBillingRunInChunks:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        employees: EmployeeInvoicing,
        clients: ClientInvoicing,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        first_chunk_size: int = DEFAULT_FIRST_CHUNK_SIZE,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._employees = employees
        self._clients = clients
        self._chunk = chunk_size
        self._first = min(first_chunk_size, chunk_size)
        self._budget = timedelta(seconds=budget_seconds)

    async def execute(self, cmd: PlanBillingRunCommand) -> Outcome:
        deadline = self._clock.now() + self._budget
        chunks = 0
        while True:
            async with self._uow() as uow:
                planning = await uow.billing_runs.lock_planning(cmd.billing_run_id)
                if planning is None:  # issued already (a redelivery), or no such run
                    return Outcome.DONE if chunks else Outcome.ALREADY_DONE
                run = planning.run
                planned = run.planned
                if planned is None:
                    planned = await uow.billing_runs.count_candidates(run)
                size = self._first if planning.cursor is None else self._chunk
                chunk = await self._plan_chunk(uow, run, planning.cursor, size, cmd.correlation_id)
                out_of_time = not chunk.last and self._clock.now() >= deadline
                if out_of_time:
                    await uow.outbox.add(
                        PlanBillingRun(
                            message_id=self._ids.new_id(),
                            occurred_at=self._clock.now(),
                            correlation_id=cmd.correlation_id,
                            billing_run_id=run.id,
                        )
                    )
                await uow.billing_runs.advance(
                    run.id, planned=planned, cursor=chunk.cursor, skipped=chunk.skipped, issued=chunk.last
                )
                await uow.commit()
            chunks += 1
            log.info(
                "billing run chunk issued",
                extra={"billing_run_id": run.id, "invoices": chunk.issued, "skipped": len(chunk.skipped)},
            )
            if chunk.last:
                log.info("billing run issued", extra={"billing_run_id": run.id, "chunks": chunks})
                return Outcome.DONE
            if out_of_time:
                log.info("billing run planning continues", extra={"billing_run_id": run.id, "chunks": chunks})
                return Outcome.DONE

    async def _plan_chunk(
        self, uow: UnitOfWork, run: BillingRun, cursor: PlanningCursor | None, size: int, correlation_id: str
    ) -> _Chunk:
        start, end = run.period_start, run.period_end
        if run.kind is BillingRunKind.CLIENTS:
            clients = await uow.clients.lock_page((cursor.name, cursor.id) if cursor else None, size)
            active = [c for c in clients if not c.archived]
            invoices = await self._clients.issue_for(uow, active, start, end, run.id, correlation_id)
            await _audit_issued(uow, invoices)
            billed = {i.client_id for i in invoices}
            return _Chunk(
                issued=len(invoices),
                skipped=[c.id for c in clients if c.id not in billed],
                cursor=PlanningCursor(clients[-1].name, clients[-1].id) if clients else cursor,
                last=len(clients) < size,
            )
        employees = await uow.employees.with_workdays_between(
            start, end, after=cursor.id if cursor else None, limit=size
        )
        overlapping = await uow.invoices.employees_with_overlapping(
            start, end, among=[e.id for e in employees]
        )
        to_bill = [e for e in employees if e.id not in overlapping]
        invoices = await self._employees.issue_for(uow, to_bill, start, end, run.id, correlation_id)
        await _audit_issued(uow, invoices)
        return _Chunk(
            issued=len(invoices),
            skipped=[e.id for e in employees if e.id in overlapping],
            cursor=PlanningCursor("", employees[-1].id) if employees else cursor,
            last=len(employees) < size,
        )


async def _audit_issued(uow: UnitOfWork, invoices: Sequence[Invoice]) -> None:
    """The trail's entry of each invoice a chunk issues, in the chunk's transaction; the planner
    acts for nobody in particular (``system``): the run's own entry names who started it."""
    await record_changes(
        uow.audit, None, "invoice", "issue", [(i.id, None, summary(i, INVOICE_FIELDS)) for i in invoices]
    )
