"""No secret reaches a log. The test makes the hostile traffic it checks (failed logins, forged,
tampered and stale tokens, refused requests), so it holds whatever order the tests run in; the e2e
session's end checks the whole run's logs for the standing secrets too (conftest)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.support.secrets import leaks as find_leaks
from tests.support.secrets import service_logs, standing_secrets
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
        **standing_secrets(system, api.headers["Authorization"].removeprefix("Bearer ")),
        "a failed login's password": canary,
        "a user's token": account.token,
        "a fresh token": token,
        "a token's signature": token.rsplit(".", 1)[1],
    }
    logs = service_logs(system.log_dir)
    assert {"api.log", "pdf-worker.log", "emailer.log"} <= set(logs)
    assert sum(len(text) for text in logs.values()) > 0
    leaks = find_leaks(secrets, logs)
    assert leaks == []
