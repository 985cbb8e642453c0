"""S3 store, outbox relay and SQS consumer against LocalStack (and PostgreSQL for the relay)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from billflow.domain.contracts import RenderInvoice, type_tag
from billflow.domain.errors import NotFound
from billflow.platform.aws.clients import s3_client, sqs_client
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.aws.sqs_consumer import Ack, Received, RetryAfter, SqsConsumer
from billflow.platform.outbox_relay import OutboxRelay
from billflow.platform.postgres.migrate import apply_migrations
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import AwsSettings, PostgresSettings, load
from billflow.platform.system import SystemClock

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient
    from types_aiobotocore_sqs.type_defs import MessageTypeDef

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def outbox_pool(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a database of this module's own, migrated: an outbox no other relay reads.

    The session's database is shared with every tier, and the e2e tests' running system (a
    session fixture, so alive until the session ends) has an outbox relay of its own woken by
    every commit to it: in one pytest process after any e2e test, it published the messages
    these tests wrote before their relay could, and the tests saw none.
    """
    name = f"relay_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))
    await asyncio.to_thread(apply_migrations, url)
    own = await create_pool(PostgresSettings(database_url=url, pool_min_size=1, pool_max_size=5))
    try:
        yield own
    finally:
        await own.close()
        admin = await asyncpg.connect(postgres_url)
        try:
            await admin.execute(f'DROP DATABASE "{name}"')
        finally:
            await admin.close()


async def new_queue(sqs: SQSClient, max_receives: int = 2) -> tuple[str, str]:
    name = f"test-{uuid.uuid4().hex[:10]}"
    dlq = await sqs.create_queue(QueueName=f"{name}-dlq")
    arn = (await sqs.get_queue_attributes(QueueUrl=dlq["QueueUrl"], AttributeNames=["QueueArn"]))[
        "Attributes"
    ]["QueueArn"]
    queue = await sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receives}),
        },
    )
    return queue["QueueUrl"], dlq["QueueUrl"]


async def test_documents_are_stored_read_back_and_served_by_a_signed_link(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    s3 = await s3_client(stack, load(AwsSettings, aws_env))
    store = S3DocumentStore(s3, aws_env["BILLFLOW_BUCKET"])
    key = f"invoices/test/{uuid.uuid4().hex}.pdf"
    await store.put(key, b"%PDF-1.7 test", "application/pdf")
    await store.put(key, b"%PDF-1.7 test", "application/pdf")  # idempotent
    assert await store.get(key) == b"%PDF-1.7 test"
    with pytest.raises(NotFound):
        await store.get(f"{key}.missing")
    assert await store.exists(key)
    assert not await store.exists(f"{key}.missing")

    url = await store.download_url(key, "INV-2026-000001.pdf", 900)
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url  # SigV4, never the legacy scheme
    assert "X-Amz-Expires=900" in url
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    assert response.content == b"%PDF-1.7 test"
    assert response.headers["content-disposition"] == 'attachment; filename="INV-2026-000001.pdf"'


async def test_the_relay_publishes_committed_messages_once_with_their_correlation_id(
    aws_env: dict[str, str], outbox_pool: asyncpg.Pool, stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, _ = await new_queue(sqs)
    relay = OutboxRelay(outbox_pool, sqs, {type_tag(RenderInvoice): queue_url})
    await relay.drain()  # whatever earlier tests left
    messages = [
        RenderInvoice(
            message_id=str(uuid.uuid4()),
            occurred_at=SystemClock().now(),
            correlation_id=f"c{i}",
            invoice_id=f"i{i}",
        )
        for i in range(13)
    ]
    uow = AsyncpgUnitOfWorkFactory(outbox_pool)
    async with uow() as u:
        for m in messages:
            await u.outbox.add(m)
        await u.commit()

    assert await relay.drain() >= 13
    assert await relay.drain() == 0

    received: list[MessageTypeDef] = []
    while len(received) < 13:
        got = await sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        )
        if not got.get("Messages"):
            break
        received += got["Messages"]
    bodies = sorted(json.loads(str(m["Body"]))["invoice_id"] for m in received)
    assert bodies == sorted(m.invoice_id for m in messages)
    attributes = {m["MessageAttributes"]["correlation_id"]["StringValue"] for m in received}
    assert attributes == {m.correlation_id for m in messages}


async def test_the_relay_keeps_messages_it_could_not_publish(
    aws_env: dict[str, str], outbox_pool: asyncpg.Pool, stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, _ = await new_queue(sqs)
    await OutboxRelay(outbox_pool, sqs, {type_tag(RenderInvoice): queue_url}).drain()
    message = RenderInvoice(
        message_id=str(uuid.uuid4()), occurred_at=SystemClock().now(), correlation_id="c", invoice_id="i"
    )
    async with AsyncpgUnitOfWorkFactory(outbox_pool)() as u:
        await u.outbox.add(message)
        await u.commit()

    broken = OutboxRelay(outbox_pool, sqs, {type_tag(RenderInvoice): f"{queue_url}-does-not-exist"})
    assert await broken.relay_once() == 0
    published_at = await outbox_pool.fetchval(
        "SELECT published_at FROM outbox WHERE message_id = $1", message.message_id
    )
    assert published_at is None

    assert await OutboxRelay(outbox_pool, sqs, {type_tag(RenderInvoice): queue_url}).drain() == 1


async def test_the_consumer_deletes_acked_messages_retries_others_and_dead_letters_poison(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, dlq_url = await new_queue(sqs, max_receives=2)
    seen: dict[str, list[int]] = {}

    async def handler(received: Received) -> Ack | RetryAfter:
        body = received.body.decode()
        seen.setdefault(body, []).append(received.receive_count)
        if body == "explode":
            raise RuntimeError("a bug in a handler")
        if body == "flaky" and received.receive_count == 1:
            return RetryAfter(0)
        if body == "poison":
            return RetryAfter(0)
        return Ack()

    for body in ("ok", "flaky", "poison", "explode"):
        await sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    stop = asyncio.Event()
    consumer = SqsConsumer(sqs, queue_url, handler, concurrency=4, wait_seconds=1, visibility_seconds=30)
    task = asyncio.create_task(consumer.run(stop))

    async def dead_lettered() -> set[str]:
        got = await sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        return {str(m["Body"]) for m in got.get("Messages", [])}

    in_dlq: set[str] = set()
    async with asyncio.timeout(60):
        while not {"poison"} <= in_dlq or seen.get("flaky", []) != [1, 2]:
            in_dlq |= await dead_lettered()
    stop.set()
    await asyncio.wait_for(task, timeout=30)

    assert seen["ok"] == [1]
    assert seen["flaky"] == [1, 2]
    assert "poison" in in_dlq
    assert "ok" not in in_dlq
    assert len(seen["explode"]) >= 1  # the consumer survived a raising handler and kept going


async def test_a_busy_consumer_receives_several_per_call_and_deletes_in_batches(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, _ = await new_queue(sqs)
    calls: list[str] = []
    sqs.meta.events.register("before-call.sqs.*", lambda model, **_: calls.append(model.name))
    bodies = [f"m{i}" for i in range(60)]
    for i in range(0, 60, 10):
        await sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(n), "MessageBody": b} for n, b in enumerate(bodies[i : i + 10])],
        )
    handled: list[str] = []
    all_handled = asyncio.Event()

    async def busy(received: Received) -> Ack:
        await asyncio.sleep(0.05)
        handled.append(received.body.decode())
        if len(handled) == len(bodies):
            all_handled.set()
        return Ack()

    calls.clear()
    stop = asyncio.Event()
    consumer = SqsConsumer(sqs, queue_url, busy, concurrency=4, wait_seconds=1, visibility_seconds=30)
    task = asyncio.create_task(consumer.run(stop))
    await asyncio.wait_for(all_handled.wait(), timeout=60)
    stop.set()
    await asyncio.wait_for(task, timeout=30)

    assert sorted(handled) == sorted(bodies)  # each once
    assert calls.count("DeleteMessage") == 0
    assert calls.count("DeleteMessageBatch") <= 60 / 5  # one per message at first, then per 4
    assert calls.count("ReceiveMessage") <= 60 / 2  # one per message before, while busy
    left = await sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )
    assert left["Attributes"] == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


async def test_an_idle_consumer_deletes_a_lone_message_without_lingering(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, _ = await new_queue(sqs)
    await sqs.send_message(QueueUrl=queue_url, MessageBody="alone")
    handled = asyncio.Event()

    async def once(_: Received) -> Ack:
        handled.set()
        return Ack()

    stop = asyncio.Event()
    # A linger longer than the test: only "no other ack is coming" can have sent the delete.
    consumer = SqsConsumer(sqs, queue_url, once, wait_seconds=1, visibility_seconds=120, ack_linger=600)
    task = asyncio.create_task(consumer.run(stop))
    await asyncio.wait_for(handled.wait(), timeout=60)
    for _ in range(300):
        left = await sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
        )
        if left["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0":
            break
        await asyncio.sleep(0.1)
    assert left["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0"
    stop.set()
    await asyncio.wait_for(task, timeout=30)


async def test_stopping_the_consumer_releases_what_it_holds(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    # Headroom: the long poll under way at stop may receive (and release) it once more.
    queue_url, _ = await new_queue(sqs, max_receives=5)
    started = asyncio.Event()

    async def slow(received: Received) -> Ack:
        started.set()
        await asyncio.sleep(3600)
        return Ack()

    await sqs.send_message(QueueUrl=queue_url, MessageBody="long job")
    stop = asyncio.Event()
    consumer = SqsConsumer(sqs, queue_url, slow, wait_seconds=1, visibility_seconds=30, grace_seconds=0.5)
    task = asyncio.create_task(consumer.run(stop))
    await asyncio.wait_for(started.wait(), timeout=30)
    stop.set()
    await asyncio.wait_for(task, timeout=10)

    # Released with visibility 0: another worker gets it at once, not after 30 s.
    got = await sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2)
    assert [m["Body"] for m in got.get("Messages", [])] == ["long job"]


async def test_a_dead_letter_queue_is_redriven_back_to_its_source(
    aws_env: dict[str, str], stack: AsyncExitStack
) -> None:
    from billflow.platform.aws.redrive import dead_letter_queue_url, redrive

    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, dlq_url = await new_queue(sqs)
    for i in range(12):
        await sqs.send_message(QueueUrl=dlq_url, MessageBody=f"dead {i}")

    assert await dead_letter_queue_url(sqs, queue_url) == dlq_url
    assert await redrive(sqs, dlq_url, queue_url) == 12

    bodies: set[str] = set()
    for _ in range(5):
        got = await sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        bodies |= {str(m["Body"]) for m in got.get("Messages", [])}
    assert bodies == {f"dead {i}" for i in range(12)}
    left = await sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "0"


async def test_a_relay_publishes_only_the_message_types_it_has_routes_for(
    aws_env: dict[str, str], outbox_pool: asyncpg.Pool, stack: AsyncExitStack
) -> None:
    from billflow.domain.contracts import DeliverInvoice

    sqs = await sqs_client(stack, load(AwsSettings, aws_env))
    queue_url, _ = await new_queue(sqs)
    render_only = OutboxRelay(outbox_pool, sqs, {type_tag(RenderInvoice): queue_url})
    await render_only.drain()
    delivery = DeliverInvoice(
        message_id=str(uuid.uuid4()),
        occurred_at=SystemClock().now(),
        correlation_id="c",
        invoice_id="i",
        pdf_key="k",
    )
    async with AsyncpgUnitOfWorkFactory(outbox_pool)() as u:
        await u.outbox.add(delivery)
        await u.commit()

    assert await render_only.drain() == 0
    assert (
        await outbox_pool.fetchval(
            "SELECT published_at FROM outbox WHERE message_id = $1", delivery.message_id
        )
        is None
    )
    assert await OutboxRelay(outbox_pool, sqs, {type_tag(DeliverInvoice): queue_url}).drain() >= 1
