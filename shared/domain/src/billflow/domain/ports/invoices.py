"""Issued invoices and the billing runs that issued them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.client_billing import BillableHours
from billflow.domain.model import BillingRun, EInvoiceKeys, Invoice, InvoiceKind, InvoiceStatus, PaymentStatus
from billflow.domain.ports.pagination import Page


class InvoiceRepository(Protocol):
    async def next_number(self, year: int, count: int = 1) -> int:
        """Allocate the next ``count`` sequence numbers of ``year``; return the first.

        Gapless: the allocation is part of the caller's transaction and is undone with it.
        """
        ...

    async def add(self, invoice: Invoice) -> None: ...
    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        """Insert the invoices with their lines and taxes (a billing run's, in a few statements),
        and lock the time they bill: an employee invoice's workdays in its period, a client
        invoice's entries claimed by ``claim_client_hours`` (copied as its timesheet)."""
        ...

    async def add_with_workday_lines(
        self, invoices: Sequence[Invoice], pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        """Insert employee invoices given without lines (with their taxes), then write each one's
        lines from its employee's workdays in ``start``..``end`` that no employee invoice bills
        yet, priced as ``pricing`` (one per invoice) says, marking those workdays billed by it: a
        billing run's chunk in a fixed number of statements, the lines never leaving the store.
        Returns what it wrote, by invoice id (the caller checks it against what it totalled)."""
        ...

    async def claim_client_hours(
        self, invoice_for_client: Mapping[str, str], start: date, end: date
    ) -> dict[str, list[BillableHours]]:
        """Mark every entry in ``start``..``end`` on each client's projects that is on no client
        invoice yet as billed by the invoice id ``invoice_for_client`` gives for the client, and
        return those entries summed per (project, employee), by invoice id (clients with nothing
        to bill are absent). The entries stay locked until the transaction ends; the invoices
        must be added (``add_many``) in the same transaction."""
        ...

    async def employees_with_overlapping(
        self, start: date, end: date, among: Sequence[str] | None = None
    ) -> set[str]:
        """The employees (of ``among``, when given) who have an invoice whose period overlaps
        ``start``..``end`` (an invoice credited in full no longer counts, here or in
        ``find_overlapping``)."""
        ...

    async def get(self, invoice_id: str) -> Invoice | None:
        """The invoice with its payments and the reminders the mail server accepted."""
        ...

    async def get_for_update(self, invoice_id: str) -> Invoice | None:
        """``get``, locking the invoice's row until the transaction ends: its money changes
        (payments, credit notes) are serialised behind it."""
        ...

    async def settle(
        self, invoice_id: str, status: PaymentStatus, amount_paid: Decimal, amount_credited: Decimal
    ) -> bool:
        """Store the invoice's money: the amounts and the status derived from them, guarded by
        ``PAYMENT_LIFECYCLE`` (``WHERE payment_status IN`` the sources of ``status``, or already
        ``status``). False, changing nothing, when the move is not allowed."""
        ...

    async def release_entries(self, invoice_id: str) -> int:
        """Unlock the time entries the invoice billed (a full credit note): they may be edited
        and billed again. Returns how many."""
        ...

    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None: ...
    async def list(
        self,
        *,
        employee_id: str | None,
        status: InvoiceStatus | None,
        limit: int,
        cursor: str | None,
        period: tuple[date, date] | None = None,
        client_id: str | None = None,
        kind: InvoiceKind | None = None,
        payment_status: PaymentStatus | None = None,
        overdue_on: date | None = None,
    ) -> Page[Invoice]:
        """Newest number first; ``period`` keeps the invoices whose period overlaps it,
        ``overdue_on`` those with a balance due whose due date is before that day."""
        ...

    async def reopen(self, invoice_id: str) -> bool:
        """The life cycle's ``RETRY`` (``failed -> pending``), clearing the reason and counting the
        retry. False, changing nothing, when the invoice is in none of ``RETRY.sources``."""
        ...

    async def transition(
        self,
        invoice_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        """Guarded status change: moves the invoice to ``target`` only from a status allowed to
        reach it in ``INVOICE_LIFECYCLE`` (``UPDATE ... WHERE status IN (...)``). Returns False,
        changing nothing, when the invoice is not in such a status (a redelivered message, a
        concurrent worker)."""
        ...


@dataclass(frozen=True, slots=True)
class PlanningCursor:
    """Where a run's planning stopped: the last subject it planned, by its sort key. Employees
    are planned in id order (``name`` is empty), clients in (name, id) order."""

    name: str
    id: str


@dataclass(frozen=True, slots=True)
class RunPlanning:
    """A run being planned, locked by the planner that holds it."""

    run: BillingRun
    cursor: PlanningCursor | None
    """None before the first chunk."""


class BillingRunRepository(Protocol):
    async def add(self, run: BillingRun) -> None: ...
    async def get(self, run_id: str) -> BillingRun | None:
        """The run; its ``invoice_ids`` and ``skipped_ids`` only once it is issued."""
        ...

    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]: ...
    async def lock_planning(self, run_id: str) -> RunPlanning | None:
        """The run and where its planning stopped, locked until the transaction ends, so two
        planners of one run take turns; None when there is no such run or it is issued."""
        ...

    async def count_candidates(self, run: BillingRun) -> int:
        """How many invoices the run would issue if nothing changed: employees with workdays in
        the period and no overlapping invoice; or active clients with unbilled hours."""
        ...

    async def advance(
        self,
        run_id: str,
        *,
        planned: int,
        cursor: PlanningCursor | None,
        skipped: Sequence[str],
        issued: bool,
    ) -> None:
        """Record a chunk (in its transaction): the count planned, the new cursor, whom the chunk
        skipped, and whether planning is over (the run becomes ``issued``)."""
        ...
