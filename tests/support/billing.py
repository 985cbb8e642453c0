"""Building a small company through the public API, and waiting on invoices."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx


def unique_email(prefix: str = "employee") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@dataclass(frozen=True)
class Company:
    department_id: str
    project_id: str


async def create_company(api: httpx.AsyncClient, tax_rate: str = "21") -> Company:
    department = await api.post("/v1/departments", json={"name": "Engineering"})
    assert department.status_code == 201, department.text
    project = await api.post("/v1/projects", json={"name": "Apollo", "tax_rate": tax_rate})
    assert project.status_code == 201, project.text
    return Company(department.json()["id"], project.json()["id"])


async def create_employee(
    api: httpx.AsyncClient,
    company: Company,
    *,
    name: str = "Ada Lovelace",
    rate: str = "85.50",
    currency: str = "EUR",
    email: str | None = None,
) -> dict[str, Any]:
    response = await api.post(
        "/v1/employees",
        json={
            "full_name": name,
            "email": email or unique_email(),
            "department_id": company.department_id,
            "project_id": company.project_id,
            "hourly_rate": rate,
            "currency": currency,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def record_workdays(api: httpx.AsyncClient, employee_id: str, days: list[dict[str, Any]]) -> None:
    response = await api.put(f"/v1/employees/{employee_id}/workdays", json={"workdays": days})
    assert response.status_code == 200, response.text


async def wait_for_status(
    api: httpx.AsyncClient, invoice_ids: list[str], status: str, within: float = 60
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within
    while True:
        invoices = [(await api.get(f"/v1/invoices/{i}")).json() for i in invoice_ids]
        if all(inv["status"] == status for inv in invoices):
            return invoices
        if any(inv["status"] == "failed" for inv in invoices) and status != "failed":
            failed = [
                (inv["number"], inv.get("failure_reason")) for inv in invoices if inv["status"] == "failed"
            ]
            raise AssertionError(f"invoices failed: {failed}")
        if time.monotonic() > deadline:
            states = sorted({inv["status"] for inv in invoices})
            raise TimeoutError(f"invoices still in {states} after {within}s")
        await asyncio.sleep(0.2)


async def wait_for_run_issued(api: httpx.AsyncClient, run_id: str, within: float = 120) -> dict[str, Any]:
    """Poll a billing run accepted ``planning`` until the planner has issued it; its progress."""
    deadline = time.monotonic() + within
    while True:
        response = await api.get(f"/v1/billing-runs/{run_id}")
        if response.status_code == 200 and response.json()["status"] == "issued":
            progress: dict[str, Any] = response.json()
            return progress
        if time.monotonic() > deadline:
            raise TimeoutError(f"billing run {run_id} not issued after {within}s: {response.text}")
        await asyncio.sleep(0.2)
