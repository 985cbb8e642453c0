"""What every queue worker opens the same way: a consumer per queue it reads, and its health port."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg

from billflow.domain.contracts import Message
from billflow.platform.aws.redrive import dead_letter_queue_url
from billflow.platform.aws.sqs_consumer import Handler, SqsConsumer
from billflow.platform.health import Check, serve_health
from billflow.platform.metrics import Metrics
from billflow.platform.runtime import database_reachable, queue_reachable, queue_url, sample_queue_depths
from billflow.platform.settings import ConsumerSettings

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient


@dataclass(frozen=True, slots=True)
class Consumed:
    """A queue a worker reads; ``concurrency`` overrides ``BILLFLOW_CONCURRENCY`` for it."""

    queue: str
    concurrency: int | None = None
    translate: Callable[[bytes], Sequence[Message] | None] | None = None
    """For a queue that something else than Billflow writes: see ``routes.Translate``."""


async def open_consumers(
    stack: AsyncExitStack,
    *,
    sqs: SQSClient,
    pool: asyncpg.Pool,
    queues: Sequence[tuple[Consumed, Handler]],
    settings: ConsumerSettings,
    metrics: Metrics,
    health_port: int | None,
    checks: Mapping[str, Check] | None = None,
) -> tuple[SqsConsumer, ...]:
    """A consumer of each queue; with ``health_port``, /livez, /readyz (the database, the first
    queue and ``checks``) and /metrics (with every queue's and dead-letter queue's depths)."""
    urls = [await queue_url(sqs, consumed.queue) for consumed, _ in queues]
    if health_port:
        depth_of: dict[str, str] = {}
        for (consumed, _), url in zip(queues, urls, strict=True):
            depth_of[consumed.queue] = url
            depth_of[f"{consumed.queue}-dlq"] = await dead_letter_queue_url(sqs, url)
        first = urls[0]
        await serve_health(
            stack,
            health_port,
            {
                "database": lambda: database_reachable(pool),
                "queue": lambda: queue_reachable(sqs, first),
                **(checks or {}),
            },
            before_metrics=lambda: sample_queue_depths(sqs, depth_of, metrics),
        )
    return tuple(
        SqsConsumer(
            sqs,
            url,
            handler,
            concurrency=consumed.concurrency or settings.concurrency,
            wait_seconds=settings.wait_seconds,
            visibility_seconds=settings.visibility_seconds,
            grace_seconds=settings.grace_seconds,
        )
        for (consumed, handler), url in zip(queues, urls, strict=True)
    )
