"""The deliverer's composition: its settings, its adapters (the resolver and the HTTP sender) and
its use case."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.usecases.deliver_webhooks import DeliverWebhookEvent
from billflow.domain.webhooks import RetryPolicy
from billflow.platform.dns import SystemAddressResolver
from billflow.platform.postgres.webhooks import AsyncpgWebhookDeliveryStore
from billflow.platform.settings import WebhookSettings
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSettings, WorkerSpec
from billflow.webhooks.routes import ROUTES, UseCases
from billflow.webhooks.sender import HttpxWebhookSender, http_client


@dataclass(frozen=True)
class Settings(WorkerSettings):
    webhooks: WebhookSettings


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    hooks = settings.webhooks
    client = await platform.stack.enter_async_context(http_client())
    sender = HttpxWebhookSender(client, SystemAddressResolver())
    deliver = DeliverWebhookEvent(
        AsyncpgWebhookDeliveryStore(platform.pool),
        platform.uow,
        platform.uow,
        sender,
        platform.clock,
        policy=RetryPolicy(base_seconds=hooks.retry_base_seconds),
        allow_loopback=hooks.allow_loopback,
        concurrency=hooks.concurrency,
    )
    return Wiring(UseCases(deliver=deliver))


WORKER = WorkerSpec(
    "webhooks", Settings, ROUTES, wire, lambda q: [Consumed(q.webhooks_queue)],
    details=lambda settings: {"allow_loopback": str(settings.webhooks.allow_loopback).lower()},
)  # fmt: skip
