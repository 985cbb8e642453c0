"""Client billing run benchmark: C clients with P people each and every weekday of a month of time
entries, seeded straight into PostgreSQL; one ``POST /v1/billing-runs {kind: "clients"}`` through
the API, timed, then its invoices checked (one per client, gapless numbers) and the time until the
last email was accepted.

    .venv/bin/python -m bench.client_billing_run [--clients 200] [--people 25]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg

from bench.harness import running_billflow, wait_for_emails

MONTH_START = date(2032, 3, 1)
MONTH_END = date(2032, 3, 31)
WEEKDAYS = [
    MONTH_START + timedelta(days=i) for i in range(31) if (MONTH_START + timedelta(days=i)).weekday() < 5
]


async def seed(database_url: str, clients: int, people: int) -> set[str]:
    """Clients, one project each at 21 % (every third at 6 %), ``people`` employees on it (every
    fifth with a member rate of their own), 8 hours every weekday. Returns the clients' emails."""
    conn = await asyncpg.connect(database_url)
    try:
        department = uuid.uuid4()
        await conn.execute("INSERT INTO departments (id, name) VALUES ($1, 'Bench')", department)
        client_rows: list[tuple[object, ...]] = []
        project_rows: list[tuple[object, ...]] = []
        employee_rows: list[tuple[object, ...]] = []
        member_rows: list[tuple[object, ...]] = []
        workday_rows: list[tuple[object, ...]] = []
        for c in range(clients):
            client, project = uuid.uuid4(), uuid.uuid4()
            client_rows.append(
                (client, f"Client {c:04d}", f"client{c}@bench.example", "Main St 1", "Brussels", "1000", "BE",
                 "EUR")
            )  # fmt: skip
            project_rows.append(
                (project, f"Project {c:04d}", Decimal(6 if c % 3 == 0 else 21), client, Decimal(110))
            )
            for p in range(people):
                employee = uuid.uuid4()
                employee_rows.append(
                    (employee, f"Person {c:04d}-{p:02d}", f"p{c}-{p}@bench.example", department, project,
                     Decimal(60), "EUR")
                )  # fmt: skip
                if p % 5 == 0:
                    member_rows.append((project, employee, Decimal(135)))
                workday_rows.extend((employee, d, Decimal(8), project) for d in WEEKDAYS)
        await conn.copy_records_to_table(
            "clients",
            records=client_rows,
            columns=["id", "name", "email", "street", "city", "postal_code", "country", "currency"],
        )
        await conn.copy_records_to_table(
            "projects", records=project_rows, columns=["id", "name", "tax_rate", "client_id", "hourly_rate"]
        )
        await conn.copy_records_to_table(
            "employees",
            records=employee_rows,
            columns=["id", "full_name", "email", "department_id", "project_id", "hourly_rate", "currency"],
        )
        await conn.copy_records_to_table(
            "project_members", records=member_rows, columns=["project_id", "employee_id", "hourly_rate"]
        )
        await conn.copy_records_to_table(
            "workdays", records=workday_rows, columns=["employee_id", "day", "hours", "project_id"]
        )
        await conn.execute("ANALYZE")
        print(f"Seeded {clients} clients, {len(employee_rows)} people, {len(workday_rows)} time entries.")
        return {str(r[2]) for r in client_rows}
    finally:
        await conn.close()


async def main(clients: int, people: int) -> None:
    async with running_billflow() as bench:
        emails = await seed(bench.database_url, clients, people)
        started = time.perf_counter()
        response = await bench.api.post(
            "/v1/billing-runs",
            json={
                "period_start": MONTH_START.isoformat(),
                "period_end": MONTH_END.isoformat(),
                "kind": "clients",
            },
        )
        answered = time.perf_counter() - started
        response.raise_for_status()
        run = response.json()
        numbers = []
        for invoice_id in run["invoice_ids"]:
            numbers.append((await bench.api.get(f"/v1/invoices/{invoice_id}")).json()["number"])
        sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
        gapless = sequence == list(range(sequence[0], sequence[0] + len(sequence))) if sequence else False
        await wait_for_emails(bench.smtp, emails, within=600)
        delivered = time.perf_counter() - started
        print(f"POST /v1/billing-runs (clients) answered in {answered:.2f} s")
        print(f"Invoices issued: {len(run['invoice_ids'])} (expected {clients}); numbers gapless: {gapless}")
        print(f"All {clients} emails accepted {delivered:.1f} s after the POST")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--people", type=int, default=25)
    args = parser.parse_args()
    asyncio.run(main(args.clients, args.people))
