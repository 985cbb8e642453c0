"""pdf-worker's composition root: settings -> adapters -> use cases -> drivers."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from billflow.domain.contracts import DeliverInvoice
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.render_invoice import RenderInvoicePdf
from billflow.pdf_worker.handler import Deps, handle
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium
from billflow.platform.aws.clients import s3_client, sqs_client
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.aws.sqs_consumer import SqsConsumer
from billflow.platform.logging import configure_logging
from billflow.platform.metrics import Metrics
from billflow.platform.outbox_relay import OutboxRelay
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.runtime import (
    outbox_routes,
    stop_on_signals,
)
from billflow.platform.settings import (
    AwsSettings,
    ConsumerSettings,
    LogSettings,
    PostgresSettings,
    QueueSettings,
    RendererSettings,
    StorageSettings,
    load_all,
)
from billflow.platform.system import SystemClock, UuidIdGenerator
from billflow.platform.worker import queue_worker

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger("billflow.pdf_worker")


@dataclass(frozen=True)
class Settings:
    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    consumer: ConsumerSettings
    renderer: RendererSettings
    log: LogSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return load_all(cls, environ)


@dataclass(frozen=True)
class Service:
    deps: Deps
    consumer: SqsConsumer
    relay: OutboxRelay
    renderer: PlaywrightPdfRenderer
    sqs: SQSClient


@asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Service]:
    async with AsyncExitStack() as stack:
        pool = await create_pool(settings.postgres)
        stack.push_async_callback(pool.close)
        s3 = await s3_client(stack, settings.aws)
        sqs = await sqs_client(stack, settings.aws)
        renderer = PlaywrightPdfRenderer(
            find_chromium(settings.renderer.chromium_path), settings.renderer.timeout_seconds
        )
        await renderer.start(stack)
        uow = AsyncpgUnitOfWorkFactory(pool)
        ids, clock = UuidIdGenerator(), SystemClock()
        metrics = Metrics("pdf-worker", emf=settings.log.metrics == "emf")
        deps = Deps(
            render=RenderInvoicePdf(uow, renderer, S3DocumentStore(s3, settings.storage.bucket), ids, clock),
            fail=FailInvoice(uow),
            max_receives=settings.queues.max_receives,
            metrics=metrics,
            queue=settings.queues.render_queue,
        )
        consumer = await queue_worker(
            stack,
            sqs=sqs,
            pool=pool,
            queue=settings.queues.render_queue,
            handler=partial(handle, deps=deps),
            settings=settings.consumer,
            metrics=metrics,
            health_port=settings.log.health_port,
            checks={"browser": lambda: _true(renderer.ready)},
        )
        relay = OutboxRelay(
            pool, sqs, await outbox_routes(sqs, settings.queues, [DeliverInvoice]), metrics=metrics
        )
        yield Service(deps=deps, consumer=consumer, relay=relay, renderer=renderer, sqs=sqs)


async def main() -> None:
    settings = Settings.from_env(os.environ)
    configure_logging("pdf-worker", settings.log.level)
    stop = stop_on_signals()
    async with build(settings) as service:
        log.info("pdf-worker started", extra={"queue": settings.queues.render_queue})
        await asyncio.gather(
            service.consumer.run(stop),
            service.relay.run(settings.postgres.database_url, stop),
        )
    log.info("pdf-worker stopped")


async def _true(value: bool) -> bool:
    return value
