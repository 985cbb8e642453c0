"""The API service's commands.

python -m billflow.api                  serve the API
python -m billflow.api migrate          apply the SQL migrations
python -m billflow.api redrive QUEUE    move QUEUE's dead-letter messages back to QUEUE
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import AsyncExitStack

import uvicorn

from billflow.api.main import SERVER_HTTP, SERVER_LOOP, Settings
from billflow.platform.aws.clients import sqs_client
from billflow.platform.aws.redrive import dead_letter_queue_url, redrive
from billflow.platform.logging import configure_logging
from billflow.platform.postgres.migrate import apply_migrations
from billflow.platform.runtime import queue_url


async def _redrive(settings: Settings, queue: str) -> int:
    async with AsyncExitStack() as stack:
        sqs = await sqs_client(stack, settings.aws)
        source = await queue_url(sqs, queue)
        return await redrive(sqs, await dead_letter_queue_url(sqs, source), source)


def main(argv: list[str]) -> int:
    settings = Settings.from_env(os.environ)
    configure_logging("api", settings.log.level)
    match argv:
        case []:
            uvicorn.run(
                "billflow.api.main:app_from_env",
                factory=True,
                loop=SERVER_LOOP,
                http=SERVER_HTTP,
                host=settings.api.host,
                port=settings.api.port,
                log_config=None,  # ours: JSON lines (configured again by the factory)
                access_log=False,
                proxy_headers=False,
            )
        case ["migrate"]:
            applied = apply_migrations(settings.postgres.database_url)
            print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
        case ["redrive", queue]:
            moved = asyncio.run(_redrive(settings, queue))
            print(f"moved {moved} message(s) from the dead-letter queue back to {queue}")
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


sys.exit(main(sys.argv[1:]))
