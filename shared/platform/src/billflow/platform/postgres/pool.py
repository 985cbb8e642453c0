"""Creating the asyncpg pool: once per process, closed by the composition root."""

from __future__ import annotations

import asyncpg

from billflow.platform.settings import PostgresSettings


async def create_pool(settings: PostgresSettings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        # Statements are few and fixed; the cache pays for itself. Behind PgBouncer in transaction
        # mode (or RDS Proxy), set it to 0.
        statement_cache_size=256,
        command_timeout=30,
    )
    assert pool is not None
    return pool
