"""Expenses (uploaded invoices and receipts) and the monthly statements."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED
from msgspec import UNSET, Meta, UnsetType

from billflow.api.ids import parse_id
from billflow.api.routes.common import Cursor, Limit, correlation_id, known_id, page_request
from billflow.api.schemas import DownloadOut
from billflow.api.services import Services
from billflow.domain.expenses.expense import MAX_INLINE_UPLOAD_BYTES
from billflow.domain.expenses.months import MONTH_PATTERN
from billflow.domain.model import User
from billflow.domain.ports.pagination import DEFAULT_PAGE
from billflow.domain.representations import ExpenseOut
from billflow.domain.usecases.expense_queries import CorrectExpenseCommand
from billflow.domain.usecases.monthly_statements import RequestStatementsCommand
from billflow.domain.usecases.upload_expense import UploadExpenseCommand

log = logging.getLogger(__name__)

UPLOAD_BODY_LIMIT = MAX_INLINE_UPLOAD_BYTES + 64 * 1024
"""The route's body limit: the file limit (4 MB) plus room for the multipart framing and the note.
A file under it but over ``MAX_INLINE_UPLOAD_BYTES`` is refused by the use case, with the same
413. Bigger files (up to 10 MB) go straight to S3: ``POST /v1/expenses/uploads``."""

Month = Annotated[str, Meta(pattern=MONTH_PATTERN, description="A calendar month, YYYY-MM")]
Text = Annotated[str, Meta(max_length=200)]


@dataclass
class ExpenseUpload:
    file: UploadFile
    note: str | None = None


class ExpensePage(msgspec.Struct):
    items: list[ExpenseOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class ExpenseCorrection(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent are changed; ``null`` clears one. The expense becomes ``confirmed``."""

    vendor: Text | UnsetType | None = UNSET
    invoice_number: Text | UnsetType | None = UNSET
    invoice_date: date | UnsetType | None = UNSET
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] | UnsetType | None = UNSET
    tax: Decimal | UnsetType | None = UNSET
    total: Decimal | UnsetType | None = UNSET
    note: Annotated[str, Meta(max_length=2000)] | UnsetType | None = UNSET
    possible_duplicate_of: UnsetType | None = UNSET
    """Only ``null``: not a duplicate after all (its total counts again)."""


class StatementsIn(msgspec.Struct, forbid_unknown_fields=True):
    month: Month


class StatementsOut(msgspec.Struct):
    month: str
    status: str = "requested"


class ExpenseController(Controller):
    path = "/v1/expenses"
    tags = ["expenses"]

    @post(
        status_code=HTTP_202_ACCEPTED,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        summary="Upload an invoice or receipt (PDF, PNG, JPEG, WebP or HEIC, at most 4 MB)",
        description="The kind is told by the content, not the name (415 otherwise); 413 above 4 MB "
        "(bigger files, up to 10 MB: `POST /v1/expenses/uploads`). "
        "The fields are read asynchronously: watch `status` (`processing` -> `extracted`, "
        "`needs_review` or `failed` with `failure_reason`); the uploader gets an email. "
        "The same file uploaded again answers 200 with the expense it already is; another file "
        "with the same vendor, number and total is kept with `possible_duplicate_of`, in review.",
        responses={200: ResponseSpec(ExpenseOut, description="The same file was uploaded before")},
    )
    async def upload(
        self,
        data: Annotated[ExpenseUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> Response[ExpenseOut]:
        content = await data.file.read()
        uploaded = await services.expenses_upload.execute(
            UploadExpenseCommand(
                actor=request.user,
                content=content,
                filename=data.file.filename or "",
                note=data.note,
                correlation_id=correlation_id(request),
            )
        )
        expense = uploaded.expense
        log.info(
            "expense uploaded",
            extra={"expense_id": expense.id, "media_type": expense.media_type, "new": uploaded.new},
        )
        status = HTTP_202_ACCEPTED if uploaded.new else HTTP_200_OK
        return Response(ExpenseOut.of(expense), status_code=status)

    @get(summary="List expenses, oldest first (your own unless you are an accountant or admin)")
    async def list_all(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        month: Annotated[
            str | None, QueryParameter(pattern=MONTH_PATTERN, description="uploaded in YYYY-MM")
        ] = None,
        user_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> ExpensePage:
        if user_id is not None:
            user_id = parse_id(user_id)
            if user_id is None:  # no user has it
                return ExpensePage(items=[])
        found = await services.expenses.page(
            page_request(limit, cursor), actor=request.user, month=month, user_id=user_id
        )
        return ExpensePage(items=[ExpenseOut.of(e) for e in found.items], next_cursor=found.next_cursor)

    @get("/{expense_id:str}", summary="Get an expense and what was read from it")
    async def get_one(
        self, expense_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ExpenseOut:
        return ExpenseOut.of(await services.expenses.get(known_id(expense_id, "expense"), actor=request.user))

    @patch(
        "/{expense_id:str}",
        summary="Correct what was read; the expense becomes confirmed",
        description="409 while the document is still being read.",
    )
    async def correct(
        self,
        expense_id: FromPath[str],
        data: JSONBody[ExpenseCorrection],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> ExpenseOut:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not UNSET}
        expense = await services.expenses.correct(
            CorrectExpenseCommand(request.user, known_id(expense_id, "expense"), changes)
        )
        return ExpenseOut.of(expense)

    @get(
        "/{expense_id:str}/file",
        summary="A short-lived download link for the uploaded file",
        description="A pre-signed S3 URL valid for 15 minutes.",
    )
    async def file(
        self, expense_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> DownloadOut:
        link = await services.expenses.file_link(known_id(expense_id, "expense"), actor=request.user)
        return DownloadOut(url=link.url, expires_at=link.expires_at)


class StatementController(Controller):
    path = "/v1/statements"
    tags = ["expenses"]

    @post(
        status_code=HTTP_202_ACCEPTED,
        summary="Email every user their statement of a month's expenses now (admin)",
        description="The same as the schedule on the 1st; a user already sent that month's "
        "statement is not sent it again.",
    )
    async def request_statements(
        self,
        data: JSONBody[StatementsIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> StatementsOut:
        month = await services.statements.execute(
            RequestStatementsCommand(request.user, data.month, correlation_id(request))
        )
        log.info("statements requested", extra={"month": month})
        return StatementsOut(month=month)


class VendorOut(msgspec.Struct):
    name: str
    variants: list[str]
    vat_ids: list[str]
    corrections: int
    """How many corrections taught Billflow this vendor."""
    updated_at: datetime | None


class VendorPage(msgspec.Struct):
    items: list[VendorOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class VendorController(Controller):
    path = "/v1/vendors"
    tags = ["expenses"]

    @get(summary="The vendors Billflow has learnt from corrections, by name")
    async def list_all(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> VendorPage:
        known = await services.expenses.vendor_page(page_request(limit, cursor))
        return VendorPage(
            items=[
                VendorOut(v.name, list(v.variants), list(v.vat_ids), v.corrections, v.updated_at)
                for v in known.items
            ],
            next_cursor=known.next_cursor,
        )
