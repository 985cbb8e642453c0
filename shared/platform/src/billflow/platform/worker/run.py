"""The long-running driver of every worker (``python -m billflow.<service>``): consume its queues,
and relay its outbox, until SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable
from typing import Any

from billflow.platform.logging import configure_logging
from billflow.platform.runtime import stop_on_signals
from billflow.platform.worker.build import WorkerSpec, build_worker, load_settings


async def run_worker(spec: WorkerSpec[Any, Any]) -> None:
    log = logging.getLogger(f"billflow.{spec.name.replace('-', '_')}")
    settings = load_settings(spec, os.environ)
    configure_logging(spec.name, settings.log.level)
    stop = stop_on_signals()
    async with build_worker(spec, settings) as worker:
        main_queue = spec.consumes(settings.queues)[0].queue
        log.info("%s started", spec.name, extra={"queue": main_queue, **spec.details(settings)})
        drivers: list[Awaitable[None]] = [consumer.run(stop) for consumer in worker.consumers]
        if worker.relay is not None:
            drivers.append(worker.relay.run(settings.postgres.database_url, stop))
        await asyncio.gather(*drivers)
    log.info("%s stopped", spec.name)
