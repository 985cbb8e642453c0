"""The AWS Lambda driver of every worker: ``handler = LambdaEntry(spec).handler``.

An SQS batch goes through the same handler the poller uses; failures are reported per message
(``batchItemFailures``). The worker (pool, clients, its own adapters) is opened on the first
invocation of a container and reused. A worker that produces messages drains its outbox when it
opens (whatever an earlier container committed and could not send) and after every batch,
because a frozen container runs no background relay.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Generic, TypeVar

from billflow.platform.aws.lambda_runtime import LambdaRuntime
from billflow.platform.aws.lambda_sqs import handle_sqs_event
from billflow.platform.logging import configure_logging
from billflow.platform.secrets import lambda_environment
from billflow.platform.worker.build import Worker, WorkerSpec, build_worker, load_settings

U = TypeVar("U")


class LambdaEntry(Generic[U]):
    def __init__(self, spec: WorkerSpec[Any, U]) -> None:
        self._spec = spec
        self.runtime: LambdaRuntime[Worker[U]] = LambdaRuntime(self.open)
        """One per container; tests put a fresh one in its place."""

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Worker[U]]:
        settings = load_settings(self._spec, lambda_environment(os.environ))
        configure_logging(self._spec.name, settings.log.level)
        async with build_worker(self._spec, settings) as worker:
            if worker.relay is not None:
                await worker.relay.drain()
            yield worker

    async def _batch(self, event: dict[str, Any], worker: Worker[U]) -> dict[str, Any]:
        # One function may be fed by several queues (the extractor: its commands and S3's
        # notifications); each record goes to the handler of the queue it came from.
        by_queue: dict[str, list[Any]] = {}
        for record in event.get("Records") or []:
            name = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
            by_queue.setdefault(name if name in worker.handlers else "", []).append(record)
        failures: list[dict[str, str]] = []
        for name, records in by_queue.items():
            handler = worker.handlers.get(name, worker.handler)
            done = await handle_sqs_event({"Records": records}, handler, worker.sqs)
            failures.extend(done["batchItemFailures"])
        result: dict[str, Any] = {"batchItemFailures": failures}
        if worker.relay is not None:
            await worker.relay.drain()
        return result

    def handler(self, event: dict[str, Any], context: object) -> dict[str, Any]:
        return self.runtime.run(partial(self._batch, event))
