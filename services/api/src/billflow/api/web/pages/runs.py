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
from billflow.domain.model import BillingRunKind, BillingRunStatus, Client, Invoice, InvoiceStatus, User
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
        kind = BillingRunKind.CLIENTS if clients else BillingRunKind.EMPLOYEES
        try:
            run = await services.start_billing_run.execute(
                StartBillingRunCommand(
                    period_start, period_end, correlation_id(request), actor(request), kind
                )
            )
        except InvalidInput as e:
            form.reject(e, "period_start")
        else:
            return see_other(f"/app/runs/{run.id}")
    return page("runs/new.html", status=422, form=form)


def _progress(p: BillingRunProgress) -> dict[str, Any]:
    counts = {s.value: p.counts.get(s, 0) for s in InvoiceStatus}
    total = sum(counts.values())
    settled = counts["sent"] + counts["failed"]
    planning = p.run.status is BillingRunStatus.PLANNING
    return {
        "run": p.run,
        "counts": counts,
        "total": total,
        "settled": settled,
        "planning": planning,
        "done": not planning and settled == total,
    }


@get("/runs/{run_id:str}")
async def run(
    run_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
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
        skipped=len(progress.run.skipped_ids),
        unbilled=await _unbilled(services, user, progress, invoices),
        **_progress(progress),
    )


async def _unbilled(
    services: Services, user: User, progress: BillingRunProgress, invoices: list[Invoice]
) -> list[Client] | None:
    """The clients a clients' run issued no invoice to (archived, or nothing to bill), by name:
    those it skipped, and any added since. None while it is planning, or when the run is too big
    to list them here."""
    if (
        progress.run.kind != BillingRunKind.CLIENTS
        or progress.run.status is BillingRunStatus.PLANNING
        or len(progress.run.invoice_ids) > len(invoices)
    ):
        return None
    billed = {i.client_id for i in invoices}
    clients = await services.clients.list(actor=user, include_archived=True)
    return sorted((c for c in clients if c.id not in billed), key=lambda c: (c.name, c.id))


@get("/runs/{run_id:str}/progress")
async def run_progress(
    run_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    planning: FromQuery[bool] = False,
) -> Template | Response[None]:
    """The counts alone, polled by the run's page until every invoice is sent or failed. A page
    drawn while the run was planning is drawn again whole once it is issued (its invoices)."""
    progress = await services.invoices.billing_run(known_id(run_id, "billing run"), actor=actor(request))
    if planning and progress.run.status is not BillingRunStatus.PLANNING:
        return Response(None, headers={"HX-Refresh": "true"})
    return page("runs/_progress.html", **_progress(progress))


HANDLERS = [new_run, start, run, run_progress]
