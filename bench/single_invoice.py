"""Single invoice latency on an idle system: POST /v1/invoices until the SMTP server accepted the
email, one invoice at a time.

    .venv/bin/python -m bench.single_invoice [--repetitions 50]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from typing import Any

import httpx

from bench.harness import Bench, percentile, running_billflow, wait_for_emails


async def main(repetitions: int) -> None:
    async with running_billflow() as bench:
        api = bench.api
        department = (await api.post("/v1/departments", json={"name": "Latency"})).json()["id"]
        project = (await api.post("/v1/projects", json={"name": "Latency"})).json()["id"]
        latencies: list[float] = []
        for i in range(repetitions + 3):  # the first three warm the pipeline up
            email = f"single-{i}-{uuid.uuid4().hex[:6]}@example.com"
            employee = await employee_with_a_workday(
                api, f"Single {i}", email, department, project, "2031-06-02"
            )
            await asyncio.sleep(0.2)
            started = time.monotonic()
            response = await api.post(
                "/v1/invoices",
                json={
                    "employee_id": employee["id"],
                    "period_start": "2031-06-01",
                    "period_end": "2031-06-30",
                },
            )
            assert response.status_code == 202, response.text
            await wait_for_emails(bench.smtp, {email}, within=60)
            [mail] = bench.smtp.to(email)
            if i >= 3:
                latencies.append(mail.at - started)
        cold = await cold_start(bench, department, project)
    print(f"single invoice, POST to email accepted, {repetitions} repetitions on an idle system")
    print(
        f"  p50 {percentile(latencies, 50):.3f} s   p99 {percentile(latencies, 99):.3f} s   "
        f"min {min(latencies):.3f} s   max {max(latencies):.3f} s"
    )
    print(f"pdf-worker cold start: process started -> first invoice rendered {cold:.2f} s")


async def employee_with_a_workday(
    api: httpx.AsyncClient, name: str, email: str, department: str, project: str, day: str
) -> dict[str, Any]:
    employee: dict[str, Any] = (
        await api.post(
            "/v1/employees",
            json={
                "full_name": name,
                "email": email,
                "department_id": department,
                "project_id": project,
                "hourly_rate": "100",
                "currency": "EUR",
            },
        )
    ).json()
    await api.put(
        f"/v1/employees/{employee['id']}/workdays", json={"workdays": [{"date": day, "hours": "8"}]}
    )
    return employee


async def cold_start(bench: Bench, department: str, project: str) -> float:
    """An invoice waits in the queue while the pdf-worker is stopped; then the worker starts, and
    the clock runs until the invoice is rendered (imports, connections, Chromium, the render)."""
    api = bench.api
    bench.system.stop("pdf-worker")
    email = f"cold-{uuid.uuid4().hex[:6]}@example.com"
    employee = await employee_with_a_workday(api, "Cold Start", email, department, project, "2031-07-01")
    invoice = (
        await api.post(
            "/v1/invoices",
            json={"employee_id": employee["id"], "period_start": "2031-07-01", "period_end": "2031-07-31"},
        )
    ).json()
    await asyncio.sleep(1)  # the command is in the queue
    started = time.monotonic()
    bench.system.start("pdf-worker")
    while (await api.get(f"/v1/invoices/{invoice['id']}")).json()["status"] == "pending":
        if time.monotonic() - started > 60:
            raise TimeoutError("the pdf-worker did not render within 60 s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repetitions", type=int, default=50)
    asyncio.run(main(parser.parse_args().repetitions))
