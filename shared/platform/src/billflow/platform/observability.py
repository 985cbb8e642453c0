"""The correlation id of the work in hand, added to every log line written while doing it.

Set once where work enters a process (an HTTP request, a queue message); asyncio copies the
context into each task, so concurrent messages never see each other's id.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


class CorrelationIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        current = correlation_id.get()
        if current is not None and not hasattr(record, "correlation_id"):
            record.correlation_id = current
        return True
