"""asyncpg repository of credit notes: their own series, their taxes, their guarded life."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from billflow.domain.model import CreditNote, EInvoiceKeys, InvoiceKind, InvoiceStatus
from billflow.domain.model.credit_note import CREDIT_NOTE_LIFECYCLE
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.invoices import billed_to_of, einvoice_of, move_document, reopen_document
from billflow.platform.postgres.paging import decode_cursor, page_of
from billflow.platform.postgres.sellers import CATEGORY_ORDER, issuer_of, tax_rows_of

_NOTE = (
    "SELECT c.id::text, c.number, c.status, c.failure_reason, c.invoice_id::text, c.reason,"
    ' c.issue_date, c.currency, c.subtotal, c.tax, c.total, c."full", c.pdf_key,'
    " c.einvoice_cii_key, c.einvoice_ubl_key, c.einvoice_peppol,"
    " i.number AS invoice_number, i.issue_date AS invoice_issue_date, i.kind,"
    " i.issuer_name, i.issuer_address, i.issuer_tax_id, i.issuer_snapshot::text,"
    " i.billed_name, i.billed_email, i.billed_street, i.billed_city, i.billed_postal_code,"
    " i.billed_country, i.billed_vat_id, i.billed_language, i.billed_buyer_reference,"
    " i.billed_endpoint_scheme, i.billed_endpoint_id,"
    " ARRAY(SELECT (t.rate, t.base, t.amount, t.category, t.exemption_reason, t.exemption_code)"
    f" FROM credit_note_taxes t WHERE t.credit_note_id = c.id ORDER BY {CATEGORY_ORDER}, t.rate) AS taxes"
    " FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id"
)


def _note(row: asyncpg.Record) -> CreditNote:
    return CreditNote(
        id=row["id"],
        number=row["number"],
        status=InvoiceStatus(row["status"]),
        invoice_id=row["invoice_id"],
        invoice_number=row["invoice_number"],
        invoice_issue_date=row["invoice_issue_date"],
        invoice_kind=InvoiceKind(row["kind"]),
        reason=row["reason"],
        issue_date=row["issue_date"],
        currency=row["currency"],
        subtotal=row["subtotal"],
        taxes=tax_rows_of(row["taxes"]),
        tax=row["tax"],
        total=row["total"],
        full=row["full"],
        issuer=issuer_of(row),
        billed_to=billed_to_of(row),
        failure_reason=row["failure_reason"],
        pdf_key=row["pdf_key"],
        einvoice=einvoice_of(row),
    )


class AsyncpgCreditNoteRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def next_number(self, year: int) -> int:
        last = await self._conn.fetchval(
            "INSERT INTO credit_note_number_sequences (year, last_value) VALUES ($1, 1)"
            " ON CONFLICT (year) DO UPDATE SET last_value = credit_note_number_sequences.last_value + 1"
            " RETURNING last_value",
            year,
        )
        assert isinstance(last, int)
        return last

    async def add(self, note: CreditNote) -> None:
        await self._conn.execute(
            "INSERT INTO credit_notes (id, number, status, invoice_id, reason, issue_date, currency,"
            ' subtotal, tax, total, "full") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
            note.id,
            note.number,
            note.status.value,
            note.invoice_id,
            note.reason,
            note.issue_date,
            note.currency,
            note.subtotal,
            note.tax,
            note.total,
            note.full,
        )
        await self._conn.executemany(
            "INSERT INTO credit_note_taxes (credit_note_id, rate, base, amount, category, exemption_reason,"
            " exemption_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    uuid.UUID(note.id),
                    t.rate,
                    t.base,
                    t.amount,
                    t.category.value,
                    t.exemption_reason,
                    t.exemption_code,
                )
                for t in note.taxes
            ],
        )

    async def get(self, credit_note_id: str) -> CreditNote | None:
        row = await self._conn.fetchrow(f"{_NOTE} WHERE c.id = $1", credit_note_id)
        return _note(row) if row else None

    async def of_invoice(self, invoice_id: str) -> Sequence[CreditNote]:
        rows = await self._conn.fetch(f"{_NOTE} WHERE c.invoice_id = $1 ORDER BY c.number", invoice_id)
        return [_note(r) for r in rows]

    async def page_of_invoice(self, invoice_id: str, request: PageRequest) -> Page[CreditNote]:
        after = decode_cursor(request.cursor)[0] if request.cursor else None
        rows = await self._conn.fetch(
            f"{_NOTE} WHERE c.invoice_id = $1 AND ($2::text IS NULL OR c.number > $2)"
            " ORDER BY c.number LIMIT $3",
            invoice_id,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _note, lambda r: (r["number"],))

    async def reopen(self, credit_note_id: str) -> bool:
        return await reopen_document(self._conn, "credit_notes", CREDIT_NOTE_LIFECYCLE, credit_note_id)

    async def transition(
        self,
        credit_note_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        return await move_document(
            self._conn,
            "credit_notes",
            CREDIT_NOTE_LIFECYCLE,
            credit_note_id,
            target,
            pdf_key=pdf_key,
            failure_reason=failure_reason,
            einvoice=einvoice,
        )
