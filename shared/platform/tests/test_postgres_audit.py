"""The audit trail and API keys on a real PostgreSQL: entries commit with their write or not at
all, nobody can change or remove one, and a key is found by its digest only while unrevoked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from billflow.domain.model import ActorKind, ApiKey, FieldChange, Role, User
from billflow.domain.ports.audit import AuditFilter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

pytestmark = pytest.mark.integration


def actor() -> User:
    return User(str(uuid.uuid4()), "someone@example.com", Role.ACCOUNTANT)


async def test_an_entry_is_kept_with_its_commit_and_lost_with_its_rollback(pool: asyncpg.Pool) -> None:
    uow, who, entity_id = AsyncpgUnitOfWorkFactory(pool), actor(), str(uuid.uuid4())
    async with uow() as u:
        await u.audit.record(
            who, "employee", entity_id, "update", {"hourly_rate": FieldChange("50", "62.50")}
        )
    async with uow() as u:
        await u.audit.record(
            who, "employee", entity_id, "update", {"hourly_rate": FieldChange("62.50", "70")}
        )
        await u.commit()
    async with uow(read_only=True) as u:
        (entry,) = await u.audit.of("employee", entity_id)
    assert (entry.actor_kind, entry.actor_id, entry.action) == (ActorKind.USER, who.id, "update")
    assert entry.changes == {"hourly_rate": FieldChange("62.50", "70")}


async def test_nobody_may_change_or_remove_an_entry(pool: asyncpg.Pool) -> None:
    entity_id = str(uuid.uuid4())
    async with AsyncpgUnitOfWorkFactory(pool)() as u:
        await u.audit.record(None, "user", entity_id, "create")
        await u.commit()
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute("UPDATE audit_log SET action = 'nothing' WHERE entity_id = $1", entity_id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute("DELETE FROM audit_log WHERE entity_id = $1", entity_id)
        assert await conn.fetchval("SELECT action FROM audit_log WHERE entity_id = $1", entity_id) == "create"


async def test_the_trail_pages_newest_first_by_entity_actor_and_time(pool: asyncpg.Pool) -> None:
    uow, who, entity_id = AsyncpgUnitOfWorkFactory(pool), actor(), str(uuid.uuid4())
    async with uow() as u:
        await u.audit.record_many(who, "workday", "record", [(f"{entity_id}/{n}", {}) for n in range(3)])
        await u.commit()
    async with uow(read_only=True) as u:
        first = await u.audit.page(AuditFilter(actor_id=who.id), limit=2)
        assert first.next_cursor is not None
        rest = await u.audit.page(AuditFilter(actor_id=who.id), limit=2, cursor=first.next_cursor)
        later = await u.audit.page(
            AuditFilter(actor_id=who.id, since=datetime.now(UTC) + timedelta(hours=1)), limit=5
        )
    assert [e.entity_id for e in [*first.items, *rest.items]] == [f"{entity_id}/{n}" for n in (2, 1, 0)]
    assert rest.next_cursor is None
    assert later.items == []


async def test_a_key_is_found_by_its_digest_until_it_is_revoked(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    key = ApiKey(str(uuid.uuid4()), "ci", Role.VIEWER, datetime.now(UTC))
    digest = uuid.uuid4().bytes * 2
    async with uow() as u:
        await u.api_keys.add(key, digest)
        await u.commit()
    async with uow() as u:
        assert await u.api_keys.by_digest(digest) == key
        used = datetime.now(UTC)
        await u.api_keys.mark_used(key.id, used)
        assert (await u.api_keys.revoke(key.id, used)) is not None
        assert await u.api_keys.revoke(key.id, used) is None
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.api_keys.by_digest(digest) is None
        assert key.id not in [k.id for k in (await u.api_keys.page(limit=100)).items]
