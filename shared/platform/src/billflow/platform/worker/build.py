"""One way to build a queue worker: a ``WorkerSpec`` says what is particular to it, ``build_worker``
opens the rest the same way for every worker.

The kit opens the pool, the S3 and SQS clients, the metrics, a consumer per consumed queue, the
health port and (only for a worker that produces messages) the outbox relay, all on one
``AsyncExitStack``. The spec's ``wire`` opens the worker's own adapters on the same stack and
returns its use cases, which its route table's handler calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import asyncpg

from billflow.domain.contracts import Message
from billflow.platform.aws.clients import s3_client, sqs_client
from billflow.platform.aws.sqs_consumer import Handler, SqsConsumer
from billflow.platform.health import Check
from billflow.platform.metrics import Metrics
from billflow.platform.outbox_relay import OutboxRelay
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.routing import outbox_routes
from billflow.platform.settings import (
    AwsSettings,
    ConsumerSettings,
    LogSettings,
    PostgresSettings,
    QueueSettings,
    StorageSettings,
    load_all,
)
from billflow.platform.system import SystemClock, UuidIdGenerator
from billflow.platform.worker.consumers import Consumed, open_consumers
from billflow.platform.worker.routes import RouteTable

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_sqs import SQSClient


@dataclass(frozen=True)
class WorkerSettings:
    """The settings every worker has; a service's ``Settings`` subclass adds its own parts."""

    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    consumer: ConsumerSettings
    log: LogSettings


S = TypeVar("S", bound=WorkerSettings)
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Platform:
    """What the kit has opened for a worker's ``wire``: the adapters every worker shares."""

    stack: AsyncExitStack
    pool: asyncpg.Pool
    s3: S3Client
    sqs: SQSClient
    uow: AsyncpgUnitOfWorkFactory
    metrics: Metrics
    ids: UuidIdGenerator = field(default_factory=UuidIdGenerator)
    clock: SystemClock = field(default_factory=SystemClock)


@dataclass(frozen=True, slots=True)
class Wiring(Generic[U]):
    """What a worker's ``wire`` returns: its use cases, and readiness checks of its own adapters."""

    use_cases: U
    checks: Mapping[str, Check] = field(default_factory=dict)


def _no_details(_: object) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True, slots=True)
class WorkerSpec(Generic[S, U]):
    """Everything particular to one worker."""

    name: str
    """The service's name in logs and metrics (``pdf-worker``)."""
    settings: type[S]
    """Its ``WorkerSettings`` subclass, loaded from the environment by the kit."""
    routes: RouteTable[U]
    wire: Callable[[Platform, S], Awaitable[Wiring[U]]]
    consumes: Callable[[QueueSettings], Sequence[Consumed]]
    """The queues it reads, the first one its main queue (readiness, the Lambda's metrics)."""
    produces: Sequence[type[Message]] = ()
    """The message types its use cases put in the outbox; none means no relay."""
    details: Callable[[S], Mapping[str, str]] = _no_details
    """Extra fields for the "started" log line."""


@dataclass(frozen=True, slots=True)
class Worker(Generic[U]):
    """A built worker: what ``run_worker`` and ``LambdaEntry`` drive."""

    use_cases: U
    consumers: tuple[SqsConsumer, ...]
    handler: Handler
    """The handler of the main queue."""
    handlers: Mapping[str, Handler]
    """The handler of each queue, by name (a Lambda fed by several queues picks by the record's)."""
    relay: OutboxRelay | None
    sqs: SQSClient


def load_settings(spec: WorkerSpec[S, Any], environ: Mapping[str, str]) -> S:
    return load_all(spec.settings, environ)


@asynccontextmanager
async def build_worker(spec: WorkerSpec[S, U], settings: S) -> AsyncIterator[Worker[U]]:
    async with AsyncExitStack() as stack:
        pool = await create_pool(settings.postgres)
        stack.push_async_callback(pool.close)
        s3 = await s3_client(stack, settings.aws)
        sqs = await sqs_client(stack, settings.aws)
        metrics = Metrics(spec.name, emf=settings.log.metrics == "emf")
        platform = Platform(stack, pool, s3, sqs, AsyncpgUnitOfWorkFactory(pool), metrics)
        wiring = await spec.wire(platform, settings)
        queues = [
            (
                consumed,
                spec.routes.handler(
                    wiring.use_cases,
                    max_receives=settings.queues.max_receives,
                    metrics=metrics,
                    queue=consumed.queue,
                    translate=consumed.translate,
                ),
            )
            for consumed in spec.consumes(settings.queues)
        ]
        consumers = await open_consumers(
            stack,
            sqs=sqs,
            pool=pool,
            queues=queues,
            settings=settings.consumer,
            metrics=metrics,
            health_port=settings.log.health_port,
            checks=wiring.checks,
        )
        relay = None
        if spec.produces:
            routes = await outbox_routes(sqs, settings.queues, spec.produces)
            relay = OutboxRelay(pool, sqs, routes, metrics=metrics)
        handlers = {consumed.queue: handler for consumed, handler in queues}
        yield Worker(wiring.use_cases, consumers, queues[0][1], handlers, relay, sqs)
