"""asyncpg repositories for invoices (with their lines) and billing runs."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date

import asyncpg

from billflow.domain.errors import InvalidInput
from billflow.domain.model import (
    BillingRun,
    Counterparty,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
)
from billflow.domain.model.invoice import INVOICE_LIFECYCLE, RETRY
from billflow.domain.ports.pagination import Page

_COLUMNS = (
    "id::text, number, status, failure_reason, employee_id::text, employee_name, employee_email,"
    " billing_run_id::text, period_start, period_end, issue_date, due_date, currency, subtotal,"
    " tax_rate, tax, total, issuer_name, issuer_address, issuer_tax_id, pdf_key"
)

# An invoice's lines ride along as one array of anonymous records: one statement, one round trip.
_LINES = (
    "ARRAY(SELECT (l.day, l.hours, l.rate, l.amount, l.description) FROM invoice_lines l"
    " WHERE l.invoice_id = i.id ORDER BY l.position) AS lines"
)


def _lines(row: asyncpg.Record) -> list[InvoiceLine]:
    return [InvoiceLine(*line) for line in row["lines"]]


def _invoice(row: asyncpg.Record, lines: Sequence[InvoiceLine]) -> Invoice:
    return Invoice(
        id=row["id"],
        number=row["number"],
        status=InvoiceStatus(row["status"]),
        period_start=row["period_start"],
        period_end=row["period_end"],
        issue_date=row["issue_date"],
        due_date=row["due_date"],
        currency=row["currency"],
        lines=tuple(lines),
        subtotal=row["subtotal"],
        tax_rate=row["tax_rate"],
        tax=row["tax"],
        total=row["total"],
        issuer=Issuer(row["issuer_name"], row["issuer_address"], row["issuer_tax_id"]),
        counterparty=Counterparty(row["employee_id"], row["employee_name"], row["employee_email"]),
        billing_run_id=row["billing_run_id"],
        failure_reason=row["failure_reason"],
        pdf_key=row["pdf_key"],
    )


def encode_cursor(number: str) -> str:
    return base64.urlsafe_b64encode(number.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidInput("cursor is not one this API handed out", field="cursor") from e


class AsyncpgInvoiceRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def next_number(self, year: int, count: int = 1) -> int:
        last = await self._conn.fetchval(
            "INSERT INTO invoice_number_sequences (year, last_value) VALUES ($1, $2)"
            " ON CONFLICT (year) DO UPDATE SET last_value = invoice_number_sequences.last_value + $2"
            " RETURNING last_value",
            year,
            count,
        )
        assert isinstance(last, int)
        return last - count + 1

    async def add(self, invoice: Invoice) -> None:
        await self.add_many([invoice])

    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        await self._conn.executemany(
            "INSERT INTO invoices (id, number, status, employee_id, employee_name, employee_email,"
            " billing_run_id, period_start, period_end, issue_date, due_date, currency, subtotal,"
            " tax_rate, tax, total, issuer_name, issuer_address, issuer_tax_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
            " $18, $19)",
            [
                (
                    i.id,
                    i.number,
                    i.status.value,
                    i.counterparty.employee_id,
                    i.counterparty.full_name,
                    i.counterparty.email,
                    i.billing_run_id,
                    i.period_start,
                    i.period_end,
                    i.issue_date,
                    i.due_date,
                    i.currency,
                    i.subtotal,
                    i.tax_rate,
                    i.tax,
                    i.total,
                    i.issuer.name,
                    i.issuer.address,
                    i.issuer.tax_id,
                )
                for i in invoices
            ],
        )
        await self._conn.executemany(
            "INSERT INTO invoice_lines (invoice_id, position, day, hours, rate, amount, description)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (i.id, n, line.date, line.hours, line.rate, line.amount, line.description)
                for i in invoices
                for n, line in enumerate(i.lines)
            ],
        )

    async def employees_with_overlapping(self, start: date, end: date) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT employee_id::text FROM invoices WHERE period_start <= $2 AND period_end >= $1",
            start,
            end,
        )
        return {r["employee_id"] for r in rows}

    async def get(self, invoice_id: str) -> Invoice | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS}, {_LINES} FROM invoices i WHERE id = $1", invoice_id
        )
        return _invoice(row, _lines(row)) if row else None

    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM invoices WHERE employee_id = $1"
            " AND period_start <= $3 AND period_end >= $2 ORDER BY number LIMIT 1",
            employee_id,
            start,
            end,
        )
        return _invoice(row, ()) if row else None

    async def list(
        self,
        *,
        employee_id: str | None,
        status: InvoiceStatus | None,
        limit: int,
        cursor: str | None,
        period: tuple[date, date] | None = None,
    ) -> Page[Invoice]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS}, {_LINES} FROM invoices i"
            " WHERE ($1::uuid IS NULL OR employee_id = $1)"
            " AND ($2::text IS NULL OR status = $2)"
            " AND ($3::text IS NULL OR number < $3)"
            " AND ($5::date IS NULL OR period_end >= $5)"
            " AND ($6::date IS NULL OR period_start <= $6)"
            " ORDER BY number DESC LIMIT $4",
            employee_id,
            status.value if status else None,
            decode_cursor(cursor) if cursor else None,
            limit + 1,
            period[0] if period else None,
            period[1] if period else None,
        )
        items = [_invoice(r, _lines(r)) for r in rows[:limit]]
        next_cursor = encode_cursor(items[-1].number) if len(rows) > limit else None
        return Page(items=items, next_cursor=next_cursor)

    async def reopen(self, invoice_id: str) -> bool:
        result = await self._conn.execute(
            "UPDATE invoices SET status = $2, failure_reason = NULL, retries = retries + 1,"
            " updated_at = now() WHERE id = $1 AND status = ANY($3::text[])",
            invoice_id,
            RETRY.target.value,
            RETRY.values(),
        )
        return result == "UPDATE 1"

    async def transition(
        self,
        invoice_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
    ) -> bool:
        result = await self._conn.execute(
            "UPDATE invoices SET status = $2, pdf_key = COALESCE($3, pdf_key),"
            " failure_reason = $4, updated_at = now()"
            " WHERE id = $1 AND status = ANY($5::text[])",
            invoice_id,
            target.value,
            pdf_key,
            failure_reason,
            sorted(s.value for s in INVOICE_LIFECYCLE.allowed_sources(target)),
        )
        return result == "UPDATE 1"


class AsyncpgBillingRunRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, run: BillingRun) -> None:
        await self._conn.execute(
            "INSERT INTO billing_runs (id, period_start, period_end) VALUES ($1, $2, $3)",
            run.id,
            run.period_start,
            run.period_end,
        )

    async def get(self, run_id: str) -> BillingRun | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, period_start, period_end,"
            " ARRAY(SELECT i.id::text FROM invoices i WHERE i.billing_run_id = r.id ORDER BY i.number)"
            " AS invoice_ids FROM billing_runs r WHERE id = $1",
            run_id,
        )
        if row is None:
            return None
        return BillingRun(row["id"], row["period_start"], row["period_end"], tuple(row["invoice_ids"]))

    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]:
        rows = await self._conn.fetch(
            "SELECT status, count(*) AS n FROM invoices WHERE billing_run_id = $1 GROUP BY status",
            run_id,
        )
        return {InvoiceStatus(r["status"]): r["n"] for r in rows}
