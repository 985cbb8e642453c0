"""Webhooks end to end: a receiver on 127.0.0.1 verifies every request with ``standardwebhooks``;
the services run as processes (the deliverer with a 1 s retry base)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.e2e.test_after_issue import billed_month
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user
from tests.support.webhooks import Receiver, webhook_receiver

pytestmark = pytest.mark.e2e

ALL_EVENTS = [
    "invoice.issued",
    "invoice.sent",
    "invoice.failed",
    "invoice.paid",
    "credit_note.issued",
    "credit_note.sent",
    "expense.extracted",
    "payment.recorded",
]


@asynccontextmanager
async def subscribed(
    api: httpx.AsyncClient, events: list[str] = ALL_EVENTS
) -> AsyncIterator[tuple[Receiver, dict[str, Any]]]:
    """A receiver and its registered endpoint, removed afterwards (so no later change is told)."""
    async with webhook_receiver() as receiver:
        created = await api.post("/v1/webhooks", json={"url": receiver.url, "events": events})
        assert created.status_code == 201, created.text
        endpoint = created.json()
        receiver.secret = endpoint["secret"]
        try:
            yield receiver, endpoint
        finally:
            assert (await api.delete(f"/v1/webhooks/{endpoint['id']}")).status_code == 204


async def eventually(check: Callable[[], Any], within: float = 60) -> Any:
    """Poll ``check`` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + within
    while not (found := check()):
        if time.monotonic() > deadline:
            raise TimeoutError("not within the time allowed")
        await asyncio.sleep(0.1)
    return found


async def listed_attempts(
    api: httpx.AsyncClient,
    endpoint_id: str,
    wanted: Callable[[list[dict[str, Any]]], bool],
    within: float = 30,
) -> list[dict[str, Any]]:
    """The endpoint's listed attempts (newest first), once ``wanted`` says they are there (bounded)."""
    deadline = time.monotonic() + within
    while True:
        page = await api.get(f"/v1/webhooks/{endpoint_id}/deliveries", params={"limit": 100})
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        if wanted(items) or time.monotonic() > deadline:
            return items
        await asyncio.sleep(0.2)


async def test_an_issued_and_sent_invoice_is_told_with_valid_signatures_and_the_api_shape(
    api: httpx.AsyncClient,
) -> None:
    async with subscribed(api) as (receiver, endpoint):
        assert endpoint["secret"].startswith("whsec_")
        _, invoice, _ = await billed_month(api)
        issued = await eventually(lambda: receiver.of_type("invoice.issued", invoice["id"]))
        sent = await eventually(lambda: receiver.of_type("invoice.sent", invoice["id"]))
        for got in (*issued, *sent):
            assert got.verified, got.headers
            assert got.headers["webhook-id"]
            assert int(got.headers["webhook-timestamp"]) > 0
        shown = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
        data = sent[0].payload["data"]
        assert data["status"] == "sent"
        for key in ("id", "number", "total", "currency", "lines", "taxes", "billed_to", "kind"):
            assert data[key] == shown[key], key
        assert set(sent[0].payload) == {"type", "timestamp", "data"}

        paid = await api.post(
            f"/v1/invoices/{invoice['id']}/payments",
            json={"amount": shown["balance_due"], "paid_on": "2026-01-05", "reference": "wire 7"},
        )
        assert paid.status_code == 201, paid.text
        [payment] = await eventually(lambda: receiver.of_type("payment.recorded", paid.json()["id"]))
        assert payment.verified
        assert payment.payload["data"] == paid.json()
        [told_paid] = await eventually(lambda: receiver.of_type("invoice.paid", invoice["id"]))
        assert told_paid.payload["data"]["payment_status"] == "paid"


async def test_a_forced_retry_comes_with_the_same_webhook_id_and_is_listed(api: httpx.AsyncClient) -> None:
    async with subscribed(api, ["invoice.issued"]) as (receiver, endpoint):
        receiver.fail_first = True
        _, invoice, _ = await billed_month(api)
        tries = await eventually(
            lambda: len(got := receiver.of_type("invoice.issued", invoice["id"])) >= 2 and got
        )
        first, second = tries[:2]
        assert first.headers["webhook-id"] == second.headers["webhook-id"]  # a receiver dedupes by it
        assert first.body == second.body
        assert first.verified
        assert second.verified

        webhook_id = first.headers["webhook-id"]
        items = await listed_attempts(
            api, endpoint["id"], lambda items: sum(a["webhook_id"] == webhook_id for a in items) >= 2
        )
        listed = [a for a in items if a["webhook_id"] == webhook_id]
        retried, failed = listed[0], listed[1]  # newest first
        assert (failed["attempt"], failed["status_code"], failed["event"]) == (1, 500, "invoice.issued")
        assert failed["next_attempt_at"] is not None
        assert failed["duration_ms"] >= 0
        assert (retried["attempt"], retried["status_code"], retried["next_attempt_at"]) == (2, 200, None)
        assert retried["delivery_status"] == "delivered"


async def test_a_refused_change_is_never_told(api: httpx.AsyncClient) -> None:
    """The overlapping invoice and the overpayment roll back; the valid payment after them is
    the sentinel: once it arrived, anything of theirs would have arrived before it."""
    async with subscribed(api, ["invoice.issued", "payment.recorded"]) as (receiver, _):
        employee, invoice, year = await billed_month(api)
        overlapping = await api.post(
            "/v1/invoices",
            json={
                "employee_id": employee["id"],
                "period_start": f"{year}-03-10",
                "period_end": f"{year}-03-20",
            },
        )
        assert overlapping.status_code == 409, overlapping.text
        too_much = await api.post(
            f"/v1/invoices/{invoice['id']}/payments", json={"amount": "999999.00", "paid_on": "2026-01-05"}
        )
        assert too_much.status_code == 422, too_much.text
        sentinel = await api.post(
            f"/v1/invoices/{invoice['id']}/payments", json={"amount": "1.00", "paid_on": "2026-01-05"}
        )
        assert sentinel.status_code == 201, sentinel.text
        await eventually(lambda: receiver.of_type("payment.recorded", sentinel.json()["id"]))
        issued_for_employee = [
            r
            for r in receiver.of_type("invoice.issued")
            if r.payload["data"]["employee_id"] == employee["id"]
        ]
        assert [r.payload["data"]["id"] for r in issued_for_employee] == [invoice["id"]]
        payments = [
            r
            for r in receiver.of_type("payment.recorded")
            if r.payload["data"]["id"] != sentinel.json()["id"]
        ]
        assert [p for p in payments if p.payload["data"]["amount"] == "999999.00"] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.7/hooks",  # private
        "https://192.168.1.20/hooks",
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata address
        "https://[fd00:ec2::254]/latest/",
        "https://localhost/hooks",  # a name resolving to loopback
        "http://hooks.example.com/in",  # not https
        "http://127.0.0.1/no-port",
    ],
)
async def test_urls_that_could_reach_inside_are_refused_at_registration(
    api: httpx.AsyncClient, url: str
) -> None:
    refused = await api.post("/v1/webhooks", json={"url": url, "events": ["invoice.sent"]})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "url" in refused.text


async def test_a_redirect_is_recorded_and_never_followed(api: httpx.AsyncClient) -> None:
    async with webhook_receiver() as elsewhere, subscribed(api, ["invoice.issued"]) as (receiver, endpoint):
        receiver.redirect_to = elsewhere.url
        _, invoice, _ = await billed_month(api)
        await eventually(lambda: receiver.of_type("invoice.issued", invoice["id"]))
        items = await listed_attempts(
            api, endpoint["id"], lambda items: any(a["status_code"] == 302 for a in items)
        )
        redirected = [a for a in items if a["status_code"] == 302]
        assert redirected, items
        assert redirected[-1]["error"] == "redirects are not followed"
        assert redirected[-1]["next_attempt_at"] is not None  # a redirect is a failure: retried
        assert elsewhere.received == []


async def test_endpoints_are_listed_changed_and_only_an_admin_manages_them(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    async with subscribed(api, ["invoice.sent"]) as (receiver, endpoint):
        listed = (await api.get("/v1/webhooks", params={"limit": 100})).json()
        assert "next_cursor" in listed
        mine = [e for e in listed["items"] if e["id"] == endpoint["id"]]
        assert mine == [{k: endpoint[k] for k in ("id", "url", "events", "enabled", "created_at")}]
        assert "secret" not in (await api.get(f"/v1/webhooks/{endpoint['id']}")).text
        changed = await api.patch(
            f"/v1/webhooks/{endpoint['id']}",
            json={"events": ["invoice.sent", "invoice.paid"], "enabled": False},
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["events"], changed.json()["enabled"]) == (
            ["invoice.sent", "invoice.paid"],
            False,
        )
        refused = await api.patch(f"/v1/webhooks/{endpoint['id']}", json={"url": "https://10.1.1.1/"})
        assert refused.status_code == 422
        unknown = await api.patch(f"/v1/webhooks/{endpoint['id']}", json={"secret": "x"})
        assert unknown.status_code in (400, 422)
        assert (await api.get("/v1/webhooks/00000000-0000-4000-8000-000000000000")).status_code == 404
        accountant = await create_user(api, "accountant")
        async with client_as(system.api_url, accountant) as client:
            assert (await client.get("/v1/webhooks")).status_code == 403
            assert (
                await client.post("/v1/webhooks", json={"url": receiver.url, "events": ["invoice.sent"]})
            ).status_code == 403
