"""Invoices of both kinds: the filtered list, one invoice with its live status, issuing one (to an
employee or to a client), retrying, the PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from billflow.api.auth import refuses_early
from billflow.api.routes.common import correlation_id, known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.api.web.pages.invoice_money import SETTLED, detail, today
from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, InvoiceOverlap
from billflow.domain.model import Client, Employee, InvoiceKind, InvoiceStatus, PaymentStatus, User
from billflow.domain.usecases.client_invoices import IssueClientInvoiceCommand
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.retry_invoice import RetryInvoice, RetryInvoiceCommand

PAGE_SIZE = 20


async def _employees(services: Services, user: User) -> list[Employee]:
    if not access.may(user, Action.READ_BILLING):
        return []
    return list(await services.organisation.employees(actor=user))


async def _clients(services: Services, user: User, *, include_archived: bool = True) -> list[Client]:
    """Clients, for those who may see client invoices (an employee user sees none)."""
    if not access.may(user, Action.READ_BILLING):
        return []
    return list(await services.clients.list(actor=user, include_archived=include_archived))


@get("/invoices")
async def invoices(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    employee_id: FromQuery[str | None] = None,
    client_id: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    period_from: FromQuery[str | None] = None,
    period_to: FromQuery[str | None] = None,
    payment_status: FromQuery[str | None] = None,
    overdue: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    user = actor(request)
    form = Form(
        values={
            "kind": kind or "",
            "client_id": client_id or "",
            "employee_id": employee_id or "",
            "status": status or "",
            "period_from": period_from or "",
            "period_to": period_to or "",
            "payment_status": payment_status or "",
            "overdue": "1" if overdue else "",
        }
    )
    start = form.day("period_from") if period_from else date.min
    end = form.day("period_to") if period_to else date.max
    if start and end and start > end:
        form.errors["period_to"] = "The end comes before the start."
    wanted_status = InvoiceStatus(status) if status in set(InvoiceStatus) else None
    wanted_kind = InvoiceKind(kind) if kind in set(InvoiceKind) else None
    wanted_money = PaymentStatus(payment_status) if payment_status in set(PaymentStatus) else None
    employee = form.reference("employee_id", "an employee") if employee_id else None
    client = form.reference("client_id", "a client") if client_id else None
    items, next_cursor = [], None
    if form.ok:
        period = (start, end) if (period_from or period_to) and start and end else None
        found = await services.invoices.list(
            actor=user,
            employee_id=employee,
            status=wanted_status,
            limit=PAGE_SIZE,
            cursor=cursor[:200] if cursor else None,
            period=period,
            client_id=client,
            kind=wanted_kind,
            payment_status=wanted_money,
            overdue=bool(overdue),
        )
        items, next_cursor = list(found.items), found.next_cursor
    query = urlencode({k: v for k, v in form.values.items() if v})
    return page(
        "invoices/list.html",
        status=200 if form.ok else 422,
        invoices=items,
        next_url=f"/app/invoices?{query}&{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        first_url=f"/app/invoices?{query}" if cursor else None,
        form=form,
        employees=await _employees(services, user),
        clients=await _clients(services, user),
        kinds=list(InvoiceKind),
        statuses=list(InvoiceStatus),
        payment_statuses=list(PaymentStatus),
        today=today(),
        filtered=any(form.values.values()),
    )


def _last_month() -> tuple[date, date]:
    end = date.today().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


async def _new_form(
    services: Services,
    user: User,
    form: Form,
    status: int = 200,
    overlap: InvoiceOverlap | None = None,
) -> Template:
    for_client = form.get("kind") == InvoiceKind.CLIENT
    return page(
        "invoices/new.html",
        status=status,
        form=form,
        for_client=for_client,
        employees=[] if for_client else await _employees(services, user),
        clients=await _clients(services, user, include_archived=False) if for_client else [],
        overlap=overlap,
    )


@get("/invoices/new", guards=[refuses_early(IssueInvoice)])
async def new_invoice(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    employee_id: FromQuery[str | None] = None,
    client_id: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
) -> Template:
    """To an employee (``employee_id``), or to a client (``kind=client``, ``client_id``)."""
    start, end = _last_month()
    billed = {"client_id": client_id or "", "kind": "client"} if client_id or kind == "client" else {}
    form = Form(
        values={
            "employee_id": employee_id or "",
            "period_start": str(start),
            "period_end": str(end),
            **billed,
        }
    )
    return await _new_form(services, actor(request), form)


@post("/invoices")
async def issue(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    user = actor(request)
    form = await read_form(request)
    for_client = form.get("kind") == InvoiceKind.CLIENT
    billed_id = (
        form.reference("client_id", "a client")
        if for_client
        else form.reference("employee_id", "an employee")
    )
    start, end = form.day("period_start"), form.day("period_end")
    overlap = None
    if form.ok and start and end:
        try:
            if for_client:
                invoice = await services.issue_client_invoice.execute(
                    IssueClientInvoiceCommand(billed_id, start, end, correlation_id(request), user)
                )
            else:
                invoice = await services.issue_invoice.execute(
                    IssueInvoiceCommand(billed_id, start, end, correlation_id(request), user)
                )
        except InvoiceOverlap as e:
            overlap = e
            form.errors["period_start"] = f"Invoice {e.existing_number} already covers part of this period."
        except InvalidInput as e:
            form.reject(e, "period_start")
        else:
            await services.metrics.invoice("issued")
            return see_other(f"/app/invoices/{invoice.id}")
    return await _new_form(services, user, form, 422, overlap=overlap)


@get("/invoices/{invoice_id:str}")
async def invoice(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    return await detail(services, actor(request), known_id(invoice_id, "invoice"))


@get("/invoices/{invoice_id:str}/status")
async def invoice_status(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    """The status panel alone, polled by the detail page until the invoice is sent or failed."""
    user = actor(request)
    found = await services.invoices.get(known_id(invoice_id, "invoice"), actor=user)
    return page(
        "invoices/_status.html",
        invoice=found,
        settled=found.status in SETTLED,
        may_retry=access.may(user, RetryInvoice.ACTION),
    )


@post("/invoices/{invoice_id:str}/retry")
async def retry(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    found = await services.retry.execute(
        RetryInvoiceCommand(known_id(invoice_id, "invoice"), correlation_id(request), actor(request))
    )
    await services.metrics.invoice("retried")
    return see_other(f"/app/invoices/{found.id}")


@get("/invoices/{invoice_id:str}/pdf")
async def pdf(
    invoice_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Redirect:
    """To the short-lived pre-signed link (the access check comes first, inside the use case)."""
    link = await services.invoices.download_link(known_id(invoice_id, "invoice"), actor=actor(request))
    return Redirect(link.url)


HANDLERS = [invoices, new_invoice, issue, invoice, invoice_status, retry, pdf]
