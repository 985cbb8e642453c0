"""The extractor's route table: an extract command reads the upload and records the expense; S3's
notification of a direct upload means the same command."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from billflow.domain.contracts import ExtractExpense, SweepAbandonedUploads
from billflow.domain.expenses.expense import expense_of_upload_key
from billflow.domain.usecases.abandoned_uploads import FailAbandonedUploads
from billflow.domain.usecases.extract_expense import (
    ExtractExpenseCommand,
    ExtractExpenseFields,
    FailExpense,
    FailExpenseCommand,
)
from billflow.platform.aws.s3_events import objects_created
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    extract: ExtractExpenseFields
    fail: FailExpense
    sweep: FailAbandonedUploads


def _extract(use: UseCases, message: ExtractExpense, _: Received) -> Job:
    expense_id, correlation_id = message.expense_id, message.correlation_id
    return Job(
        expense_id,
        correlation_id,
        lambda: use.extract.execute(ExtractExpenseCommand(expense_id, correlation_id)),
        lambda reason: use.fail.execute(FailExpenseCommand(expense_id, reason, correlation_id)),
    )


def _sweep(use: UseCases, message: SweepAbandonedUploads, received: Received) -> Job:
    correlation_id = message.correlation_id or received.sqs_message_id
    return Job("abandoned-uploads", correlation_id, lambda: use.sweep.execute(correlation_id))


ROUTES = RouteTable[UseCases](
    Route(ExtractExpense, _extract, "expense"),
    Route(SweepAbandonedUploads, _sweep, "expense"),
)
decode = ROUTES.decode


def uploaded(body: bytes) -> list[ExtractExpense] | None:
    """The upload queue's notification as the commands it means: one per direct upload created.
    ``[]`` for S3's test event (or another event); None for anything that is not a notification
    of our uploads (counted and dropped: retrying cannot make it one)."""
    created = objects_created(body)
    if created is None:
        return None
    expense_ids = [expense_of_upload_key(o.key) for o in created]
    if created and not any(expense_ids):
        return None
    now = datetime.now(UTC)
    return [
        ExtractExpense(
            message_id=str(uuid.uuid4()), occurred_at=now, correlation_id=uuid.uuid4().hex, expense_id=i
        )
        for i in expense_ids
        if i is not None
    ]
