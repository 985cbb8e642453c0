"""The sender against a real HTTP receiver on 127.0.0.1: signed requests, addresses checked at send
time and connected to as checked, no redirects, bounded answers and time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import httpx
import pytest

from billflow.domain.webhooks import WebhookTarget, webhook_target
from billflow.webhooks.sender import HttpxWebhookSender, _pinned_url, http_client
from tests.support.webhooks import webhook_receiver

pytestmark = pytest.mark.integration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"invoice.issued","timestamp":"2026-12-01T12:00:00Z","data":{"id":"x"}}'


class Resolver:
    """Resolves every name to the given addresses, and counts how often it was asked."""

    def __init__(self, addresses: Sequence[str]) -> None:
        self.addresses = addresses
        self.asked = 0

    async def resolve(self, host: str, port: int) -> Sequence[str]:
        self.asked += 1
        return self.addresses


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with http_client() as c:
        yield c


async def test_a_delivery_is_signed_so_standard_webhooks_verifies_it(client: httpx.AsyncClient) -> None:
    async with webhook_receiver() as receiver:
        receiver.secret = SECRET
        sender = HttpxWebhookSender(client, Resolver(["127.0.0.1"]))
        target = webhook_target(receiver.url, allow_loopback=True)
        result = await sender.send(target, "msg-1", datetime.now(UTC), BODY, SECRET)
        assert result.succeeded, result
        [got] = receiver.received
        assert got.verified
        assert got.body == BODY
        assert got.headers["webhook-id"] == "msg-1"


async def test_the_sender_connects_to_the_address_it_checked_and_keeps_the_name_in_host(
    client: httpx.AsyncClient,
) -> None:
    """The name exists in no DNS: only the checked address can have been connected to."""
    async with webhook_receiver() as receiver:
        resolver = Resolver(["127.0.0.1"])
        sender = HttpxWebhookSender(client, resolver)
        port = receiver.port
        target = WebhookTarget(f"http://hooks.invalid:{port}/in", "http", "hooks.invalid", port, True)
        result = await sender.send(target, "msg-2", datetime.now(UTC), BODY, SECRET)
        assert result.succeeded, result
        assert resolver.asked == 1
        assert receiver.received[0].headers["host"] == f"hooks.invalid:{receiver.port}"


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "fd00:ec2::254", "127.0.0.2"])
async def test_a_name_resolving_to_a_refused_address_at_send_time_is_never_connected_to(
    client: httpx.AsyncClient, address: str
) -> None:
    async with webhook_receiver() as receiver:
        sender = HttpxWebhookSender(client, Resolver(["127.0.0.1", address]))
        target = webhook_target(receiver.url, allow_loopback=True)
        result = await sender.send(target, "msg-3", datetime.now(UTC), BODY, SECRET)
        assert result.status_code is None
        assert result.error is not None
        assert result.error.startswith("refused")
        assert receiver.received == []


async def test_a_redirect_is_not_followed(client: httpx.AsyncClient) -> None:
    async with webhook_receiver() as elsewhere, webhook_receiver() as receiver:
        receiver.redirect_to = elsewhere.url
        sender = HttpxWebhookSender(client, Resolver(["127.0.0.1"]))
        result = await sender.send(
            webhook_target(receiver.url, allow_loopback=True), "msg-4", datetime.now(UTC), BODY, SECRET
        )
        assert result.status_code == 302
        assert not result.succeeded
        assert len(receiver.received) == 1
        assert elsewhere.received == []


async def test_an_endless_answer_is_cut_off_after_64_kb(client: httpx.AsyncClient) -> None:
    async with webhook_receiver() as receiver:
        receiver.endless = True
        sender = HttpxWebhookSender(client, Resolver(["127.0.0.1"]), timeout_s=120)
        result = await sender.send(
            webhook_target(receiver.url, allow_loopback=True), "msg-5", datetime.now(UTC), BODY, SECRET
        )
        assert result.status_code == 200
        async with asyncio.timeout(30):
            await receiver.cut_off.wait()  # the sender hung up: the 640 MB were never read


async def test_a_slow_receiver_is_given_up_on_after_the_timeout(client: httpx.AsyncClient) -> None:
    async with webhook_receiver() as receiver:
        receiver.delay_s = 5
        sender = HttpxWebhookSender(client, Resolver(["127.0.0.1"]), timeout_s=0.5)
        result = await sender.send(
            webhook_target(receiver.url, allow_loopback=True), "msg-6", datetime.now(UTC), BODY, SECRET
        )
        assert result.status_code is None
        assert result.error == "timed out after 0.5 s"


def test_a_pinned_url_names_the_address_and_keeps_path_and_query() -> None:
    target = WebhookTarget("https://hooks.example.com/in?x=1#frag", "https", "hooks.example.com", 443)
    assert _pinned_url(target, "93.184.215.14") == "https://93.184.215.14:443/in?x=1"
    assert _pinned_url(target, "2606:4700::1") == "https://[2606:4700::1]:443/in?x=1"
