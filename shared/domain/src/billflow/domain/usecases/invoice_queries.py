"""Reading invoices and billing runs, and handing out download links.

Business rules:
- A download link exists only once the PDF is rendered (NotReady before); it is pre-signed, lives
  at most 15 minutes and names the file ``<number>.pdf``.
- Who reads what is ``access``'s rule: an employee user sees only their own employee's invoices and
  links; anybody else's invoice is NotFound, exactly like one that does not exist. The check is
  made before any URL is signed. Billing runs are for those who may read all billing data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import NotFound, NotReady
from billflow.domain.model import BillingRun, Invoice, InvoiceKind, InvoiceStatus, PaymentStatus, User
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.pagination import MAX_PAGE, Page
from billflow.domain.ports.system import Clock
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import HistoryLine, history

DOWNLOAD_LINK_SECONDS = 15 * 60
__all__ = ["DOWNLOAD_LINK_SECONDS", "MAX_PAGE", "BillingRunProgress", "DownloadLink", "InvoiceQueries"]


@dataclass(frozen=True, slots=True)
class DownloadLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class BillingRunProgress:
    run: BillingRun
    counts: dict[InvoiceStatus, int]


class InvoiceQueries:
    def __init__(self, uow: UnitOfWorkFactory, documents: DocumentStore, clock: Clock) -> None:
        self._uow = uow
        self._documents = documents
        self._clock = clock

    async def get(self, invoice_id: str, *, actor: User) -> Invoice:
        scope = access.employee_scope(actor)
        async with self._uow(read_only=True) as uow:
            invoice = await uow.invoices.get(invoice_id)
        if invoice is None or (scope is not None and invoice.employee_id != scope):
            raise NotFound("no such invoice")
        return invoice

    async def list(
        self,
        *,
        actor: User,
        employee_id: str | None = None,
        status: InvoiceStatus | None = None,
        limit: int = 50,
        cursor: str | None = None,
        period: tuple[date, date] | None = None,
        client_id: str | None = None,
        kind: InvoiceKind | None = None,
        payment_status: PaymentStatus | None = None,
        overdue: bool = False,
    ) -> Page[Invoice]:
        """A page of the invoices ``actor`` may see, newest first; ``period`` keeps those whose
        period overlaps it, ``overdue`` those with a balance due past their due date today. An
        employee user sees only their own employee invoices."""
        scope = access.employee_scope(actor)
        if scope is not None:
            if employee_id not in (None, scope):
                return Page(items=[], next_cursor=None)
            employee_id = scope
        async with self._uow(read_only=True) as uow:
            return await uow.invoices.list(
                employee_id=employee_id,
                status=status,
                limit=min(limit, MAX_PAGE),
                cursor=cursor,
                period=period,
                client_id=client_id,
                kind=kind,
                payment_status=payment_status,
                overdue_on=self._clock.now().date() if overdue else None,
            )

    async def history(self, invoice_id: str, *, actor: User) -> Sequence[HistoryLine]:
        """Who did what to the invoice, oldest first: for those who read all billing data (an
        employee sees their own invoice, not who handled it)."""
        invoice = await self.get(invoice_id, actor=actor)
        if not access.may(actor, Action.READ_BILLING):
            return []
        async with self._uow(read_only=True) as uow:
            return await history(uow, "invoice", invoice.id)

    async def download_link(self, invoice_id: str, *, actor: User) -> DownloadLink:
        invoice = await self.get(invoice_id, actor=actor)
        if invoice.pdf_key is None:
            raise NotReady(f"invoice {invoice.number} has not been rendered yet")
        expires_at = self._clock.now() + timedelta(seconds=DOWNLOAD_LINK_SECONDS)
        url = await self._documents.download_url(
            invoice.pdf_key, f"{invoice.number}.pdf", DOWNLOAD_LINK_SECONDS
        )
        return DownloadLink(url=url, expires_at=expires_at)

    async def billing_run(self, run_id: str, *, actor: User) -> BillingRunProgress:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            run = await uow.billing_runs.get(run_id)
            if run is None:
                raise NotFound("no such billing run")
            counts = await uow.billing_runs.status_counts(run_id)
        return BillingRunProgress(run=run, counts={s: counts.get(s, 0) for s in InvoiceStatus})
