"""No secret reaches a log. Runs last among the e2e tests (file order), so the service logs it
reads hold the whole run: every login, token, failure and forgery the other tests made."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.conftest import ADMIN_PASSWORD
from tests.support.system import RunningSystem
from tests.support.users import PASSWORD, create_user

pytestmark = pytest.mark.e2e


async def test_passwords_tokens_and_keys_never_appear_in_any_service_log(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    canary = f"canary-password-{uuid.uuid4().hex}"
    account = await create_user(api, "viewer")
    async with httpx.AsyncClient(base_url=system.api_url) as client:
        # A failed login, a successful one, and requests that fail with each kind of token.
        await client.post("/v1/auth/token", json={"email": account.email, "password": canary})
        await client.post("/v1/auth/token", json={"email": f"{canary}@example.com", "password": canary})
        fresh = await client.post("/v1/auth/token", json={"email": account.email, "password": PASSWORD})
        token = fresh.json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        await client.get(f"/v1/invoices/{uuid.uuid4()}", headers=bearer)
        await client.get("/v1/users", headers=bearer)
        await client.post("/v1/departments", json={"name": canary}, headers=bearer)
        await client.get("/v1/me", headers={"Authorization": f"Bearer {token}x"})
        await client.get("/v1/me", headers={"Authorization": f"Bearer {canary}"})

    secrets = {
        "admin password": ADMIN_PASSWORD,
        "users' password": PASSWORD,
        "a failed login's password": canary,
        "JWT secret": system.env["BILLFLOW_JWT_SECRET"],
        "the admin's token": api.headers["Authorization"].removeprefix("Bearer "),
        "a user's token": account.token,
        "a fresh token": token,
        "a token's signature": token.rsplit(".", 1)[1],
    }
    for name in ("SMTP_PASSWORD", "AWS_SECRET_ACCESS_KEY"):
        if len(system.env.get(name, "")) >= 8:  # LocalStack's "test" is too short to search for
            secrets[name] = system.env[name]
    logs = {path.name: path.read_text(errors="replace") for path in system.log_dir.glob("*.log")}
    assert {"api.log", "pdf-worker.log", "emailer.log"} <= set(logs)
    assert sum(len(text) for text in logs.values()) > 0
    leaks = [(what, log) for what, value in secrets.items() for log, text in logs.items() if value in text]
    assert leaks == []
