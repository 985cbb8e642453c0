"""Process plumbing shared by the services: stop on SIGTERM/SIGINT, resolve queue URLs, and the
health probes of a queue and the database. Where each message type goes is ``routing``."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Mapping
from typing import TYPE_CHECKING

import asyncpg
from botocore.exceptions import ClientError

from billflow.platform.metrics import Metrics
from billflow.platform.settings import SettingsError

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT: stop taking work, finish what is held, close, exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def queue_url(sqs: SQSClient, name: str) -> str:
    try:
        response = await sqs.get_queue_url(QueueName=name)
    except ClientError as e:
        raise SettingsError(f"queue {name!r} does not exist (or is not reachable)") from e
    return response["QueueUrl"]


async def sample_queue_depths(sqs: SQSClient, queue_urls: Mapping[str, str], metrics: Metrics) -> None:
    """Record visible and in-flight message counts of each queue (a DLQ included) as gauges."""
    for name, url in queue_urls.items():
        attributes = (
            await sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )
        )["Attributes"]
        metrics.queue_depth(
            name,
            int(attributes.get("ApproximateNumberOfMessages", 0)),
            int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        )


async def queue_reachable(sqs: SQSClient, url: str) -> bool:
    await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return True


async def database_reachable(pool: asyncpg.Pool) -> bool:
    async with pool.acquire(timeout=2) as conn:
        return bool(await conn.fetchval("SELECT true"))
