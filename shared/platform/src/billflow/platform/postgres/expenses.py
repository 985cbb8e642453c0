"""asyncpg adapters of the expense records and of the statement delivery log."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg

from billflow.domain.expenses.expense import CONFIRM, FAIL, READINGS, Expense, ExpenseStatus
from billflow.domain.expenses.reading import FIELD_NAMES, ExtractedFields
from billflow.domain.model import DeliveryState
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.platform.postgres.deliveries import DeliveryLog, DeliveryStatements

_COLUMNS = (
    "id::text, user_id::text, status, failure_reason, file_key, media_type, original_filename, note,"
    " vendor, invoice_number, invoice_date, currency, tax, total, confidence::text, notified_at,"
    " uploaded_at, updated_at"
)
_CORRECTABLE = (*FIELD_NAMES, "note")


def _expense(row: asyncpg.Record) -> Expense:
    return Expense(
        id=row["id"],
        user_id=row["user_id"],
        status=ExpenseStatus(row["status"]),
        file_key=row["file_key"],
        media_type=row["media_type"],
        original_filename=row["original_filename"],
        uploaded_at=row["uploaded_at"],
        updated_at=row["updated_at"],
        note=row["note"],
        vendor=row["vendor"],
        invoice_number=row["invoice_number"],
        invoice_date=row["invoice_date"],
        currency=row["currency"],
        tax=row["tax"],
        total=row["total"],
        confidence=json.loads(row["confidence"]),
        failure_reason=row["failure_reason"],
        notified_at=row["notified_at"],
    )


class AsyncpgExpenseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, expense: Expense) -> None:
        await self._conn.execute(
            "INSERT INTO expenses (id, user_id, status, file_key, media_type, original_filename, note,"
            " uploaded_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            expense.id,
            expense.user_id,
            expense.status.value,
            expense.file_key,
            expense.media_type,
            expense.original_filename,
            expense.note,
            expense.uploaded_at,
            expense.updated_at,
        )

    async def get(self, expense_id: str) -> Expense | None:
        row = await self._conn.fetchrow(f"SELECT {_COLUMNS} FROM expenses WHERE id = $1", expense_id)
        return _expense(row) if row else None

    async def list(
        self, *, user_id: str | None, uploaded_from: datetime | None, uploaded_before: datetime | None
    ) -> Sequence[Expense]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM expenses"
            " WHERE ($1::uuid IS NULL OR user_id = $1::uuid)"
            "   AND ($2::timestamptz IS NULL OR uploaded_at >= $2)"
            "   AND ($3::timestamptz IS NULL OR uploaded_at < $3)"
            " ORDER BY uploaded_at, id LIMIT 1000",
            user_id,
            uploaded_from,
            uploaded_before,
        )
        return [_expense(r) for r in rows]

    async def record_reading(self, expense_id: str, status: ExpenseStatus, fields: ExtractedFields) -> bool:
        result = await self._conn.execute(
            "UPDATE expenses SET status = $2, vendor = $3, invoice_number = $4, invoice_date = $5,"
            " currency = $6, tax = $7, total = $8, confidence = $9::jsonb, updated_at = now()"
            " WHERE id = $1 AND status = ANY($10::text[])",
            expense_id,
            status.value,
            fields.vendor.value,
            fields.invoice_number.value,
            fields.invoice_date.value,
            fields.currency.value,
            fields.tax.value,
            fields.total.value,
            json.dumps(fields.confidences()),
            READINGS[status].values(),
        )
        return bool(result == "UPDATE 1")

    async def fail(self, expense_id: str, reason: str) -> bool:
        result = await self._conn.execute(
            "UPDATE expenses SET status = $3, failure_reason = $2, updated_at = now()"
            " WHERE id = $1 AND status = ANY($4::text[])",
            expense_id,
            reason,
            FAIL.target.value,
            FAIL.values(),
        )
        return bool(result == "UPDATE 1")

    async def correct(self, expense_id: str, changes: Mapping[str, object]) -> Expense | None:
        names = [n for n in _CORRECTABLE if n in changes]
        assignments = [f"{name} = ${i}" for i, name in enumerate(names, start=2)]
        confident = {n: 1.0 for n in names if n in FIELD_NAMES}
        row = await self._conn.fetchrow(
            "UPDATE expenses SET "
            + "".join(f"{a}, " for a in assignments)
            + f"status = ${len(names) + 3}, confidence = confidence || ${len(names) + 2}::jsonb,"
            # Not guarded: the use case refuses a correction while the reading runs (NotReady).
            f" updated_at = now() WHERE id = $1 RETURNING {_COLUMNS}",
            expense_id,
            *(changes[n] for n in names),
            json.dumps(confident),
            CONFIRM.target.value,
        )
        return _expense(row) if row else None

    async def mark_notified(self, expense_id: str) -> bool:
        result = await self._conn.execute(
            "UPDATE expenses SET notified_at = now() WHERE id = $1 AND notified_at IS NULL", expense_id
        )
        return bool(result == "UPDATE 1")

    async def uploaders(self, uploaded_from: datetime, uploaded_before: datetime) -> Sequence[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT user_id::text AS user_id FROM expenses"
            " WHERE uploaded_at >= $1 AND uploaded_at < $2 ORDER BY 1",
            uploaded_from,
            uploaded_before,
        )
        return [r["user_id"] for r in rows]


_STATEMENTS = DeliveryStatements("statement_deliveries", ["user_id", "month"])


class AsyncpgStatementDeliveryLog:
    """The statement emails' delivery log: the same statements as the invoice emails' log."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._log = DeliveryLog(conn, _STATEMENTS)

    async def claim(
        self, user_id: str, month: str, message_id: str, lease_seconds: float
    ) -> DeliveryClaim | None:
        return await self._log.claim([user_id, month], message_id, lease_seconds)

    async def state(self, user_id: str, month: str) -> DeliveryState | None:
        return await self._log.state([user_id, month])

    async def accepted(self, user_id: str, month: str) -> None:
        await self._log.accepted([user_id, month])

    async def release(self, user_id: str, month: str) -> None:
        await self._log.release([user_id, month])
