"""asyncpg adapters of an invoice's money: its payments, and the receivables queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from billflow.domain.model import Payment, PaymentStatus, Receivable

_PAYMENT = "SELECT id::text, invoice_id::text, amount, paid_on, method, reference, recorded_at FROM payments"


class AsyncpgPaymentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, payment: Payment) -> None:
        await self._conn.execute(
            "INSERT INTO payments (id, invoice_id, amount, paid_on, method, reference, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            payment.id,
            payment.invoice_id,
            payment.amount,
            payment.paid_on,
            payment.method,
            payment.reference,
            payment.recorded_at,
        )

    async def get(self, invoice_id: str, payment_id: str) -> Payment | None:
        row = await self._conn.fetchrow(
            f"{_PAYMENT} WHERE invoice_id = $1 AND id = $2", invoice_id, payment_id
        )
        return Payment(*row) if row else None

    async def delete(self, invoice_id: str, payment_id: str) -> bool:
        result = await self._conn.execute(
            "DELETE FROM payments WHERE invoice_id = $1 AND id = $2", invoice_id, payment_id
        )
        return result == "DELETE 1"


_OPEN = [PaymentStatus.UNPAID.value, PaymentStatus.PARTIALLY_PAID.value]
_RECEIVABLE = (
    "SELECT id::text, number, billed_name, currency, total, amount_credited, amount_paid,"
    " issue_date, due_date, payment_status FROM invoices"
    " WHERE payment_status = ANY($1::text[]) AND total - amount_credited - amount_paid > 0"
)


def _receivable(r: asyncpg.Record) -> Receivable:
    return Receivable(
        r["id"],
        r["number"],
        r["billed_name"],
        r["currency"],
        r["total"],
        r["amount_credited"],
        r["amount_paid"],
        r["issue_date"],
        r["due_date"],
        PaymentStatus(r["payment_status"]),
    )


class AsyncpgReceivableQueries:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def open_on(self, day: date) -> Sequence[Receivable]:
        rows = await self._conn.fetch(f"{_RECEIVABLE} AND issue_date <= $2 ORDER BY number", _OPEN, day)
        return [_receivable(r) for r in rows]

    async def overdue_by(self, day: date, days: int) -> Sequence[Receivable]:
        rows = await self._conn.fetch(
            f"{_RECEIVABLE} AND due_date <= $2::date - $3::integer ORDER BY due_date, number",
            _OPEN,
            day,
            days,
        )
        return [_receivable(r) for r in rows]
