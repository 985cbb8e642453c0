"""The SQS consumer runtime: long-polls a queue and runs a handler per message, concurrently.

The handler decides each message's fate: ``Ack`` (delete it: its effect is committed) or
``RetryAfter`` (make it visible again after a delay; SQS moves it to the dead-letter queue once
its receive count passes the redrive policy's maximum). While a handler runs, the message's
visibility is extended, so slow work is not handed to a second worker. A handler that raises is a
bug, but never stops the consumer: the message is retried and the error logged.

Fewer calls under load: while every slot is busy the consumer already receives the next messages
(up to ``concurrency`` more, held for a moment until a slot frees), so a busy worker receives
several messages per call instead of one; and acknowledged messages are deleted in batches of up
to ten (``DeleteMessageBatch``): sent once ten are waiting, once no handler is running or held
(no other ack is coming soon: an idle worker deletes at once), and at the latest ``ack_linger``
seconds after the first ack. A delete costs the worker as much CPU as a small message's
handling, so a busy worker sends one per several messages instead of one each (issue 17).
An ack not yet sent when the process dies only means the message is handled once more, which
every handler makes harmless. A held message waits at most one handler's run, so the visibility
timeout must exceed the handlers' own time limits (the defaults do: 60 s against 30 s).

On stop, intake ends at once; messages held but not started are released (visibility 0), and
in-flight ones get ``grace`` seconds to finish, then are released too, so another worker picks
them up without waiting. A long poll under way is allowed to end (at most ``wait_seconds``) and
what it returns is released the same way. Pending acks are sent before ``run`` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient
    from types_aiobotocore_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Received:
    body: bytes
    receive_count: int
    attributes: dict[str, str]
    sqs_message_id: str
    sent_at: datetime | None = None
    """When SQS received the message (its ``SentTimestamp``), when known."""


@dataclass(frozen=True, slots=True)
class Ack:
    pass


@dataclass(frozen=True, slots=True)
class RetryAfter:
    seconds: int


Disposition = Ack | RetryAfter
Handler = Callable[[Received], Awaitable[Disposition]]


def backoff_seconds(receive_count: int, *, base: float = 2.0, cap: float = 300.0) -> int:
    """Exponential back-off with full jitter: the n-th failure waits up to base * 2^(n-1) seconds."""
    ceiling = min(cap, base * 2 ** max(0, receive_count - 1))
    return max(1, int(random.uniform(ceiling / 2, ceiling)))  # noqa: S311 - jitter, not secrecy


def _received(message: Any) -> Received:
    attributes = {
        name: value.get("StringValue", "") for name, value in message.get("MessageAttributes", {}).items()
    }
    system = message.get("Attributes", {})
    sent = system.get("SentTimestamp")
    return Received(
        body=message["Body"].encode(),
        receive_count=int(system.get("ApproximateReceiveCount", "1")),
        attributes=attributes,
        sqs_message_id=message["MessageId"],
        sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent and sent.isdigit() else None,
    )


class SqsConsumer:
    def __init__(
        self,
        sqs: SQSClient,
        queue_url: str,
        handler: Handler,
        *,
        concurrency: int = 4,
        wait_seconds: int = 20,
        visibility_seconds: int = 60,
        grace_seconds: float = 20.0,
        ack_linger: float = 1.0,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._handler = handler
        self._concurrency = concurrency
        self._wait = wait_seconds
        self._visibility = visibility_seconds
        self._grace = grace_seconds
        self._linger = ack_linger
        self._in_flight: set[asyncio.Task[None]] = set()
        self._held: deque[Any] = deque()
        """Received, not yet started: at most ``concurrency`` messages, while every slot is busy."""
        self._acks: list[str] = []
        self._acked = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        self._abandoned: asyncio.Task[None] | None = None
        flusher = asyncio.create_task(self._flush_acks(stop))
        while not stop.is_set():
            while self._held and len(self._in_flight) < self._concurrency:
                self._start(self._held.popleft())
            if self._held:  # every slot busy, the next messages in hand: wait for a slot
                await self._until_a_slot_frees(stop)
                continue
            room = 2 * self._concurrency - len(self._in_flight)
            try:
                messages = await self._receive(min(10, room), stop)
                failures = 0
            except (ClientError, BotoCoreError, OSError) as e:
                failures += 1
                delay = min(30.0, 0.5 * 2**failures)
                log.warning("cannot receive from the queue", extra={"error": repr(e), "retry_in": delay})
                await _sleep_unless(stop, delay)
                continue
            self._held.extend(messages)
        held = [self._settle_now(m["ReceiptHandle"], RetryAfter(0)) for m in self._held]
        self._held.clear()
        await asyncio.gather(*held, self._drain(), self._abandoned or asyncio.sleep(0))
        self._acked.set()
        await flusher

    def _start(self, message: Any) -> None:
        task = asyncio.create_task(self._process(message))
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._acked.set()  # the ack flusher looks again: maybe no other ack is coming

    async def _until_a_slot_frees(self, stop: asyncio.Event) -> None:
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([*self._in_flight, stopped], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()

    async def _receive(self, count: int, stop: asyncio.Event) -> list[Any]:
        receive = asyncio.ensure_future(
            self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=count,
                WaitTimeSeconds=self._wait,
                VisibilityTimeout=self._visibility,
                MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
                MessageAttributeNames=["All"],
            )
        )
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([receive, stopped], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if stop.is_set():
            # Never cancel a long poll: the server would go on polling for the dead request and
            # hide whatever it found for a whole visibility timeout. Let it end, hand back what
            # it brought at once.
            self._abandoned = asyncio.create_task(self._release_when_done(receive))
            return []
        return list(receive.result().get("Messages", []))

    async def _release_when_done(self, receive: asyncio.Future[Any]) -> None:
        try:
            messages = (await receive).get("Messages", [])
        except (ClientError, BotoCoreError, OSError):
            return
        for message in messages:
            await self._settle(message["ReceiptHandle"], RetryAfter(0))

    async def _process(self, message: Any) -> None:
        receipt = message["ReceiptHandle"]
        heartbeat = asyncio.create_task(self._keep_invisible(receipt))
        try:
            received = _received(message)
            try:
                disposition = await self._handler(received)
            except Exception:
                log.exception(
                    "handler failed unexpectedly", extra={"sqs_message_id": received.sqs_message_id}
                )
                disposition = RetryAfter(backoff_seconds(received.receive_count))
        except asyncio.CancelledError:
            heartbeat.cancel()
            await self._settle(receipt, RetryAfter(0))
            raise
        heartbeat.cancel()
        await self._settle(receipt, disposition)

    async def _settle(self, receipt: str, disposition: Disposition) -> None:
        if isinstance(disposition, Ack):
            self._acks.append(receipt)
            self._acked.set()
        else:
            await self._settle_now(receipt, disposition)

    async def _settle_now(self, receipt: str, disposition: RetryAfter) -> None:
        try:
            await self._sqs.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=receipt, VisibilityTimeout=disposition.seconds
            )
        except (ClientError, BotoCoreError, OSError) as e:
            # The message becomes visible again when its timeout runs out; the handler is
            # idempotent, so handling it once more is harmless.
            log.warning("could not settle a message", extra={"error": repr(e)})

    async def _flush_acks(self, stop: asyncio.Event) -> None:
        """Deletes acknowledged messages, ten per call, ``ack_linger`` after the first is waiting;
        returns once ``run`` has stopped and every ack is sent."""
        loop = asyncio.get_running_loop()
        while True:
            await self._acked.wait()
            self._acked.clear()
            deadline = loop.time() + self._linger
            while (
                0 < len(self._acks) < 10
                and not stop.is_set()
                and (self._in_flight or self._held)  # more acks may come
                and (left := deadline - loop.time()) > 0
            ):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._acked.wait(), timeout=left)
                self._acked.clear()
            while self._acks:
                batch, self._acks = self._acks[:10], self._acks[10:]
                await self._delete(batch)
            if stop.is_set() and not self._in_flight:
                return

    async def _delete(self, receipts: list[str]) -> None:
        entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "ReceiptHandle": r} for i, r in enumerate(receipts)
        ]
        try:
            answer = await self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=entries)
        except (ClientError, BotoCoreError, OSError) as e:
            log.warning("could not delete handled messages", extra={"error": repr(e), "count": len(entries)})
            return
        for failed in answer.get("Failed", []):
            log.warning("could not delete a handled message", extra={"error": failed.get("Message", "")})

    async def _keep_invisible(self, receipt: str) -> None:
        while True:
            await asyncio.sleep(self._visibility / 2)
            try:
                await self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url, ReceiptHandle=receipt, VisibilityTimeout=self._visibility
                )
            except (ClientError, BotoCoreError, OSError) as e:
                log.warning("could not extend visibility", extra={"error": repr(e)})

    async def _drain(self) -> None:
        if not self._in_flight:
            return
        log.info("stopping: finishing in-flight messages", extra={"in_flight": len(self._in_flight)})
        _, pending = await asyncio.wait(self._in_flight, timeout=self._grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
