"""Billing runs, of employees or of clients: start one for a period, then watch its invoices settle."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from billflow.api.auth import refuses_early
from billflow.api.routes.common import correlation_id, known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.api.web.pages.invoices import _last_month
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import BillingRunKind, Client, Invoice, InvoiceStatus, User
from billflow.domain.usecases.client_invoices import StartClientBillingRunCommand
from billflow.domain.usecases.invoice_queries import BillingRunProgress
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand

MAX_LISTED = 100


@get("/runs/new", guards=[refuses_early(StartBillingRun)])
async def new_run() -> Template:
    start, end = _last_month()
    values = {"period_start": str(start), "period_end": str(end), "kind": BillingRunKind.EMPLOYEES.value}
    return page("runs/new.html", form=Form(values=values))


@post("/runs")
async def start(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    form = await read_form(request)
    period_start, period_end = form.day("period_start"), form.day("period_end")
    clients = form.get("kind") == BillingRunKind.CLIENTS
    if form.ok and period_start and period_end:
        try:
            if clients:
                client_run = await services.start_client_billing_run.execute(
                    StartClientBillingRunCommand(
                        period_start, period_end, correlation_id(request), actor(request)
                    )
                )
                run, skipped = client_run.run, len(client_run.skipped_client_ids)
            else:
                employee_run = await services.start_billing_run.execute(
                    StartBillingRunCommand(period_start, period_end, correlation_id(request), actor(request))
                )
                run, skipped = employee_run.run, len(employee_run.skipped_employee_ids)
        except InvalidInput as e:
            form.reject(e, "period_start")
        else:
            await services.metrics.invoice("issued", len(run.invoice_ids))
            return see_other(f"/app/runs/{run.id}?skipped={skipped}")
    return page("runs/new.html", status=422, form=form)


def _progress(p: BillingRunProgress) -> dict[str, Any]:
    counts = {s.value: p.counts.get(s, 0) for s in InvoiceStatus}
    total = sum(counts.values())
    settled = counts["sent"] + counts["failed"]
    return {"run": p.run, "counts": counts, "total": total, "settled": settled, "done": settled == total}


@get("/runs/{run_id:str}")
async def run(
    run_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    skipped: FromQuery[int] = 0,
) -> Template:
    user = actor(request)
    progress = await services.invoices.billing_run(known_id(run_id, "billing run"), actor=user)
    invoices: list[Invoice] = []
    for invoice_id in progress.run.invoice_ids[:MAX_LISTED]:
        try:
            invoices.append(await services.invoices.get(invoice_id, actor=user))
        except NotFound:
            continue
    return page(
        "runs/show.html",
        invoices=invoices,
        skipped=skipped,
        unbilled=await _unbilled(services, user, progress, invoices),
        **_progress(progress),
    )


async def _unbilled(
    services: Services, user: User, progress: BillingRunProgress, invoices: list[Invoice]
) -> list[Client] | None:
    """The clients a clients' run issued no invoice to (archived, or nothing to bill), by name:
    those it skipped, and any added since. None when the run is too big to list them here."""
    if progress.run.kind != BillingRunKind.CLIENTS or len(progress.run.invoice_ids) > len(invoices):
        return None
    billed = {i.client_id for i in invoices}
    clients = await services.clients.list(actor=user, include_archived=True)
    return sorted((c for c in clients if c.id not in billed), key=lambda c: (c.name, c.id))


@get("/runs/{run_id:str}/progress")
async def run_progress(
    run_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    """The counts alone, polled by the run's page until every invoice is sent or failed."""
    progress = await services.invoices.billing_run(known_id(run_id, "billing run"), actor=actor(request))
    return page("runs/_progress.html", **_progress(progress))


HANDLERS = [new_run, start, run, run_progress]
