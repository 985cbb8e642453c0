"""API keys and the audit trail through the running API: a key's life from creation to
revocation, keys kept out of every answer, log and audit entry, the audit of a rate change, and
of the writes other issues added (company record, direct uploads, timesheet imports, webhooks)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.billing import create_company, create_employee
from tests.support.secrets import leaks, service_logs
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user
from tests.support.webhooks import webhook_receiver

pytestmark = pytest.mark.e2e


async def create_key(api: httpx.AsyncClient, role: str) -> dict[str, Any]:
    response = await api.post("/v1/api-keys", json={"name": f"ci {uuid.uuid4().hex[:6]}", "role": role})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def with_key(system: RunningSystem, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=system.api_url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


async def audit(api: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await api.get("/v1/audit", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_key_reads_and_writes_with_its_role_until_it_is_revoked(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    accountant, viewer = await create_key(api, "accountant"), await create_key(api, "viewer")
    assert set(accountant) == {"id", "name", "role", "key", "created_at"}
    assert accountant["key"].startswith("bf_")
    assert accountant["role"] == "accountant"

    async with with_key(system, accountant["key"]) as machine, with_key(system, viewer["key"]) as reader:
        assert (await machine.get("/v1/invoices")).status_code == 200
        department = await machine.post(
            "/v1/departments", json={"name": f"Made by a key {uuid.uuid4().hex[:6]}"}
        )
        assert department.status_code == 201, department.text
        assert (await reader.get("/v1/departments")).status_code == 200
        refused = await reader.post("/v1/departments", json={"name": "Not by a viewer"})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (await machine.post("/v1/api-keys", json={"name": "x", "role": "viewer"})).status_code == 403
        assert (await machine.get("/v1/audit")).status_code == 403

        # The write's audit entry names the key as its actor.
        (entry,) = await audit(api, entity="department", id=department.json()["id"])
        assert (entry["action"], entry["actor"]) == ("create", {"kind": "api_key", "id": accountant["id"]})
        assert (await audit(api, actor=accountant["id"], entity="department"))[0]["id"] == entry["id"]

        listed = await api.get("/v1/api-keys", params={"limit": 100})
        assert listed.status_code == 200
        mine = next(k for k in listed.json()["items"] if k["id"] == accountant["id"])
        assert set(mine) == {"id", "name", "role", "created_at", "last_used_at"}
        assert mine["last_used_at"] is not None

        assert (await api.delete(f"/v1/api-keys/{accountant['id']}")).status_code == 204
        # Refused everywhere within the authentication cache: a bounded wait, not a timing claim.
        cache_seconds = float(system.env.get("BILLFLOW_AUTH_CACHE_SECONDS", "5"))  # 5: the default
        deadline = time.monotonic() + cache_seconds + 30
        while (status := (await machine.get("/v1/invoices")).status_code) != 401:
            assert status == 200, status
            assert time.monotonic() < deadline, "the revoked key still works"
            await asyncio.sleep(0.5)
        assert (await reader.get("/v1/invoices")).status_code == 200  # the other key still works

    assert (await api.delete(f"/v1/api-keys/{accountant['id']}")).status_code == 404
    listed_after = (await api.get("/v1/api-keys", params={"limit": 100})).json()["items"]
    assert accountant["id"] not in [k["id"] for k in listed_after]
    revoked = await audit(api, entity="api_key", id=accountant["id"])
    assert [e["action"] for e in revoked] == ["revoke", "create"]

    # The key is in no answer but its creation's, in no audit entry and in no log.
    everything = [
        (await api.get("/v1/api-keys", params={"limit": 100})).text,
        (await api.get("/v1/audit", params={"limit": 100})).text,
        (await api.get("/v1/audit", params={"entity": "api_key", "limit": 100})).text,
    ]
    for key in (accountant["key"], viewer["key"]):
        assert all(key not in text for text in everything)
    secrets = {"an accountant key": accountant["key"], "a viewer key": viewer["key"]}
    assert leaks(secrets, service_logs(system.log_dir)) == []


async def test_only_an_admin_manages_keys_and_a_key_gets_no_admin_role(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    assert (await api.post("/v1/api-keys", json={"name": "root", "role": "admin"})).status_code == 422
    assert (await api.post("/v1/api-keys", json={"name": "", "role": "viewer"})).status_code == 422
    assert (await api.get("/v1/api-keys", params={"limit": 101})).status_code == 422
    assert (await api.get("/v1/api-keys", params={"cursor": "not-ours"})).status_code == 422
    assert (await api.delete(f"/v1/api-keys/{uuid.uuid4()}")).status_code == 404
    accountant = await create_user(api, "accountant")
    async with client_as(system.api_url, accountant) as client:
        assert (await client.post("/v1/api-keys", json={"name": "mine", "role": "viewer"})).status_code == 403
        assert (await client.get("/v1/api-keys")).status_code == 403
    async with with_key(system, "bf_" + "x" * 43) as forged:
        response = await forged.get("/v1/invoices")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_employee_rate_change_is_audited_with_its_old_and_new_value_and_who_made_it(
    api: httpx.AsyncClient,
) -> None:
    me = (await api.get("/v1/me")).json()
    employee = await create_employee(api, await create_company(api), rate="85.50")
    changed = await api.patch(f"/v1/employees/{employee['id']}", json={"hourly_rate": "99.00"})
    assert changed.status_code == 200, changed.text

    update, create = await audit(api, entity="employee", id=employee["id"])
    assert (update["action"], update["actor"]) == ("update", {"kind": "user", "id": me["id"]})
    assert update["changes"] == {"hourly_rate": {"old": "85.50", "new": "99.00"}}
    assert create["action"] == "create"
    assert create["changes"]["hourly_rate"] == {"old": None, "new": "85.50"}
    assert update["at"] >= create["at"]
    # The same entries, found by time and actor.
    since = create["at"]
    by_time = await audit(api, entity="employee", id=employee["id"], actor=me["id"], **{"from": since})
    assert [e["id"] for e in by_time] == [update["id"], create["id"]]
    assert await audit(api, entity="employee", id=employee["id"], to=since) == []


async def test_the_trail_holds_no_password_and_only_an_admin_reads_it(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    viewer = await create_user(api, "viewer")
    (created,) = await audit(api, entity="user", id=viewer.id)
    assert created["changes"]["email"]["new"] == viewer.email
    assert not [name for name in created["changes"] if "password" in name]
    assert "$argon2" not in str(created)
    async with client_as(system.api_url, viewer) as client:
        assert (await client.get("/v1/audit")).status_code == 403
    assert (await api.get("/v1/audit", params={"from": "2026-01-01T00:00:00"})).status_code == 422
    assert (await api.get("/v1/audit", params={"cursor": "###"})).status_code == 422
    assert (await api.get("/v1/audit", params={"actor": "not-an-id"})).json()["items"] == []


async def test_the_audit_log_refuses_to_be_changed_or_emptied(
    api: httpx.AsyncClient, postgres_url: str
) -> None:
    department = await api.post("/v1/departments", json={"name": f"Audited {uuid.uuid4().hex[:6]}"})
    entity_id = department.json()["id"]
    conn = await asyncpg.connect(postgres_url)
    try:
        for statement in (
            "UPDATE audit_log SET action = 'forged' WHERE entity_id = $1",
            "DELETE FROM audit_log WHERE entity_id = $1",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement, entity_id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("TRUNCATE audit_log")
    finally:
        await conn.close()
    assert [e["action"] for e in await audit(api, entity="department", id=entity_id)] == ["create"]


async def me(api: httpx.AsyncClient) -> dict[str, str]:
    return {"kind": "user", "id": (await api.get("/v1/me")).json()["id"]}


async def test_a_company_change_is_audited_field_by_field_nested_ones_by_their_dotted_names(
    api: httpx.AsyncClient,
) -> None:
    company = (await api.get("/v1/company")).json()
    changed = {
        **company,
        "name": f"Audited {uuid.uuid4().hex[:6]} BV",
        "address": {**company["address"], "city": "Gent"},
        "contact": {**company["contact"], "phone": "+32 9 000 00 00"},
    }
    try:
        response = await api.put("/v1/company", json=changed)
        assert response.status_code == 200, response.text
        latest = (await audit(api, entity="company", id="company"))[0]
    finally:
        assert (await api.put("/v1/company", json=company)).status_code == 200
    assert (latest["action"], latest["actor"]) == ("update", await me(api))
    expected = {
        "name": {"old": company["name"], "new": changed["name"]},
        "contact.phone": {"old": company["contact"]["phone"], "new": "+32 9 000 00 00"},
    }
    if company["address"]["city"] != "Gent":
        expected["address.city"] = {"old": company["address"]["city"], "new": "Gent"}
    assert latest["changes"] == expected
    restored = (await audit(api, entity="company", id="company"))[0]
    assert restored["changes"]["name"] == {"old": changed["name"], "new": company["name"]}


async def test_a_direct_upload_is_audited_and_a_key_may_not_start_one(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    started = await api.post(
        "/v1/expenses/uploads", json={"filename": "scan.pdf", "content_type": "application/pdf", "size": 1234}
    )
    assert started.status_code == 201, started.text
    expense_id = started.json()["expense_id"]
    (entry,) = await audit(api, entity="expense", id=expense_id)
    assert (entry["action"], entry["actor"]) == ("upload", await me(api))
    assert entry["changes"]["status"] == {"old": None, "new": "processing"}
    assert entry["changes"]["media_type"] == {"old": None, "new": "application/pdf"}
    assert entry["changes"]["original_filename"] == {"old": None, "new": "scan.pdf"}
    key = await create_key(api, "accountant")
    async with with_key(system, key["key"]) as machine:
        refused = await machine.post(
            "/v1/expenses/uploads", json={"filename": "a.pdf", "content_type": "application/pdf", "size": 10}
        )
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await audit(api, entity="expense", actor=key["id"]) == []


async def test_an_import_audits_each_written_entry_and_a_dry_run_or_a_reimport_nothing(
    api: httpx.AsyncClient,
) -> None:
    company = await create_company(api)
    ada = await create_employee(api, company)
    year = random.randint(3000, 8999)
    day = f"{year}-03-02"
    header = "employee_email,date,hours,project,description\n"

    async def imported(hours: str, **params: str) -> None:
        response = await api.post(
            "/v1/imports/workdays",
            params=params,
            files={
                "file": (
                    "hours.csv",
                    f"{header}{ada['email']},{day},{hours},{company.project_id},Build\n".encode(),
                    "text/csv",
                )
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["errors"] == []

    entry_id = f"{ada['id']}/{day}/{company.project_id}"
    await imported("8", dry_run="true")
    assert await audit(api, entity="workday", id=entry_id) == []
    await imported("8")
    (created,) = await audit(api, entity="workday", id=entry_id)
    assert (created["action"], created["actor"]) == ("import", await me(api))
    assert created["changes"]["hours"]["old"] is None
    assert Decimal(created["changes"]["hours"]["new"]) == 8
    assert created["changes"]["description"] == {"old": None, "new": "Build"}
    await imported("8")  # unchanged: nothing written, nothing audited
    await imported("6.5", dry_run="true")
    assert len(await audit(api, entity="workday", id=entry_id)) == 1
    await imported("6.5")
    changed, _ = await audit(api, entity="workday", id=entry_id)
    assert set(changed["changes"]) == {"hours"}
    old, new = changed["changes"]["hours"]["old"], changed["changes"]["hours"]["new"]
    assert (Decimal(old), Decimal(new)) == (Decimal(8), Decimal("6.5"))


async def test_webhook_writes_are_audited_and_their_secret_never_is(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    async with webhook_receiver() as receiver:
        created = await api.post("/v1/webhooks", json={"url": receiver.url, "events": ["invoice.sent"]})
        assert created.status_code == 201, created.text
        endpoint = created.json()
        secret = endpoint["secret"]
        assert secret.startswith("whsec_")
        patched = await api.patch(f"/v1/webhooks/{endpoint['id']}", json={"enabled": False})
        assert patched.status_code == 200, patched.text
        assert (await api.delete(f"/v1/webhooks/{endpoint['id']}")).status_code == 204
    removed, updated, registered = await audit(api, entity="webhook", id=endpoint["id"])
    actor = await me(api)
    assert [(e["action"], e["actor"]) for e in (registered, updated, removed)] == [
        ("create", actor),
        ("update", actor),
        ("delete", actor),
    ]
    assert registered["changes"]["url"] == {"old": None, "new": receiver.url}
    assert registered["changes"]["events"] == {"old": None, "new": ["invoice.sent"]}
    assert updated["changes"] == {"enabled": {"old": True, "new": False}}
    assert removed["changes"]["url"] == {"old": receiver.url, "new": None}
    trail = (await api.get("/v1/audit", params={"entity": "webhook", "limit": 100})).text
    assert secret not in trail
    assert secret.removeprefix("whsec_") not in trail
    assert not [name for e in (registered, updated, removed) for name in e["changes"] if "secret" in name]
    assert leaks({"a webhook secret": secret}, service_logs(system.log_dir)) == []
