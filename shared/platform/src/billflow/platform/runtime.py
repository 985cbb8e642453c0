"""Process plumbing shared by the services: stop on SIGTERM/SIGINT, resolve queue URLs."""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from billflow.domain.contracts import DeliverInvoice, RenderInvoice, type_tag
from billflow.platform.settings import QueueSettings, SettingsError

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


async def outbox_routes(sqs: SQSClient, queues: QueueSettings) -> dict[str, str]:
    """Which queue each message type is published to, for the outbox relay."""
    return {
        type_tag(RenderInvoice): await queue_url(sqs, queues.render_queue),
        type_tag(DeliverInvoice): await queue_url(sqs, queues.delivery_queue),
    }
