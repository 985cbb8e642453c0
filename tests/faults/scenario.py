"""Running a billing run of many invoices and checking, at the end, that nothing was lost or sent
twice: every invoice sent (or failed with a reason), one email and one PDF each, queues drained."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg
import httpx

from tests.support.billing import create_company, create_employee, record_workdays
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem

INVOICES = 50


@dataclass
class Run:
    run_id: str
    invoice_ids: list[str]
    emails: dict[str, str]  # invoice id -> employee email
    started: float = field(default_factory=time.monotonic)


@dataclass
class Accepted:
    run_id: str
    employees: list[dict[str, Any]]
    started: float = field(default_factory=time.monotonic)


async def accept_billing_run(api: httpx.AsyncClient, n: int = INVOICES) -> Accepted:
    """``n`` employees with a workday in a period no other test bills, and a run for it, accepted
    (``planning``)."""
    year = random.randint(3000, 9000)
    company = await create_company(api, tax_rate="10")
    employees = await asyncio.gather(
        *(create_employee(api, company, name=f"Fault {i}", rate="50") for i in range(n))
    )
    await asyncio.gather(
        *(record_workdays(api, e["id"], [{"date": f"{year}-02-02", "hours": "8"}]) for e in employees)
    )
    response = await api.post(
        "/v1/billing-runs", json={"period_start": f"{year}-02-01", "period_end": f"{year}-02-28"}
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "planning"
    return Accepted(response.json()["id"], list(employees))


async def issued(api: httpx.AsyncClient, accepted: Accepted) -> Run:
    """The run once the planner has issued an invoice to each of its employees."""
    body = await run_issued(api, accepted.run_id)
    assert len(body["invoice_ids"]) == len(accepted.employees)
    invoices = [(await api.get(f"/v1/invoices/{i}")).json() for i in body["invoice_ids"]]
    by_employee = {e["id"]: e["email"] for e in accepted.employees}
    return Run(
        body["id"],
        body["invoice_ids"],
        {inv["id"]: by_employee[inv["employee_id"]] for inv in invoices},
        accepted.started,
    )


async def start_billing_run(api: httpx.AsyncClient, n: int = INVOICES) -> Run:
    return await issued(api, await accept_billing_run(api, n))


async def run_issued(api: httpx.AsyncClient, run_id: str, within: float = 180) -> dict[str, Any]:
    """The run's progress once the planner has issued it (a 503 retried, as in ``counts``)."""
    deadline = time.monotonic() + within
    while True:
        response = await api.get(f"/v1/billing-runs/{run_id}")
        if response.status_code == 200 and response.json()["status"] == "issued":
            progress: dict[str, Any] = response.json()
            return progress
        if time.monotonic() > deadline:
            raise TimeoutError(f"billing run not issued after {within}s: {response.text}")
        await asyncio.sleep(0.25)


async def counts(api: httpx.AsyncClient, run: Run) -> dict[str, int]:
    for _ in range(20):  # a client retries a 503 (the API's database connection was cut)
        response = await api.get(f"/v1/billing-runs/{run.run_id}")
        if response.status_code == 200:
            result: dict[str, int] = response.json()["counts"]
            return result
        await asyncio.sleep(0.25)
    raise AssertionError(f"the API keeps answering {response.status_code}: {response.text}")


async def wait_until(api: httpx.AsyncClient, run: Run, predicate: Any, within: float = 180) -> dict[str, int]:
    deadline = time.monotonic() + within
    while True:
        current = await counts(api, run)
        if predicate(current):
            return current
        if time.monotonic() > deadline:
            raise TimeoutError(f"billing run still at {current} after {within}s")
        await asyncio.sleep(0.25)


def queue_counts(sqs: Any, name: str) -> tuple[int, int]:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


async def settle_queues(sqs: Any, names: list[str], within: float = 30) -> dict[str, tuple[int, int]]:
    """Wait for the work queues to drain (redelivered duplicates are still being acked)."""
    deadline = time.monotonic() + within
    while True:
        found = {name: queue_counts(sqs, name) for name in names}
        if all(v == (0, 0) for v in found.values()) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


async def verify(
    scenario: str,
    api: httpx.AsyncClient,
    run: Run,
    smtp: CapturingSmtpServer,
    system: RunningSystem,
    sqs: Any,
    s3: Any,
    postgres_url: str,
    *,
    expected_dead_letters: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    final = await wait_until(api, run, lambda c: c["pending"] == c["rendered"] == 0)
    seconds = round(time.monotonic() - run.started, 1)
    invoices = [(await api.get(f"/v1/invoices/{i}")).json() for i in run.invoice_ids]
    failed = [inv for inv in invoices if inv["status"] == "failed"]
    assert all(inv["failure_reason"] for inv in failed)

    conn = await asyncpg.connect(postgres_url)
    try:
        rows = await conn.fetch(
            "SELECT invoice_id::text, takeovers, attempts FROM email_deliveries"
            " WHERE invoice_id = ANY($1::uuid[])",
            run.invoice_ids,
        )
    finally:
        await conn.close()
    takeovers = {r["invoice_id"] for r in rows if r["takeovers"] > 0}

    emails_total = 0
    duplicates: list[str] = []
    for inv in invoices:
        mails = smtp.to(run.emails[inv["id"]])
        emails_total += len(mails)
        message_ids = {m.message["Message-ID"] for m in mails}
        if inv["status"] == "sent":
            assert len(message_ids) == 1, (inv["number"], message_ids)
            assert inv["number"] in mails[0].message["Subject"]
        if len(mails) > 1:
            duplicates.append(inv["number"])
            # A resend happens only over a claim whose sender vanished mid-send (the documented window).
            assert inv["id"] in takeovers, (inv["number"], len(mails))

    year = date.today().year
    pdfs = 0
    for inv in invoices:
        if inv["status"] == "sent":
            s3.head_object(Bucket=system.env["BILLFLOW_BUCKET"], Key=f"invoices/{year}/{inv['number']}.pdf")
            pdfs += 1

    render, delivery = system.env["BILLFLOW_RENDER_QUEUE"], system.env["BILLFLOW_DELIVERY_QUEUE"]
    queues = await settle_queues(sqs, [render, delivery])
    assert queues == {render: (0, 0), delivery: (0, 0)}, queues
    dead = sum(queue_counts(sqs, f"{name}-dlq")[0] for name in (render, delivery))
    assert dead == expected_dead_letters

    return {
        "scenario": scenario,
        "invoices": len(invoices),
        "sent": final["sent"],
        "failed": final["failed"],
        "emails_at_smtp_server": emails_total,
        "distinct_message_ids": sum(
            len({m.message["Message-ID"] for m in smtp.to(run.emails[i])}) for i in run.invoice_ids
        ),
        "resent_after_takeover": len(duplicates),
        "takeovers": len(takeovers),
        "pdfs_in_s3": pdfs,
        "dead_letters": dead,
        "seconds": seconds,
        **extra,
    }


def outcomes(invoices: list[dict[str, Any]]) -> Counter[str]:
    return Counter(inv["status"] for inv in invoices)
