"""The upload page's direct path: the browser posts the file straight to S3 (issue 17).

The upload form works without JavaScript (multipart to /app/expenses, up to 4 MB). With it,
app.js asks here for a pre-signed form (the file's name, type and size, with the page's CSRF
token), then submits the file to storage itself; S3 sends the browser back to ``/uploaded``,
which opens the expense. The bytes never pass through the API, so the 6 MB limit of a Lambda
behind API Gateway does not apply.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery

from billflow.api.services import Services
from billflow.api.web.pages.common import actor, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.expenses.expense import expense_of_upload_key
from billflow.domain.model import User
from billflow.domain.usecases.direct_upload import StartDirectUploadCommand

UPLOADED_PATH = "/app/expenses/uploaded"


@post("/expenses/uploads")
async def start(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    data = await request.form()
    try:
        size = int(str(data.get("size") or ""))
    except ValueError:
        return Response({"error": "size must be a number of bytes"}, status_code=422)
    back = str(request.base_url).rstrip("/") + UPLOADED_PATH
    try:
        started = await services.direct_upload.execute(
            StartDirectUploadCommand(
                actor=actor(request),
                filename=str(data.get("filename") or ""),
                content_type=str(data.get("content_type") or ""),
                size=size,
                note=str(data.get("note") or "") or None,
                success_redirect=back,
            )
        )
    except InvalidInput as e:
        return Response({"error": e.detail, "field": e.field}, status_code=422)
    return Response({"url": started.form.url, "fields": dict(started.form.fields)}, status_code=201)


@get("/expenses/uploaded")
async def uploaded(request: Request[Any, Any, Any], key: FromQuery[str] = "") -> Response[Any]:
    """Where S3 sends the browser once it stored the file: on to the expense, read live."""
    expense_id = expense_of_upload_key(key)
    return see_other(f"/app/expenses/{expense_id}" if expense_id else "/app/expenses")


HANDLERS = [start, uploaded]
