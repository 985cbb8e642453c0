"""AsyncpgLedgerQueries: the documents of a period for the journal, one statement per kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from billflow.domain.journal import PaymentOfInvoice
from billflow.domain.model import CreditNote, Invoice, Payment
from billflow.platform.postgres.credit_notes import _NOTE, _note
from billflow.platform.postgres.invoices import _COLUMNS, _LINES, _MONEY, _invoice


class AsyncpgLedgerQueries:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def invoices_issued(self, start: date, end: date) -> Sequence[Invoice]:
        rows = await self._conn.fetch(
            # The invoice repository's own column lists: the taxes are read exactly as an invoice is.
            f"SELECT {_COLUMNS}, {_LINES}, {_MONEY} FROM invoices i"
            " WHERE issue_date BETWEEN $1 AND $2 ORDER BY issue_date, number",
            start,
            end,
        )
        return [_invoice(r, ()) for r in rows]

    async def credit_notes_issued(self, start: date, end: date) -> Sequence[CreditNote]:
        rows = await self._conn.fetch(
            f"{_NOTE} WHERE c.issue_date BETWEEN $1 AND $2 ORDER BY c.issue_date, c.number", start, end
        )
        return [_note(r) for r in rows]

    async def payments_made(self, start: date, end: date) -> Sequence[PaymentOfInvoice]:
        rows = await self._conn.fetch(
            "SELECT p.id::text, p.invoice_id::text, p.amount, p.paid_on, p.method, p.reference,"
            " p.recorded_at, i.number, i.billed_name, i.currency"
            " FROM payments p JOIN invoices i ON i.id = p.invoice_id"
            " WHERE p.paid_on BETWEEN $1 AND $2 ORDER BY p.paid_on, i.number, p.recorded_at",
            start,
            end,
        )
        return [
            PaymentOfInvoice(
                Payment(
                    r["id"],
                    r["invoice_id"],
                    r["amount"],
                    r["paid_on"],
                    r["method"],
                    r["reference"],
                    r["recorded_at"],
                ),
                r["number"],
                r["billed_name"],
                r["currency"],
            )
            for r in rows
        ]
