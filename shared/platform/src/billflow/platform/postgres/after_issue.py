"""asyncpg adapters of what follows an issued invoice: credit notes, payments, the receivables
queries, and the delivery records of credit note emails and overdue reminders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg

from billflow.domain.model import (
    CreditNote,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    Payment,
    PaymentStatus,
    Receivable,
    TaxRow,
)
from billflow.domain.model.credit_note import CREDIT_NOTE_LIFECYCLE
from billflow.domain.model.delivery import DeliveryState
from billflow.domain.model.invoice import RETRY
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.platform.postgres.deliveries import DeliveryLog, DeliveryStatements
from billflow.platform.postgres.invoices import billed_to_of

_NOTE = (
    "SELECT c.id::text, c.number, c.status, c.failure_reason, c.invoice_id::text, c.reason,"
    ' c.issue_date, c.currency, c.subtotal, c.tax, c.total, c."full", c.pdf_key,'
    " i.number AS invoice_number, i.issue_date AS invoice_issue_date, i.kind,"
    " i.issuer_name, i.issuer_address, i.issuer_tax_id,"
    " i.billed_name, i.billed_email, i.billed_street, i.billed_city, i.billed_postal_code,"
    " i.billed_country, i.billed_vat_id, i.billed_language, i.billed_buyer_reference,"
    " ARRAY(SELECT (t.rate, t.base, t.amount) FROM credit_note_taxes t WHERE t.credit_note_id = c.id"
    " ORDER BY t.rate) AS taxes"
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
        taxes=tuple(TaxRow(*t) for t in row["taxes"]),
        tax=row["tax"],
        total=row["total"],
        full=row["full"],
        issuer=Issuer(row["issuer_name"], row["issuer_address"], row["issuer_tax_id"]),
        billed_to=billed_to_of(row),
        failure_reason=row["failure_reason"],
        pdf_key=row["pdf_key"],
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
            "INSERT INTO credit_note_taxes (credit_note_id, rate, base, amount) VALUES ($1, $2, $3, $4)",
            [(uuid.UUID(note.id), t.rate, t.base, t.amount) for t in note.taxes],
        )

    async def get(self, credit_note_id: str) -> CreditNote | None:
        row = await self._conn.fetchrow(f"{_NOTE} WHERE c.id = $1", credit_note_id)
        return _note(row) if row else None

    async def of_invoice(self, invoice_id: str) -> Sequence[CreditNote]:
        rows = await self._conn.fetch(f"{_NOTE} WHERE c.invoice_id = $1 ORDER BY c.number", invoice_id)
        return [_note(r) for r in rows]

    async def reopen(self, credit_note_id: str) -> bool:
        result = await self._conn.execute(
            "UPDATE credit_notes SET status = $2, failure_reason = NULL, retries = retries + 1,"
            " updated_at = now() WHERE id = $1 AND status = ANY($3::text[])",
            credit_note_id,
            RETRY.target.value,
            CREDIT_NOTE_LIFECYCLE.transition(RETRY.name).values(),
        )
        return result == "UPDATE 1"

    async def transition(
        self,
        credit_note_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
    ) -> bool:
        result = await self._conn.execute(
            "UPDATE credit_notes SET status = $2, pdf_key = COALESCE($3, pdf_key),"
            " failure_reason = $4, updated_at = now()"
            " WHERE id = $1 AND status = ANY($5::text[])",
            credit_note_id,
            target.value,
            pdf_key,
            failure_reason,
            sorted(s.value for s in CREDIT_NOTE_LIFECYCLE.allowed_sources(target)),
        )
        return result == "UPDATE 1"


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


class _Slot:
    def __init__(self, log: DeliveryLog, key: Sequence[Any]) -> None:
        self._log = log
        self._key = key

    async def claim(self, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        return await self._log.claim(self._key, message_id, lease_seconds)

    async def state(self) -> DeliveryState | None:
        return await self._log.state(self._key)

    async def accepted(self) -> None:
        await self._log.accepted(self._key)

    async def release(self) -> None:
        await self._log.release(self._key)


_CREDIT_NOTE_EMAIL = DeliveryStatements("credit_note_deliveries", ["credit_note_id"])
_REMINDER = DeliveryStatements("reminder_deliveries", ["invoice_id", "level"])


class AsyncpgCreditNoteDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._log = DeliveryLog(conn, _CREDIT_NOTE_EMAIL)

    def slot(self, credit_note_id: str) -> _Slot:
        return _Slot(self._log, [credit_note_id])


class AsyncpgReminderDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._log = DeliveryLog(conn, _REMINDER)

    def slot(self, invoice_id: str, level: int) -> _Slot:
        return _Slot(self._log, [invoice_id, level])

    async def levels_sent(self, invoice_ids: Sequence[str]) -> dict[str, set[int]]:
        rows = await self._conn.fetch(
            "SELECT invoice_id::text, level FROM reminder_deliveries"
            " WHERE invoice_id = ANY($1::uuid[]) AND state = $2",
            list(invoice_ids),
            DeliveryState.ACCEPTED.value,
        )
        sent: dict[str, set[int]] = {}
        for r in rows:
            sent.setdefault(r["invoice_id"], set()).add(r["level"])
        return sent
