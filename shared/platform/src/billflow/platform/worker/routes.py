"""A worker's route table: from each message class it accepts to the work that message asks for.

The table is the whole of what a worker says about its messages; the handler built from it is
the same for every worker: decode with one ``msgspec`` decoder of the union of the table's
classes, release poison for the dead-letter queue, and ``settle`` the job the message's route
plans (retry, give up, count and time it).
"""

from __future__ import annotations

import functools
import logging
import math
import operator
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from billflow.domain.contracts import Message, type_tag
from billflow.domain.usecases.render_invoice import Outcome
from billflow.platform.aws.sqs_consumer import Ack, Disposition, Handler, Received, RetryAfter
from billflow.platform.commands import Command, Subject, settle
from billflow.platform.metrics import InvoiceEvent, Metrics

log = logging.getLogger(__name__)

MAX_VISIBILITY_SECONDS = 12 * 3600
"""SQS keeps a received message out of sight for at most 12 hours."""

U = TypeVar("U")
"""A worker's use cases: what its routes call."""
M = TypeVar("M", bound=Message)

Translate = Callable[[bytes], Sequence[Message] | None]
"""How a queue written by something else than Billflow (S3's notifications) is read: each body
becomes the messages it means (none: nothing for us), or None when it is not what the queue
carries (dropped and counted, since no retry can make it readable)."""


async def nothing_to_mark(_: str) -> bool:
    """The give-up of work that leaves no record to mark failed: the log and the DLQ say it."""
    return False


@dataclass(frozen=True, slots=True)
class Job:
    """One message's work: what it is about, and how to do it or give it up."""

    subject_id: str
    correlation_id: str
    execute: Callable[[], Awaitable[Outcome]]
    give_up: Callable[[str], Awaitable[bool]] = nothing_to_mark
    """Marks the subject failed with a reason; True when it did (so the failure is counted)."""
    come_back: Callable[[], float | None] | None = None
    """After a success, seconds until the same message has more work (work it scheduled itself,
    such as a webhook's next retry), or None: done. The message is then kept on the queue, out of
    sight until then, instead of deleted."""


@dataclass(frozen=True, slots=True)
class Route(Generic[U, M]):
    """What runs a message of class ``message``: ``plan`` turns it into a ``Job``."""

    message: type[M]
    plan: Callable[[U, M, Received], Job]
    subject: Subject = "invoice"
    done_event: InvoiceEvent | None = None
    """The invoice event a successful run means (``rendered``, ``sent``)."""


class RouteTable(Generic[U]):
    """The routes of one worker, keyed by message class; one decoder for all of them."""

    def __init__(self, *routes: Route[U, Any]) -> None:
        self._routes: dict[type[Message], Route[U, Any]] = {route.message: route for route in routes}
        assert len(self._routes) == len(routes), "one route per message class"
        accepted: Any = functools.reduce(operator.or_, self._routes)  # a tagged union of Structs
        self._decoder = msgspec.json.Decoder(accepted)

    @property
    def messages(self) -> tuple[type[Message], ...]:
        return tuple(self._routes)

    def decode(self, body: bytes) -> Message:
        """Every message version this worker accepts; raises msgspec errors for anything else."""
        message: Message = self._decoder.decode(body)
        return message

    def handler(
        self,
        use_cases: U,
        *,
        max_receives: int,
        metrics: Metrics,
        queue: str = "",
        translate: Translate | None = None,
    ) -> Handler:
        """The one handler every driver (poller, Lambda, tests) calls for messages of ``queue``;
        with ``translate``, the queue carries foreign notifications instead of messages."""

        async def run(message: Message, received: Received) -> Disposition:
            route = self._routes[type(message)]
            job = route.plan(use_cases, message, received)
            command = Command(
                type_tag(route.message), job.subject_id, job.correlation_id, route.done_event, route.subject
            )
            disposition = await settle(received, max_receives, command, job.execute, job.give_up, metrics)
            if isinstance(disposition, Ack) and job.come_back is not None:
                seconds = job.come_back()
                if seconds is not None:
                    # At least a second: work due "now" is being leased by another consumer.
                    return RetryAfter(min(MAX_VISIBILITY_SECONDS, max(1, math.ceil(seconds))))
            return disposition

        async def handle_foreign(received: Received) -> Disposition:
            assert translate is not None
            messages = translate(received.body)
            if messages is None:
                log.error("malformed notification dropped", extra={"sqs_message_id": received.sqs_message_id})
                await metrics.malformed(queue)
                return Ack()
            for message in messages:  # each idempotent: a retry of the batch redoes only what is left
                disposition = await run(message, received)
                if not isinstance(disposition, Ack):
                    return disposition
            return Ack()

        async def handle(received: Received) -> Disposition:
            try:
                message = self.decode(received.body)
            except (msgspec.DecodeError, msgspec.ValidationError) as e:
                # Poison: never crash, never delete silently. Released at once, it reaches the
                # dead-letter queue after max receives, where a person can look at it.
                log.error(
                    "malformed message", extra={"error": str(e), "sqs_message_id": received.sqs_message_id}
                )
                await metrics.malformed(queue)
                return RetryAfter(0)
            return await run(message, received)

        return handle if translate is None else handle_foreign
