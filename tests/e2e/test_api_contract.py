"""The REST contract's edges, through the running API: auth, validation, conflicts, paging."""

from __future__ import annotations

import random
import uuid

import httpx
import pytest

from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.system import RunningSystem

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


async def test_every_v1_call_without_a_valid_token_is_401_as_problem_json(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.api_url) as anonymous:
        for method, path in [("GET", "/v1/invoices"), ("POST", "/v1/departments"), ("GET", "/v1/employees")]:
            response = await anonymous.request(method, path, json={})
            assert response.status_code == 401, path
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.headers["www-authenticate"].startswith("Bearer")
        forged = await anonymous.get("/v1/invoices", headers={"Authorization": "Bearer not.a.token"})
        assert forged.status_code == 401
        health = await anonymous.get("/health")
        assert health.status_code == 200


async def test_a_wrong_password_is_401(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.api_url) as anonymous:
        response = await anonymous.post(
            "/v1/auth/token", json={"email": "admin@e2e.billflow.test", "password": "not the password"}
        )
    assert response.status_code == 401
    assert "access_token" not in response.text


async def test_a_login_gives_a_bearer_token_with_its_lifetime(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.api_url) as anonymous:
        response = await anonymous.post(
            "/v1/auth/token", json={"email": "ADMIN@e2e.billflow.test", "password": "e2e-admin-password"}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0


async def test_bad_employees_are_422_naming_the_field(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    good = {
        "full_name": "Grace Hopper",
        "email": "grace@example.com",
        "department_id": company.department_id,
        "project_id": company.project_id,
        "hourly_rate": "100",
        "currency": "USD",
    }
    cases = {
        "email": {"email": "not-an-email"},
        "hourly_rate": {"hourly_rate": "-5"},
        "currency": {"currency": "XXY"},
        "department_id": {"department_id": str(uuid.uuid4())},
        "project_id": {"project_id": "garbage"},
    }
    for field, change in cases.items():
        response = await api.post("/v1/employees", json={**good, **change})
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert field in {e["field"] for e in response.json()["errors"]}, response.text


async def test_unknown_fields_are_refused_so_nobody_can_set_a_status_or_total(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(api, employee["id"], [{"date": "2026-06-01", "hours": "8"}])
    response = await api.post(
        "/v1/invoices",
        json={
            "employee_id": employee["id"],
            "period_start": "2026-06-01",
            "period_end": "2026-06-30",
            "status": "sent",
            "total": "0.01",
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


async def test_workday_hours_must_be_within_a_day(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    for hours in ("0", "24.01", "-1"):
        response = await api.put(
            f"/v1/employees/{employee['id']}/workdays",
            json={"workdays": [{"date": "2026-06-01", "hours": hours}]},
        )
        assert response.status_code == 422, hours


async def test_workdays_are_upserted_by_date_and_read_back_by_range(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(
        api, employee["id"], [{"date": "2026-06-01", "hours": "8"}, {"date": "2026-06-02", "hours": "4"}]
    )
    await record_workdays(
        api, employee["id"], [{"date": "2026-06-01", "hours": "2.5", "description": "half"}]
    )
    response = await api.get(
        f"/v1/employees/{employee['id']}/workdays", params={"from": "2026-06-01", "to": "2026-06-30"}
    )
    assert response.status_code == 200
    own = employee["project_id"]
    assert response.json()["workdays"] == [
        {"date": "2026-06-01", "hours": "2.50", "description": "half", "project_id": own},
        {"date": "2026-06-02", "hours": "4.00", "description": None, "project_id": own},
    ]


async def test_overlapping_and_empty_periods_are_refused(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(api, employee["id"], [{"date": "2026-07-15", "hours": "8"}])
    first = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-07-01", "period_end": "2026-07-31"},
    )
    assert first.status_code == 202

    overlap = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-07-31", "period_end": "2026-08-31"},
    )
    assert overlap.status_code == 409
    assert overlap.json()["existing_invoice_id"] == first.json()["id"]
    assert first.json()["number"] in overlap.json()["detail"]

    empty = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-09-01", "period_end": "2026-09-30"},
    )
    assert empty.status_code == 422
    backwards = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-09-30", "period_end": "2026-09-01"},
    )
    assert backwards.status_code == 422


async def test_unknown_ids_are_404_whatever_their_shape(api: httpx.AsyncClient) -> None:
    for path in (
        f"/v1/invoices/{uuid.uuid4()}",
        "/v1/invoices/nope",
        f"/v1/invoices/{uuid.uuid4()}/pdf",
        f"/v1/employees/{uuid.uuid4()}",
        f"/v1/billing-runs/{uuid.uuid4()}",
        "/v1/departments/1",
    ):
        response = await api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith(PROBLEM)


async def test_oversize_bodies_are_413(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/departments",
        content=b'{"name": "' + b"x" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


async def test_invoices_page_by_cursor_and_filter_by_employee_and_status(api: httpx.AsyncClient) -> None:
    year = random.randint(2100, 2900)
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(
        api, employee["id"], [{"date": f"{year}-{m:02d}-01", "hours": "1"} for m in range(1, 6)]
    )
    ids = []
    for m in range(1, 6):
        response = await api.post(
            "/v1/invoices",
            json={
                "employee_id": employee["id"],
                "period_start": f"{year}-{m:02d}-01",
                "period_end": f"{year}-{m:02d}-28",
            },
        )
        ids.append(response.json()["id"])
    await wait_for_status(api, ids, "sent")

    seen: list[str] = []
    cursor = None
    while True:
        params = {"employee_id": employee["id"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/v1/invoices", params=params)).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == 5
    sent = (await api.get("/v1/invoices", params={"employee_id": employee["id"], "status": "sent"})).json()
    assert len(sent["items"]) == 5
    pending = (
        await api.get("/v1/invoices", params={"employee_id": employee["id"], "status": "pending"})
    ).json()
    assert pending["items"] == []
    assert (await api.get("/v1/invoices", params={"limit": 101})).status_code in (400, 422)
    assert (await api.get("/v1/invoices", params={"status": "bogus"})).status_code in (400, 422)


async def test_the_openapi_document_describes_the_api(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.api_url) as anonymous:
        schema = (await anonymous.get("/docs/openapi.json")).json()
        page = await anonymous.get("/docs/")
    assert schema["info"]["title"] == "Billflow"
    assert {"/v1/invoices", "/v1/billing-runs", "/v1/auth/token", "/health"} <= set(schema["paths"])
    assert page.status_code == 200
