"""Timesheet files in: workdays imported from CSV, all rows or none."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_422_UNPROCESSABLE_ENTITY

from billflow.api import problems
from billflow.api.auth import refuses_early
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.timesheets import MAX_FILE_BYTES, RowError
from billflow.domain.usecases.import_workdays import ImportResult, ImportWorkdays, ImportWorkdaysCommand

log = logging.getLogger(__name__)

IMPORT_BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024
"""The route's own body limit (above the API's default): the file limit plus room for the
multipart framing. A file under it but over ``MAX_FILE_BYTES`` gets the same 413 from the use case."""


@dataclass
class TimesheetUpload:
    file: UploadFile


class RowErrorOut(msgspec.Struct):
    row: int
    """The row's number in the file; the header is row 1."""
    column: str | None
    """None when the row (or the file) as a whole is at fault."""
    message: str


class ImportOut(msgspec.Struct):
    rows: int
    imported: int
    unchanged: int
    errors: list[RowErrorOut]
    dry_run: bool = False


class ImportRejectedOut(msgspec.Struct):
    """A problem (RFC 9457) that also carries the import's answer, every error listed."""

    type: str
    title: str
    status: int
    detail: str
    rows: int
    imported: int
    unchanged: int
    errors: list[RowErrorOut]


def import_out(result: ImportResult) -> ImportOut:
    return ImportOut(result.rows, result.imported, result.unchanged, _errors(result.errors), result.dry_run)


def _errors(errors: Any) -> list[RowErrorOut]:
    return [RowErrorOut(e.row, e.column, e.message) for e in errors if isinstance(e, RowError)]


class ImportController(Controller):
    path = "/v1/imports"
    tags = ["company"]

    @post(
        "/workdays",
        guards=[refuses_early(ImportWorkdays)],
        status_code=HTTP_200_OK,
        request_max_body_size=IMPORT_BODY_LIMIT,
        summary="Import workdays from a timesheet file (CSV, at most 10 MB)",
        description="Multipart `file`: UTF-8 CSV, comma- or semicolon-separated, a header row naming "
        "`employee_email`, `date` (YYYY-MM-DD), `hours`, `project` (id or name; empty: the employee's "
        "own) and optionally `description`, in any order. Entries are keyed by (employee, date, project) "
        "as recorded workdays are: importing the same file again changes nothing. Any problem answers "
        "422 with every problem listed (`row` counts the header as 1) and nothing written; a row that "
        "would change a billed entry names the invoice. `dry_run=true` checks without writing. "
        "The same role rules as recording workdays; 413 above 10 MB.",
        responses={422: ResponseSpec(ImportRejectedOut, description="Rows with problems: nothing written")},
    )
    async def import_workdays(
        self,
        data: Annotated[TimesheetUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        dry_run: Annotated[bool, QueryParameter(description="Check every row, write nothing")] = False,
    ) -> Response[Any]:
        content = await data.file.read()
        result = await services.import_workdays.execute(
            ImportWorkdaysCommand(content, request.user, dry_run=dry_run)
        )
        log.info(
            "timesheet imported",
            extra={
                "rows": result.rows,
                "imported": result.imported,
                "unchanged": result.unchanged,
                "errors": len(result.errors),
                "dry_run": dry_run,
            },
        )
        if result.errors:
            return problems.problem(
                HTTP_422_UNPROCESSABLE_ENTITY,
                f"{len(result.errors)} problems in the file: nothing was imported",
                "invalid-timesheet",
                rows=result.rows,
                imported=0,
                unchanged=0,
                errors=[msgspec.to_builtins(e) for e in _errors(result.errors)],
            )
        return Response(import_out(result))
