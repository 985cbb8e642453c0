"""Turning a use case's outcome into a message's fate, the same way in every worker.

- Success (or a redelivery found already done): ``Ack``.
- A permanent failure (the invoice is gone, the address is refused): give up now with the
  reason, and ``Ack``; retrying cannot help.
- A transient failure (timeouts, 5xx, SMTP 4xx): ``RetryAfter`` an exponential back-off; on the
  last receive allowed, give up with the reason and let SQS move the message to the DLQ.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from billflow.domain.errors import DomainError, NotFound, PermanentFailure, TransientFailure
from billflow.platform.aws.sqs_consumer import Ack, Disposition, Received, RetryAfter, backoff_seconds

log = logging.getLogger(__name__)


async def settle(
    received: Received,
    max_receives: int,
    execute: Callable[[], Awaitable[object]],
    give_up: Callable[[str], Awaitable[object]],
    context: dict[str, str],
) -> Disposition:
    try:
        outcome = await execute()
    except (PermanentFailure, NotFound) as e:
        log.error("giving up", extra={**context, "reason": e.detail})
        await give_up(e.detail)
        return Ack()
    except (TransientFailure, DomainError) as e:
        cause = e.__cause__ or e
        reason = f"{e.detail} ({type(cause).__name__})"
        if received.receive_count >= max_receives:
            log.error(
                "giving up after retries",
                extra={**context, "reason": reason, "receives": received.receive_count},
            )
            await give_up(f"gave up after {received.receive_count} attempts: {reason}")
            return RetryAfter(0)  # the next receive moves it to the dead-letter queue
        delay = backoff_seconds(received.receive_count)
        log.warning("will retry", extra={**context, "reason": reason, "retry_in": delay})
        return RetryAfter(delay)
    log.info("handled", extra={**context, "outcome": str(outcome)})
    return Ack()
