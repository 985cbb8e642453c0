"""Creating the asyncpg pool: once per process, closed by the composition root."""

from __future__ import annotations

import asyncpg

from billflow.platform.settings import PostgresSettings


async def _keep_session(_: asyncpg.Connection) -> None:
    """Billflow sets no session state (no SET, no session locks, no LISTEN on pooled connections,
    no cursors outside a transaction), so returning a connection needs no reset query. asyncpg
    still rolls back a transaction left open and drops listeners before calling this."""


async def create_pool(settings: PostgresSettings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        # Statements are few and fixed; the cache pays for itself. Behind PgBouncer in transaction
        # mode (or RDS Proxy), set it to 0.
        statement_cache_size=256,
        command_timeout=30,
        # The default reset sends a query on every release; this saves that round trip.
        reset=_keep_session,
    )
    assert pool is not None
    return pool
