"""Credit notes: reading them, their PDFs, and retrying a failed one (they are issued on their
invoice, ``POST /v1/invoices/{id}/credit-notes``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_202_ACCEPTED

from billflow.api.ids import parse_id
from billflow.api.routes.common import Cursor, Limit, correlation_id, known_id, page_request
from billflow.api.schemas import CreditNoteOut, CreditNotePage, DownloadOut
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.ports.pagination import DEFAULT_PAGE
from billflow.domain.usecases.credit_notes import RetryCreditNoteCommand
from billflow.domain.usecases.einvoice_links import parse_format


class CreditNoteController(Controller):
    path = "/v1/credit-notes"
    tags = ["invoices"]

    @get(summary="The credit notes of an invoice, oldest first")
    async def of_invoice(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        invoice_id: FromQuery[str],
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> CreditNotePage:
        invoice = parse_id(invoice_id)
        if invoice is None:
            return CreditNotePage(items=[])
        notes = await services.credit_notes.page_of_invoice(
            invoice, page_request(limit, cursor), actor=request.user
        )
        return CreditNotePage(items=[CreditNoteOut.of(n) for n in notes.items], next_cursor=notes.next_cursor)

    @get("/{credit_note_id:str}", summary="Get a credit note and its status")
    async def get_one(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CreditNoteOut:
        note = await services.credit_notes.get(known_id(credit_note_id, "credit note"), actor=request.user)
        return CreditNoteOut.of(note)

    @post(
        "/{credit_note_id:str}/retry",
        status_code=HTTP_202_ACCEPTED,
        summary="Send a failed credit note through rendering and delivery again",
        description="Only a `failed` credit note can be retried (409 otherwise).",
    )
    async def retry(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CreditNoteOut:
        note = await services.retry_credit_note.execute(
            RetryCreditNoteCommand(
                known_id(credit_note_id, "credit note"), correlation_id(request), request.user
            )
        )
        return CreditNoteOut.of(note)

    @get(
        "/{credit_note_id:str}/pdf",
        summary="A short-lived download link for the credit note PDF",
        description="A pre-signed S3 URL valid for 15 minutes; 409 until the PDF is rendered.",
    )
    async def pdf(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> DownloadOut:
        link = await services.credit_notes.download_link(
            known_id(credit_note_id, "credit note"), actor=request.user
        )
        return DownloadOut(url=link.url, expires_at=link.expires_at)

    @get(
        "/{credit_note_id:str}/einvoice",
        summary="A short-lived download link for the credit note's e-invoice (UBL or CII)",
        description="`format=ubl` or `format=cii`, as for an invoice: a pre-signed S3 URL valid for "
        "15 minutes; 404 for a credit note of an employee invoice and until it is rendered (the "
        "problem says which); 422 for another format.",
    )
    async def einvoice(
        self,
        credit_note_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        format: FromQuery[str | None] = None,
    ) -> DownloadOut:
        fmt = parse_format(format)
        link = await services.einvoices.of_credit_note(
            known_id(credit_note_id, "credit note"), fmt, actor=request.user
        )
        return DownloadOut(url=link.url, expires_at=link.expires_at)
