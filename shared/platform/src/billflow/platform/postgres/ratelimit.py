"""PostgresRateLimiter: the domain's RateLimiter on one table, exact across processes.

Every API process (or Lambda container) shares the counts because they live in the database the
API already depends on. A transaction-scoped advisory lock per key serialises the count-then-insert,
so concurrent requests cannot all slip under the limit together; the lock is held for two short
statements. Time is the database's clock, so processes with skewed clocks agree.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

import asyncpg

from billflow.domain.errors import TransientFailure
from billflow.domain.ports.rate_limits import Admission
from billflow.platform.postgres.errors import TRANSIENT_ERRORS


class PostgresRateLimiter:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def acquire(self, keys: Sequence[str], limit: int, window_seconds: int) -> Admission:
        ticket = str(uuid.uuid4())
        ordered = sorted(set(keys))  # one lock order for everybody: no deadlocks
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                for key in ordered:
                    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
                rows = await conn.fetch(
                    """
                    SELECT key, count(*) AS n, min(at) AS oldest,
                           extract(epoch FROM min(at) + make_interval(secs => $2) - clock_timestamp())
                               AS wait
                    FROM rate_limit_events
                    WHERE key = ANY($1::text[]) AND at > clock_timestamp() - make_interval(secs => $2)
                    GROUP BY key
                    """,
                    ordered,
                    float(window_seconds),
                )
                waits = [float(r["wait"]) for r in rows if r["n"] >= limit]
                if waits:
                    return Admission(ticket=ticket, retry_after=max(1, math.ceil(max(waits))))
                await conn.execute(
                    "INSERT INTO rate_limit_events (key, ticket) SELECT unnest($1::text[]), $2",
                    ordered,
                    ticket,
                )
                await conn.execute(
                    "DELETE FROM rate_limit_events WHERE at < clock_timestamp() - interval '1 day'"
                )
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the rate limiter's database is unreachable") from e
        return Admission(ticket=ticket)

    async def settle(self, ticket: str, *, counted: bool) -> None:
        # The same statement shape either way, so both outcomes take the same time.
        try:
            async with self._pool.acquire() as conn:
                if counted:
                    await conn.execute(
                        "UPDATE rate_limit_events SET settled = true WHERE ticket = $1", ticket
                    )
                else:
                    await conn.execute("DELETE FROM rate_limit_events WHERE ticket = $1", ticket)
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the rate limiter's database is unreachable") from e
