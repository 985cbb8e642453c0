"""The deliverer's route table: a dispatch message delivers its event to every subscribed endpoint,
and stays on the queue, out of sight until the next retry is due, while any delivery is pending."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import DispatchWebhookEvent
from billflow.domain.usecases.deliver_webhooks import DeliverWebhookCommand, DeliverWebhookEvent
from billflow.domain.usecases.render_invoice import Outcome
from billflow.platform.aws.sqs_consumer import Received
from billflow.platform.worker import Job, Route, RouteTable


@dataclass(frozen=True, slots=True)
class UseCases:
    deliver: DeliverWebhookEvent


def _deliver(use: UseCases, message: DispatchWebhookEvent, _: Received) -> Job:
    event_id, correlation_id = message.event_id, message.correlation_id
    retry_in: list[float | None] = [None]

    async def execute() -> Outcome:
        dispatched = await use.deliver.execute(DeliverWebhookCommand(event_id, correlation_id))
        retry_in[0] = dispatched.retry_in
        return dispatched.outcome

    return Job(event_id, correlation_id, execute, come_back=lambda: retry_in[0])


ROUTES = RouteTable[UseCases](Route(DispatchWebhookEvent, _deliver, "webhook_event"))
decode = ROUTES.decode
