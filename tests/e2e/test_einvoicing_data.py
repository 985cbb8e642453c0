"""The data e-invoices need, through the running API (issue 15): the company record an admin edits,
clients' Peppol ids, projects' VAT categories with their exemption rules, and the 422s that keep
an invoice the rules would refuse from being issued at all."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.billing import unique_email
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e

ADDRESS = {"street": "Hauptstrasse 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def company(api: httpx.AsyncClient) -> AsyncIterator[dict[str, Any]]:
    """The company as it is; put back afterwards, as every other test issues documents with it."""
    before = await created(await api.get("/v1/company"))
    yield before
    await created(await api.put("/v1/company", json=before))


async def test_the_company_is_seeded_with_a_demo_whose_documents_pass_the_rules(
    company: dict[str, Any],
) -> None:
    assert company["vat_id"].startswith("BE")
    assert company["iban"]
    assert company["address"]["country"] == "BE"
    assert company["electronic_address"] == {"scheme": "0208", "id": company["vat_id"][2:]}
    assert set(company["contact"]) == {"name", "phone", "email"}


async def test_an_admin_changes_the_company_and_others_only_read_it(
    api: httpx.AsyncClient, system: RunningSystem, company: dict[str, Any]
) -> None:
    changed = {**company, "name": "Billflow Renamed BV", "tax_number": "0123.456.749", "bic": None}
    response = await api.put("/v1/company", json=changed)
    assert response.status_code == 200, response.text
    assert (await api.get("/v1/company")).json() == {**changed, "bic": None}
    accountant = await create_user(api, "accountant")
    async with client_as(system.api_url, accountant) as as_accountant:
        assert (await as_accountant.get("/v1/company")).json()["name"] == "Billflow Renamed BV"
        assert (await as_accountant.put("/v1/company", json=company)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vat_id": None}, "vat_id"),
        ({"vat_id": "0123456749"}, "vat_id"),
        ({"iban": None}, "iban"),
        ({"iban": "BE00539007547034"}, "iban"),
        ({"electronic_address": {"scheme": "email", "id": "x@y"}}, "electronic_address.scheme"),
    ],
)
async def test_a_company_without_a_prefixed_vat_id_or_a_valid_iban_is_a_422_naming_the_field(
    api: httpx.AsyncClient, company: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    body = {k: v for k, v in {**company, **change}.items() if v is not None}
    response = await api.put("/v1/company", json=body)
    assert response.status_code == 422, response.text
    assert field in fields(response) or response.json().get("field") == field, response.text
    assert (await api.get("/v1/company")).json() == company


async def make_client(api: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {
        "name": f"Beispiel {random.randint(0, 10**6)} GmbH",
        "email": unique_email("client"),
        "address": ADDRESS,
        "currency": "EUR",
        **extra,
    }
    return await created(await api.post("/v1/clients", json=body))


async def test_a_client_keeps_its_peppol_participant_id_and_a_bad_scheme_is_a_422(
    api: httpx.AsyncClient,
) -> None:
    client = await make_client(api, electronic_address={"scheme": "9930", "id": "DE123456789"})
    assert client["electronic_address"] == {"scheme": "9930", "id": "DE123456789"}
    cleared = await created(await api.patch(f"/v1/clients/{client['id']}", json={"electronic_address": None}))
    assert cleared["electronic_address"] is None
    bad = await api.post(
        "/v1/clients",
        json={
            "name": "Bad",
            "email": unique_email("client"),
            "address": ADDRESS,
            "currency": "EUR",
            "electronic_address": {"scheme": "12", "id": "x"},
        },
    )
    assert bad.status_code == 422, bad.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tax_category": "E", "tax_rate": "0"}, "exemption_reason"),
        ({"tax_category": "AE", "tax_rate": "0"}, "exemption_reason"),
        ({"tax_category": "O", "tax_rate": "0"}, "exemption_reason"),
        ({"tax_category": "S", "tax_rate": "21", "exemption_reason": "Why"}, "exemption_reason"),
        ({"tax_category": "Z", "tax_rate": "0", "exemption_reason": "Why"}, "exemption_reason"),
        ({"tax_category": "Z", "tax_rate": "21"}, "tax_rate"),
        ({"tax_category": "G", "tax_rate": "6", "exemption_reason": "Export"}, "tax_rate"),
        ({"tax_category": "X", "tax_rate": "0"}, "tax_category"),
    ],
)
async def test_a_project_whose_category_and_exemption_disagree_is_a_422_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await api.post("/v1/projects", json={"name": "Taxed", **body})
    assert response.status_code == 422, response.text
    assert field in fields(response) or response.json().get("field") == field, response.text


async def test_a_project_keeps_its_category_reason_and_vatex_code(api: httpx.AsyncClient) -> None:
    project = await created(
        await api.post(
            "/v1/projects",
            json={
                "name": "Reverse charged",
                "tax_rate": "0",
                "tax_category": "AE",
                "exemption_reason": "Reverse charge",
                "exemption_code": "vatex-eu-ae",
            },
        )
    )
    assert (project["tax_category"], project["exemption_reason"], project["exemption_code"]) == (
        "AE",
        "Reverse charge",
        "VATEX-EU-AE",
    )
    zero = await created(await api.post("/v1/projects", json={"name": "Untaxed", "tax_rate": "0"}))
    assert zero["tax_category"] == "Z"
    standard = await created(await api.patch(f"/v1/projects/{zero['id']}", json={"tax_rate": "21"}))
    assert standard["tax_category"] == "S"


async def _hours_on(api: httpx.AsyncClient, client: dict[str, Any], *projects: dict[str, Any]) -> str:
    """A person's day on each project, in a month of this test's own; returns that month's start."""
    year = random.randint(3000, 8999)
    department = await created(await api.post("/v1/departments", json={"name": "Tax"}))
    person = await created(
        await api.post(
            "/v1/employees",
            json={
                "full_name": "Ida Tax",
                "email": unique_email(),
                "department_id": department["id"],
                "project_id": projects[0]["id"],
                "hourly_rate": "50",
                "currency": "EUR",
            },
        )
    )
    for p in projects[1:]:
        await created(await api.put(f"/v1/projects/{p['id']}/members/{person['id']}", json={}))
    entries = [
        {"date": f"{year}-03-0{n + 2}", "hours": "8", "project_id": p["id"]} for n, p in enumerate(projects)
    ]
    await created(await api.put(f"/v1/employees/{person['id']}/workdays", json={"workdays": entries}))
    return f"{year}-03"


async def _project(api: httpx.AsyncClient, client: dict[str, Any], **body: Any) -> dict[str, Any]:
    return await created(
        await api.post(
            "/v1/projects", json={"name": "P", "client_id": client["id"], "hourly_rate": "100", **body}
        )
    )


async def test_reverse_charge_to_a_client_without_a_vat_id_is_a_422_naming_vat_id_and_bills_nothing(
    api: httpx.AsyncClient,
) -> None:
    client = await make_client(api)
    project = await _project(api, client, tax_rate="0", tax_category="AE", exemption_reason="Reverse charge")
    month = await _hours_on(api, client, project)
    period = {"client_id": client["id"], "period_start": f"{month}-01", "period_end": f"{month}-31"}
    refused = await api.post("/v1/invoices", json=period)
    assert refused.status_code == 422, refused.text
    assert "vat_id" in fields(refused) or refused.json().get("field") == "vat_id", refused.text
    await created(await api.patch(f"/v1/clients/{client['id']}", json={"vat_id": "DE123456789"}))
    invoice = await created(await api.post("/v1/invoices", json=period))
    assert invoice["taxes"] == [
        {
            "category": "AE",
            "rate": "0",
            "base": "800.00",
            "amount": "0.00",
            "exemption_reason": "Reverse charge",
        }
    ]


async def test_an_invoice_mixing_outside_the_scope_with_another_category_is_a_422(
    api: httpx.AsyncClient,
) -> None:
    client = await make_client(api, vat_id="DE123456789")
    outside = await _project(
        api, client, tax_rate="0", tax_category="O", exemption_reason="Not subject to VAT"
    )
    standard = await _project(api, client, tax_rate="19")
    month = await _hours_on(api, client, outside, standard)
    period = {"client_id": client["id"], "period_start": f"{month}-01", "period_end": f"{month}-31"}
    refused = await api.post("/v1/invoices", json=period)
    assert refused.status_code == 422, refused.text
    assert "tax_category" in fields(refused) or refused.json().get("field") == "tax_category", refused.text


async def test_an_invoice_has_one_tax_row_per_category_and_rate_and_snapshots_seller_and_peppol_id(
    api: httpx.AsyncClient, company: dict[str, Any]
) -> None:
    client = await make_client(
        api, vat_id="DE123456789", electronic_address={"scheme": "9930", "id": "DE123456789"}
    )
    standard = await _project(api, client, tax_rate="19")
    exempt = await _project(
        api, client, tax_rate="0", tax_category="E", exemption_reason="Exempt", exemption_code="VATEX-EU-132"
    )
    month = await _hours_on(api, client, standard, exempt)
    period = {"client_id": client["id"], "period_start": f"{month}-01", "period_end": f"{month}-31"}
    invoice = await created(await api.post("/v1/invoices", json=period))
    assert [(t["category"], t["rate"], t["base"], t["amount"]) for t in invoice["taxes"]] == [
        ("S", "19", "800.00", "152.00"),
        ("E", "0", "800.00", "0.00"),
    ]
    assert invoice["taxes"][1]["exemption_code"] == "VATEX-EU-132"
    assert invoice["billed_to"]["electronic_address"] == {"scheme": "9930", "id": "DE123456789"}
    assert (invoice["issuer"]["name"], invoice["issuer"]["tax_id"]) == (company["name"], company["vat_id"])
    assert (await api.get(f"/v1/invoices/{invoice['id']}")).json()["taxes"] == invoice["taxes"]
