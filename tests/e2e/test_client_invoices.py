"""Client invoices end to end through the REST API: the hours on a client's projects billed to the
client, with the lines, taxes and timesheet checked against a computation of the test's own."""

from __future__ import annotations

import io
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.support.billing import unique_email, wait_for_run_issued, wait_for_status
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

CENT = Decimal("0.01")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def a_month() -> tuple[str, str, int]:
    """A month of a year of this test's own: runs over every client see only this test's hours."""
    year = random.randint(3000, 8999)
    return f"{year}-05-01", f"{year}-05-31", year


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


async def make_client(api: httpx.AsyncClient, name: str = "Globex SA", **extra: Any) -> dict[str, Any]:
    return await created(
        await api.post(
            "/v1/clients",
            json={
                "name": name,
                "email": unique_email("client"),
                "address": {
                    "street": "Rue Haute 1",
                    "city": "Bruxelles",
                    "postal_code": "1000",
                    "country": "BE",
                },
                "vat_id": "BE0123456749",
                "currency": "EUR",
                **extra,
            },
        )
    )


class ClientCompany:
    """A client with two projects at 21 % and 6 %, Ada (web, and books at her own rate) and Bob."""

    client: dict[str, Any]
    web: dict[str, Any]
    books: dict[str, Any]
    ada: dict[str, Any]
    bob: dict[str, Any]

    @classmethod
    async def create(cls, api: httpx.AsyncClient, **client: Any) -> ClientCompany:
        c = cls()
        c.client = await make_client(api, **client)
        c.web = await created(
            await api.post(
                "/v1/projects",
                json={
                    "name": "Web shop",
                    "tax_rate": "21",
                    "client_id": c.client["id"],
                    "hourly_rate": "100",
                },
            )
        )
        c.books = await created(
            await api.post(
                "/v1/projects",
                json={"name": "Books", "tax_rate": "6", "client_id": c.client["id"], "hourly_rate": "80.50"},
            )
        )
        department = await created(await api.post("/v1/departments", json={"name": "Consulting"}))
        people = []
        for name in ("Ada Lovelace", "Bob Babbage"):
            people.append(
                await created(
                    await api.post(
                        "/v1/employees",
                        json={
                            "full_name": name,
                            "email": unique_email(),
                            "department_id": department["id"],
                            "project_id": c.web["id"],
                            "hourly_rate": "50",
                            "currency": "EUR",
                        },
                    )
                )
            )
        c.ada, c.bob = people
        await created(
            await api.put(f"/v1/projects/{c.books['id']}/members/{c.ada['id']}", json={"hourly_rate": "120"})
        )
        await created(await api.put(f"/v1/projects/{c.books['id']}/members/{c.bob['id']}", json={}))
        return c

    async def record(
        self, api: httpx.AsyncClient, employee: dict[str, Any], *entries: dict[str, Any]
    ) -> None:
        response = await api.put(f"/v1/employees/{employee['id']}/workdays", json={"workdays": list(entries)})
        assert response.status_code == 200, response.text


def expected_totals(lines: list[tuple[str, str, Decimal, Decimal, Decimal]]) -> dict[str, Any]:
    """(project, person, hours, rate, tax rate) -> amounts, taxes per rate, totals: the rules of
    the README computed here independently of Billflow's code."""
    amounts = [(h * r).quantize(CENT, ROUND_HALF_UP) for _, _, h, r, _ in lines]
    bases: dict[Decimal, Decimal] = {}
    for amount, (*_, tax_rate) in zip(amounts, lines, strict=True):
        bases[tax_rate] = bases.get(tax_rate, Decimal(0)) + amount
    taxes = {rate: (base * rate / 100).quantize(CENT, ROUND_HALF_UP) for rate, base in bases.items()}
    subtotal, tax = sum(amounts, Decimal(0)), sum(taxes.values(), Decimal(0))
    return {
        "amounts": amounts,
        "bases": bases,
        "taxes": taxes,
        "subtotal": subtotal,
        "tax": tax,
        "total": subtotal + tax,
    }


async def test_a_client_is_billed_per_project_and_person_with_taxes_per_rate_and_a_timesheet(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer, system: RunningSystem
) -> None:
    c = await ClientCompany.create(api)
    start, end, year = a_month()
    await c.record(
        api,
        c.ada,
        {"date": f"{year}-05-04", "hours": "6", "description": "Checkout API"},
        {"date": f"{year}-05-04", "hours": "2.5", "description": "VAT return", "project_id": c.books["id"]},
        {"date": f"{year}-05-05", "hours": "1.25", "project_id": c.books["id"]},
    )
    await c.record(
        api,
        c.bob,
        {"date": f"{year}-05-05", "hours": "7.75", "description": "Design"},
        {"date": f"{year}-05-06", "hours": "3", "project_id": c.books["id"]},
    )
    days = (await api.get(f"/v1/employees/{c.ada['id']}/workdays", params={"from": start, "to": end})).json()
    assert sorted((d["date"], d["project_id"]) for d in days["workdays"]) == sorted(
        [(f"{year}-05-04", c.web["id"]), (f"{year}-05-04", c.books["id"]), (f"{year}-05-05", c.books["id"])]
    )

    response = await api.post(
        "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
    )

    assert response.status_code == 202, response.text
    invoice = response.json()
    want = expected_totals(
        [
            ("Books", "Ada Lovelace", Decimal("3.75"), Decimal("120"), Decimal(6)),
            ("Books", "Bob Babbage", Decimal("3"), Decimal("80.50"), Decimal(6)),
            ("Web shop", "Ada Lovelace", Decimal("6"), Decimal("100"), Decimal(21)),
            ("Web shop", "Bob Babbage", Decimal("7.75"), Decimal("100"), Decimal(21)),
        ]
    )
    assert invoice["kind"] == "client"
    assert invoice["client_id"] == c.client["id"]
    assert invoice["employee_id"] is None
    assert [
        (x["project_name"], x["employee_name"], Decimal(x["hours"]), Decimal(x["rate"]))
        for x in invoice["lines"]
    ] == [
        ("Books", "Ada Lovelace", Decimal("3.75"), Decimal("120")),
        ("Books", "Bob Babbage", Decimal("3"), Decimal("80.50")),
        ("Web shop", "Ada Lovelace", Decimal("6"), Decimal("100")),
        ("Web shop", "Bob Babbage", Decimal("7.75"), Decimal("100")),
    ]
    assert [Decimal(x["amount"]) for x in invoice["lines"]] == want["amounts"]
    assert {Decimal(t["rate"]): (Decimal(t["base"]), Decimal(t["amount"])) for t in invoice["taxes"]} == {
        rate: (want["bases"][rate], amount) for rate, amount in want["taxes"].items()
    }
    assert Decimal(invoice["subtotal"]) == want["subtotal"]
    assert Decimal(invoice["tax"]) == want["tax"]
    assert Decimal(invoice["total"]) == want["total"]
    assert invoice["billed_to"]["name"] == "Globex SA"
    assert invoice["billed_to"]["email"] == c.client["email"]
    assert invoice["billed_to"]["vat_id"] == "BE0123456749"
    assert invoice["billed_to"]["address"]["city"] == "Bruxelles"

    [sent] = await wait_for_status(api, [invoice["id"]], "sent")
    assert sent["number"] == invoice["number"]
    smtp_server.wait_for(lambda ms: any(c.client["email"] in m.rcpt_tos for m in ms))
    [mail] = smtp_server.to(c.client["email"])
    [attachment] = list(mail.message.iter_attachments())
    text = pdf_text(attachment.get_content())
    for expected in ("Globex SA", "Rue Haute 1", "1000 Bruxelles", "VAT ID: BE0123456749", "Timesheet"):
        assert expected in text
    for expected in ("Checkout API", "VAT return", "Design", f"6 May {year}"):
        assert expected in text  # every billed entry is in the appendix
    assert f"{want['total']:,}" in text

    listed = (await api.get("/v1/invoices", params={"client_id": c.client["id"]})).json()["items"]
    assert [i["id"] for i in listed] == [invoice["id"]]
    employees_only = (await api.get("/v1/invoices", params={"kind": "employee", "limit": 100})).json()[
        "items"
    ]
    assert invoice["id"] not in {i["id"] for i in employees_only}


async def test_a_second_invoice_for_the_period_bills_only_the_hours_entered_since(
    api: httpx.AsyncClient,
) -> None:
    c = await ClientCompany.create(api)
    start, end, year = a_month()
    body = {"client_id": c.client["id"], "period_start": start, "period_end": end}
    await c.record(api, c.ada, {"date": f"{year}-05-04", "hours": "8"})
    first = await created(await api.post("/v1/invoices", json=body))

    nothing = await api.post("/v1/invoices", json=body)
    assert nothing.status_code == 422, nothing.text

    await c.record(api, c.bob, {"date": f"{year}-05-04", "hours": "2"})
    catch_up = await created(await api.post("/v1/invoices", json=body))
    assert [(x["employee_name"], x["hours"]) for x in catch_up["lines"]] == [("Bob Babbage", "2.00")]
    assert first["lines"][0]["employee_name"] == "Ada Lovelace"
    assert catch_up["number"] > first["number"]


async def test_a_billed_entry_cannot_be_changed_or_deleted_and_the_answer_names_the_invoice(
    api: httpx.AsyncClient,
) -> None:
    c = await ClientCompany.create(api)
    start, end, year = a_month()
    await c.record(api, c.ada, {"date": f"{year}-05-04", "hours": "8", "project_id": c.books["id"]})
    invoice = await created(
        await api.post(
            "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
        )
    )

    changed = await api.put(
        f"/v1/employees/{c.ada['id']}/workdays",
        json={"workdays": [{"date": f"{year}-05-04", "hours": "7", "project_id": c.books["id"]}]},
    )
    deleted = await api.delete(
        f"/v1/employees/{c.ada['id']}/workdays/{year}-05-04", params={"project_id": c.books["id"]}
    )

    for response in (changed, deleted):
        assert response.status_code == 409, response.text
        assert invoice["number"] in response.text


async def test_an_employee_user_cannot_see_client_invoices_but_sees_their_own_hours_on_every_project(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    c = await ClientCompany.create(api)
    start, end, year = a_month()
    await c.record(
        api,
        c.ada,
        {"date": f"{year}-05-04", "hours": "4"},
        {"date": f"{year}-05-04", "hours": "3", "project_id": c.books["id"]},
    )
    invoice = await created(
        await api.post(
            "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
        )
    )
    ada = await create_user(api, "employee", c.ada["id"])
    async with client_as(system.api_url, ada) as as_ada:
        assert (await as_ada.get(f"/v1/invoices/{invoice['id']}")).status_code == 404
        assert (await as_ada.get(f"/v1/invoices/{invoice['id']}/pdf")).status_code == 404
        listed = (await as_ada.get("/v1/invoices", params={"client_id": c.client["id"]})).json()["items"]
        assert listed == []
        days = (
            await as_ada.get(f"/v1/employees/{c.ada['id']}/workdays", params={"from": start, "to": end})
        ).json()
        assert {d["project_id"] for d in days["workdays"]} == {c.web["id"], c.books["id"]}
    viewer = await create_user(api, "viewer")
    async with client_as(system.api_url, viewer) as as_viewer:
        assert (await as_viewer.get(f"/v1/invoices/{invoice['id']}")).status_code == 200


async def test_editing_master_data_leaves_an_issued_invoice_as_it_was(api: httpx.AsyncClient) -> None:
    c = await ClientCompany.create(api)
    start, end, year = a_month()
    await c.record(api, c.ada, {"date": f"{year}-05-04", "hours": "8"})
    invoice = await created(
        await api.post(
            "/v1/invoices", json={"client_id": c.client["id"], "period_start": start, "period_end": end}
        )
    )

    for path, change in (
        (f"/v1/clients/{c.client['id']}", {"name": "Globex Renamed", "vat_id": "BE0999999999"}),
        (f"/v1/projects/{c.web['id']}", {"name": "Renamed project", "hourly_rate": "999", "tax_rate": "0"}),
        (f"/v1/employees/{c.ada['id']}", {"full_name": "Ada Renamed"}),
    ):
        assert (await api.patch(path, json=change)).status_code == 200

    again = (await api.get(f"/v1/invoices/{invoice['id']}")).json()
    assert again["billed_to"] == invoice["billed_to"]
    assert again["lines"] == invoice["lines"]
    assert again["taxes"] == invoice["taxes"]
    assert again["total"] == invoice["total"]


async def test_a_clients_billing_run_skips_archived_clients_and_those_with_nothing_to_bill(
    api: httpx.AsyncClient,
) -> None:
    busy, idle, archived = [await ClientCompany.create(api, name=f"Client {n}") for n in range(3)]
    start, end, year = a_month()
    await busy.record(api, busy.ada, {"date": f"{year}-05-04", "hours": "8"})
    await archived.record(api, archived.bob, {"date": f"{year}-05-04", "hours": "8"})
    assert (
        await api.patch(f"/v1/clients/{archived.client['id']}", json={"archived": True})
    ).status_code == 200

    response = await api.post(
        "/v1/billing-runs", json={"period_start": start, "period_end": end, "kind": "clients"}
    )

    assert response.status_code == 202, response.text
    run = await wait_for_run_issued(api, response.json()["id"])
    [invoice_id] = run["invoice_ids"]
    assert (await api.get(f"/v1/invoices/{invoice_id}")).json()["client_id"] == busy.client["id"]
    assert {idle.client["id"], archived.client["id"]} <= set(run["skipped_client_ids"])
    assert busy.client["id"] not in run["skipped_client_ids"]
    progress = (await api.get(f"/v1/billing-runs/{run['id']}")).json()
    assert sum(progress["counts"].values()) == 1
    accepted = (
        await api.post("/v1/billing-runs", json={"period_start": start, "period_end": end, "kind": "clients"})
    ).json()
    again = await wait_for_run_issued(api, accepted["id"])
    assert again["invoice_ids"] == []
