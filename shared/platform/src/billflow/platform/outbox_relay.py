"""The outbox relay: publishes committed outbox rows to their SQS queues, then marks them sent.

Woken by PostgreSQL NOTIFY on commit (so a message leaves within milliseconds) and by a periodic
sweep (so a missed notification, a crash or an SQS outage only delays, never loses, a message).
Rows are claimed with ``FOR UPDATE SKIP LOCKED``, so several relays can run side by side. Each
relay publishes only the message types it has routes for (the ones its service produces), so its
IAM role needs ``sqs:SendMessage`` on its own destination queues and nothing else. A crash
after SQS accepted a batch but before the rows were marked sends that batch again: consumers are
idempotent, so at-least-once is enough.

Under load the relay gathers: woken within ``BUSY_SECONDS`` of a drain that published something,
it waits ``GATHER_SECONDS`` first, so the commits of a busy worker leave in batches of several messages
instead of one ``SendMessageBatch`` each. A lone commit on an idle system leaves at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import asyncpg
from botocore.exceptions import BotoCoreError, ClientError

from billflow.platform.metrics import Metrics
from billflow.platform.postgres.outbox import OUTBOX_CHANNEL

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger(__name__)

SQS_BATCH = 10  # SendMessageBatch takes at most ten entries
BUSY_SECONDS = 0.1
GATHER_SECONDS = 0.05


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        sqs: SQSClient,
        routes: Mapping[str, str],
        *,
        sweep_seconds: float = 5.0,
        metrics: Metrics | None = None,
    ) -> None:
        """``routes`` maps a message type (``invoice.render.v1``) to its queue URL."""
        self._pool = pool
        self._sqs = sqs
        self._routes = dict(routes)
        self._sweep = sweep_seconds
        self._wake = asyncio.Event()
        self._metrics = metrics

    def wake(self) -> None:
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish up to one batch of unpublished messages; return how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, message_type, correlation_id, body FROM outbox"
                " WHERE published_at IS NULL AND message_type = ANY($2::text[])"
                " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                SQS_BATCH,
                list(self._routes),
            )
            by_queue: dict[str, list[asyncpg.Record]] = defaultdict(list)
            for row in rows:
                by_queue[self._routes[row["message_type"]]].append(row)
            published: list[int] = []
            for queue_url, batch in by_queue.items():
                published += await self._send(queue_url, batch)
            if published:
                await conn.execute(
                    "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", published
                )
        if published and self._metrics is not None:
            await self._metrics.outbox_published(len(published))
        return len(published)

    async def _send(self, queue_url: str, rows: list[asyncpg.Record]) -> list[int]:
        entries: list[Any] = [
            {
                "Id": str(row["id"]),
                "MessageBody": bytes(row["body"]).decode(),
                "MessageAttributes": {
                    "correlation_id": {"DataType": "String", "StringValue": row["correlation_id"]},
                    "message_type": {"DataType": "String", "StringValue": row["message_type"]},
                },
            }
            for row in rows
        ]
        try:
            response = await self._sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        except (ClientError, BotoCoreError) as e:
            log.warning("outbox publish failed; will retry", extra={"error": repr(e)})
            return []
        for failed in response.get("Failed", []):
            log.warning("outbox entry refused; will retry", extra={"code": failed.get("Code")})
        return [int(ok["Id"]) for ok in response.get("Successful", [])]

    async def drain(self) -> int:
        total = 0
        while (n := await self.relay_once()) > 0:
            total += n
            if n < SQS_BATCH:
                break
        return total

    async def run(self, database_url: str, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set, listening for commit notifications on its own connection."""
        listener: asyncpg.Connection | None = None
        loop = asyncio.get_running_loop()
        last_published = float("-inf")  # when a drain last sent messages of ours
        while not stop.is_set():
            try:
                if listener is None or listener.is_closed():
                    listener = await asyncpg.connect(database_url)
                    await listener.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
                if loop.time() - last_published < BUSY_SECONDS:
                    await asyncio.sleep(GATHER_SECONDS)  # busy: let a few more commits join
                self._wake.clear()  # before draining: a commit during the drain wakes us again
                if await self.drain():
                    last_published = loop.time()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as e:
                log.warning("outbox relay cannot reach the database", extra={"error": repr(e)})
                listener = None
            except Exception:  # never let the relay die with its process: the sweep retries
                log.exception("outbox relay failed unexpectedly; retrying at the next sweep")
                listener = None
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=self._sweep, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
        if listener is not None and not listener.is_closed():
            await listener.close()
