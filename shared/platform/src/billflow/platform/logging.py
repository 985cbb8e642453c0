"""JSON log lines on stderr, one per event, for every service."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from billflow.platform.observability import CorrelationIdFilter


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
        )
    )
    handler.addFilter(CorrelationIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # botocore's debug chatter would drown ours (and could print request bodies).
    for noisy in ("botocore", "aiobotocore", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, root.level))
    # Lines at INFO that report nothing but the normal: where botocore found the credentials
    # ("Found credentials in environment variables"), once per client, in every process; and
    # yoyo's progress through migrations already applied. Their warnings and errors still show.
    for routine in ("botocore.credentials", "aiobotocore.credentials", "yoyo"):
        logging.getLogger(routine).setLevel(max(logging.WARNING, root.level))
