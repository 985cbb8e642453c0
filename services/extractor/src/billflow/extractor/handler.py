"""The extractor's one handler: an expense-queue message in, a fate out. Every driver calls it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import msgspec

from billflow.domain.contracts import ExtractExpense, ExtractorMessage, type_tag
from billflow.domain.usecases.extract_expense import (
    ExtractExpenseCommand,
    ExtractExpenseFields,
    FailExpense,
    FailExpenseCommand,
)
from billflow.platform.aws.sqs_consumer import Disposition, Received, RetryAfter
from billflow.platform.commands import Command, settle
from billflow.platform.metrics import Metrics

log = logging.getLogger(__name__)

_decoder = msgspec.json.Decoder(ExtractorMessage)


def decode(body: bytes) -> ExtractorMessage:
    """Every message version this worker accepts; raises msgspec errors for anything else."""
    return _decoder.decode(body)


@dataclass(frozen=True, slots=True)
class Deps:
    extract: ExtractExpenseFields
    fail: FailExpense
    max_receives: int
    metrics: Metrics
    queue: str = ""


async def handle(received: Received, deps: Deps) -> Disposition:
    try:
        message = decode(received.body)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        # Poison: released at once, it reaches the dead-letter queue after max receives.
        log.error("malformed message", extra={"error": str(e), "sqs_message_id": received.sqs_message_id})
        await deps.metrics.malformed(deps.queue)
        return RetryAfter(0)
    match message:
        case ExtractExpense(expense_id=expense_id, correlation_id=correlation_id):
            return await settle(
                received,
                deps.max_receives,
                Command(type_tag(ExtractExpense), expense_id, correlation_id, None, "expense"),
                lambda: deps.extract.execute(ExtractExpenseCommand(expense_id, correlation_id)),
                lambda reason: deps.fail.execute(FailExpenseCommand(expense_id, reason, correlation_id)),
                deps.metrics,
            )
