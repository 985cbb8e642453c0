"""Input that must never get through: unknown fields, bad parameters, huge bodies, floods, replays."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.billing import create_company, create_employee, record_workdays
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


def _fields(response: httpx.Response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


async def test_no_create_call_accepts_a_field_it_does_not_define(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    creates = {
        "/v1/departments": ({"name": "Ops"}, "id"),
        "/v1/projects": ({"name": "Zeus", "tax_rate": "21"}, "created_at"),
        "/v1/employees": (
            {
                "full_name": "Grace",
                "email": "grace@example.com",
                "department_id": company.department_id,
                "project_id": company.project_id,
                "hourly_rate": "10",
                "currency": "EUR",
            },
            "id",
        ),
        "/v1/invoices": (
            {"employee_id": employee["id"], "period_start": "2026-01-01", "period_end": "2026-01-31"},
            "number",
        ),
        "/v1/billing-runs": ({"period_start": "2026-01-01", "period_end": "2026-01-31"}, "invoice_ids"),
        "/v1/users": ({"email": "mass@example.com", "password": "long enough", "role": "viewer"}, "id"),
        "/v1/auth/token": ({"email": "a@example.com", "password": "x"}, "role"),
    }
    for path, (body, extra) in creates.items():
        for field in {extra, "status", "total"}:
            response = await api.post(path, json={**body, field: "sneaky"})
            assert response.status_code == 422, (path, field, response.text)
            assert response.headers["content-type"].startswith(PROBLEM)
            assert field in _fields(response), (path, response.text)
    nested = await api.put(
        f"/v1/employees/{employee['id']}/workdays",
        json={"workdays": [{"date": "2026-01-05", "hours": "8", "rate": "999"}]},
    )
    assert nested.status_code == 422
    assert "workdays[0].rate" in _fields(nested)


async def test_bad_query_and_body_values_are_422_naming_the_field(api: httpx.AsyncClient) -> None:
    for params, field in [
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"status": "bogus"}, "status"),
        ({"cursor": "c" * 500}, "cursor"),
    ]:
        response = await api.get("/v1/invoices", params=params)
        assert response.status_code == 422, (params, response.text)
        assert field in _fields(response)
    workdays = await api.get(f"/v1/employees/{uuid.uuid4()}/workdays", params={"from": "yesterday"})
    assert workdays.status_code == 422
    assert "from" in _fields(workdays)
    missing = await api.post("/v1/departments", json={})
    assert missing.status_code == 422
    assert "name" in _fields(missing)
    malformed = await api.post(
        "/v1/departments", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith(PROBLEM)


async def test_an_oversize_body_is_refused_while_streaming_before_it_is_read_whole(
    api: httpx.AsyncClient,
) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the server must count
        nonlocal sent
        yield b'{"name": "'
        for _ in range(64):
            sent += 65536
            yield b"x" * 65536
        yield b'"}'

    for headers in ({}, {"Idempotency-Key": str(uuid.uuid4())}):
        try:
            response = await api.post(
                "/v1/departments",
                content=chunks(),
                headers={"content-type": "application/json", **headers},
            )
        except httpx.HTTPError:  # the server may close the connection once it has answered
            continue
        assert response.status_code == 413, response.text


async def test_login_locks_an_account_after_ten_failures_a_minute(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    victim = await create_user(api, "viewer")
    # From another loopback address than the other tests, so only this test's address counts.
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=system.api_url, transport=transport) as attacker:
        for _ in range(10):
            wrong = await attacker.post("/v1/auth/token", json={"email": victim.email, "password": "guess"})
            assert wrong.status_code == 401
        locked = await attacker.post("/v1/auth/token", json={"email": victim.email, "password": "guess"})
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= 60
    assert locked.headers["content-type"].startswith(PROBLEM)
    # The account, not just the address: the right password from elsewhere waits too.
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.3")
    async with httpx.AsyncClient(base_url=system.api_url, transport=transport) as owner:
        from tests.support.users import PASSWORD

        still = await owner.post("/v1/auth/token", json={"email": victim.email, "password": PASSWORD})
    assert still.status_code == 429


async def test_login_locks_an_address_after_ten_failures_a_minute_whatever_the_accounts(
    system: RunningSystem,
) -> None:
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.4")
    async with httpx.AsyncClient(base_url=system.api_url, transport=transport) as sprayer:
        answers = await asyncio.gather(
            *(
                sprayer.post(
                    "/v1/auth/token", json={"email": f"u{n}-{uuid.uuid4()}@example.com", "password": "x"}
                )
                for n in range(15)
            )
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [401] * 10 + [429] * 5  # exact even when the attempts arrive together


async def test_fifty_concurrent_creates_with_one_idempotency_key_make_one_invoice(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(api, employee["id"], [{"date": "2027-02-03", "hours": "8"}])
    account = await create_user(api, "accountant")
    body = {"employee_id": employee["id"], "period_start": "2027-02-01", "period_end": "2027-02-28"}
    key = str(uuid.uuid4())
    async with client_as(system.api_url, account) as accountant:
        answers = await asyncio.gather(
            *(accountant.post("/v1/invoices", json=body, headers={"Idempotency-Key": key}) for _ in range(50))
        )
        assert {a.status_code for a in answers} == {202}, {a.status_code for a in answers}
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 49
        listed = (await accountant.get("/v1/invoices", params={"employee_id": employee["id"]})).json()
        assert len(listed["items"]) == 1

        other = await accountant.post(
            "/v1/invoices", json={**body, "period_end": "2027-02-27"}, headers={"Idempotency-Key": key}
        )
        assert other.status_code == 422
        assert "Idempotency-Key" in _fields(other)
    # Keys are per user: the admin's same key is a new request (here: the overlap it now is).
    admin_try = await api.post("/v1/invoices", json=body, headers={"Idempotency-Key": key})
    assert admin_try.status_code == 409


async def test_invoice_creation_is_rate_limited_per_user(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    account = await create_user(api, "accountant")
    body = {"employee_id": str(uuid.uuid4()), "period_start": "2027-01-01", "period_end": "2027-01-31"}
    async with client_as(system.api_url, account) as flooder:
        codes = []
        for _ in range(125):
            codes.append((await flooder.post("/v1/invoices", json=body)).status_code)
            if codes[-1] == 429:
                break
    assert codes[-1] == 429
    assert set(codes[:-1]) == {404}  # an unknown employee: the quota counts every attempt
    assert len(codes) == 121  # BILLFLOW_INVOICE_RATE_PER_MINUTE's default, 120, then 429
