"""The extractor's route table: an extract command reads the upload and records the expense."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import ExtractExpense
from billflow.domain.usecases.extract_expense import (
    ExtractExpenseCommand,
    ExtractExpenseFields,
    FailExpense,
    FailExpenseCommand,
)
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    extract: ExtractExpenseFields
    fail: FailExpense


def _extract(use: UseCases, message: ExtractExpense, _: Received) -> Job:
    expense_id, correlation_id = message.expense_id, message.correlation_id
    return Job(
        expense_id,
        correlation_id,
        lambda: use.extract.execute(ExtractExpenseCommand(expense_id, correlation_id)),
        lambda reason: use.fail.execute(FailExpenseCommand(expense_id, reason, correlation_id)),
    )


ROUTES = RouteTable[UseCases](Route(ExtractExpense, _extract, "expense"))
decode = ROUTES.decode
