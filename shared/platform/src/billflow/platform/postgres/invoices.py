"""asyncpg repositories for invoices (with their lines) and billing runs."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Literal

import asyncpg

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.client_billing import BillableHours
from billflow.domain.model import (
    Address,
    BilledTo,
    BillingRun,
    BillingRunKind,
    BillingRunStatus,
    DeliveryState,
    EInvoiceKeys,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Language,
    Payment,
    PaymentStatus,
    Reminder,
    TaxCategory,
    TimesheetEntry,
)
from billflow.domain.model.invoice import INVOICE_LIFECYCLE, RETRY
from billflow.domain.model.lifecycle import Lifecycle
from billflow.domain.model.payment import PAYMENT_LIFECYCLE
from billflow.domain.ports.invoices import PlanningCursor, RunPlanning
from billflow.domain.ports.pagination import Page
from billflow.platform.postgres.paging import decode_cursor, encode_cursor
from billflow.platform.postgres.sellers import (
    CATEGORY_ORDER,
    endpoint_of,
    issuer_json,
    issuer_of,
    tax_rows_of,
)

_COLUMNS = (
    "id::text, number, status, failure_reason, kind, employee_id::text, client_id::text,"
    " billed_name, billed_email, billed_street, billed_city, billed_postal_code, billed_country,"
    " billed_vat_id, billed_language, billed_buyer_reference, billed_endpoint_scheme, billed_endpoint_id,"
    " issuer_snapshot::text, billing_run_id::text, period_start, period_end, issue_date, due_date,"
    " currency, subtotal,"
    " tax_rate, tax, total, issuer_name, issuer_address, issuer_tax_id, pdf_key,"
    " payment_status, amount_paid, amount_credited, einvoice_cii_key, einvoice_ubl_key, einvoice_peppol"
)

# What came against an invoice after it was issued: its payments and the reminders sent.
_MONEY = (
    "ARRAY(SELECT (p.id::text, p.invoice_id::text, p.amount, p.paid_on, p.method, p.reference,"
    " p.recorded_at) FROM payments p WHERE p.invoice_id = i.id ORDER BY p.paid_on, p.recorded_at)"
    " AS payments,"
    " ARRAY(SELECT (r.level, r.accepted_at) FROM reminder_deliveries r"
    f" WHERE r.invoice_id = i.id AND r.state = '{DeliveryState.ACCEPTED.value}' ORDER BY r.level)"
    " AS reminders"
)

# An invoice's lines and taxes ride along as arrays of anonymous records: one statement, one round trip.
_LINES = (
    "ARRAY(SELECT (l.day, l.hours, l.rate, l.amount, l.description, l.project_id::text, l.project_name,"
    " l.employee_id::text, l.employee_name, l.tax_rate, l.first_day, l.last_day, l.tax_category)"
    " FROM invoice_lines l WHERE l.invoice_id = i.id ORDER BY l.position) AS lines,"
    " ARRAY(SELECT (t.rate, t.base, t.amount, t.category, t.exemption_reason, t.exemption_code)"
    f" FROM invoice_taxes t WHERE t.invoice_id = i.id ORDER BY {CATEGORY_ORDER}, t.rate) AS taxes"
)

# The timesheet of a client invoice, as stored at issue (read for rendering).
_ENTRIES = "(SELECT t.entries FROM invoice_timesheets t WHERE t.invoice_id = i.id) AS entries"


def _lines(row: asyncpg.Record) -> list[InvoiceLine]:
    lines = []
    for line in row["lines"]:
        fields = list(line)
        fields[-1] = TaxCategory(fields[-1])
        lines.append(InvoiceLine(*fields))
    return lines


def _timesheet(stored: str | None, lines: Sequence[InvoiceLine]) -> tuple[TimesheetEntry, ...]:
    """The stored timesheet, each entry on its (project, person) line and named as the line has
    them, by date, then person, then project."""
    if stored is None:
        return ()
    line_of = {(line.project_id, line.employee_id): n for n, line in enumerate(lines)}
    entries = []
    for e in json.loads(stored):
        n = line_of[(e["project_id"], e["employee_id"])]
        entries.append(
            TimesheetEntry(
                line=n,
                date=date.fromisoformat(e["date"]),
                employee_id=e["employee_id"],
                employee_name=lines[n].employee_name or "",
                project_id=e["project_id"],
                project_name=lines[n].project_name or "",
                hours=Decimal(e["hours"]),
                description=e["description"],
            )
        )
    return tuple(sorted(entries, key=lambda e: (e.date, e.employee_name, e.project_name)))


def billed_to_of(row: asyncpg.Record) -> BilledTo:
    address = None
    if row["billed_street"] is not None:
        address = Address(
            row["billed_street"], row["billed_city"], row["billed_postal_code"], row["billed_country"]
        )
    return BilledTo(
        name=row["billed_name"],
        email=row["billed_email"],
        address=address,
        vat_id=row["billed_vat_id"],
        language=Language(row["billed_language"]),
        buyer_reference=row["billed_buyer_reference"],
        electronic_address=endpoint_of(row["billed_endpoint_scheme"], row["billed_endpoint_id"]),
    )


def einvoice_of(row: asyncpg.Record) -> EInvoiceKeys | None:
    """The e-invoice files' keys, recorded together when a client document is rendered."""
    if row["einvoice_cii_key"] is None:
        return None
    return EInvoiceKeys(row["einvoice_cii_key"], row["einvoice_ubl_key"], bool(row["einvoice_peppol"]))


def _invoice(row: asyncpg.Record, lines: Sequence[InvoiceLine]) -> Invoice:
    keys = set(row.keys())  # a Record's keys() is an iterator: each `in` would consume it
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
        issuer=issuer_of(row),
        billed_to=billed_to_of(row),
        kind=InvoiceKind(row["kind"]),
        employee_id=row["employee_id"],
        client_id=row["client_id"],
        taxes=tax_rows_of(row["taxes"]) if "taxes" in keys else (),
        entries=_timesheet(row["entries"], lines) if "entries" in keys else (),
        billing_run_id=row["billing_run_id"],
        failure_reason=row["failure_reason"],
        pdf_key=row["pdf_key"],
        einvoice=einvoice_of(row),
        payment_status=PaymentStatus(row["payment_status"]),
        amount_paid=row["amount_paid"],
        amount_credited=row["amount_credited"],
        payments=tuple(Payment(*p) for p in row["payments"]) if "payments" in keys else (),
        reminders=tuple(Reminder(*r) for r in row["reminders"]) if "reminders" in keys else (),
    )


EINVOICE_SET = (
    "einvoice_cii_key = COALESCE($6, einvoice_cii_key), einvoice_ubl_key = COALESCE($7, einvoice_ubl_key),"
    " einvoice_peppol = COALESCE($8, einvoice_peppol)"
)
"""The e-invoice keys of a ``transition`` ($6-$8): kept unless given, as ``pdf_key`` is."""


def einvoice_params(keys: EInvoiceKeys | None) -> tuple[str | None, str | None, bool | None]:
    return (keys.cii, keys.ubl, keys.peppol) if keys is not None else (None, None, None)


async def reopen_document(
    conn: asyncpg.Connection,
    table: Literal["invoices", "credit_notes"],
    lifecycle: Lifecycle[InvoiceStatus],
    row_id: str,
) -> bool:
    """``failed -> pending`` (the retry row of the document's life cycle) of an invoice or a
    credit note, counting the retry; False when it was not ``failed``."""
    result = await conn.execute(
        f"UPDATE {table} SET status = $2, failure_reason = NULL, retries = retries + 1,"
        " updated_at = now() WHERE id = $1 AND status = ANY($3::text[])",
        row_id,
        RETRY.target.value,
        lifecycle.transition(RETRY.name).values(),
    )
    return bool(result == "UPDATE 1")


async def move_document(
    conn: asyncpg.Connection,
    table: Literal["invoices", "credit_notes"],
    lifecycle: Lifecycle[InvoiceStatus],
    row_id: str,
    target: InvoiceStatus,
    *,
    pdf_key: str | None,
    failure_reason: str | None,
    einvoice: EInvoiceKeys | None,
) -> bool:
    """An invoice's or a credit note's guarded status change, from the sources its life cycle
    allows, with the files it recorded on the way (PDF, e-invoices)."""
    result = await conn.execute(
        f"UPDATE {table} SET status = $2, pdf_key = COALESCE($3, pdf_key),"
        f" failure_reason = $4, updated_at = now(), {EINVOICE_SET}"
        " WHERE id = $1 AND status = ANY($5::text[])",
        row_id,
        target.value,
        pdf_key,
        failure_reason,
        sorted(s.value for s in lifecycle.allowed_sources(target)),
        *einvoice_params(einvoice),
    )
    return bool(result == "UPDATE 1")


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value is not None else None


@functools.lru_cache(maxsize=4096)
def _line_uuid(value: str | None) -> uuid.UUID | None:
    """A line's project or employee id: a chunk's 10,500 lines name a handful, parsed once each."""
    return _uuid(value)


def _uuids(invoices: Sequence[Invoice]) -> list[uuid.UUID]:
    """Each invoice's id parsed once (not once per line)."""
    return [uuid.UUID(i.id) for i in invoices]


def _invoice_row(i: Invoice) -> tuple[object, ...]:
    to, address = i.billed_to, i.billed_to.address
    employee = i.kind is InvoiceKind.EMPLOYEE
    return (
        i.id,
        i.number,
        i.status.value,
        i.kind.value,
        i.employee_id,
        to.name if employee else None,
        to.email if employee else None,
        i.client_id,
        to.name,
        to.email,
        address.street if address else None,
        address.city if address else None,
        address.postal_code if address else None,
        address.country if address else None,
        to.vat_id,
        to.language.value,
        to.buyer_reference,
        to.electronic_address.scheme if to.electronic_address else None,
        to.electronic_address.id if to.electronic_address else None,
        issuer_json(i.issuer) if i.issuer.postal_address is not None else None,
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
        await self._insert(invoices)
        await self._conn.copy_records_to_table(
            "invoice_lines",
            columns=[
                "invoice_id",
                "position",
                "day",
                "hours",
                "rate",
                "amount",
                "description",
                "project_id",
                "project_name",
                "employee_id",
                "employee_name",
                "tax_rate",
                "first_day",
                "last_day",
                "tax_category",
            ],
            records=[
                (
                    invoice_id,
                    n,
                    line.date,
                    line.hours,
                    line.rate,
                    line.amount,
                    line.description,
                    _line_uuid(line.project_id),
                    line.project_name,
                    _line_uuid(line.employee_id),
                    line.employee_name,
                    line.tax_rate,
                    line.first_day,
                    line.last_day,
                    line.tax_category.value,
                )
                for i, invoice_id in zip(invoices, _uuids(invoices), strict=True)
                for n, line in enumerate(i.lines)
            ],
        )
        employee_ids = [i.id for i in invoices if i.kind is InvoiceKind.EMPLOYEE]
        if employee_ids:
            await self._conn.execute(
                "UPDATE workdays w SET employee_invoice_id = i.id FROM invoices i"
                " WHERE i.id = ANY($1::uuid[]) AND w.employee_id = i.employee_id"
                " AND w.day BETWEEN i.period_start AND i.period_end AND w.employee_invoice_id IS NULL",
                employee_ids,
            )

    async def add_with_workday_lines(
        self, invoices: Sequence[Invoice], pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        await self._insert(invoices)
        # One statement: claim the workdays (a HOT update, as in add_many), and write a line of
        # each from what the claim returns, positions numbered in compute_totals' (date, project)
        # order: a uuid's order is its text's (lower-case hex at fixed places), so no COLLATE.
        # round(numeric, digits) goes half away from zero: round_money's ROUND_HALF_UP here.
        # The "= ANY" repeats the join as an index condition: without it a month of 100,000
        # employees' workdays would be hashed whole for each chunk.
        rows = await self._conn.fetch(
            "WITH p AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::int[])"
            " AS p (invoice_id, employee_id, project_id, rate, digits)),"
            " claimed AS (UPDATE workdays w SET employee_invoice_id = p.invoice_id FROM p"
            " WHERE w.employee_id = p.employee_id AND w.employee_id = ANY($2::uuid[])"
            " AND w.day BETWEEN $6 AND $7 AND w.employee_invoice_id IS NULL"
            " RETURNING p.invoice_id, w.day, w.hours, p.rate, round(w.hours * p.rate, p.digits) AS amount,"
            " w.description, coalesce(w.project_id, p.project_id) AS project_id),"
            " written AS (INSERT INTO invoice_lines"
            " (invoice_id, position, day, hours, rate, amount, description, project_id, tax_category)"
            " SELECT invoice_id, row_number() OVER (PARTITION BY invoice_id ORDER BY day, project_id) - 1,"
            " day, hours, rate, amount, description, project_id, $8 FROM claimed"
            " RETURNING invoice_id, amount)"
            " SELECT invoice_id::text, count(*) AS lines, sum(amount) AS subtotal FROM written"
            " GROUP BY invoice_id",
            [p.invoice_id for p in pricing],
            [p.employee_id for p in pricing],
            [p.project_id for p in pricing],
            [p.rate for p in pricing],
            [p.digits for p in pricing],
            start,
            end,
            TaxCategory.STANDARD.value,  # an employee line's, as InvoiceLine's default
        )
        return {r["invoice_id"]: LineSums(r["lines"], r["subtotal"]) for r in rows}

    async def _insert(self, invoices: Sequence[Invoice]) -> None:
        """The invoices' rows and their taxes (the lines are the caller's)."""
        # One statement for the chunk's invoices (a planner's 500): executemany would bind and
        # execute an INSERT per row. unnest keeps the order given; the row triggers fire as before.
        rows = [_invoice_row(i) for i in invoices]
        await self._conn.execute(
            "INSERT INTO invoices (id, number, status, kind, employee_id, employee_name, employee_email,"
            " client_id, billed_name, billed_email, billed_street, billed_city, billed_postal_code,"
            " billed_country, billed_vat_id, billed_language, billed_buyer_reference,"
            " billed_endpoint_scheme, billed_endpoint_id, issuer_snapshot,"
            " billing_run_id, period_start, period_end, issue_date, due_date, currency, subtotal,"
            " tax_rate, tax, total, issuer_name, issuer_address, issuer_tax_id)"
            " SELECT r.c1, r.c2, r.c3, r.c4, r.c5, r.c6, r.c7, r.c8, r.c9, r.c10, r.c11, r.c12, r.c13,"
            " r.c14, r.c15, r.c16, r.c17, r.c18, r.c19, r.c20::jsonb, r.c21, r.c22, r.c23, r.c24,"
            " r.c25, r.c26, r.c27, r.c28, r.c29, r.c30, r.c31, r.c32, r.c33"
            " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],"
            " $7::text[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],"
            " $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],"
            " $21::uuid[], $22::date[], $23::date[], $24::date[], $25::date[], $26::text[],"
            " $27::numeric[], $28::numeric[], $29::numeric[], $30::numeric[], $31::text[], $32::text[],"
            " $33::text[]) WITH ORDINALITY AS r (c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12,"
            " c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30,"
            " c31, c32, c33, n) ORDER BY r.n",
            *[[row[c] for row in rows] for c in range(33)],
        )
        await self._conn.copy_records_to_table(
            "invoice_taxes",
            columns=[
                "invoice_id",
                "rate",
                "base",
                "amount",
                "category",
                "exemption_reason",
                "exemption_code",
            ],
            records=[
                (
                    uuid.UUID(i.id),
                    t.rate,
                    t.base,
                    t.amount,
                    t.category.value,
                    t.exemption_reason,
                    t.exemption_code,
                )
                for i in invoices
                for t in i.taxes
            ],
        )

    async def claim_client_hours(
        self, invoice_for_client: Mapping[str, str], start: date, end: date
    ) -> dict[str, list[BillableHours]]:
        if not invoice_for_client:
            return {}
        # One statement: mark the entries billed (locking them), file them as the invoice's
        # timesheet, and sum them per (project, person) for the lines.
        claimed = await self._conn.fetch(
            "WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS t (client_id, invoice_id)),"
            " claimed AS (UPDATE workdays w SET client_invoice_id = wanted.invoice_id"
            " FROM projects p JOIN wanted ON wanted.client_id = p.client_id"
            " WHERE p.id = w.project_id AND w.day BETWEEN $3 AND $4 AND w.client_invoice_id IS NULL"
            " RETURNING w.client_invoice_id, w.project_id, w.employee_id, w.hours, w.day, w.description),"
            " filed AS (INSERT INTO invoice_timesheets (invoice_id, entries)"
            " SELECT client_invoice_id, json_agg(json_build_object('date', day,"
            " 'employee_id', employee_id, 'project_id', project_id, 'hours', hours::text,"
            " 'description', description) ORDER BY day, employee_id, project_id)"
            " FROM claimed GROUP BY client_invoice_id)"
            " SELECT client_invoice_id::text AS invoice_id, project_id::text, employee_id::text,"
            " sum(hours) AS hours, min(day) AS first_day, max(day) AS last_day FROM claimed"
            " GROUP BY client_invoice_id, project_id, employee_id",
            list(invoice_for_client),
            list(invoice_for_client.values()),
            start,
            end,
        )
        found: dict[str, list[BillableHours]] = {}
        for r in claimed:
            found.setdefault(r["invoice_id"], []).append(
                BillableHours(r["project_id"], r["employee_id"], r["hours"], r["first_day"], r["last_day"])
            )
        return found

    async def employees_with_overlapping(
        self, start: date, end: date, among: Sequence[str] | None = None
    ) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT employee_id::text FROM invoices"
            " WHERE kind = 'employee' AND period_start <= $2 AND period_end >= $1"
            " AND payment_status <> $3 AND ($4::uuid[] IS NULL OR employee_id = ANY($4::uuid[]))",
            start,
            end,
            PaymentStatus.CREDITED.value,
            None if among is None else list(among),
        )
        return {r["employee_id"] for r in rows}

    async def get(self, invoice_id: str) -> Invoice | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS}, {_LINES}, {_ENTRIES}, {_MONEY} FROM invoices i WHERE id = $1", invoice_id
        )
        return _invoice(row, _lines(row)) if row else None

    async def get_for_update(self, invoice_id: str) -> Invoice | None:
        locked = await self._conn.fetchval("SELECT 1 FROM invoices WHERE id = $1 FOR UPDATE", invoice_id)
        return await self.get(invoice_id) if locked else None

    async def settle(
        self, invoice_id: str, status: PaymentStatus, amount_paid: Decimal, amount_credited: Decimal
    ) -> bool:
        result = await self._conn.execute(
            "UPDATE invoices SET payment_status = $2, amount_paid = $3, amount_credited = $4,"
            " updated_at = now() WHERE id = $1 AND payment_status = ANY($5::text[])",
            invoice_id,
            status.value,
            amount_paid,
            amount_credited,
            sorted({status.value} | {s.value for s in PAYMENT_LIFECYCLE.allowed_sources(status)}),
        )
        return result == "UPDATE 1"

    async def release_entries(self, invoice_id: str) -> int:
        employee = await self._conn.execute(
            "UPDATE workdays SET employee_invoice_id = NULL WHERE employee_invoice_id = $1", invoice_id
        )
        client = await self._conn.execute(
            "UPDATE workdays SET client_invoice_id = NULL WHERE client_invoice_id = $1", invoice_id
        )
        return int(employee.split()[-1]) + int(client.split()[-1])

    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM invoices WHERE employee_id = $1"
            " AND period_start <= $3 AND period_end >= $2 AND payment_status <> $4"
            " ORDER BY number LIMIT 1",
            employee_id,
            start,
            end,
            PaymentStatus.CREDITED.value,
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
        client_id: str | None = None,
        kind: InvoiceKind | None = None,
        payment_status: PaymentStatus | None = None,
        overdue_on: date | None = None,
    ) -> Page[Invoice]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS}, {_LINES}, {_MONEY} FROM invoices i"
            " WHERE ($1::uuid IS NULL OR employee_id = $1)"
            " AND ($2::text IS NULL OR status = $2)"
            " AND ($3::text IS NULL OR number < $3)"
            " AND ($5::date IS NULL OR period_end >= $5)"
            " AND ($6::date IS NULL OR period_start <= $6)"
            " AND ($7::uuid IS NULL OR client_id = $7)"
            " AND ($8::text IS NULL OR kind = $8)"
            " AND ($9::text IS NULL OR payment_status = $9)"
            " AND ($10::date IS NULL OR (due_date < $10 AND total - amount_credited - amount_paid > 0))"
            " ORDER BY number DESC LIMIT $4",
            employee_id,
            status.value if status else None,
            decode_cursor(cursor)[0] if cursor else None,
            limit + 1,
            period[0] if period else None,
            period[1] if period else None,
            client_id,
            kind.value if kind else None,
            payment_status.value if payment_status else None,
            overdue_on,
        )
        items = [_invoice(r, _lines(r)) for r in rows[:limit]]
        next_cursor = encode_cursor(items[-1].number) if len(rows) > limit else None
        return Page(items=items, next_cursor=next_cursor)

    async def reopen(self, invoice_id: str) -> bool:
        return await reopen_document(self._conn, "invoices", INVOICE_LIFECYCLE, invoice_id)

    async def transition(
        self,
        invoice_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        return await move_document(
            self._conn,
            "invoices",
            INVOICE_LIFECYCLE,
            invoice_id,
            target,
            pdf_key=pdf_key,
            failure_reason=failure_reason,
            einvoice=einvoice,
        )


class AsyncpgBillingRunRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, run: BillingRun) -> None:
        await self._conn.execute(
            "INSERT INTO billing_runs (id, period_start, period_end, kind, status, planned)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            run.id,
            run.period_start,
            run.period_end,
            run.kind.value,
            run.status.value,
            run.planned,
        )

    async def get(self, run_id: str) -> BillingRun | None:
        # The lists only once issued: while planning they grow by the chunk, and a poll of a
        # 100,000-invoice run should not carry them each time.
        row = await self._conn.fetchrow(
            "SELECT id::text, period_start, period_end, kind, status, planned,"
            " CASE WHEN status = $2 THEN ARRAY(SELECT i.id::text FROM invoices i"
            " WHERE i.billing_run_id = r.id ORDER BY i.number) ELSE '{}' END AS invoice_ids,"
            " CASE WHEN status = $2 THEN ARRAY(SELECT s.subject_id::text FROM billing_run_skips s"
            " WHERE s.billing_run_id = r.id ORDER BY s.position) ELSE '{}' END AS skipped_ids"
            " FROM billing_runs r WHERE id = $1",
            run_id,
            BillingRunStatus.ISSUED.value,
        )
        return _billing_run(row) if row else None

    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]:
        rows = await self._conn.fetch(
            "SELECT status, count(*) AS n FROM invoices WHERE billing_run_id = $1 GROUP BY status",
            run_id,
        )
        return {InvoiceStatus(r["status"]): r["n"] for r in rows}

    async def lock_planning(self, run_id: str) -> RunPlanning | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, period_start, period_end, kind, status, planned, cursor_name,"
            " cursor_id::text, '{}'::text[] AS invoice_ids, '{}'::text[] AS skipped_ids"
            " FROM billing_runs WHERE id = $1 AND status = $2 FOR UPDATE",
            run_id,
            BillingRunStatus.PLANNING.value,
        )
        if row is None:
            return None
        cursor = (
            None if row["cursor_id"] is None else PlanningCursor(row["cursor_name"] or "", row["cursor_id"])
        )
        return RunPlanning(_billing_run(row), cursor)

    async def count_candidates(self, run: BillingRun) -> int:
        if run.kind is BillingRunKind.CLIENTS:
            query = (
                "SELECT count(*) FROM clients c WHERE NOT c.archived AND EXISTS (SELECT 1 FROM workdays w"
                " JOIN projects p ON p.id = w.project_id WHERE p.client_id = c.id"
                " AND w.day BETWEEN $1 AND $2 AND w.client_invoice_id IS NULL)"
            )
        else:
            query = (
                "SELECT count(*) FROM employees e WHERE EXISTS (SELECT 1 FROM workdays w"
                " WHERE w.employee_id = e.id AND w.day BETWEEN $1 AND $2) AND NOT EXISTS"
                " (SELECT 1 FROM invoices i WHERE i.employee_id = e.id AND i.kind = 'employee'"
                " AND i.period_start <= $2 AND i.period_end >= $1 AND i.payment_status <> $3)"
            )
        args = (run.period_start, run.period_end) + (
            () if run.kind is BillingRunKind.CLIENTS else (PaymentStatus.CREDITED.value,)
        )
        n = await self._conn.fetchval(query, *args)
        assert isinstance(n, int)
        return n

    async def advance(
        self,
        run_id: str,
        *,
        planned: int,
        cursor: PlanningCursor | None,
        skipped: Sequence[str],
        issued: bool,
    ) -> None:
        await self._conn.execute(
            "UPDATE billing_runs SET planned = $2, cursor_name = $3, cursor_id = $4, status = $5"
            " WHERE id = $1",
            run_id,
            planned,
            cursor.name if cursor else None,
            cursor.id if cursor else None,
            (BillingRunStatus.ISSUED if issued else BillingRunStatus.PLANNING).value,
        )
        if skipped:
            await self._conn.execute(
                "INSERT INTO billing_run_skips (billing_run_id, subject_id)"
                " SELECT $1, s FROM unnest($2::uuid[]) WITH ORDINALITY AS t (s, n) ORDER BY n",
                run_id,
                list(skipped),
            )


def _billing_run(row: asyncpg.Record) -> BillingRun:
    return BillingRun(
        row["id"],
        row["period_start"],
        row["period_end"],
        tuple(row["invoice_ids"]),
        BillingRunKind(row["kind"]),
        BillingRunStatus(row["status"]),
        row["planned"],
        tuple(row["skipped_ids"]),
    )
