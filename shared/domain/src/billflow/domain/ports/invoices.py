"""Issued invoices and the billing runs that issued them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

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

    async def claim_client_hours(
        self, invoice_for_client: Mapping[str, str], start: date, end: date
    ) -> dict[str, list[BillableHours]]:
        """Mark every entry in ``start``..``end`` on each client's projects that is on no client
        invoice yet as billed by the invoice id ``invoice_for_client`` gives for the client, and
        return those entries summed per (project, employee), by invoice id (clients with nothing
        to bill are absent). The entries stay locked until the transaction ends; the invoices
        must be added (``add_many``) in the same transaction."""
        ...

    async def employees_with_overlapping(self, start: date, end: date) -> set[str]:
        """The employees who have an invoice whose period overlaps ``start``..``end`` (an invoice
        credited in full no longer counts, here or in ``find_overlapping``)."""
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


class BillingRunRepository(Protocol):
    async def add(self, run: BillingRun) -> None: ...
    async def get(self, run_id: str) -> BillingRun | None: ...
    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]: ...
