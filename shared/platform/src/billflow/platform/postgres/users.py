"""asyncpg repository for users."""

from __future__ import annotations

import asyncpg

from billflow.domain.errors import Conflict
from billflow.domain.model import Role, User


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
