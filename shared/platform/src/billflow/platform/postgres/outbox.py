"""The transactional outbox: messages written in the caller's transaction, published later."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import msgspec

from billflow.domain.contracts import Message, message_type

OUTBOX_CHANNEL = "billflow_outbox"

_encoder = msgspec.json.Encoder()


class PostgresOutbox:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._notified = False

    async def add(self, message: Message) -> None:
        await self.add_many([message])

    async def add_many(self, messages: Sequence[Message]) -> None:
        await self._conn.executemany(
            "INSERT INTO outbox (message_id, message_type, correlation_id, body) VALUES ($1, $2, $3, $4)",
            [(m.message_id, message_type(m), m.correlation_id, _encoder.encode(m)) for m in messages],
        )
        if messages and not self._notified:
            # Delivered on commit only, so the relay wakes exactly when there is work it can see.
            await self._conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            self._notified = True
