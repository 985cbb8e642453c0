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
        if not messages:
            return
        # One statement however many messages (a planner's chunk of 500): executemany would make
        # PostgreSQL bind and execute an INSERT per row; unnest keeps the order given, so ids do too.
        await self._conn.execute(
            "INSERT INTO outbox (message_id, message_type, correlation_id, body)"
            " SELECT m.id, m.type, m.correlation, m.body"
            " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[]) WITH ORDINALITY"
            " AS m (id, type, correlation, body, n) ORDER BY m.n",
            [m.message_id for m in messages],
            [message_type(m) for m in messages],
            [m.correlation_id for m in messages],
            [_encoder.encode(m) for m in messages],
        )
        if not self._notified:
            # Delivered on commit only, so the relay wakes exactly when there is work it can see.
            await self._conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            self._notified = True
