"""Billing run benchmark: N employees with a month of workdays, one billing run through the API,
timed until the SMTP server has accepted the last email; then, in the same run, the ceiling: the
same kind of invoice rendered by Playwright + Chromium alone, in a loop, at the worker's concurrency.

    .venv/bin/python -m bench.billing_run [--employees N] [--concurrency C] [--profile SECONDS]

With ``--profile``, py-spy samples the pdf-worker and the emailer for the first SECONDS of the
run and the benchmark prints where their Python time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from contextlib import AsyncExitStack, ExitStack
from datetime import date, timedelta
from decimal import Decimal

from bench.harness import Costs, cpu_by_component, percentile, profiled, running_billflow, wait_for_emails
from billflow.domain.model import BilledTo, Invoice, InvoiceLine, InvoiceStatus, Issuer
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium

MONTH_START = date(2031, 3, 1)  # a month of its own in a fresh database
WORKDAYS = [
    MONTH_START + timedelta(days=i) for i in range(31) if (MONTH_START + timedelta(days=i)).weekday() < 5
]


def sample_invoice() -> Invoice:
    lines = tuple(
        InvoiceLine(d, Decimal("8.00"), Decimal("95.00"), Decimal("760.00"), "Implementation")
        for d in WORKDAYS
    )
    subtotal = sum((line.amount for line in lines), Decimal(0))
    return Invoice(
        id=str(uuid.uuid4()),
        number="INV-2031-000001",
        status=InvoiceStatus.PENDING,
        period_start=MONTH_START,
        period_end=date(2031, 3, 31),
        issue_date=date(2031, 4, 1),
        due_date=date(2031, 5, 1),
        currency="EUR",
        lines=lines,
        subtotal=subtotal,
        tax_rate=Decimal(21),
        tax=subtotal * Decimal("0.21"),
        total=subtotal * Decimal("1.21"),
        issuer=Issuer("Billflow Demo Ltd", "1 Example Street\n1000 Brussels", "BE0123456789"),
        billed_to=BilledTo("Bench Worker", "bench@example.com"),
        employee_id="e",
    )


async def ceiling(renders: int, concurrency: int) -> float:
    """Renders per second of Chromium alone, with the worker's renderer and concurrency."""
    invoice = sample_invoice()
    async with AsyncExitStack() as stack:
        renderer = PlaywrightPdfRenderer(find_chromium(None))
        await renderer.start(stack)
        await renderer.render(invoice)  # warm
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                await renderer.render(invoice)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(renders)))
        return renders / (time.perf_counter() - started)


async def main(employees: int, concurrency: int, profile: int) -> None:
    tops: dict[str, Costs] = {}
    async with running_billflow(concurrency) as bench:
        api = bench.api
        department = (await api.post("/v1/departments", json={"name": "Bench"})).json()["id"]
        project = (await api.post("/v1/projects", json={"name": "Bench", "tax_rate": "21"})).json()["id"]
        gate = asyncio.Semaphore(8)
        emails: set[str] = set()

        async def seed(i: int) -> None:
            async with gate:
                email = f"bench-{i}-{uuid.uuid4().hex[:6]}@example.com"
                employee = (
                    await api.post(
                        "/v1/employees",
                        json={
                            "full_name": f"Bench Worker {i}",
                            "email": email,
                            "department_id": department,
                            "project_id": project,
                            "hourly_rate": "95.00",
                            "currency": "EUR",
                        },
                    )
                ).json()
                await api.put(
                    f"/v1/employees/{employee['id']}/workdays",
                    json={
                        "workdays": [
                            {"date": d.isoformat(), "hours": "8", "description": "Implementation"}
                            for d in WORKDAYS
                        ]
                    },
                )
                emails.add(email)

        seeding = time.perf_counter()
        await asyncio.gather(*(seed(i) for i in range(employees)))
        seeded_in = time.perf_counter() - seeding
        await asyncio.sleep(2)  # let the services settle before measuring

        cpu_before = cpu_by_component(bench.system)
        with ExitStack() as spies:
            if profile:
                for name in ("pdf-worker", "emailer", "planner"):
                    pid = bench.system.processes[name].pid
                    tops[name] = spies.enter_context(profiled(pid, profile, label=name))
            started = time.monotonic()
            response = await api.post(
                "/v1/billing-runs", json={"period_start": "2031-03-01", "period_end": "2031-03-31"}
            )
            issued_in = time.monotonic() - started
            assert response.status_code == 202, response.text
            await wait_for_emails(bench.smtp, emails, within=60 + employees * 2)
        arrivals = sorted(m.at for m in bench.smtp.messages)
        elapsed = arrivals[-1] - started
        cpu_after = cpu_by_component(bench.system)
        latencies = [t - started for t in arrivals]

    per_second = employees / elapsed
    top = await ceiling(max(40, min(employees, 200)), concurrency)
    cpu = {name: (cpu_after[name] - cpu_before.get(name, 0)) / employees for name in cpu_after}
    print(
        f"billing run: {employees} invoices, worker concurrency {concurrency} (seeded in {seeded_in:.1f} s)"
    )
    print(f"  POST /v1/billing-runs answered in      {issued_in * 1000:8.0f} ms")
    print(f"  time to first email                    {latencies[0]:8.2f} s")
    print(f"  last email after                       {elapsed:8.2f} s")
    print(f"  throughput                             {per_second:8.2f} invoices/s")
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    print(f"  latency request -> email  p50 / p99    {p50:8.2f} / {p99:.2f} s")
    print(f"  CPU per invoice, every process         {sum(cpu.values()) * 1000:8.1f} ms")
    for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<36} {seconds * 1000:8.1f} ms")
    print(f"  ceiling: Chromium alone                {top:8.2f} renders/s")
    print(f"  pipeline / ceiling                     {per_second / top:8.2f}")
    own = sum(cpu.get(name, 0.0) for name in ("api", "pdf-worker", "emailer", "planner"))
    chromium = cpu.get("pdf-worker (Chromium)", 0.0)
    if chromium:
        print(f"  Billflow's own (api + pdf-worker + emailer + planner) / Chromium  {own / chromium:.2f}")
    for name, costs in tops.items():
        print(f"  py-spy, {name} during the first {profile} s: where the time goes")
        for share, where in costs():
            print(f"    {share:5.1f} %  {where}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--profile", type=int, default=0, help="seconds of py-spy sampling (0: none)")
    args = parser.parse_args()
    asyncio.run(main(args.employees, args.concurrency, args.profile))
