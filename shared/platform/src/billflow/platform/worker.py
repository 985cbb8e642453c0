"""What every queue worker builds the same way: its consumer, and its health port."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import asyncpg

from billflow.platform.aws.redrive import dead_letter_queue_url
from billflow.platform.aws.sqs_consumer import Handler, SqsConsumer
from billflow.platform.health import Check, serve_health
from billflow.platform.metrics import Metrics
from billflow.platform.runtime import database_reachable, queue_reachable, queue_url, sample_queue_depths
from billflow.platform.settings import ConsumerSettings

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient


async def queue_worker(
    stack: AsyncExitStack,
    *,
    sqs: SQSClient,
    pool: asyncpg.Pool,
    queue: str,
    handler: Handler,
    settings: ConsumerSettings,
    metrics: Metrics,
    health_port: int | None,
    checks: Mapping[str, Check] | None = None,
) -> SqsConsumer:
    """The consumer of ``queue``; with ``health_port``, /livez, /readyz (the database, the queue
    and ``checks``) and /metrics (with the queue's and its dead-letter queue's depths)."""
    url = await queue_url(sqs, queue)
    if health_port:
        depth_of = {queue: url, f"{queue}-dlq": await dead_letter_queue_url(sqs, url)}
        await serve_health(
            stack,
            health_port,
            {
                "database": lambda: database_reachable(pool),
                "queue": lambda: queue_reachable(sqs, url),
                **(checks or {}),
            },
            before_metrics=lambda: sample_queue_depths(sqs, depth_of, metrics),
        )
    return SqsConsumer(
        sqs,
        url,
        handler,
        concurrency=settings.concurrency,
        wait_seconds=settings.wait_seconds,
        visibility_seconds=settings.visibility_seconds,
        grace_seconds=settings.grace_seconds,
    )
