"""The webhook endpoints, events, deliveries and attempts on PostgreSQL (migration 0010).

Events are not written here: the database records them itself, in the writer's transaction
(``webhook_record``), so no write path can forget one. The deliverer reads them back here.
An endpoint's write and its audit entry share one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import asyncpg

from billflow.domain.errors import TransientFailure
from billflow.domain.ports.pagination import Page
from billflow.domain.ports.webhooks import (
    AttemptResult,
    DueDelivery,
    EndpointAudit,
    EndpointChange,
    RecordedEvent,
)
from billflow.domain.webhooks import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEventType,
)
from billflow.platform.postgres.audit import AsyncpgAuditLog
from billflow.platform.postgres.errors import TRANSIENT_ERRORS
from billflow.platform.postgres.paging import decode_cursor, encode_cursor

_ENDPOINT = "id::text, url, events, enabled, created_at"


@asynccontextmanager
async def _connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.pool.PoolConnectionProxy]:
    try:
        async with pool.acquire() as conn:
            yield conn
    except TRANSIENT_ERRORS as e:
        raise TransientFailure("the database is unreachable") from e


def _uuid(value: str) -> uuid.UUID | None:
    """An id nobody could have is simply not found (the API answers 404, not 500)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _audit_log(conn: asyncpg.pool.PoolConnectionProxy) -> AsyncpgAuditLog:
    c: asyncpg.Connection = conn  # type: ignore[assignment]
    return AsyncpgAuditLog(c)


def _endpoint(row: asyncpg.Record) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        url=row["url"],
        events=tuple(WebhookEventType(e) for e in row["events"]),
        enabled=row["enabled"],
        created_at=row["created_at"],
    )


class AsyncpgWebhookEndpointStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(self, endpoint: WebhookEndpoint, secret: str, *, audit: EndpointAudit) -> None:
        async with _connection(self._pool) as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO webhook_endpoints (id, url, events, secret, enabled, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                endpoint.id,
                endpoint.url,
                [e.value for e in endpoint.events],
                secret,
                endpoint.enabled,
                endpoint.created_at,
            )
            await audit(_audit_log(conn), None, endpoint)

    async def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        if (key := _uuid(endpoint_id)) is None:
            return None
        async with _connection(self._pool) as conn:
            row = await conn.fetchrow(f"SELECT {_ENDPOINT} FROM webhook_endpoints WHERE id = $1", key)
        return None if row is None else _endpoint(row)

    async def list(self, *, limit: int, after: str | None) -> Page[WebhookEndpoint]:
        created, _, last_id = (decode_cursor(after)[0] if after else "").partition("|")
        async with _connection(self._pool) as conn:
            rows = await conn.fetch(
                f"SELECT {_ENDPOINT} FROM webhook_endpoints"
                " WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid)"
                " ORDER BY created_at, id LIMIT $3",
                datetime.fromisoformat(created) if created else None,
                _uuid(last_id) if last_id else None,
                limit + 1,
            )
        items = [_endpoint(r) for r in rows[:limit]]
        more = len(rows) > limit
        cursor = encode_cursor(f"{items[-1].created_at.isoformat()}|{items[-1].id}") if more else None
        return Page(items=items, next_cursor=cursor)

    async def change(
        self, endpoint_id: str, change: EndpointChange, *, audit: EndpointAudit
    ) -> WebhookEndpoint | None:
        if (key := _uuid(endpoint_id)) is None:
            return None
        async with _connection(self._pool) as conn, conn.transaction():
            old = await conn.fetchrow(
                f"SELECT {_ENDPOINT} FROM webhook_endpoints WHERE id = $1 FOR UPDATE", key
            )
            if old is None:
                return None
            row = await conn.fetchrow(
                "UPDATE webhook_endpoints SET url = coalesce($2, url), events = coalesce($3, events),"
                " enabled = coalesce($4, enabled), updated_at = now()"
                f" WHERE id = $1 RETURNING {_ENDPOINT}",
                key,
                change.url,
                None if change.events is None else [e.value for e in change.events],
                change.enabled,
            )
            assert row is not None  # the row is locked since the SELECT
            changed = _endpoint(row)
            await audit(_audit_log(conn), _endpoint(old), changed)
        return changed

    async def remove(self, endpoint_id: str, *, audit: EndpointAudit) -> bool:
        if (key := _uuid(endpoint_id)) is None:
            return False
        async with _connection(self._pool) as conn, conn.transaction():
            row = await conn.fetchrow(
                f"DELETE FROM webhook_endpoints WHERE id = $1 RETURNING {_ENDPOINT}", key
            )
            if row is not None:
                await audit(_audit_log(conn), _endpoint(row), None)
        return row is not None

    async def attempts(self, endpoint_id: str, *, limit: int, after: str | None) -> Page[WebhookAttempt]:
        if (key := _uuid(endpoint_id)) is None:
            return Page(items=[], next_cursor=None)
        at, _, rest = (decode_cursor(after)[0] if after else "").partition("|")
        delivery, _, attempt = rest.partition("|")
        async with _connection(self._pool) as conn:
            rows = await conn.fetch(
                "SELECT a.delivery_id::text, d.event_id::text, e.type, a.attempt, a.attempted_at,"
                " a.status_code, a.duration_ms, a.error, a.next_attempt_at, d.status"
                " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                " JOIN webhook_events e ON e.id = d.event_id"
                " WHERE d.endpoint_id = $1 AND ($2::timestamptz IS NULL"
                "   OR (a.attempted_at, a.delivery_id, a.attempt) < ($2::timestamptz, $3::uuid, $4::int))"
                " ORDER BY a.attempted_at DESC, a.delivery_id DESC, a.attempt DESC LIMIT $5",
                key,
                datetime.fromisoformat(at) if at else None,
                _uuid(delivery) if delivery else None,
                int(attempt) if attempt.isdigit() else None,
                limit + 1,
            )
        items = [
            WebhookAttempt(
                delivery_id=r["delivery_id"],
                event_id=r["event_id"],
                event_type=WebhookEventType(r["type"]),
                attempt=r["attempt"],
                attempted_at=r["attempted_at"],
                status_code=r["status_code"],
                duration_ms=r["duration_ms"],
                error=r["error"],
                next_attempt_at=r["next_attempt_at"],
                delivery_status=DeliveryStatus(r["status"]),
            )
            for r in rows[:limit]
        ]
        last = items[-1] if len(rows) > limit else None
        cursor = None
        if last is not None:
            cursor = encode_cursor(f"{last.attempted_at.isoformat()}|{last.delivery_id}|{last.attempt}")
        return Page(items=items, next_cursor=cursor)


class AsyncpgWebhookDeliveryStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def event(self, event_id: str) -> RecordedEvent | None:
        if (key := _uuid(event_id)) is None:
            return None
        async with _connection(self._pool) as conn:
            row = await conn.fetchrow(
                "SELECT id::text, type, subject_id::text, parent_id::text, occurred_at, body"
                " FROM webhook_events WHERE id = $1",
                key,
            )
        if row is None:
            return None
        return RecordedEvent(
            id=row["id"],
            type=WebhookEventType(row["type"]),
            subject_id=row["subject_id"],
            parent_id=row["parent_id"],
            occurred_at=row["occurred_at"],
            body=None if row["body"] is None else bytes(row["body"]),
        )

    async def write_body(self, event_id: str, body: bytes) -> bytes:
        async with _connection(self._pool) as conn:
            stored: bytes = await conn.fetchval(
                "UPDATE webhook_events SET body = coalesce(body, $2) WHERE id = $1 RETURNING body",
                uuid.UUID(event_id),
                body,
            )
        return bytes(stored)

    async def claim_due(self, event_id: str, now: datetime, lease_seconds: float) -> Sequence[DueDelivery]:
        async with _connection(self._pool) as conn:
            rows = await conn.fetch(
                "WITH due AS ("
                "  SELECT d.id FROM webhook_deliveries d"
                "  WHERE d.event_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2"
                "  FOR UPDATE SKIP LOCKED)"
                " UPDATE webhook_deliveries d SET next_attempt_at = $3 FROM due, webhook_endpoints e"
                " WHERE d.id = due.id AND e.id = d.endpoint_id"
                " RETURNING d.id::text, e.url, e.secret, d.attempts,"
                "  (SELECT min(attempted_at) FROM webhook_attempts a WHERE a.delivery_id = d.id) AS first_at",
                uuid.UUID(event_id),
                now,
                now + timedelta(seconds=lease_seconds),
            )
        return [DueDelivery(r["id"], r["url"], r["secret"], r["attempts"], r["first_at"]) for r in rows]

    async def record(
        self,
        delivery_id: str,
        result: AttemptResult,
        status: DeliveryStatus,
        next_attempt_at: datetime | None,
    ) -> None:
        async with _connection(self._pool) as conn, conn.transaction():
            attempt: int = await conn.fetchval(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, next_attempt_at = $3"
                " WHERE id = $1 RETURNING attempts",
                uuid.UUID(delivery_id),
                status.value,
                next_attempt_at,
            )
            if attempt is None:  # the endpoint was removed meanwhile
                return
            await conn.execute(
                "INSERT INTO webhook_attempts"
                " (delivery_id, attempt, attempted_at, status_code, duration_ms, error, next_attempt_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                uuid.UUID(delivery_id),
                attempt,
                result.attempted_at,
                result.status_code,
                result.duration_ms,
                result.error,
                next_attempt_at,
            )

    async def next_due(self, event_id: str) -> datetime | None:
        async with _connection(self._pool) as conn:
            due: datetime | None = await conn.fetchval(
                "SELECT min(next_attempt_at) FROM webhook_deliveries"
                " WHERE event_id = $1 AND status = 'pending'",
                uuid.UUID(event_id),
            )
        return due
