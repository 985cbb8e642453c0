"""Users of each role, made through the public API, and clients logged in as them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.billing import unique_email

PASSWORD = "a-long-enough-password"


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    token: str


async def create_user(
    api: httpx.AsyncClient, role: str, employee_id: str | None = None, *, source: str | None = None
) -> Account:
    body: dict[str, Any] = {"email": unique_email(role), "password": PASSWORD, "role": role}
    if employee_id is not None:
        body["employee_id"] = employee_id
    created = await api.post("/v1/users", json=body)
    assert created.status_code == 201, created.text
    login = await api.post("/v1/auth/token", json={"email": body["email"], "password": PASSWORD})
    assert login.status_code == 200, login.text
    return Account(created.json()["id"], body["email"], login.json()["access_token"])


@contextlib.asynccontextmanager
async def client_as(base_url: str, account: Account) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {account.token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        yield client
