"""Invoices and billing runs."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from billflow.api.auth import refuses_early
from billflow.api.ids import parse_id
from billflow.api.routes.common import correlation_id, known_id, referenced_id
from billflow.api.routes.exports import csv_response, wants_csv
from billflow.api.schemas import (
    BillingRunIn,
    BillingRunOut,
    BillingRunProgressOut,
    DownloadOut,
    InvoiceIn,
    InvoiceOut,
    InvoicePage,
    StatusCounts,
)
from billflow.api.services import Services
from billflow.domain.errors import InvalidInput
from billflow.domain.model import BillingRunKind, Invoice, InvoiceKind, InvoiceStatus, PaymentStatus, User
from billflow.domain.money import at_minor_unit
from billflow.domain.ports.pagination import Page
from billflow.domain.usecases.client_invoices import IssueClientInvoiceCommand
from billflow.domain.usecases.einvoice_links import parse_format
from billflow.domain.usecases.invoice_queries import MAX_PAGE
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.retry_invoice import RetryInvoiceCommand
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand

log = logging.getLogger(__name__)


class InvoiceController(Controller):
    path = "/v1/invoices"
    tags = ["invoices"]

    @post(
        guards=[refuses_early(IssueInvoice)],
        status_code=HTTP_202_ACCEPTED,
        summary="Issue an employee's or a client's invoice for a period",
        description="With `employee_id`: the employee's workdays, billed to the employee (409 names "
        "the existing invoice when the period overlaps one). With `client_id`: every entry in the "
        "period on the client's projects that no client invoice bills yet, billed to the client "
        "(422 when there is none). Computed and numbered at once; rendering and emailing follow "
        "asynchronously (watch `status`).",
    )
    async def issue(
        self, data: JSONBody[InvoiceIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> InvoiceOut:
        if (data.employee_id is None) == (data.client_id is None):
            raise InvalidInput("give either employee_id or client_id", field="employee_id")
        if data.client_id is not None:
            client_id = referenced_id(data.client_id, "client_id", "client")
            invoice = await services.issue_client_invoice.execute(
                IssueClientInvoiceCommand(
                    client_id, data.period_start, data.period_end, correlation_id(request), request.user
                )
            )
        else:
            assert data.employee_id is not None
            invoice = await services.issue_invoice.execute(
                IssueInvoiceCommand(
                    referenced_id(data.employee_id, "employee_id", "employee"),
                    data.period_start,
                    data.period_end,
                    correlation_id(request),
                    request.user,
                )
            )
        log.info("invoice issued", extra={"invoice_id": invoice.id, "number": invoice.number})
        await services.metrics.invoice("issued")
        return InvoiceOut.of(invoice)

    @get(
        summary="List invoices, newest first",
        description="`Accept: text/csv` gives the same page as CSV (one row per invoice), the next "
        "page's cursor in the `X-Next-Cursor` header.",
    )
    async def list_page(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        employee_id: FromQuery[str | None] = None,
        client_id: FromQuery[str | None] = None,
        kind: FromQuery[InvoiceKind | None] = None,
        status: FromQuery[InvoiceStatus | None] = None,
        payment_status: FromQuery[PaymentStatus | None] = None,
        overdue: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Response[Any]:
        employee, client = _filter_id(employee_id), _filter_id(client_id)
        if employee == "" or client == "":  # an id nobody can have
            page: Page[Invoice] = Page(items=[], next_cursor=None)
        else:
            page = await services.invoices.list(
                actor=request.user,
                employee_id=employee,
                client_id=client,
                kind=kind,
                status=status,
                limit=limit,
                cursor=cursor,
                payment_status=payment_status,
                overdue=overdue,
            )
        if wants_csv(request):
            listed = csv_response(invoices_csv(page.items), "invoices.csv")
            if page.next_cursor:
                listed.headers["X-Next-Cursor"] = page.next_cursor
            return listed
        return Response(
            InvoicePage(items=[InvoiceOut.of(i) for i in page.items], next_cursor=page.next_cursor)
        )

    @get("/{invoice_id:str}", summary="Get an invoice and its status")
    async def get_one(
        self, invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> InvoiceOut:
        return InvoiceOut.of(await services.invoices.get(known_id(invoice_id, "invoice"), actor=request.user))

    @post(
        "/{invoice_id:str}/retry",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a failed invoice through rendering and delivery again",
        description="Only a `failed` invoice can be retried (409 otherwise); an email the mail "
        "server already accepted is never sent twice.",
    )
    async def retry(
        self, invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> InvoiceOut:
        invoice = await services.retry.execute(
            RetryInvoiceCommand(known_id(invoice_id, "invoice"), correlation_id(request), request.user)
        )
        log.info("invoice retried", extra={"invoice_id": invoice.id, "number": invoice.number})
        await services.metrics.invoice("retried")
        return InvoiceOut.of(invoice)

    @get(
        "/{invoice_id:str}/pdf",
        summary="A short-lived download link for the invoice PDF",
        description="A pre-signed S3 URL valid for 15 minutes; 409 until the PDF is rendered.",
    )
    async def pdf(
        self, invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> DownloadOut:
        link = await services.invoices.download_link(known_id(invoice_id, "invoice"), actor=request.user)
        return DownloadOut(url=link.url, expires_at=link.expires_at)

    @get(
        "/{invoice_id:str}/einvoice",
        summary="A short-lived download link for the invoice's e-invoice (UBL or CII)",
        description="`format=ubl` (UBL 2.1; Peppol BIS Billing 3.0 for a Peppol participant) or "
        "`format=cii` (the CII embedded in the Factur-X PDF): a pre-signed S3 URL valid for 15 "
        "minutes. 404 for an employee invoice and until the invoice is rendered (the problem says "
        "which); 422 for another format.",
    )
    async def einvoice(
        self,
        invoice_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        format: FromQuery[str | None] = None,
    ) -> DownloadOut:
        fmt = parse_format(format)
        link = await services.einvoices.of_invoice(known_id(invoice_id, "invoice"), fmt, actor=request.user)
        return DownloadOut(url=link.url, expires_at=link.expires_at)


class BillingRunController(Controller):
    path = "/v1/billing-runs"
    tags = ["invoices"]

    @post(
        guards=[refuses_early(StartBillingRun)],
        status_code=HTTP_202_ACCEPTED,
        summary="Invoice every employee with workdays in a period, or every client",
        description="Accepted at once whatever the size (202, `status: planning`, nothing issued "
        "yet); a planner issues the invoices in chunks, then the run is `issued` (poll "
        "`GET /v1/billing-runs/{id}`). `kind: employees` (the default): employees who already have "
        "an invoice overlapping the period are skipped and listed; a period in which nobody has "
        "workdays is refused (422). `kind: clients`: every active client with unbilled hours in "
        "the period is invoiced; archived clients and those with nothing to bill are skipped and "
        "listed.",
    )
    async def start(
        self,
        data: JSONBody[BillingRunIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> BillingRunOut:
        run = await services.start_billing_run.execute(
            StartBillingRunCommand(
                data.period_start, data.period_end, correlation_id(request), request.user, data.kind
            )
        )
        log.info("billing run accepted", extra={"billing_run_id": run.id, "kind": run.kind.value})
        return BillingRunOut(
            id=run.id,
            period_start=run.period_start,
            period_end=run.period_end,
            invoice_ids=[],
            kind=run.kind,
            status=run.status,
            planned=run.planned,
            issued=0,
        )

    @get("/{run_id:str}", summary="A billing run's progress: its status, invoices issued and per status")
    async def progress(
        self, run_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> BillingRunProgressOut:
        p = await services.invoices.billing_run(known_id(run_id, "billing run"), actor=request.user)
        clients = p.run.kind is BillingRunKind.CLIENTS
        return BillingRunProgressOut(
            id=p.run.id,
            period_start=p.run.period_start,
            period_end=p.run.period_end,
            invoice_ids=list(p.run.invoice_ids),
            counts=StatusCounts(**{s.value: n for s, n in p.counts.items()}),
            kind=p.run.kind,
            status=p.run.status,
            planned=p.run.planned,
            issued=sum(p.counts.values()),
            skipped_employee_ids=[] if clients else list(p.run.skipped_ids),
            skipped_client_ids=list(p.run.skipped_ids) if clients else [],
        )


def _filter_id(value: str | None) -> str | None:
    """A list filter's id: None for no filter, "" for one no record can have (an empty page)."""
    if value is None:
        return None
    return parse_id(value) or ""


_INVOICE_COLUMNS = (
    "number",
    "kind",
    "status",
    "payment_status",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "billed_to",
    "currency",
    "subtotal",
    "tax",
    "total",
    "amount_credited",
    "amount_paid",
    "balance_due",
)


def invoices_csv(invoices: Sequence[Invoice]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_INVOICE_COLUMNS)
    for i in invoices:
        c = i.currency
        writer.writerow(
            [
                i.number,
                i.kind.value,
                i.status.value,
                i.payment_status.value,
                i.issue_date.isoformat(),
                i.due_date.isoformat(),
                i.period_start.isoformat(),
                i.period_end.isoformat(),
                i.billed_to.name,
                c,
                *(
                    at_minor_unit(a, c)
                    for a in (i.subtotal, i.tax, i.total, i.amount_credited, i.amount_paid)
                ),
                at_minor_unit(i.balance_due, c),
            ]
        )
    return out.getvalue()
