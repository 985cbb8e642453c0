"""Importing a timesheet file: upload, see every problem by row, then confirm.

The upload is always a dry run first; the page then shows what the import would do (or every
problem, by row and column) and, when there is none, a confirm button that posts the same file
again, carried in the form, for the real import. The use case is the REST route's, so the rules
are the same. The navigation offers it to those who write billing data; an employee user who opens
it imports only their own rows, as through the API.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Template

from billflow.api.routes.imports import IMPORT_BODY_LIMIT
from billflow.api.services import Services
from billflow.api.web.pages.common import actor, page
from billflow.domain.errors import DocumentTooLarge
from billflow.domain.model import User
from billflow.domain.timesheets import COLUMNS, MAX_FILE_BYTES, REQUIRED_COLUMNS
from billflow.domain.usecases.import_workdays import ImportResult, ImportWorkdaysCommand

TEMPLATE = "imports/workdays.html"


def _page(status: int = 200, **context: Any) -> Template:
    defaults: dict[str, Any] = {
        "result": None,
        "content": "",
        "filename": "",
        "error": None,
        "done": False,
        "columns": COLUMNS,
        "required": REQUIRED_COLUMNS,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    return page(TEMPLATE, status=status, **{**defaults, **context})


@get("/imports/workdays")
async def import_form(request: Request[User, Any, Any]) -> Template:
    actor(request)
    return _page()


# The confirm form carries the file back as text, so its body may be larger than the file.
@post("/imports/workdays", request_max_body_size=2 * IMPORT_BODY_LIMIT)
async def import_upload(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Template:
    user = actor(request)
    data = await request.form()
    file = data.get("file")
    confirm = data.get("confirm") == "1"
    if isinstance(file, UploadFile) and file.filename:
        content, filename = await file.read(), file.filename
    elif confirm and isinstance(data.get("content"), str):
        content, filename = str(data.get("content")).encode("utf-8"), str(data.get("filename") or "")
    else:
        return _page(422, error="Choose a CSV file.")
    try:
        result: ImportResult = await services.import_workdays.execute(
            ImportWorkdaysCommand(content, user, dry_run=not confirm)
        )
    except DocumentTooLarge:
        return _page(413, error=f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    text = content.decode("utf-8", errors="replace")
    return _page(
        422 if result.errors else 200,
        result=result,
        content=text if not result.errors and not confirm else "",
        filename=filename,
        done=confirm and not result.errors,
    )


HANDLERS = [import_form, import_upload]
