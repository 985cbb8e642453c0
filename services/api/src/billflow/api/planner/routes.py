"""The planner's route table: billing runs to plan (the planning queue)."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import PlanBillingRun
from billflow.domain.usecases.plan_billing_run import PlanBillingRunCommand, PlanBillingRunInChunks
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    plan: PlanBillingRunInChunks


def _plan(use: UseCases, message: PlanBillingRun, _: Received) -> Job:
    run_id = message.billing_run_id
    return Job(
        run_id,
        message.correlation_id,
        lambda: use.plan.execute(PlanBillingRunCommand(run_id, message.correlation_id)),
    )


ROUTES = RouteTable[UseCases](Route(PlanBillingRun, _plan, "billing_run"))
decode = ROUTES.decode
