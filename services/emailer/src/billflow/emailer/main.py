"""The emailer's composition root: settings -> adapters -> use cases -> drivers."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from billflow.domain.usecases.deliver_invoice import DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.monthly_statements import SendStatements
from billflow.domain.usecases.notify_expense import NotifyUploader
from billflow.emailer.expense_email import TemplateExpenseEmailWriter
from billflow.emailer.handler import Deps, handle
from billflow.emailer.invoice_email import TemplateInvoiceEmailWriter
from billflow.emailer.mailer import SmtpMailer
from billflow.platform.aws.clients import s3_client, sqs_client
from billflow.platform.aws.redrive import dead_letter_queue_url
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.aws.sqs_consumer import SqsConsumer
from billflow.platform.health import serve_health
from billflow.platform.logging import configure_logging
from billflow.platform.metrics import Metrics
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.runtime import (
    database_reachable,
    queue_reachable,
    queue_url,
    sample_queue_depths,
    stop_on_signals,
)
from billflow.platform.settings import (
    AwsSettings,
    ConsumerSettings,
    LogSettings,
    PostgresSettings,
    QueueSettings,
    SmtpSettings,
    StorageSettings,
    load_all,
)

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger("billflow.emailer")


@dataclass(frozen=True)
class Settings:
    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    consumer: ConsumerSettings
    smtp: SmtpSettings
    log: LogSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return load_all(cls, environ)


@dataclass(frozen=True)
class Service:
    deps: Deps
    consumer: SqsConsumer
    sqs: SQSClient
    statements_consumer: SqsConsumer
    """The same handler on the statements queue (the monthly schedule's target)."""


@asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Service]:
    async with AsyncExitStack() as stack:
        pool = await create_pool(settings.postgres)
        stack.push_async_callback(pool.close)
        s3 = await s3_client(stack, settings.aws)
        sqs = await sqs_client(stack, settings.aws)
        uow = AsyncpgUnitOfWorkFactory(pool)
        metrics = Metrics("emailer", emf=settings.log.metrics == "emf")
        mailer, expense_writer = SmtpMailer(settings.smtp), TemplateExpenseEmailWriter()
        stack.push_async_callback(mailer.close)
        deps = Deps(
            deliver=DeliverInvoicePdf(
                uow,
                S3DocumentStore(s3, settings.storage.bucket),
                TemplateInvoiceEmailWriter(),
                mailer,
                lease_seconds=settings.smtp.delivery_lease_seconds,
            ),
            fail=FailInvoice(uow),
            max_receives=settings.queues.max_receives,
            metrics=metrics,
            queue=settings.queues.delivery_queue,
            notify=NotifyUploader(uow, expense_writer, mailer),
            statements=SendStatements(
                uow, expense_writer, mailer, lease_seconds=settings.smtp.delivery_lease_seconds
            ),
        )
        delivery_url = await queue_url(sqs, settings.queues.delivery_queue)
        consumer = SqsConsumer(
            sqs,
            delivery_url,
            partial(handle, deps=deps),
            concurrency=settings.consumer.concurrency,
            wait_seconds=settings.consumer.wait_seconds,
            visibility_seconds=settings.consumer.visibility_seconds,
            grace_seconds=settings.consumer.grace_seconds,
        )
        statements_url = await queue_url(sqs, settings.queues.statements_queue)
        statements_consumer = SqsConsumer(
            sqs,
            statements_url,
            partial(handle, deps=replace(deps, queue=settings.queues.statements_queue)),
            concurrency=1,  # one month's statements at a time; each request loops over the users
            wait_seconds=settings.consumer.wait_seconds,
            visibility_seconds=settings.consumer.visibility_seconds,
            grace_seconds=settings.consumer.grace_seconds,
        )
        if settings.log.health_port:
            depth_of = {
                settings.queues.delivery_queue: delivery_url,
                f"{settings.queues.delivery_queue}-dlq": await dead_letter_queue_url(sqs, delivery_url),
                settings.queues.statements_queue: statements_url,
                f"{settings.queues.statements_queue}-dlq": await dead_letter_queue_url(sqs, statements_url),
            }
            await serve_health(
                stack,
                settings.log.health_port,
                {
                    "database": lambda: database_reachable(pool),
                    "queue": lambda: queue_reachable(sqs, delivery_url),
                },
                before_metrics=lambda: sample_queue_depths(sqs, depth_of, metrics),
            )
        yield Service(deps=deps, consumer=consumer, statements_consumer=statements_consumer, sqs=sqs)


async def main() -> None:
    settings = Settings.from_env(os.environ)
    configure_logging("emailer", settings.log.level)
    stop = stop_on_signals()
    async with build(settings) as service:
        log.info("emailer started", extra={"queue": settings.queues.delivery_queue})
        await asyncio.gather(service.consumer.run(stop), service.statements_consumer.run(stop))
    log.info("emailer stopped")
