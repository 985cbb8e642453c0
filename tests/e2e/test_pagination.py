"""Every list pages like GET /v1/invoices (issue 17): `limit` (1..100) and `next_cursor`, in a
stable order, with nothing twice and nothing missing across pages.

The database is shared with the other tests, so each test creates records of its own and walks
the whole list: its own must all be there once, and no item may appear on two pages.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.billing import create_company, create_employee
from tests.support.pages import every_item
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

LISTS = [
    "/v1/departments",
    "/v1/projects",
    "/v1/employees",
    "/v1/clients",
    "/v1/users",
    "/v1/vendors",
    "/v1/expenses",
]


def assert_once(items: list[dict[str, Any]], key: str = "id") -> None:
    seen = [item[key] for item in items]
    assert len(seen) == len(set(seen)), "an item appeared on two pages"


async def test_departments_projects_and_employees_page_without_losing_or_repeating_one(
    api: httpx.AsyncClient,
) -> None:
    tag = uuid.uuid4().hex[:6]
    company = await create_company(api)
    made = {
        "/v1/departments": [company.department_id],
        "/v1/projects": [company.project_id],
        "/v1/employees": [],
    }
    for i in range(4):
        department = await api.post("/v1/departments", json={"name": f"Pages {tag}"})
        made["/v1/departments"].append(department.json()["id"])
        project = await api.post("/v1/projects", json={"name": f"Pages {tag}", "tax_rate": "21"})
        made["/v1/projects"].append(project.json()["id"])
        employee = await create_employee(api, company, name=f"Pages {tag} {i % 2}")
        made["/v1/employees"].append(employee["id"])
    for path, ours in made.items():
        first = (await api.get(path, params={"limit": 2})).json()
        assert len(first["items"]) == 2, path
        assert first["next_cursor"], path
        walked = await every_item(api, path, limit=3)
        assert_once(walked)
        assert set(ours) <= {item["id"] for item in walked}, path
        everything_at_once = await every_item(api, path, limit=100)
        assert [i["id"] for i in walked] == [i["id"] for i in everything_at_once], path


async def test_clients_page_by_name_and_archived_ones_only_when_asked(api: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:6]
    address = {"street": "Rue Haute 1", "city": "Bruxelles", "postal_code": "1000", "country": "BE"}
    ids = []
    for i in range(3):
        created = await api.post(
            "/v1/clients",
            json={
                "name": f"Paged {tag}",
                "email": f"c{i}@client.example",
                "address": address,
                "currency": "EUR",
            },
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    await api.patch(f"/v1/clients/{ids[0]}", json={"archived": True})
    current = await every_item(api, "/v1/clients", limit=2)
    everyone = await every_item(api, "/v1/clients", {"include_archived": "true"}, limit=2)
    assert_once(current)
    assert_once(everyone)
    assert set(ids[1:]) <= {c["id"] for c in current}
    assert ids[0] not in {c["id"] for c in current}
    assert set(ids) <= {c["id"] for c in everyone}
    names = [(c["name"], c["id"]) for c in everyone]
    assert names == sorted(names)


async def test_an_uploaders_expenses_page_oldest_first_beyond_what_one_page_holds(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    async with client_as(system.api_url, who) as client:
        started = []
        for i in range(5):
            form = await client.post(
                "/v1/expenses/uploads",
                json={"filename": f"r{i}.pdf", "content_type": "application/pdf", "size": 1000},
            )
            assert form.status_code == 201, form.text
            started.append(form.json()["expense_id"])
        pages = []
        cursor = None
        while True:
            page = (
                await client.get(
                    "/v1/expenses", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
                )
            ).json()
            pages.append([e["id"] for e in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == started


async def test_users_and_the_members_of_a_project_page_too(api: httpx.AsyncClient) -> None:
    made = [(await create_user(api, "viewer")).id for _ in range(3)]
    users = await every_item(api, "/v1/users", limit=2)
    assert_once(users)
    assert set(made) <= {u["id"] for u in users}
    company = await create_company(api)
    members = [(await create_employee(api, company))["id"] for _ in range(3)]
    path = f"/v1/projects/{company.project_id}/members"
    first = (await api.get(path, params={"limit": 2})).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    walked = await every_item(api, path, limit=2)
    assert [m["employee_id"] for m in walked] == sorted(members)


@pytest.mark.parametrize("path", LISTS)
async def test_a_limit_over_100_or_a_cursor_not_handed_out_is_refused_with_a_problem(
    api: httpx.AsyncClient, path: str
) -> None:
    for params in ({"limit": "101"}, {"limit": "0"}, {"cursor": "not a cursor at all!"}):
        refused = await api.get(path, params=params)
        assert refused.status_code in (400, 422), (path, params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(path, params={"limit": "100"})).status_code == 200
