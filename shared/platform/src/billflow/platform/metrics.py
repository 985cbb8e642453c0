"""Counts and latencies per stage: Prometheus series, and CloudWatch EMF lines in AWS.

Locally (``BILLFLOW_METRICS=prometheus``, the default) the series are scraped from ``/metrics``
on the API and on each worker's health port. In AWS (``BILLFLOW_METRICS=emf``) every event is
also written as an Embedded Metric Format line, which CloudWatch turns into metrics for free.
"""

from __future__ import annotations

from typing import Literal

from aws_embedded_metrics.logger.metrics_logger_factory import create_metrics_logger
from prometheus_client import Counter, Gauge, Histogram

NAMESPACE = "Billflow"

COMMANDS = Counter(
    "billflow_commands_total",
    "Queue messages handled, by command and outcome",
    ["service", "command", "outcome"],
)
COMMAND_SECONDS = Histogram(
    "billflow_command_seconds",
    "Time to handle one queue message",
    ["service", "command"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
INVOICES = Counter("billflow_invoice_events_total", "Invoice life-cycle events", ["service", "event"])
MALFORMED = Counter("billflow_malformed_messages_total", "Messages that did not decode", ["service", "queue"])
OUTBOX_PUBLISHED = Counter("billflow_outbox_published_total", "Outbox messages published to SQS", ["service"])
QUEUE_MESSAGES = Gauge(
    "billflow_queue_messages", "Messages in a queue (sampled on scrape)", ["queue", "state"]
)

Outcome = Literal["done", "already_done", "retried", "gave_up", "malformed"]
InvoiceEvent = Literal["issued", "rendered", "sent", "failed", "retried"]


class Metrics:
    def __init__(self, service: str, *, emf: bool = False) -> None:
        self.service = service
        self._emf = emf

    async def command(self, command: str, outcome: Outcome, seconds: float) -> None:
        COMMANDS.labels(self.service, command, outcome).inc()
        COMMAND_SECONDS.labels(self.service, command).observe(seconds)
        await self._emit(
            {"Command": command, "Outcome": outcome},
            {"Handled": (1, "Count"), "Latency": (seconds * 1000, "Milliseconds")},
        )

    async def invoice(self, event: InvoiceEvent, count: int = 1) -> None:
        INVOICES.labels(self.service, event).inc(count)
        await self._emit({"Event": event}, {"Invoices": (count, "Count")})

    async def malformed(self, queue: str) -> None:
        MALFORMED.labels(self.service, queue).inc()
        await self._emit({"Queue": queue}, {"MalformedMessages": (1, "Count")})

    async def outbox_published(self, count: int) -> None:
        OUTBOX_PUBLISHED.labels(self.service).inc(count)
        await self._emit({}, {"OutboxPublished": (count, "Count")})

    def queue_depth(self, queue: str, visible: int, in_flight: int) -> None:
        QUEUE_MESSAGES.labels(queue, "visible").set(visible)
        QUEUE_MESSAGES.labels(queue, "in_flight").set(in_flight)

    async def _emit(self, dimensions: dict[str, str], values: dict[str, tuple[float, str]]) -> None:
        if not self._emf:
            return
        logger = create_metrics_logger()
        logger.set_namespace(NAMESPACE)
        logger.put_dimensions({"Service": self.service, **dimensions})
        for name, (value, unit) in values.items():
            logger.put_metric(name, value, unit)
        await logger.flush()
