"""asyncpg adapters for the audit trail (append-only) and API keys."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg

from billflow.domain.errors import InvalidInput
from billflow.domain.model import ActorKind, ApiKey, AuditEntry, FieldChange, Role, User
from billflow.domain.ports.audit import AuditFilter
from billflow.domain.ports.pagination import Page


def _encode(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[str]:
    try:
        parts = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidInput("cursor is not one this API handed out", field="cursor") from e
    if len(parts) != count:
        raise InvalidInput("cursor is not one this API handed out", field="cursor")
    return parts


def _entry(row: asyncpg.Record) -> AuditEntry:
    changes = json.loads(row["changes"])
    return AuditEntry(
        id=str(row["seq"]),
        at=row["at"],
        actor_kind=ActorKind(row["actor_kind"]) if row["actor_kind"] else None,
        actor_id=row["actor_id"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        changes={k: FieldChange(v.get("old"), v.get("new")) for k, v in changes.items()},
    )


def _body(changes: Mapping[str, FieldChange]) -> str:
    return json.dumps({k: {"old": c.old, "new": c.new} for k, c in changes.items()})


_ENTRY = "SELECT seq, at, actor_kind, actor_id::text, entity, entity_id, action, changes::text FROM audit_log"


class AsyncpgAuditLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def record(
        self,
        actor: User | None,
        entity: str,
        entity_id: str,
        action: str,
        changes: Mapping[str, FieldChange] | None = None,
    ) -> None:
        await self.record_many(actor, entity, action, [(entity_id, changes or {})])

    async def record_many(
        self,
        actor: User | None,
        entity: str,
        action: str,
        changes: Sequence[tuple[str, Mapping[str, FieldChange]]],
    ) -> None:
        if not changes:
            return
        kind, actor_id = (actor.kind.value, actor.id) if actor else (None, None)
        # One statement however many entries (an import's 10,000 rows): executemany would make a
        # round trip and an index update per row; unnest keeps the order given, so seq does too.
        await self._conn.execute(
            "INSERT INTO audit_log (actor_kind, actor_id, entity, entity_id, action, changes)"
            " SELECT $1, $2::uuid, $3, e.id, $4, e.changes::jsonb"
            " FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS e (id, changes, n) ORDER BY e.n",
            kind,
            actor_id,
            entity,
            action,
            [entity_id for entity_id, _ in changes],
            [_body(c) for _, c in changes],
        )

    async def page(self, where: AuditFilter, *, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        before = None
        if cursor:
            (raw,) = _decode(cursor, 1)
            if not raw.isdigit():
                raise InvalidInput("cursor is not one this API handed out", field="cursor")
            before = int(raw)
        rows = await self._conn.fetch(
            _ENTRY + " WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2)"
            " AND ($3::uuid IS NULL OR actor_id = $3) AND ($4::timestamptz IS NULL OR at >= $4)"
            " AND ($5::timestamptz IS NULL OR at < $5) AND ($6::bigint IS NULL OR seq < $6)"
            " ORDER BY seq DESC LIMIT $7",
            where.entity,
            where.entity_id,
            where.actor_id,
            where.since,
            where.until,
            before,
            limit + 1,
        )
        items = [_entry(r) for r in rows[:limit]]
        return Page(items=items, next_cursor=_encode(items[-1].id) if len(rows) > limit else None)

    async def of(self, entity: str, entity_id: str, *, limit: int = 100) -> list[AuditEntry]:
        rows = await self._conn.fetch(
            _ENTRY + " WHERE entity = $1 AND entity_id = $2 ORDER BY seq LIMIT $3", entity, entity_id, limit
        )
        return [_entry(r) for r in rows]


def _key(row: asyncpg.Record) -> ApiKey:
    return ApiKey(row["id"], row["name"], Role(row["role"]), row["created_at"], row["last_used_at"])


_KEY = "SELECT id::text, name, role, created_at, last_used_at FROM api_keys"


class AsyncpgApiKeyRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, key: ApiKey, digest: bytes) -> None:
        await self._conn.execute(
            "INSERT INTO api_keys (id, name, role, digest, created_at) VALUES ($1, $2, $3, $4, $5)",
            key.id,
            key.name,
            key.role.value,
            digest,
            key.created_at,
        )

    async def by_digest(self, digest: bytes) -> ApiKey | None:
        row = await self._conn.fetchrow(_KEY + " WHERE digest = $1 AND revoked_at IS NULL", digest)
        return _key(row) if row else None

    async def get(self, key_id: str) -> ApiKey | None:
        row = await self._conn.fetchrow(_KEY + " WHERE id = $1", key_id)
        return _key(row) if row else None

    async def page(self, *, limit: int, cursor: str | None = None) -> Page[ApiKey]:
        after: tuple[datetime, str] | None = None
        if cursor:
            at, key_id = _decode(cursor, 2)
            try:
                after = (datetime.fromisoformat(at), key_id)
            except ValueError as e:
                raise InvalidInput("cursor is not one this API handed out", field="cursor") from e
        rows = await self._conn.fetch(
            _KEY + " WHERE revoked_at IS NULL"
            " AND ($1::timestamptz IS NULL OR (created_at, id::text) < ($1, $2::text))"
            " ORDER BY created_at DESC, id::text DESC LIMIT $3",
            after[0] if after else None,
            after[1] if after else None,
            limit + 1,
        )
        items = [_key(r) for r in rows[:limit]]
        last = items[-1] if items else None
        more = last is not None and len(rows) > limit
        return Page(
            items=items, next_cursor=_encode(last.created_at.isoformat(), last.id) if more and last else None
        )

    async def revoke(self, key_id: str, at: datetime) -> ApiKey | None:
        row = await self._conn.fetchrow(
            "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
            " RETURNING id::text, name, role, created_at, last_used_at",
            key_id,
            at,
        )
        return _key(row) if row else None

    async def mark_used(self, key_id: str, at: datetime) -> None:
        await self._conn.execute("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", key_id, at)
