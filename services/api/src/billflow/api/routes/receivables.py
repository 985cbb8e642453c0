"""What is owed: the day's overdue reminders asked for by hand, and the receivables report."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from billflow.api.auth import refuses_early
from billflow.api.routes.common import correlation_id
from billflow.api.schemas import AgingRowOut, ReceivablesOut, RemindersIn, RemindersOut
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.money import at_minor_unit
from billflow.domain.receivables import BUCKETS, AgingRow
from billflow.domain.usecases.reminders import RequestReminders, RequestRemindersCommand

log = logging.getLogger(__name__)


class ReminderController(Controller):
    path = "/v1/reminders"
    tags = ["invoices"]

    @post(
        guards=[refuses_early(RequestReminders)],
        status_code=HTTP_202_ACCEPTED,
        summary="Send the overdue reminders of a day now (admin)",
        description="The same as the daily schedule, for any day, past or future; a reminder "
        "already sent (invoice and level) is never sent again, and none goes for a zero balance.",
    )
    async def request_reminders(
        self,
        data: JSONBody[RemindersIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> RemindersOut:
        day = await services.reminders.execute(
            RequestRemindersCommand(data.as_of, correlation_id(request), request.user)
        )
        log.info("reminders requested", extra={"as_of": day.isoformat()})
        return RemindersOut(as_of=day)


class ReportController(Controller):
    path = "/v1/reports"
    tags = ["invoices"]

    @get(
        "/receivables",
        summary="What is owed on a day, per currency and party billed, by days past due",
        description="Buckets `current` (not yet due), `1-30`, `31-60`, `61-90`, `90+`, and a total. "
        "`Accept: text/csv` gives the same rows as CSV.",
    )
    async def receivables(
        self, request: Request[User, Any, Any], services: NamedDependency[Services], as_of: FromQuery[date]
    ) -> Response[Any]:
        rows = await services.receivables.execute(as_of, actor=request.user)
        if "text/csv" in request.headers.get("accept", ""):
            return Response(
                receivables_csv(rows),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="receivables-{as_of.isoformat()}.csv"'
                },
            )
        return Response(ReceivablesOut(as_of=as_of, rows=[_row(r) for r in rows]))


def _row(r: AgingRow) -> AgingRowOut:
    b = {k: at_minor_unit(v, r.currency) for k, v in r.buckets.items()}
    return AgingRowOut(
        r.currency,
        r.billed_to,
        b["current"],
        b["1-30"],
        b["31-60"],
        b["61-90"],
        b["90+"],
        at_minor_unit(r.total, r.currency),
    )


def receivables_csv(rows: list[AgingRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["currency", "billed_to", *BUCKETS, "total"])
    for r in rows:
        writer.writerow(
            [
                r.currency,
                r.billed_to,
                *(at_minor_unit(r.buckets[k], r.currency) for k in BUCKETS),
                at_minor_unit(r.total, r.currency),
            ]
        )
    return out.getvalue()
