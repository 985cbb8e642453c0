"""PostgresIdempotencyStore: the domain's IdempotencyStore on the ``idempotency_keys`` table.

The claim is one ``INSERT ... ON CONFLICT`` so exactly one of any number of concurrent requests,
in any number of processes, owns a key; the others read its state and replay or wait.
"""

from __future__ import annotations

import asyncpg

from billflow.api.idempotency_store import IdempotencyClaim, RecordedAnswer
from billflow.domain.errors import TransientFailure
from billflow.platform.postgres.errors import TRANSIENT_ERRORS

KEEP_HOURS = 24
ABANDONED_AFTER_SECONDS = 120
"""An answer still unrecorded after this long belongs to a process that died: take it over."""


class PostgresIdempotencyStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, user_id: str, key: str, fingerprint: str) -> IdempotencyClaim:
        try:
            async with self._pool.acquire() as conn:
                owned = await conn.fetchval(
                    f"""
                    INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES ($1, $2, $3)
                    ON CONFLICT (user_id, key) DO UPDATE
                        SET fingerprint = EXCLUDED.fingerprint, status = NULL, content_type = NULL,
                            body = NULL, created_at = now()
                        WHERE idempotency_keys.created_at < now() - interval '{KEEP_HOURS} hours'
                           OR (idempotency_keys.status IS NULL
                               AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
                               AND idempotency_keys.created_at
                                   < now() - interval '{ABANDONED_AFTER_SECONDS} seconds')
                    RETURNING true
                    """,
                    user_id,
                    key,
                    fingerprint,
                )
                if owned:
                    return IdempotencyClaim(owned=True)
                row = await conn.fetchrow(
                    "SELECT fingerprint, status, content_type, body FROM idempotency_keys"
                    " WHERE user_id = $1 AND key = $2",
                    user_id,
                    key,
                )
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the idempotency store is unreachable") from e
        if row is None:  # deleted between the two statements (abandoned): the caller retries
            return IdempotencyClaim()
        if row["fingerprint"] != fingerprint:
            return IdempotencyClaim(mismatch=True)
        if row["status"] is None:
            return IdempotencyClaim()
        return IdempotencyClaim(answer=RecordedAnswer(row["status"], row["content_type"], bytes(row["body"])))

    async def complete(self, user_id: str, key: str, answer: RecordedAnswer) -> None:
        try:
            async with self._pool.acquire() as conn:
                await conn.execute(
                    "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5"
                    " WHERE user_id = $1 AND key = $2",
                    user_id,
                    key,
                    answer.status,
                    answer.content_type,
                    answer.body,
                )
                await conn.execute(
                    f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{KEEP_HOURS} hours'"
                )
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the idempotency store is unreachable") from e

    async def abandon(self, user_id: str, key: str) -> None:
        try:
            async with self._pool.acquire() as conn:
                await conn.execute(
                    "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL",
                    user_id,
                    key,
                )
        except TRANSIENT_ERRORS as e:
            raise TransientFailure("the idempotency store is unreachable") from e
