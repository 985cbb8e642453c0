"""Who may do what, through the running API: each role, each kind of record, no enumeration."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.pages import every_item
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


async def _invoiced_employee(api: httpx.AsyncClient, month: int) -> tuple[dict[str, str], dict[str, str]]:
    company = await create_company(api)
    employee = await create_employee(api, company)
    year = 2300 + uuid.uuid4().int % 500
    await record_workdays(api, employee["id"], [{"date": f"{year}-{month:02d}-03", "hours": "8"}])
    invoice = await api.post(
        "/v1/invoices",
        json={
            "employee_id": employee["id"],
            "period_start": f"{year}-{month:02d}-01",
            "period_end": f"{year}-{month:02d}-28",
        },
    )
    assert invoice.status_code == 202, invoice.text
    return employee, invoice.json()


async def test_an_employee_user_reaches_only_their_own_records_and_others_look_missing(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    mine, my_invoice = await _invoiced_employee(api, 1)
    theirs, their_invoice = await _invoiced_employee(api, 2)
    await wait_for_status(api, [my_invoice["id"], their_invoice["id"]], "sent")
    account = await create_user(api, "employee", mine["id"])
    async with client_as(system.api_url, account) as me:
        me_body = (await me.get("/v1/me")).json()
        assert (me_body["role"], me_body["employee_id"]) == ("employee", mine["id"])

        assert (await me.get(f"/v1/invoices/{my_invoice['id']}")).status_code == 200
        pdf = await me.get(f"/v1/invoices/{my_invoice['id']}/pdf")
        assert pdf.status_code == 200
        signed = parse_qs(urlsplit(pdf.json()["url"]).query)
        assert signed["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]  # SigV4, never the legacy scheme
        assert 0 < int(signed["X-Amz-Expires"][0]) <= 900
        assert signed["response-content-disposition"][0].startswith("attachment;")
        assert urlsplit(pdf.json()["url"]).path.endswith(
            f"/invoices/{my_invoice['number'][4:8]}/{my_invoice['number']}.pdf"
        )
        listed = (await me.get("/v1/invoices")).json()["items"]
        assert [i["id"] for i in listed] == [my_invoice["id"]]
        assert (await me.get("/v1/invoices", params={"employee_id": theirs["id"]})).json()["items"] == []

        missing = await me.get(f"/v1/invoices/{uuid.uuid4()}")
        for path in (f"/v1/invoices/{their_invoice['id']}", f"/v1/invoices/{their_invoice['id']}/pdf"):
            hidden = await me.get(path)
            assert hidden.status_code == 404, path
            assert hidden.json()["detail"] == missing.json()["detail"]
            assert hidden.headers["content-type"].startswith(PROBLEM)
        assert (await me.get(f"/v1/employees/{theirs['id']}")).status_code == 404
        assert (await me.get(f"/v1/employees/{theirs['id']}/workdays")).status_code == 404
        assert (await me.get(f"/v1/employees/{mine['id']}")).status_code == 200

        own_day = {"workdays": [{"date": "2026-03-02", "hours": "6"}]}
        assert (await me.put(f"/v1/employees/{mine['id']}/workdays", json=own_day)).status_code == 200
        assert (await me.put(f"/v1/employees/{theirs['id']}/workdays", json=own_day)).status_code == 404

        for method, path in [
            ("GET", "/v1/employees"),
            ("GET", "/v1/departments"),
            ("GET", "/v1/projects"),
            ("GET", f"/v1/billing-runs/{uuid.uuid4()}"),
            ("GET", "/v1/users"),
        ]:
            assert (await me.request(method, path)).status_code == 403, path
        issue = await me.post(
            "/v1/invoices",
            json={"employee_id": mine["id"], "period_start": "2026-03-01", "period_end": "2026-03-31"},
        )
        assert issue.status_code == 403


async def test_viewers_read_everything_and_change_nothing(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    employee, invoice = await _invoiced_employee(api, 3)
    account = await create_user(api, "viewer")
    async with client_as(system.api_url, account) as viewer:
        assert (await viewer.get(f"/v1/invoices/{invoice['id']}")).status_code == 200
        assert (await viewer.get("/v1/employees")).status_code == 200
        assert (await viewer.get(f"/v1/employees/{employee['id']}/workdays")).status_code == 200
        for method, path, body in [
            ("POST", "/v1/departments", {"name": "x"}),
            ("POST", "/v1/invoices", {"employee_id": employee["id"], "period_start": "2026-01-01"}),
            ("PUT", f"/v1/employees/{employee['id']}/workdays", {"workdays": []}),
            ("POST", "/v1/billing-runs", {"period_start": "2026-01-01", "period_end": "2026-01-31"}),
            ("GET", "/v1/users", None),
        ]:
            response = await viewer.request(method, path, json=body)
            assert response.status_code == 403, (method, path, response.text)
            assert response.headers["content-type"].startswith(PROBLEM)


async def test_accountants_keep_billing_data_but_do_not_manage_users(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    account = await create_user(api, "accountant")
    async with client_as(system.api_url, account) as accountant:
        assert (await accountant.post("/v1/departments", json={"name": "Ops"})).status_code == 201
        for method, path, body in [
            ("GET", "/v1/users", None),
            ("POST", "/v1/users", {"email": "x@example.com", "password": "long enough", "role": "admin"}),
            ("DELETE", f"/v1/users/{account.id}", None),
        ]:
            assert (await accountant.request(method, path, json=body)).status_code == 403, path


async def test_admins_create_list_and_delete_users_and_a_deleted_users_token_dies(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    account = await create_user(api, "viewer")
    listed = await every_item(api, "/v1/users")
    assert account.id in {u["id"] for u in listed}
    assert all("password" not in str(u) and "hash" not in str(u) for u in listed)
    no_link = await api.post(
        "/v1/users", json={"email": "e@example.com", "password": "long enough", "role": "employee"}
    )
    assert no_link.status_code == 422
    assert "employee_id" in {e["field"] for e in no_link.json()["errors"]}
    duplicate = await api.post(
        "/v1/users", json={"email": account.email.upper(), "password": "long enough", "role": "viewer"}
    )
    assert duplicate.status_code == 409
    assert (await api.delete(f"/v1/users/{account.id}")).status_code == 204
    assert (await api.delete(f"/v1/users/{account.id}")).status_code == 404
    async with client_as(system.api_url, account) as gone:
        assert (await gone.get("/v1/me")).status_code == 401
