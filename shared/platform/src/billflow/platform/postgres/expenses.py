"""asyncpg adapters of the expense records and of the statement delivery log."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg
import msgspec

from billflow.domain.expenses.expense import CONFIRM, FAIL, READINGS, UPLOAD_PREFIX, Expense, ExpenseStatus
from billflow.domain.expenses.reading import FIELD_NAMES, ExtractedFields
from billflow.domain.expenses.vendor_memory import KnownVendor, VendorSignature
from billflow.domain.model import DeliveryState
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.deliveries import DeliveryLog, DeliveryStatements
from billflow.platform.postgres.paging import cursor_time, cursor_uuid, decode_cursor, page_of

_signature_decoder = msgspec.json.Decoder(VendorSignature)

_COLUMNS = (
    "id::text, user_id::text, status, failure_reason, file_key, media_type, original_filename, note,"
    " vendor, invoice_number, invoice_date, currency, tax, total, confidence::text, notified_at,"
    " uploaded_at, updated_at, content_sha256, possible_duplicate_of::text"
)
_CORRECTABLE = (*FIELD_NAMES, "note", "possible_duplicate_of")


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
        content_sha256=row["content_sha256"],
        possible_duplicate_of=row["possible_duplicate_of"],
    )


class AsyncpgExpenseRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, expense: Expense) -> bool:
        result = await self._conn.execute(
            "INSERT INTO expenses (id, user_id, status, file_key, media_type, original_filename, note,"
            " uploaded_at, updated_at, content_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            " ON CONFLICT (user_id, content_sha256) WHERE content_sha256 IS NOT NULL DO NOTHING",
            expense.id,
            expense.user_id,
            expense.status.value,
            expense.file_key,
            expense.media_type,
            expense.original_filename,
            expense.note,
            expense.uploaded_at,
            expense.updated_at,
            expense.content_sha256,
        )
        return bool(result == "INSERT 0 1")

    async def get(self, expense_id: str) -> Expense | None:
        row = await self._conn.fetchrow(f"SELECT {_COLUMNS} FROM expenses WHERE id = $1", expense_id)
        return _expense(row) if row else None

    async def find_same_file(self, user_id: str, content_sha256: str) -> Expense | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM expenses WHERE user_id = $1 AND content_sha256 = $2",
            user_id,
            content_sha256,
        )
        return _expense(row) if row else None

    async def find_same_invoice(
        self, expense_id: str, user_id: str, vendor: str, invoice_number: str, total: Decimal
    ) -> str | None:
        value = await self._conn.fetchval(
            "SELECT id::text FROM expenses WHERE user_id = $2 AND lower(vendor) = lower($3)"
            " AND invoice_number = $4 AND total = $5 AND id <> $1 AND status <> 'failed'"
            " ORDER BY uploaded_at, id LIMIT 1",
            expense_id,
            user_id,
            vendor,
            invoice_number,
            total,
        )
        return str(value) if value is not None else None

    async def vendor_signature(self, expense_id: str) -> VendorSignature | None:
        raw = await self._conn.fetchval(
            "SELECT vendor_signature::text FROM expenses WHERE id = $1", expense_id
        )
        return _signature_decoder.decode(raw) if raw else None

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

    async def page(
        self,
        request: PageRequest,
        *,
        user_id: str | None,
        uploaded_from: datetime | None,
        uploaded_before: datetime | None,
    ) -> Page[Expense]:
        at, after = None, None
        if request.cursor:
            when, row_id = decode_cursor(request.cursor, 2)
            at, after = cursor_time(when), cursor_uuid(row_id)
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM expenses"
            " WHERE ($1::uuid IS NULL OR user_id = $1::uuid)"
            "   AND ($2::timestamptz IS NULL OR uploaded_at >= $2)"
            "   AND ($3::timestamptz IS NULL OR uploaded_at < $3)"
            "   AND ($4::timestamptz IS NULL OR (uploaded_at, id) > ($4, $5::uuid))"
            " ORDER BY uploaded_at, id LIMIT $6",
            user_id,
            uploaded_from,
            uploaded_before,
            at,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _expense, lambda r: (r["uploaded_at"].isoformat(), r["id"]))

    async def record_reading(
        self,
        expense_id: str,
        status: ExpenseStatus,
        fields: ExtractedFields,
        *,
        signature: VendorSignature | None = None,
        possible_duplicate_of: str | None = None,
    ) -> bool:
        result = await self._conn.execute(
            "UPDATE expenses SET status = $2, vendor = $3, invoice_number = $4, invoice_date = $5,"
            " currency = $6, tax = $7, total = $8, confidence = $9::jsonb, vendor_signature = $11::jsonb,"
            " possible_duplicate_of = $12, updated_at = now()"
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
            msgspec.json.encode(signature).decode() if signature else None,
            possible_duplicate_of,
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

    async def awaiting_upload(
        self, uploaded_before: datetime, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Expense]:
        at, after_id = after if after is not None else (None, None)
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM expenses"
            " WHERE status = $1 AND starts_with(file_key, $2) AND uploaded_at < $3"
            "   AND ($4::timestamptz IS NULL OR (uploaded_at, id) > ($4, $5::uuid))"
            " ORDER BY uploaded_at, id LIMIT $6",
            ExpenseStatus.PROCESSING.value,
            UPLOAD_PREFIX,
            uploaded_before,
            at,
            after_id,
            limit,
        )
        return [_expense(r) for r in rows]

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


class AsyncpgVendorMemory:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def all(self) -> Sequence[KnownVendor]:
        rows = await self._conn.fetch(f"SELECT {_VENDOR_COLUMNS} FROM vendors ORDER BY name, key LIMIT 5000")
        return [_vendor(r) for r in rows]

    async def page(self, request: PageRequest) -> Page[KnownVendor]:
        name, key = decode_cursor(request.cursor, 2) if request.cursor else (None, None)
        rows = await self._conn.fetch(
            f"SELECT {_VENDOR_COLUMNS}, key FROM vendors WHERE $1::text IS NULL OR (name, key) > ($1, $2)"
            " ORDER BY name, key LIMIT $3",
            name,
            key,
            request.size + 1,
        )
        return page_of(rows, request.size, _vendor, lambda r: (r["name"], r["key"]))

    async def get(self, key: str) -> KnownVendor | None:
        row = await self._conn.fetchrow(f"SELECT {_VENDOR_COLUMNS} FROM vendors WHERE key = $1", key)
        return _vendor(row) if row else None

    async def put(self, vendor: KnownVendor) -> None:
        await self._conn.execute(
            "INSERT INTO vendors (key, name, variants, vat_ids, header, corrections, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))"
            " ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, variants = EXCLUDED.variants,"
            " vat_ids = EXCLUDED.vat_ids, header = EXCLUDED.header, corrections = EXCLUDED.corrections,"
            " updated_at = EXCLUDED.updated_at",
            vendor.key,
            vendor.name,
            list(vendor.variants),
            list(vendor.vat_ids),
            list(vendor.header),
            vendor.corrections,
            vendor.updated_at,
        )


_VENDOR_COLUMNS = "name, variants, vat_ids, header, corrections, updated_at"


def _vendor(row: asyncpg.Record) -> KnownVendor:
    return KnownVendor(
        name=row["name"],
        variants=tuple(row["variants"]),
        vat_ids=tuple(row["vat_ids"]),
        header=tuple(row["header"]),
        corrections=row["corrections"],
        updated_at=row["updated_at"],
    )
