"""The receivables report on a page: what is owed on a day, per currency and party billed, by
days past due; and the same rows as CSV, downloaded with the session (``/v1`` is bearer-only)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from billflow.api.routes.receivables import receivables_csv
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page
from billflow.api.web.pages.invoice_money import today
from billflow.domain.model import User
from billflow.domain.receivables import BUCKETS


@get("/receivables")
async def receivables(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    as_of: FromQuery[str | None] = None,
) -> Template:
    form = Form(values={"as_of": as_of or today().isoformat()})
    day = form.day("as_of")
    rows = await services.receivables.execute(day, actor=actor(request)) if day else []
    return page(
        "receivables.html",
        status=200 if form.ok else 422,
        form=form,
        day=day,
        rows=rows,
        buckets=BUCKETS,
    )


@get("/receivables.csv")
async def receivables_download(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    as_of: FromQuery[str | None] = None,
) -> Response[Any]:
    form = Form(values={"as_of": as_of or today().isoformat()})
    day = form.day("as_of") or today()
    rows = await services.receivables.execute(day, actor=actor(request))
    return Response(
        receivables_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="receivables-{day.isoformat()}.csv"'},
    )


HANDLERS = [receivables, receivables_download]
