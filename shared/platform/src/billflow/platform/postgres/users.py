"""asyncpg repository for users."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from billflow.domain.errors import Conflict
from billflow.domain.model import Role, User
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.paging import page_of, text_and_id


def _user(row: asyncpg.Record) -> User:
    return User(row["id"], row["email"], Role(row["role"]), row["employee_id"])


class AsyncpgUserRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, user: User, password_hash: str) -> None:
        try:
            await self._conn.execute(
                "INSERT INTO users (id, email, password_hash, role, employee_id) VALUES ($1, $2, $3, $4, $5)",
                user.id,
                user.email,
                password_hash,
                user.role.value,
                user.employee_id,
            )
        except asyncpg.UniqueViolationError as e:
            raise Conflict("a user with this email already exists") from e

    async def get(self, user_id: str) -> User | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, email, role, employee_id::text FROM users WHERE id = $1", user_id
        )
        return _user(row) if row else None

    async def by_email(self, email: str) -> tuple[User, str] | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, email, role, employee_id::text, password_hash FROM users"
            " WHERE lower(email) = lower($1)",
            email,
        )
        return (_user(row), row["password_hash"]) if row else None

    async def count(self) -> int:
        value = await self._conn.fetchval("SELECT count(*) FROM users")
        assert isinstance(value, int)
        return value

    async def list(self) -> Sequence[User]:
        rows = await self._conn.fetch(
            "SELECT id::text, email, role, employee_id::text FROM users ORDER BY lower(email)"
        )
        return [_user(r) for r in rows]

    async def page(self, request: PageRequest) -> Page[User]:
        email, after = text_and_id(request.cursor)
        rows = await self._conn.fetch(
            "SELECT id::text, email, role, employee_id::text, lower(email) AS sort_key FROM users"
            " WHERE $1::text IS NULL OR (lower(email), id) > ($1, $2::uuid)"
            " ORDER BY lower(email), id LIMIT $3",
            email,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _user, lambda r: (r["sort_key"], r["id"]))

    async def delete(self, user_id: str) -> bool:
        status = await self._conn.execute("DELETE FROM users WHERE id = $1", user_id)
        return bool(status == "DELETE 1")

    async def by_external_subject(self, subject: str) -> User | None:
        row = await self._conn.fetchrow(
            "SELECT id::text, email, role, employee_id::text FROM users WHERE external_subject = $1",
            subject,
        )
        return _user(row) if row else None

    async def link_external_subject(self, user_id: str, subject: str) -> None:
        try:
            await self._conn.execute(
                "UPDATE users SET external_subject = $2 WHERE id = $1 AND external_subject IS NULL",
                user_id,
                subject,
            )
        except asyncpg.UniqueViolationError as e:
            raise Conflict("another user is linked to this identity") from e
