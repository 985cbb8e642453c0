"""The extractor's composition root: settings -> adapters -> use cases -> drivers."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import aioboto3
from aiobotocore.config import AioConfig

from billflow.domain.contracts import NotifyExpense
from billflow.domain.ports.expenses import DocumentReader
from billflow.domain.usecases.extract_expense import ExtractExpenseFields, FailExpense
from billflow.extractor.handler import Deps, handle
from billflow.extractor.limits import ReadingLimits
from billflow.extractor.reader import TesseractDocumentReader
from billflow.extractor.tesseract import TesseractOcr
from billflow.extractor.textract import TextractClient, TextractDocumentReader
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
    ReaderSettings,
    SettingsError,
    StorageSettings,
    load_all,
)
from billflow.platform.system import SystemClock, UuidIdGenerator
from billflow.platform.worker import queue_worker

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger("billflow.extractor")


@dataclass(frozen=True)
class Settings:
    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    consumer: ConsumerSettings
    reader: ReaderSettings
    log: LogSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return load_all(cls, environ)


@dataclass(frozen=True)
class Service:
    deps: Deps
    consumer: SqsConsumer
    relay: OutboxRelay
    sqs: SQSClient


async def document_reader(stack: AsyncExitStack, settings: Settings) -> DocumentReader:
    """The reader the configuration names: never chosen by guessing where the process runs."""
    limits = ReadingLimits(ocr_timeout_s=settings.reader.ocr_timeout_seconds)
    match settings.reader.document_reader:
        case "tesseract":
            return TesseractDocumentReader(TesseractOcr(timeout_s=limits.ocr_timeout_s), limits)
        case "textract":
            client: TextractClient = await stack.enter_async_context(
                aioboto3.Session().client(
                    "textract",
                    region_name=settings.aws.region,
                    endpoint_url=settings.aws.endpoint_url,
                    config=AioConfig(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=60),
                )
            )
            return TextractDocumentReader(client, limits)
        case other:
            raise SettingsError(f"BILLFLOW_DOCUMENT_READER must be tesseract or textract, not {other!r}")


@asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Service]:
    async with AsyncExitStack() as stack:
        reader = await document_reader(stack, settings)
        pool = await create_pool(settings.postgres)
        stack.push_async_callback(pool.close)
        s3 = await s3_client(stack, settings.aws)
        sqs = await sqs_client(stack, settings.aws)
        uow = AsyncpgUnitOfWorkFactory(pool)
        ids, clock = UuidIdGenerator(), SystemClock()
        metrics = Metrics("extractor", emf=settings.log.metrics == "emf")
        deps = Deps(
            extract=ExtractExpenseFields(
                uow, S3DocumentStore(s3, settings.storage.bucket), reader, ids, clock
            ),
            fail=FailExpense(uow, ids, clock),
            max_receives=settings.queues.max_receives,
            metrics=metrics,
            queue=settings.queues.expense_queue,
        )
        consumer = await queue_worker(
            stack,
            sqs=sqs,
            pool=pool,
            queue=settings.queues.expense_queue,
            handler=partial(handle, deps=deps),
            settings=settings.consumer,
            metrics=metrics,
            health_port=settings.log.health_port,
        )
        routes = await outbox_routes(sqs, settings.queues, [NotifyExpense])
        relay = OutboxRelay(pool, sqs, routes, metrics=metrics)
        yield Service(deps=deps, consumer=consumer, relay=relay, sqs=sqs)


async def main() -> None:
    settings = Settings.from_env(os.environ)
    configure_logging("extractor", settings.log.level)
    stop = stop_on_signals()
    async with build(settings) as service:
        log.info(
            "extractor started",
            extra={"queue": settings.queues.expense_queue, "reader": settings.reader.document_reader},
        )
        await asyncio.gather(
            service.consumer.run(stop),
            service.relay.run(settings.postgres.database_url, stop),
        )
    log.info("extractor stopped")
