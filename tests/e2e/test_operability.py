"""Retrying a failed invoice, following a correlation id, and watching the workers."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.support.billing import create_company, create_employee, record_workdays, wait_for_status
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

pytestmark = pytest.mark.e2e


async def test_a_refused_invoice_fails_with_a_reason_and_a_retry_delivers_it_once(
    api: httpx.AsyncClient, smtp_server: CapturingSmtpServer
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(api, employee["id"], [{"date": "2026-05-04", "hours": "8"}])
    smtp_server.refuse(employee["email"])
    try:
        issued = (
            await api.post(
                "/v1/invoices",
                json={
                    "employee_id": employee["id"],
                    "period_start": "2026-05-01",
                    "period_end": "2026-05-31",
                },
            )
        ).json()
        [failed] = await wait_for_status(api, [issued["id"]], "failed")
        assert "refused" in failed["failure_reason"]
        assert (await api.get(f"/v1/invoices/{issued['id']}/pdf")).status_code == 200  # it was rendered
    finally:
        smtp_server.accept(employee["email"])

    retried = await api.post(f"/v1/invoices/{issued['id']}/retry")
    assert retried.status_code == 202
    assert retried.json()["status"] == "pending"
    assert retried.json()["number"] == issued["number"]
    await wait_for_status(api, [issued["id"]], "sent")
    assert len(smtp_server.to(employee["email"])) == 1

    again = await api.post(f"/v1/invoices/{issued['id']}/retry")
    assert again.status_code == 409


async def test_one_correlation_id_follows_an_invoice_from_the_request_to_the_email(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    company = await create_company(api)
    employee = await create_employee(api, company)
    await record_workdays(api, employee["id"], [{"date": "2026-04-06", "hours": "8"}])
    correlation = f"e2e-{uuid.uuid4()}"
    response = await api.post(
        "/v1/invoices",
        json={"employee_id": employee["id"], "period_start": "2026-04-01", "period_end": "2026-04-30"},
        headers={"X-Correlation-ID": correlation},
    )
    assert response.headers["x-correlation-id"] == correlation
    await wait_for_status(api, [response.json()["id"]], "sent")

    for service in ("api", "pdf-worker", "emailer"):
        lines = [json.loads(line) for line in system.log(service).splitlines() if correlation in line]
        assert lines, f"{service} logged nothing with the correlation id"
        assert all(line["correlation_id"] == correlation for line in lines)
        assert all(line["service"] == service for line in lines)


async def test_workers_answer_liveness_readiness_and_metrics(
    api: httpx.AsyncClient, system: RunningSystem
) -> None:
    async with httpx.AsyncClient() as client:
        for service in ("pdf-worker", "emailer"):
            port = system.per_service[service]["BILLFLOW_HEALTH_PORT"]
            base = f"http://127.0.0.1:{port}"
            assert (await client.get(f"{base}/livez")).status_code == 200
            ready = await client.get(f"{base}/readyz")
            assert ready.status_code == 200, ready.text
            assert all(ready.json()["checks"].values())
            metrics = (await client.get(f"{base}/metrics")).text
            assert "billflow_commands_total" in metrics
            assert 'billflow_queue_messages{queue="' in metrics
            assert "-dlq" in metrics
        ready = await client.get(
            f"http://127.0.0.1:{system.per_service['pdf-worker']['BILLFLOW_HEALTH_PORT']}/readyz"
        )
        assert "browser" in ready.json()["checks"]
        api_metrics = await client.get(f"{system.api_url}/metrics")
    assert api_metrics.status_code == 200
    assert "billflow_invoice_events_total" in api_metrics.text
