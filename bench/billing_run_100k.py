"""Billing runs of any size (issue 17): a run of N employees (100,000 by default) whose workdays are
seeded straight into PostgreSQL, through the running system: the POST's latency, the planner's
rate, the API's and the planner's peak RSS while it plans, the time to the first email, and the
first ``--first`` invoices end to end (rendering all of them is not the point). Then, with
``--statements N``, a month's statements for N users fanned out and all sent.

    .venv/bin/python -m bench.billing_run_100k [--employees N] [--workdays D] [--first K]
        [--statements U] [--isolate-planning]

``--isolate-planning`` stops the pdf-worker and the emailer while the run is planned (the rate of
the planner alone on the machine), then starts them for the end-to-end part.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import psutil

from bench.harness import Bench, cpu_by_component, running_billflow

MONTH_START = date(2032, 3, 1)  # a month of its own in a fresh database


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20
    except psutil.Error:
        return 0.0


def received(bench: Bench, prefix: str) -> list[float]:
    """When each email to an address starting with ``prefix`` arrived, in order."""
    return sorted(m.at for m in bench.smtp.messages if any(r.startswith(prefix) for r in m.rcpt_tos))


async def wait_for_count(bench: Bench, prefix: str, count: int, within: float) -> list[float]:
    """Until the SMTP server holds ``count`` emails to ``prefix``... (bounded: a benchmark that
    stalls says so); their arrival times."""
    deadline = time.monotonic() + within
    while len(arrivals := received(bench, prefix)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(arrivals)} of {count} emails after {within} s")
        await asyncio.sleep(0.2)
    return arrivals


async def seed_employees(database_url: str, employees: int, workdays: int) -> None:
    days = [MONTH_START + timedelta(days=i) for i in range(31)]
    days = [d for d in days if d.weekday() < 5][:workdays]
    conn = await asyncpg.connect(database_url)
    try:
        department, project = uuid.uuid4(), uuid.uuid4()
        await conn.execute("INSERT INTO departments (id, name) VALUES ($1, 'Bench')", department)
        await conn.execute("INSERT INTO projects (id, name, tax_rate) VALUES ($1, 'Bench', 21)", project)
        await conn.execute(
            "INSERT INTO employees (id, full_name, email, department_id, project_id, hourly_rate, currency)"
            " SELECT gen_random_uuid(), 'Bench Worker ' || n, 'bench-' || n || '@example.com', $1, $2,"
            " 95, 'EUR' FROM generate_series(1, $3) AS n",
            department,
            project,
            employees,
        )
        await conn.execute(
            "INSERT INTO workdays (employee_id, day, hours, description, project_id)"
            " SELECT e.id, d, 8, 'Implementation', e.project_id FROM employees e, unnest($1::date[]) AS d",
            days,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def billing_run(bench: Bench, employees: int, workdays: int, first: int, isolate: bool) -> None:
    seeding = time.perf_counter()
    await seed_employees(bench.database_url, employees, workdays)
    seeded_in = time.perf_counter() - seeding
    system, api = bench.system, bench.api
    await asyncio.sleep(2)  # let the services settle before measuring
    if isolate:
        system.stop("pdf-worker")
        system.stop("emailer")
    cpu_before = cpu_by_component(system)
    peak = {"api": 0.0, "planner": 0.0}

    async def sample() -> None:
        while True:
            for name in peak:
                peak[name] = max(peak[name], rss_mb(system.processes[name].pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    end = MONTH_START.replace(day=31)
    response = await api.post(
        "/v1/billing-runs", json={"period_start": MONTH_START.isoformat(), "period_end": end.isoformat()}
    )
    answered_in = time.monotonic() - started
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    planning_started: float | None = None
    while True:
        progress = (await api.get(f"/v1/billing-runs/{run_id}")).json()
        if planning_started is None and progress["issued"] > 0:
            planning_started = time.monotonic()
        if progress["status"] == "issued":
            break
        await asyncio.sleep(0.5)
    planned_in = time.monotonic() - started
    sampler.cancel()
    cpu_planning = cpu_by_component(system)
    issued = progress["issued"]
    if isolate:
        system.start("pdf-worker")
        system.start("emailer")
    arrivals = await wait_for_count(bench, "bench-", first, within=1800)

    print(f"billing run: {employees} employees x {workdays} workdays (seeded in {seeded_in:.1f} s)")
    print(f"  POST /v1/billing-runs answered in        {answered_in * 1000:8.0f} ms")
    print(f"  planned (POST -> issued)                 {planned_in:8.1f} s for {issued} invoices")
    print(f"  planning rate                            {issued / planned_in:8.0f} invoices/s")
    if planning_started is not None:
        print(f"  first chunk committed after              {planning_started - started:8.2f} s")
    print(f"  peak RSS while planning: api             {peak['api']:8.0f} MB")
    print(f"  peak RSS while planning: planner         {peak['planner']:8.0f} MB")
    print(f"  time to first email                      {arrivals[0] - started:8.2f} s")
    print(f"  first {first} emails after                  {arrivals[first - 1] - started:8.1f} s")
    print("  CPU while planning, by component (s)")
    for name, seconds in sorted(cpu_planning.items(), key=lambda kv: -kv[1]):
        spent = seconds - cpu_before.get(name, 0)
        if spent > 0.05:
            print(f"    {name:<38} {spent:8.1f}")


async def seed_statements(database_url: str, users: int, month_start: datetime) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO users (id, email, password_hash, role)"
            " SELECT gen_random_uuid(), 'uploader-' || n || '@example.com', 'x', 'viewer'"
            " FROM generate_series(1, $1) AS n",
            users,
        )
        await conn.execute(
            "INSERT INTO expenses (id, user_id, status, file_key, media_type, original_filename, vendor,"
            " currency, total, uploaded_at)"
            " SELECT gen_random_uuid(), u.id, 'confirmed', 'expenses/bench/' || u.id || '.pdf',"
            " 'application/pdf', 'receipt.pdf', 'Bench Vendor', 'EUR', 12.50, $1"
            " FROM users u WHERE u.email LIKE 'uploader-%'",
            month_start + timedelta(days=3),
        )
    finally:
        await conn.close()


async def statements(bench: Bench, users: int) -> None:
    month_start = datetime(2032, 5, 1, tzinfo=UTC)
    # The statements alone: the billing run's remaining invoices stop at the pdf-worker.
    bench.system.stop("pdf-worker")
    await seed_statements(bench.database_url, users, month_start)
    peak = 0.0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_mb(bench.system.processes["emailer"].pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    started = time.monotonic()
    response = await bench.api.post("/v1/statements", json={"month": "2032-05"})
    assert response.status_code == 202, response.text
    arrivals = await wait_for_count(bench, "uploader-", users, within=3600)
    took = time.monotonic() - started
    sampler.cancel()
    print(f"statements: {users} users, one expense each")
    print(f"  first statement after                    {arrivals[0] - started:8.2f} s")
    print(f"  all {users} sent after                    {took:8.1f} s ({users / took:.0f}/s)")
    print(f"  emailer peak RSS                         {peak:8.0f} MB")


async def main(args: argparse.Namespace) -> None:
    async with running_billflow(args.concurrency) as bench:
        if args.employees:
            await billing_run(bench, args.employees, args.workdays, args.first, args.isolate_planning)
        if args.statements:
            await statements(bench, args.statements)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--workdays", type=int, default=21)
    parser.add_argument("--first", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--isolate-planning", action="store_true")
    asyncio.run(main(parser.parse_args()))
