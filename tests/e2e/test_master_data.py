"""Master data through the running API: clients, projects with rates, members, PATCH and archive,
time on several projects, and billed time locked."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.billing import create_company, create_employee, record_workdays
from tests.support.pages import every_item
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

ADDRESS = {"street": "Rue Haute 1", "city": "Bruxelles", "postal_code": "1000", "country": "BE"}


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


async def create_client(api: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {"name": f"Initech {uuid.uuid4().hex[:6]}", "email": "ap@initech.example", "address": ADDRESS}
    response = await api.post("/v1/clients", json={"currency": "EUR", **body, **extra})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_clients_are_created_read_changed_and_archived(api: httpx.AsyncClient) -> None:
    client = await create_client(api, vat_id="BE0123456789", language="fr", payment_terms_days=14)
    assert client["archived"] is False
    assert (client["language"], client["payment_terms_days"], client["address"]) == ("fr", 14, ADDRESS)
    assert (await api.get(f"/v1/clients/{client['id']}")).json() == client
    default = await create_client(api)
    assert (default["language"], default["payment_terms_days"], default["vat_id"]) == ("en", 30, None)

    changed = await api.patch(
        f"/v1/clients/{client['id']}", json={"vat_id": None, "address": {**ADDRESS, "city": "Gent"}}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["vat_id"], changed.json()["address"]["city"], changed.json()["name"]) == (
        None,
        "Gent",
        client["name"],
    )

    archived = await api.patch(f"/v1/clients/{client['id']}", json={"archived": True})
    assert archived.json()["archived"] is True
    listed = [c["id"] for c in await every_item(api, "/v1/clients")]
    assert client["id"] not in listed
    assert default["id"] in listed
    everyone = await every_item(api, "/v1/clients", {"include_archived": "true"})
    assert client["id"] in [c["id"] for c in everyone]
    assert (await api.get(f"/v1/clients/{uuid.uuid4()}")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"address": {**ADDRESS, "country": "XX"}}, "address.country"),
        ({"address": {**ADDRESS, "country": "be"}}, "address.country"),
        ({"currency": "EUX"}, "currency"),
        ({"language": "es"}, "language"),
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"email": "not-an-address"}, "email"),
        ({"name": "  "}, "name"),
        ({"address": {"street": "x"}}, "address.city"),
    ],
)
async def test_a_bad_client_is_a_422_naming_the_field_and_nothing_is_written(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    name = f"Bad {uuid.uuid4().hex}"
    base = {"name": name, "email": "ap@initech.example", "address": ADDRESS, "currency": "EUR"}
    response = await api.post("/v1/clients", json={**base, **body})
    assert response.status_code == 422, response.text
    assert field in fields(response)
    everyone = await every_item(api, "/v1/clients", {"include_archived": "true"})
    assert name not in [c["name"] for c in everyone]


async def test_a_project_with_a_client_has_a_rate_and_every_kind_is_patched(api: httpx.AsyncClient) -> None:
    client = await create_client(api)
    missing = await api.post("/v1/projects", json={"name": "Site", "client_id": client["id"]})
    assert missing.status_code == 422
    assert fields(missing) == ["hourly_rate"]
    unknown = await api.post("/v1/projects", json={"name": "Site", "client_id": "nope", "hourly_rate": "1"})
    assert fields(unknown) == ["client_id"]
    blank = await api.post("/v1/projects", json={"name": "Site", "client_id": "", "hourly_rate": "1"})
    assert fields(blank) == ["client_id"]
    project = await api.post(
        "/v1/projects", json={"name": "Site", "client_id": client["id"], "hourly_rate": "95"}
    )
    assert project.status_code == 201, project.text
    assert (project.json()["client_id"], project.json()["hourly_rate"]) == (client["id"], "95")

    patched = await api.patch(
        f"/v1/projects/{project.json()['id']}", json={"hourly_rate": "100.50", "tax_rate": "6"}
    )
    assert (patched.json()["hourly_rate"], patched.json()["tax_rate"], patched.json()["name"]) == (
        "100.50",
        "6",
        "Site",
    )
    bad = await api.patch(f"/v1/projects/{project.json()['id']}", json={"hourly_rate": None})
    assert (bad.status_code, fields(bad)) == (422, ["hourly_rate"])

    company = await create_company(api)
    employee = await create_employee(api, company)
    department = await api.patch(f"/v1/departments/{company.department_id}", json={"name": "Research"})
    assert department.json() == {"id": company.department_id, "name": "Research", "archived": False}
    renamed = await api.patch(
        f"/v1/employees/{employee['id']}", json={"full_name": "Ada King", "hourly_rate": "90"}
    )
    assert renamed.status_code == 200, renamed.text
    assert {**employee, "full_name": "Ada King", "hourly_rate": "90"} == renamed.json()
    unknown_field = await api.patch(f"/v1/employees/{employee['id']}", json={"status": "x"})
    assert (unknown_field.status_code, fields(unknown_field)) == (422, ["status"])
    bad_email = await api.patch(f"/v1/employees/{employee['id']}", json={"email": "nope", "full_name": "X"})
    assert fields(bad_email) == ["email"]
    assert (await api.get(f"/v1/employees/{employee['id']}")).json()["full_name"] == "Ada King"


async def test_archived_records_leave_lists_and_take_no_new_employees(api: httpx.AsyncClient) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await api.patch(f"/v1/projects/{company.project_id}", json={"archived": True})
    archived = await api.patch(f"/v1/departments/{company.department_id}", json={"archived": True})
    assert archived.json()["archived"] is True
    assert company.department_id not in [d["id"] for d in await every_item(api, "/v1/departments")]
    assert company.project_id not in [p["id"] for p in await every_item(api, "/v1/projects")]
    everything = await every_item(api, "/v1/projects", {"include_archived": "true"})
    assert company.project_id in [p["id"] for p in everything]

    late = await api.post(
        "/v1/employees",
        json={
            "full_name": "Late",
            "email": "late@example.com",
            "department_id": company.department_id,
            "project_id": company.project_id,
            "hourly_rate": "1",
            "currency": "EUR",
        },
    )
    assert (late.status_code, fields(late)) == (422, ["department_id"])
    refused = await api.put(
        f"/v1/employees/{employee['id']}/workdays", json={"workdays": [{"date": "2026-06-01", "hours": "8"}]}
    )
    assert (refused.status_code, fields(refused)) == (422, ["workdays[0].project_id"])

    await api.patch(f"/v1/employees/{employee['id']}", json={"archived": True})
    assert employee["id"] not in [e["id"] for e in await every_item(api, "/v1/employees")]
    assert (await api.get(f"/v1/employees/{employee['id']}")).json()["archived"] is True


async def test_members_work_on_two_projects_in_one_day_and_entries_go_one_by_one(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    client = await create_client(api)
    other = (
        await api.post("/v1/projects", json={"name": "Site", "client_id": client["id"], "hourly_rate": "95"})
    ).json()
    path = f"/v1/employees/{employee['id']}/workdays"
    two = {
        "workdays": [
            {"date": "2026-06-01", "hours": "3"},
            {"date": "2026-06-01", "hours": "5", "project_id": other["id"]},
        ]
    }

    not_member = await api.put(path, json=two)
    assert (not_member.status_code, fields(not_member)) == (422, ["workdays[1].project_id"])
    assert (await api.get(path, params={"from": "2026-06-01", "to": "2026-06-01"})).json()["workdays"] == []
    one_project = {"workdays": [{"date": "2026-06-01", "hours": "5", "project_id": other["id"]}]}
    assert fields(await api.put(path, json=one_project)) == ["workdays[0].project_id"]

    put = await api.put(f"/v1/projects/{other['id']}/members/{employee['id']}", json={"hourly_rate": "110"})
    assert put.status_code == 200, put.text
    assert put.json() == {"project_id": other["id"], "employee_id": employee["id"], "hourly_rate": "110"}
    members = (await api.get(f"/v1/projects/{other['id']}/members")).json()["items"]
    assert members == [put.json()]
    own = (await api.get(f"/v1/projects/{company.project_id}/members")).json()["items"]
    assert own == [{"project_id": company.project_id, "employee_id": employee["id"], "hourly_rate": None}]

    me = await create_user(api, "employee", employee["id"])
    async with client_as(system.api_url, me) as as_me:
        recorded = await as_me.put(path, json=two)
        assert recorded.status_code == 200, recorded.text
        read = (await as_me.get(path, params={"from": "2026-06-01", "to": "2026-06-01"})).json()["workdays"]
    assert sorted((w["project_id"], w["hours"]) for w in read) == sorted(
        [(company.project_id, "3.00"), (other["id"], "5.00")]
    )
    twice = await api.put(path, json={"workdays": [two["workdays"][0], {**two["workdays"][0], "hours": "1"}]})
    assert (twice.status_code, fields(twice)) == (422, ["workdays[1].date"])

    gone = await api.delete(f"{path}/2026-06-01", params={"project_id": other["id"]})
    assert gone.status_code == 204, gone.text
    left = (await api.get(path, params={"from": "2026-06-01", "to": "2026-06-01"})).json()["workdays"]
    assert [w["project_id"] for w in left] == [company.project_id]
    assert (await api.delete(f"{path}/2026-06-01", params={"project_id": other["id"]})).status_code == 404
    assert fields(await api.delete(f"{path}/june")) == ["date"]

    removed = await api.delete(f"/v1/projects/{other['id']}/members/{employee['id']}")
    assert removed.status_code == 204
    assert (await api.get(f"/v1/projects/{other['id']}/members")).json()["items"] == []
    assert (await api.delete(f"/v1/projects/{other['id']}/members/{employee['id']}")).status_code == 404
    negative = await api.put(
        f"/v1/projects/{other['id']}/members/{employee['id']}", json={"hourly_rate": "-1"}
    )
    assert (negative.status_code, fields(negative)) == (422, ["hourly_rate"])


async def test_time_on_an_employee_invoice_is_locked_and_the_invoice_unchanged(
    api: httpx.AsyncClient,
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company, rate="50")
    year = 2300 + uuid.uuid4().int % 500
    day = {"date": f"{year}-05-04", "hours": "8", "description": "Design"}
    await record_workdays(api, employee["id"], [day])
    issued = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": f"{year}-05-01", "period_end": f"{year}-05-31"},
    )
    assert issued.status_code == 202, issued.text
    invoice = issued.json()
    path = f"/v1/employees/{employee['id']}/workdays"

    changed = await api.put(path, json={"workdays": [{**day, "hours": "4"}]})
    assert changed.status_code == 409, changed.text
    assert invoice["number"] in changed.json()["detail"]
    assert changed.json()["invoice_number"] == invoice["number"]
    deleted = await api.delete(f"{path}/{day['date']}")
    assert deleted.status_code == 409
    assert invoice["number"] in deleted.json()["detail"]
    again = await api.put(path, json={"workdays": [day]})  # the same entry is no change
    assert again.status_code == 200, again.text

    await api.patch(f"/v1/employees/{employee['id']}", json={"hourly_rate": "99", "full_name": "Renamed"})
    stored = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
    assert (stored["total"], stored["lines"], stored["billed_to"]) == (
        invoice["total"],
        invoice["lines"],
        invoice["billed_to"],
    )
