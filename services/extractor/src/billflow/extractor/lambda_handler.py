"""AWS Lambda entry point: ``billflow.extractor.lambda_handler.handler``.

An SQS batch of extract commands goes through the same ``handle`` the poller uses; failures are
reported per message (``batchItemFailures``). The reader, pool and clients are opened on the
first invocation of a container and reused. The outbox (the ``NotifyExpense`` each reading
commits) is drained before returning, because a frozen container runs no background relay.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from billflow.extractor.handler import handle
from billflow.extractor.main import Service, Settings, build
from billflow.platform.aws.lambda_runtime import LambdaRuntime
from billflow.platform.aws.lambda_sqs import handle_sqs_event
from billflow.platform.logging import configure_logging
from billflow.platform.secrets import lambda_environment


@asynccontextmanager
async def _open() -> AsyncIterator[Service]:
    settings = Settings.from_env(lambda_environment(os.environ))
    configure_logging("extractor", settings.log.level)
    async with build(settings) as service:
        await service.relay.drain()  # whatever an earlier container committed and could not send
        yield service


async def _batch(event: dict[str, Any], service: Service) -> dict[str, Any]:
    result = await handle_sqs_event(event, partial(handle, deps=service.deps), service.sqs)
    await service.relay.drain()
    return result


runtime: LambdaRuntime[Service] = LambdaRuntime(_open)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return runtime.run(partial(_batch, event))
