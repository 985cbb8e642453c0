"""Issuing client invoices: one client's, or a chunk of a clients' billing run (the planner's).

Business rules (the arithmetic is ``client_billing``'s):
- A client invoice bills every entry in the period on the client's projects that no client
  invoice bills yet; with none, InvalidInput. A second invoice for the same period is therefore a
  catch-up invoice of the hours entered since, and no hour is billed to a client twice: the client
  rows are locked while their hours are claimed, and claiming marks each entry with its invoice.
- An archived client gets no new invoice (InvalidInput naming ``client_id``); a billing run skips
  archived clients and clients with nothing to bill, and lists them (a run with nothing left to
  bill issues nothing, like the employees' run a second time; see ``plan_billing_run``).
- Numbers come from the one gapless ``INV-<year>-<6 digits>`` series both kinds share, allocated in
  the same transaction as the invoices; a run numbers its invoices in client-name order.
- The invoice is a snapshot of the client (name, email, address, VAT id, language), the project
  and employee names, the rates and the timesheet; the due date follows the client's payment terms.
- The RenderInvoice command of each invoice is recorded in the same transaction (the outbox).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from billflow.domain import billing
from billflow.domain.access import Action
from billflow.domain.client_billing import BillableHours, RatedProject, compute_client_totals
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import (
    BilledTo,
    Client,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    Project,
    User,
)
from billflow.domain.model.tax import check_invoice_categories
from billflow.domain.numbering import DEFAULT_INVOICE_NUMBERS, NumberFormat
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import INVOICE_FIELDS, record_changes, summary
from billflow.domain.usecases.company import issuer_now
from billflow.domain.usecases.invoice_drafts import render_command
from billflow.domain.usecases.quotas import InvoiceCreationQuota


@dataclass(frozen=True, slots=True)
class IssueClientInvoiceCommand:
    client_id: str
    period_start: date
    period_end: date
    correlation_id: str
    actor: User


class ClientInvoicing:
    """Issues client invoices; shared by the one-client call and the clients' billing run."""

    def __init__(
        self,
        ids: IdGenerator,
        clock: Clock,
        issuer: Issuer,
        numbers: NumberFormat = DEFAULT_INVOICE_NUMBERS,
    ) -> None:
        self._numbers = numbers
        self._ids = ids
        self._clock = clock
        self._issuer = issuer

    async def issue_for(
        self,
        uow: UnitOfWork,
        clients: Sequence[Client],
        start: date,
        end: date,
        run_id: str | None,
        correlation_id: str,
    ) -> list[Invoice]:
        """Claim the clients' unbilled hours and add an invoice for each client that has some, in
        a fixed number of statements however many clients there are."""
        drafts = {c.id: self._ids.new_id() for c in clients}
        claimed = await uow.invoices.claim_client_hours(drafts, start, end)
        billed = [c for c in sorted(clients, key=lambda c: (c.name, c.id)) if drafts[c.id] in claimed]
        if not billed:
            return []
        projects = {p.id: p for p in await uow.projects.of_clients([c.id for c in billed])}
        hours = [h for c in billed for h in claimed[drafts[c.id]]]
        rates = await uow.members.rates(list({h.project_id for h in hours}))
        names = await uow.employees.names(list({h.employee_id for h in hours}))
        now = self._clock.now()
        first = await uow.invoices.next_number(now.year, len(billed))
        seller = await issuer_now(uow, self._issuer)
        invoices = [
            self._invoice(
                c,
                drafts[c.id],
                claimed[drafts[c.id]],
                projects,
                rates,
                names,
                start,
                end,
                run_id,
                first + n,
                now,
                seller,
            )
            for n, c in enumerate(billed)
        ]
        await uow.invoices.add_many(invoices)
        await uow.outbox.add_many([render_command(self._ids, i, correlation_id, now) for i in invoices])
        return invoices

    def _invoice(
        self,
        client: Client,
        invoice_id: str,
        billable: list[BillableHours],
        projects: Mapping[str, Project],
        rates: Mapping[tuple[str, str], Decimal],
        names: Mapping[str, str],
        start: date,
        end: date,
        run_id: str | None,
        number: int,
        now: datetime,
        seller: Issuer,
    ) -> Invoice:
        totals = compute_client_totals(billable, _rated(projects, billable), rates, names, client.currency)
        check_invoice_categories({t.category for t in totals.taxes}, client.vat_id)
        issue_date = now.date()
        return Invoice(
            id=invoice_id,
            number=self._numbers.format(issue_date.year, number),
            status=InvoiceStatus.PENDING,
            period_start=start,
            period_end=end,
            issue_date=issue_date,
            due_date=billing.due_date(issue_date, client.payment_terms_days),
            currency=client.currency,
            lines=totals.lines,
            subtotal=totals.subtotal,
            tax_rate=totals.single_tax_rate,
            tax=totals.tax,
            total=totals.total,
            issuer=seller,
            billed_to=BilledTo(
                name=client.name,
                email=client.email,
                address=client.address,
                vat_id=client.vat_id,
                language=client.language,
                buyer_reference=client.buyer_reference,
                electronic_address=client.electronic_address,
            ),
            kind=InvoiceKind.CLIENT,
            client_id=client.id,
            taxes=totals.taxes,
            billing_run_id=run_id,
        )


def _rated(projects: Mapping[str, Project], billable: Sequence[BillableHours]) -> dict[str, RatedProject]:
    rated: dict[str, RatedProject] = {}
    for project_id in {h.project_id for h in billable}:
        project = projects.get(project_id)
        if project is None or project.hourly_rate is None:
            # Hours are claimed through the project's client, and a client's project has a rate
            # (a CHECK constraint): this cannot happen, so say so loudly if it does.
            raise NotFound("a billed project has no rate to the client")
        rated[project_id] = RatedProject(
            project.id,
            project.name,
            project.hourly_rate,
            project.tax_rate,
            project.tax_category,
            project.exemption_reason,
            project.exemption_code,
        )
    return rated


async def _audit_issued(uow: UnitOfWork, actor: User, invoices: Sequence[Invoice]) -> None:
    await record_changes(
        uow.audit, actor, "invoice", "issue", [(i.id, None, summary(i, INVOICE_FIELDS)) for i in invoices]
    )


class IssueClientInvoice:
    """One client's invoice for a period: admin and accountant only, within their quota."""

    ACTION: ClassVar[Action] = Action.WRITE_BILLING
    """What the caller's role must allow (an HTTP edge may refuse on it before reading a body)."""

    def __init__(
        self, uow: UnitOfWorkFactory, invoicing: ClientInvoicing, quota: InvoiceCreationQuota
    ) -> None:
        self._uow = uow
        self._invoicing = invoicing
        self._quota = quota

    async def execute(self, cmd: IssueClientInvoiceCommand) -> Invoice:
        await self._quota.admit(cmd.actor, self.ACTION, cmd.period_start, cmd.period_end)
        async with self._uow() as uow:
            client = await uow.clients.get_for_update(cmd.client_id)
            if client is None:
                raise InvalidInput("no such client", field="client_id")
            if client.archived:
                raise InvalidInput("the client is archived", field="client_id")
            invoices = await self._invoicing.issue_for(
                uow, [client], cmd.period_start, cmd.period_end, None, cmd.correlation_id
            )
            if not invoices:
                raise InvalidInput("the client has no unbilled hours in this period", field="period_start")
            await _audit_issued(uow, cmd.actor, invoices)
            await uow.commit()
        return invoices[0]
