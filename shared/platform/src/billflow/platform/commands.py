"""Turning a use case's outcome into a message's fate, the same way in every worker.

- Success (or a redelivery found already done): ``Ack``.
- A permanent failure (the invoice is gone, the address is refused): give up now with the
  reason, and ``Ack``; retrying cannot help.
- A transient failure (timeouts, 5xx, SMTP 4xx): ``RetryAfter`` an exponential back-off; on the
  last receive allowed, give up with the reason and let SQS move the message to the DLQ.

Every message is counted and timed per command and outcome, and its correlation id is put on
every log line written while it is handled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from billflow.domain.errors import DomainError, NotFound, PermanentFailure
from billflow.domain.usecases.render_invoice import Outcome
from billflow.platform.aws.sqs_consumer import Ack, Disposition, Received, RetryAfter, backoff_seconds
from billflow.platform.metrics import InvoiceEvent, Metrics
from billflow.platform.observability import correlation_id

log = logging.getLogger(__name__)


Subject = Literal[
    "invoice", "expense", "statement", "credit_note", "reminders", "webhook_event", "billing_run"
]
"""What a command is about; its id is logged as ``<subject>_id``."""


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    """The message type, ``invoice.render.v1``."""
    invoice_id: str
    """The id of what the command is about: an invoice, or what ``subject`` says."""
    correlation_id: str
    done_event: InvoiceEvent | None
    """The invoice event a successful run means (``rendered``, ``sent``); None for other subjects."""
    subject: Subject = "invoice"


async def settle(
    received: Received,
    max_receives: int,
    command: Command,
    execute: Callable[[], Awaitable[Outcome]],
    give_up: Callable[[str], Awaitable[bool]],
    metrics: Metrics,
) -> Disposition:
    correlation_id.set(command.correlation_id)
    context = {
        f"{command.subject}_id": command.invoice_id,
        "command": command.name,
        "receives": received.receive_count,
    }
    started = time.perf_counter()

    async def failed(reason: str) -> None:
        if await give_up(reason) and command.subject == "invoice":
            await metrics.invoice("failed")

    try:
        outcome = await execute()
    except (PermanentFailure, NotFound) as e:
        log.error("giving up", extra={**context, "reason": e.detail})
        await failed(e.detail)
        await metrics.command(command.name, "gave_up", time.perf_counter() - started)
        return Ack()
    except DomainError as e:
        cause = e.__cause__ or e
        reason = f"{e.detail} ({type(cause).__name__})"
        if received.receive_count >= max_receives:
            log.error("giving up after retries", extra={**context, "reason": reason})
            await failed(f"gave up after {received.receive_count} attempts: {reason}")
            await metrics.command(command.name, "gave_up", time.perf_counter() - started)
            return RetryAfter(0)  # the next receive moves it to the dead-letter queue
        delay = backoff_seconds(received.receive_count)
        log.warning("will retry", extra={**context, "reason": reason, "retry_in": delay})
        await metrics.command(command.name, "retried", time.perf_counter() - started)
        return RetryAfter(delay)
    seconds = time.perf_counter() - started
    log.info("handled", extra={**context, "outcome": outcome.value, "seconds": round(seconds, 4)})
    await metrics.command(command.name, outcome.value, seconds)
    if outcome is Outcome.DONE and command.done_event is not None:
        await metrics.invoice(command.done_event)
    return Ack()
