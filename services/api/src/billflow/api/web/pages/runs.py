"""Billing runs: start one for a period, then watch its invoices settle."""

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
from billflow.domain.model import Invoice, InvoiceStatus, User
from billflow.domain.usecases.invoice_queries import BillingRunProgress
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand

MAX_LISTED = 100


@get("/runs/new", guards=[refuses_early(StartBillingRun)])
async def new_run() -> Template:
    start, end = _last_month()
    return page("runs/new.html", form=Form(values={"period_start": str(start), "period_end": str(end)}))


@post("/runs")
async def start(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    form = await read_form(request)
    period_start, period_end = form.day("period_start"), form.day("period_end")
    if form.ok and period_start and period_end:
        try:
            started = await services.start_billing_run.execute(
                StartBillingRunCommand(period_start, period_end, correlation_id(request), actor(request))
            )
        except InvalidInput as e:
            form.reject(e, "period_start")
        else:
            await services.metrics.invoice("issued", len(started.run.invoice_ids))
            skipped = len(started.skipped_employee_ids)
            return see_other(f"/app/runs/{started.run.id}?skipped={skipped}")
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
    return page("runs/show.html", invoices=invoices, skipped=skipped, **_progress(progress))


@get("/runs/{run_id:str}/progress")
async def run_progress(
    run_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    """The counts alone, polled by the run's page until every invoice is sent or failed."""
    progress = await services.invoices.billing_run(known_id(run_id, "billing run"), actor=actor(request))
    return page("runs/_progress.html", **_progress(progress))


HANDLERS = [new_run, start, run, run_progress]
